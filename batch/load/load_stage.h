/*
 * load_stage.h - the database side of `kigen load`: staging tables, the checks that
 * need the database (duplicates, unknown parents), and the upsert into kigen.*.
 *
 * Everything runs inside the caller's transaction; staging tables are temporary and
 * dropped at commit. Rows rejected here are reported through the callback with their
 * source line, like the rows the parser rejects.
 */
#ifndef KIGEN_LOAD_STAGE_H
#define KIGEN_LOAD_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "../common/error.h"
#include "../db/db.h"
#include "load_spec.h"

/* Called once per rejected row, in line order within a file. */
typedef void (*load_reject_fn)(void *context, const load_file_spec *spec, long line,
                               const char *column, const char *reason);

/* Creates pg_temp.stage_<table> for every file spec (ON COMMIT DROP). */
kg_err load_stage_create(db_conn *conn, kg_errbuf *errbuf);

/* Starts COPY into the staging table of spec: rows are "src_line,<columns in spec
 * order>" in CSV format; direct: into kigen.<table> itself, rows without src_line (a first
 * load, load_direct.h). */
kg_err load_stage_copy_begin(db_conn *conn, const load_file_spec *spec, int direct,
                             kg_errbuf *errbuf);

/* Removes rows whose resident or card is in neither the extract nor the database, and
 * certificates whose card (as it will be after this load) belongs to another resident;
 * reports each and adds to rejected[spec_idx]. (Duplicate keys never reach the staging
 * tables: the client finds them, D93.) */
kg_err load_stage_check(db_conn *conn, load_reject_fn report, void *context, long *rejected,
                        kg_errbuf *errbuf);

/* The cards of stage_cards whose resident differs from the stored card's, ascending, into
 * *ids (malloc'd, freed by the caller; the old *ids is freed first). */
kg_err load_stage_moved_cards(db_conn *conn, int64_t **ids, size_t *count, kg_errbuf *errbuf);

/* Upserts every staging table into kigen.*: changed[spec_idx] counts rows inserted or
 * changed; rows identical to the stored ones are not touched. `bulk`: drop the foreign
 * keys between the data tables first and add them back after (one validating join per
 * key instead of a trigger query per row; the tables are locked exclusively until
 * commit, and a row that breaks a key still fails the whole load). */
kg_err load_stage_merge(db_conn *conn, int bulk, long *changed, kg_errbuf *errbuf);

/* The foreign keys between the data tables, as rows "table, name, definition" (*fks is the
 * caller's), and their removal (add 0) or re-creation, validated (add 1). */
kg_err load_stage_fks_read(db_conn *conn, db_result **fks, kg_errbuf *errbuf);
kg_err load_stage_fks_alter(db_conn *conn, const db_result *fks, int add, kg_errbuf *errbuf);

#endif
