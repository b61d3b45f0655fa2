/*
 * xlsx_audit.h - the auditor workbook (audit.xlsx) of a period of runs, from the ledger.
 *
 * Sheets Summary, Notices, Excluded, Recent movers, Forms, Forecast. Rows stream from
 * the database by COPY into libxlsxwriter's constant-memory mode: memory stays flat
 * whatever the period. xlsx_audit_write writes one file at the path given;
 * xlsx_audit_write_atomic makes it a kigen output file (common/out_file.h).
 */
#ifndef KIGEN_XLSX_AUDIT_H
#define KIGEN_XLSX_AUDIT_H

#include "common/error.h"
#include "common/kdate.h"
#include "db/db.h"
#include "run/forecast.h"

typedef struct xlsx_audit_request {
    const char *path;         /* file to write (a temporary name); replaced if present */
    const char *tmpdir;       /* existing private directory for the scratch files (NULL: /tmp) */
    kdate from, to;           /* run dates of the period, inclusive */
    const char *written_at;   /* title text: when (export time, or the run's record time) */
    const forecast *forecast; /* the Forecast sheet; borrowed; NULL: "not computed" */
    int form_overdue_days;    /* the Forms sheet's "overdue"; 0: RUN_CONFIG_FORM_OVERDUE_DAYS */
} xlsx_audit_request;

typedef struct xlsx_audit_counts {
    long notices;  /* rows of the Notices sheet (noticed certificates) */
    long excluded; /* rows of the Excluded sheet */
    long movers;   /* rows of the Recent movers sheet */
    long forms;    /* rows of the Forms sheet (forms of the period's run dates) */
} xlsx_audit_counts;

/* Writes the workbook. Its creation date property is 00:00 (Japan) of `to`, so that the
 * same ledger gives the same bytes. KG_ERR_DB_QUERY when a query fails, KG_ERR_IO_WRITE
 * when libxlsxwriter cannot write (its own "[ERROR]" line is on stderr too). counts may
 * be NULL. */
kg_err xlsx_audit_write(db_conn *conn, const xlsx_audit_request *request, xlsx_audit_counts *counts,
                        kg_errbuf *errbuf);

/* The Notices sheet's query (for the benchmark's baseline, which must read the same
 * rows): it reads the period from pg_temp.export_params(from_date, to_date). */
const char *xlsx_audit_notices_sql(void);

/* Writes request (its path and tmpdir are set here, and cleared after) as dir/name
 * through out_file: libxlsxwriter writes the temporary that out_file_begin created (0600,
 * locked), with its scratch files (0600, unlinked as soon as created) in the file's
 * private scratch directory (out_file_scratch_dir: dir/.name.tmp.d, 0700); out_file_end
 * then fsyncs and renames it, or removes it, and removes the scratch directory. What a
 * kill leaves, out_file_sweep removes. Errors: out_file_begin's, out_file_scratch_dir's,
 * xlsx_audit_write's, out_file_end's. KIGEN_CRASH_AT=<name> kills the process with the
 * workbook complete under its temporary name. */
kg_err xlsx_audit_write_atomic(db_conn *conn, const char *dir, const char *name,
                               xlsx_audit_request *request, xlsx_audit_counts *counts,
                               kg_errbuf *errbuf);

/* The run's workbook: out_dir/run_date/audit.xlsx for the run date alone, titled with
 * the run's record time (so that a re-run writes the same bytes), then manifest.json
 * rewritten to list it. fc: the forecast as of the run date. */
kg_err xlsx_audit_write_run(db_conn *conn, const char *out_dir, kdate run_date, long run_id,
                            const forecast *fc, kg_errbuf *errbuf);

#endif
