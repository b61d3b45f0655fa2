/*
 * outputs.h - the run's files under DIR/D/ (docs/formats.md, run output), written from the
 * ledger so that a re-run or a restart after a crash writes the very same bytes.
 *
 * Every file is written through out_file (common/out_file.h: mode 0600, complete under
 * its final name or absent). The CSV files are for people: a cell that a spreadsheet
 * would run as a formula is neutralized (strbuf_append_csv_neutralized). manifest.json is
 * written last, from the files as they are on disk; a later writer (the audit workbook)
 * rewrites it.
 */
#ifndef KIGEN_OUTPUTS_H
#define KIGEN_OUTPUTS_H

#include <stdbool.h>

#include "../common/error.h"
#include "../common/kdate.h"
#include "../common/log.h"
#include "../db/db.h"

/* What outputs_write writes. */
typedef struct outputs_request {
    const char *out_dir;   /* the files go to outputs_run_dir(out_dir, run_date) */
    kdate run_date;        /* the night */
    long run_id;           /* its run in the ledger, whose stored configuration gives the
                            * CSV form: csv_bom and csv_encoding (D115-D117) */
    bool with_print_files; /* the manifest lists the print files (they must be on disk) */
    const log_sink *log;   /* the warnings: characters without a CP932 form (D116) */
} outputs_request;

/* Writes notices.csv, districts.csv, excluded.csv, findings.csv, forms.csv,
 * registered-mail.csv, inserts.csv and manifest.json (which lists every one of them and,
 * when with_print_files, the print files and registered-mail.pdf: they must then be on
 * disk) for the request's run into outputs_run_dir(out_dir, run_date). KG_ERR_IO_WRITE
 * "unable to write '<path>': <OS error>" when a file cannot be written (nothing
 * half-written stays under a final name); warnings go to the request's log. The CSV files a person
 * opens (all but inserts.csv, the inserting machine's) in the form the run stored: a UTF-8 BOM
 * first, or CP932 (a character without a CP932 form written as 〓 and reported to the log with
 * file, row, column and code point: never a stop, D116); control numbers as XXXX-XXXX-XXXX (D118).
 * The manifest's bytes and sha256 are of the bytes written. */
kg_err outputs_write(db_conn *conn, const outputs_request *request, kg_errbuf *errbuf);

/* The run (run_id; 0: not known) and date that the output queries read, in the
 * session's temporary table pg_temp.out_params. */
kg_err outputs_set_params(db_conn *conn, long run_id, kdate run_date, kg_errbuf *errbuf);

/* out_dir/run_date into dir (cap bytes), created 0700 when missing, with what a killed
 * run left there removed (out_file_sweep): every writer of the run's files starts here.
 * KG_ERR_IO_WRITE (out_file_make_dir, out_file_sweep). */
kg_err outputs_run_dir(const char *out_dir, kdate run_date, char *dir, size_t cap,
                       kg_errbuf *errbuf);

/* Creates out_dir/run_date as outputs_run_dir does and writes a byte into a probe file
 * there (removed at once): a run checks this before it records anything, so that an
 * --out it cannot write in fails the run with nothing recorded. KG_ERR_IO_WRITE naming
 * the folder and the system's reason. */
kg_err outputs_check_run_dir(const char *out_dir, kdate run_date, kg_errbuf *errbuf);

/* Rewrites out_dir/run_date/manifest.json from the files on disk (the CSV files and
 * audit.xlsx: those present; the print files and registered-mail.pdf: all required) and
 * the ledger's counts. Every file of the folder but manifest.json itself is listed, in a
 * fixed order (the CSV files, audit.xlsx, the print files by name, registered-mail.pdf),
 * so that `kigen verify` can check the folder against it. */
kg_err outputs_write_manifest(db_conn *conn, const char *out_dir, kdate run_date, long run_id,
                              kg_errbuf *errbuf);

#endif
