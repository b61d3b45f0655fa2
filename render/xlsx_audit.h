/*
 * xlsx_audit.h - draws the auditor workbook (audit.xlsx) of a period of runs.
 *
 * Sheets Summary, Notices, Excluded, Recent movers, Forms, Returned mail, Forecast (in
 * Japanese 概要, 通知, 除外, 転入・転居, 照会書, 返戻, 更新予測, with a label column beside
 * each code and dates in 和暦: D113); every sheet prints on A4 landscape (D114). The data
 * sheets' rows come from a row source (the export reads them from the ledger: batch/export/) and
 * stream into libxlsxwriter's constant-memory mode: memory stays flat whatever the
 * period. Draws only: it neither queries the database nor makes its file atomic (the
 * caller writes to a temporary name and adopts it). Data is always written as strings,
 * numbers or dates, never as formulas; a character XML cannot hold is written as U+FFFD.
 */
#ifndef KIGEN_XLSX_AUDIT_H
#define KIGEN_XLSX_AUDIT_H

#include <stddef.h>

#include "common/error.h"
#include "common/i18n.h"
#include "common/kdate.h"
#include "run/forecast.h"

/* The data sheets, in the workbook's order. */
typedef enum xlsx_audit_sheet {
    XLSX_SHEET_NOTICES = 0, /* notice_no, run_date, resident_id, name, postal_code, office,
                               certificate_id, type, expiry, window_open, cause, file, page */
    XLSX_SHEET_EXCLUDED,    /* run_date, resident_id, name, office, postal_code,
                               certificate_id, type, expiry, reason, detail */
    XLSX_SHEET_MOVERS,      /* run_date, resident_id, name, office, postal_code, certificate_id,
                               type, expiry, moved_on, move_kind, detail */
    XLSX_SHEET_FORMS,       /* control_no, kind, run_date, resident_id, name, office, notice_no,
                               request_id, valid_until, returned_on, return_scans,
                               undeliverable_on, voided_on, reissue_of, status */
    XLSX_SHEET_RETURNS,     /* notice_no, run_date, resident_id, name, postal_code, office,
                               certificate_id, type, expiry, returned_on, reason, recorded_by,
                               address_changed, as_of (D91) */
    XLSX_SHEET__COUNT
} xlsx_audit_sheet;

/* Where the data sheets' rows come from: begin(sheet), then next() until KG_EOF. next
 * fills fields[0..*count) (at most max_fields; NULL: an empty cell; dates YYYY-MM-DD) with
 * texts the source owns until its next call. */
typedef struct xlsx_audit_rows {
    kg_err (*begin)(void *state, xlsx_audit_sheet sheet, kg_errbuf *errbuf);
    kg_err (*next)(void *state, char **fields, int max_fields, int *count, kg_errbuf *errbuf);
    void *state;
} xlsx_audit_rows;

/* An office's name for the Summary. */
typedef struct xlsx_audit_office {
    const char *office_code, *name;
} xlsx_audit_office;

typedef struct xlsx_audit_request {
    const char *path;         /* file to write (a temporary name); replaced if present */
    const char *tmpdir;       /* existing private directory for constant-memory scratch files */
    kdate from, to;           /* run dates of the period, inclusive */
    const char *written_at;   /* title text: when (export time, or the run's record time) */
    const forecast *forecast; /* the Forecast sheet; borrowed; NULL: "not computed" */
    long run_count;           /* recorded runs in the period (Summary) */
    const xlsx_audit_office *offices; /* borrowed: the offices' names (Summary) */
    size_t office_count;
    kg_language language; /* the workbook's: sheet names, headers, labels, 和暦 (D113) */
} xlsx_audit_request;

typedef struct xlsx_audit_counts {
    long notices;  /* rows of the Notices sheet (noticed certificates) */
    long excluded; /* rows of the Excluded sheet */
    long movers;   /* rows of the Recent movers sheet */
    long forms;    /* rows of the Forms sheet (forms of the period's run dates) */
    long returns;  /* rows of the Returned mail sheet (certificates of returned notices) */
} xlsx_audit_counts;

/* Writes the workbook from source. Its creation date property is 00:00 (Japan) of `to`,
 * so that the same rows give the same bytes. The source's errors come back as they are;
 * KG_ERR_IO_WRITE when libxlsxwriter cannot write (its own "[ERROR]" line is on stderr
 * too). counts may be NULL. */
kg_err xlsx_audit_write(const xlsx_audit_request *request, const xlsx_audit_rows *source,
                        xlsx_audit_counts *counts, kg_errbuf *errbuf);

#endif
