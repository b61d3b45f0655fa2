/*
 * outputs.h - the run's files under DIR/D/ (docs/formats.md, run output), written from the
 * ledger so that a re-run or a restart after a crash writes the very same bytes.
 *
 * Every file is written to a hidden temporary name in the same directory (mode 0600),
 * fsynced, renamed over the final name, and the directory fsynced: a file under its
 * final name is always complete. manifest.json is written last, from the files as they
 * are on disk; a later writer (the audit workbook) adopts its file and rewrites it.
 */
#ifndef KIGEN_OUTPUTS_H
#define KIGEN_OUTPUTS_H

#include <stdbool.h>

#include "../common/error.h"
#include "../common/kdate.h"
#include "../db/db.h"

/* Writes notices.csv, districts.csv, excluded.csv, findings.csv and manifest.json (which
 * lists the print files when with_print_files: they must then be on disk) for run_id into
 * out_dir/run_date/ (created 0700 when missing). KG_ERR_IO_WRITE when a file cannot be
 * written (nothing half-written stays under a final name). */
kg_err outputs_write(db_conn *conn, const char *out_dir, kdate run_date, long run_id,
                     bool with_print_files, kg_errbuf *errbuf);

/* The run (run_id; 0: not known) and date that the output queries read, in the
 * session's temporary table pg_temp.out_params. */
kg_err outputs_set_params(db_conn *conn, long run_id, kdate run_date, kg_errbuf *errbuf);

/* out_dir/run_date into dir (cap bytes), created 0700 when missing. */
kg_err outputs_run_dir(const char *out_dir, kdate run_date, char *dir, size_t cap,
                       kg_errbuf *errbuf);

/* Creates out_dir/run_date as outputs_run_dir does and writes a byte into a probe file
 * there (removed at once): a run checks this before it records anything, so that an
 * --out it cannot write in fails the run with nothing recorded. KG_ERR_IO_WRITE naming
 * the folder and the system's reason. */
kg_err outputs_check_run_dir(const char *out_dir, kdate run_date, kg_errbuf *errbuf);

/* The hidden temporary name dir/.name.tmp into path (cap bytes), where a writer that
 * opens files itself (libxlsxwriter) writes before outputs_adopt_file. */
kg_err outputs_temp_path(const char *dir, const char *name, char *path, size_t cap,
                         kg_errbuf *errbuf);

/* Makes the complete file at outputs_temp_path(dir, name) private (0600), fsyncs it and
 * renames it to dir/name, then fsyncs dir. On failure the temporary file is removed.
 * KIGEN_CRASH_AT=<name> kills the process just before the rename. */
kg_err outputs_adopt_file(const char *dir, const char *name, kg_errbuf *errbuf);

/* Rewrites out_dir/run_date/manifest.json from the files on disk (notices.csv,
 * excluded.csv, findings.csv, audit.xlsx: those present) and the ledger's counts. */
kg_err outputs_write_manifest(db_conn *conn, const char *out_dir, kdate run_date, long run_id,
                              kg_errbuf *errbuf);

#endif
