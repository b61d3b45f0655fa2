/*
 * audit_export.h - the auditor workbook from the ledger: the sheets' queries, the COPY
 * row source that feeds the drawing (render/xlsx_audit.h), and the workbook written as
 * a file of its own (`kigen export`) or as a run's audit.xlsx.
 *
 * Every query reads the ledger alone (kigen.runs, notices, notice_certificates,
 * exclusions, forms, run_offices: D72), never the resident data, so that the workbook of
 * a period is the same whatever happened to the data since, a purge included.
 */
#ifndef KIGEN_AUDIT_EXPORT_H
#define KIGEN_AUDIT_EXPORT_H

#include "../common/error.h"
#include "../common/i18n.h"
#include "../common/kdate.h"
#include "../db/db.h"
#include "render/xlsx_audit.h"
#include "run/forecast.h"

typedef struct audit_export_period {
    kdate from, to;           /* run dates of the period, inclusive */
    const char *written_at;   /* the title's "written" text */
    const forecast *forecast; /* borrowed; NULL: the Forecast sheet says "not computed" */
    int form_overdue_days;    /* the Forms sheet's "overdue"; 0: the default (D58) */
    kg_language language;     /* the workbook's (D110, D113) */
} audit_export_period;

/* Writes the workbook of period as dir/name: to a private temporary name in dir with its
 * scratch files in a private folder beside it, then fsynced and renamed (outputs.h). A
 * failure leaves nothing under dir/name's temporary names. KG_ERR_DB_QUERY,
 * KG_ERR_IO_WRITE (the file and the cause named). counts may be NULL. */
kg_err audit_export_write(db_conn *conn, const char *dir, const char *name,
                          const audit_export_period *period, xlsx_audit_counts *counts,
                          kg_errbuf *errbuf);

/* The run's workbook: out_dir/run_date/audit.xlsx for the run date alone, titled with
 * the run's record time and in the run's recorded language (kigen.runs.config's
 * "language": so that a re-run writes the same bytes, D110), then manifest.json
 * rewritten to list it. fc: the forecast as of the run date. */
kg_err audit_export_write_run(db_conn *conn, const char *out_dir, kdate run_date, long run_id,
                              const forecast *fc, kg_errbuf *errbuf);

/* The Notices sheet's query (for the benchmark's baseline, which must read the same
 * rows): it reads the period from pg_temp.export_params(from_date, to_date). */
const char *audit_export_notices_sql(void);

#endif
