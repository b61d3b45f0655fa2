/*
 * print.h - the run's print files (notices-<office>-<nnn>.pdf, docs/formats.md), rendered
 * from the ledger: which notice goes in which file and on which page was decided when the
 * run recorded them (ledger.h), so a re-run or a restart after a crash draws the very
 * same files.
 *
 * Files are rendered in parallel, one file per worker thread at a time; each worker has
 * its own database connection, fonts, painter and Cairo surface, and shares nothing but
 * the next file's index. Notice files hold each notice followed by its enclosed form (when
 * the run has an enclosure template); forms files (forms-<office>-<nnn>.pdf) hold the
 * night's inquiries. Each file is written to a private (0600) temporary name, fsynced
 * and renamed (outputs.h): a file under its final name is always complete.
 */
#ifndef KIGEN_PRINT_H
#define KIGEN_PRINT_H

#include "../common/error.h"
#include "../common/kdate.h"
#include "../common/log.h"
#include "../db/db.h"
#include "run_templates.h"

typedef struct print_job {
    const db_target *db;            /* the run's database: each worker connects to it */
    const run_templates *templates; /* notice, enclosure (optional), inquiry */
    const char *dir;                /* the run's output folder, existing */
    kdate run_date;
    int threads; /* workers; 0: one per core */
    const log_sink *log;
} print_job;

typedef struct print_totals {
    long files;
    long pages;
    int threads;        /* workers used */
    double cpu_seconds; /* CPU time of the workers (user and system), summed */
} print_totals;

/* Renders every print file of the run date. The first failure (a notice that does not
 * fit, a character no font has, a full disk) stops the job and is returned with the file
 * and notice named; files finished before it stay complete under their names. */
kg_err print_notices(const print_job *job, print_totals *totals, kg_errbuf *errbuf);

#endif
