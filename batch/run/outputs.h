/*
 * outputs.h - the run's files under DIR/D/ (interfaces.md, run output), written from the
 * ledger so that a re-run or a restart after a crash writes the very same bytes.
 *
 * Every file is written to a hidden temporary name in the same directory (mode 0600),
 * fsynced, renamed over the final name, and the directory fsynced: a file under its
 * final name is always complete. manifest.json is written last.
 */
#ifndef KIGEN_OUTPUTS_H
#define KIGEN_OUTPUTS_H

#include "../common/error.h"
#include "../common/kdate.h"
#include "../db/db.h"

/* Writes notices.csv, excluded.csv, findings.csv and manifest.json for run_id into
 * out_dir/run_date/ (created 0700 when missing). KG_ERR_IO_WRITE when a file cannot be
 * written (nothing half-written stays under a final name). */
kg_err outputs_write(db_conn *conn, const char *out_dir, kdate run_date, long run_id,
                     kg_errbuf *errbuf);

#endif
