/*
 * ledger.h - the run's bookkeeping in PostgreSQL (sql/002_ledger.sql, 003_findings.sql):
 * the run record and its status, and the transaction that records a run's notices
 * (numbered), exclusions and findings all at once.
 *
 * Status: running (record written, nothing recorded) -> recorded (ledger committed,
 * files may be missing) -> done (files written). A run killed before `recorded` left
 * nothing but its `running` record, which the next run marks failed; one killed after
 * it is finished from the ledger by the next run, without a new scan.
 */
#ifndef KIGEN_LEDGER_H
#define KIGEN_LEDGER_H

#include <stdbool.h>

#include "../common/error.h"
#include "../common/kdate.h"
#include "../db/db.h"
#include "forms_ledger.h"
#include "select.h"

typedef enum ledger_status {
    LEDGER_NONE = 0, /* no usable run for the date */
    LEDGER_RECORDED, /* ledger committed, outputs not confirmed */
    LEDGER_DONE      /* ledger and outputs complete */
} ledger_status;

/* The run of run_date that recorded its ledger, if any; runs left `running` by a
 * killed process are marked `failed` on the way. */
kg_err ledger_find_run(db_conn *conn, kdate run_date, ledger_status *status, long *run_id,
                       kg_errbuf *errbuf);

/* Inserts the run record (status running, committed at once) and returns its id. */
kg_err ledger_start_run(db_conn *conn, kdate run_date, const char *version, const char *config_json,
                        long *run_id, kg_errbuf *errbuf);

/* Opens the recording transaction on conn (holding the schedule lock: schedule.h) and
 * the COPY of the run's rows. */
kg_err ledger_begin(db_conn *conn, kg_errbuf *errbuf);

/* Who a notice goes to, as it will be printed (copied into kigen.notices). */
typedef struct ledger_addressee {
    const char *office_code; /* "" when none */
    const char *postal_code; /* "" when none */
    const char *family_name, *given_name, *address, *banchi, *address2;
    bool to_representative; /* under 15 on the run date */
} ledger_addressee;

/* Adds one certificate's outcome (notices, exclusions; an E7 mismatch also as a
 * finding; a final outcome marks the certificate settled: D28). Not-due, already-noticed
 * and already-excluded certificates are not recorded. */
kg_err ledger_add(db_conn *conn, const select_resident *res, const ledger_addressee *to,
                  const select_cert *cert, const select_result *result, kg_errbuf *errbuf);

/* Numbers the notices (YYYYMMDD-nnnnnn in print order: office, postal code, address,
 * resident), places them in print files (notices-<office>-<nnn>.pdf, notices_per_file
 * each, pages_per_notice pages each), writes notices, their forms and the inquiries
 * (forms_ledger.h; forms NULL: none), exclusions and findings, marks
 * settled certificates, sets status recorded with the counts, commits. */
kg_err ledger_commit(db_conn *conn, long run_id, kdate run_date, const char *counts_json,
                     int notices_per_file, int pages_per_notice, const forms_setup *forms,
                     kg_errbuf *errbuf);

/* Sets status done and the end time. */
kg_err ledger_mark_done(db_conn *conn, long run_id, kg_errbuf *errbuf);

#endif
