/*
 * load_stage.c - staging, checks and upsert of `kigen load` (see load_stage.h).
 *
 * The SQL is built from load_spec tables; table and column names come only from those
 * static tables, never from input, and every value travels through COPY.
 */
#include "load_stage.h"
#include "../db/db_tenancy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/strbuf.h"
#include "../common/i18n.h"

#define SQL_MAX 8192

static size_t spec_index(const char *table)
{
    for (size_t spec_idx = 0; spec_idx < load_file_spec_count; spec_idx++)
        if (strcmp(load_file_specs[spec_idx].table, table) == 0)
            return spec_idx;
    return 0;
}

/* Appends "prefix<col>, prefix<col>..." of a spec's columns, then "prefix order_key" when
 * with_key and the spec's rows carry the key (D98). */
static kg_err append_columns(strbuf *sql, const load_file_spec *spec, const char *prefix,
                             int with_key)
{
    kg_err err = KG_OK;
    for (size_t col_idx = 0; col_idx < spec->column_count && err == KG_OK; col_idx++) {
        if (col_idx > 0)
            err = strbuf_append_str(sql, ", ");
        if (err == KG_OK)
            err = strbuf_append_str(sql, prefix);
        if (err == KG_OK)
            err = strbuf_append_str(sql, spec->columns[col_idx].name);
    }
    if (err == KG_OK && with_key && spec->order_key)
        err = strbuf_append_str(sql, ", ");
    if (err == KG_OK && with_key && spec->order_key)
        err = strbuf_append_str(sql, prefix);
    if (err == KG_OK && with_key && spec->order_key)
        err = strbuf_append_str(sql, "order_key");
    return err;
}

/* Runs the statement built in sql (appended pieces, NULL-terminated list). */
static kg_err build(strbuf *sql, const char *const *pieces)
{
    strbuf_reset(sql);
    kg_err err = KG_OK;
    for (const char *const *piece = pieces; *piece != NULL && err == KG_OK; piece++)
        err = strbuf_append_str(sql, *piece);
    return err;
}

kg_err load_stage_create(db_conn *conn, kg_errbuf *errbuf)
{
    strbuf sql;
    strbuf_init(&sql, SQL_MAX);
    kg_err err = KG_OK;
    for (size_t spec_idx = 0; spec_idx < load_file_spec_count && err == KG_OK; spec_idx++) {
        const char *table = load_file_specs[spec_idx].table;
        const char *const pieces[] = {"CREATE TEMP TABLE stage_",
                                      table,
                                      " (src_line bigint NOT NULL, LIKE kigen.",
                                      table,
                                      " INCLUDING DEFAULTS) ON COMMIT DROP",
                                      NULL}; /* the municipality's default */
        err = build(&sql, pieces);
        if (err == KG_OK && strbuf_cstr(&sql) != NULL)
            err = db_exec(conn, sql.data, errbuf);
    }
    strbuf_free(&sql);
    return err;
}

kg_err load_stage_copy_begin(db_conn *conn, const load_file_spec *spec, int direct,
                             kg_errbuf *errbuf)
{
    strbuf sql;
    strbuf_init(&sql, SQL_MAX);
    const char *const pieces[] = {direct ? "COPY kigen." : "COPY pg_temp.stage_", spec->table,
                                  direct ? " (" : " (src_line, ", NULL};
    kg_err err = build(&sql, pieces);
    if (err == KG_OK)
        err = append_columns(&sql, spec, "", 1);
    if (err == KG_OK)
        err = strbuf_append_str(&sql, direct ? ") FROM STDIN (FORMAT csv, FREEZE)"
                                             : ") FROM STDIN (FORMAT csv)");
    if (err == KG_OK && strbuf_cstr(&sql) != NULL)
        err = db_copy_begin(conn, sql.data, errbuf);
    strbuf_free(&sql);
    return err;
}

/* Runs a DELETE ... RETURNING src_line wrapped to come back in line order, and reports
 * each row. */
static kg_err reject_rows(db_conn *conn, const char *delete_sql, const load_file_spec *spec,
                          const char *column, const char *reason, load_reject_fn report,
                          void *context, long *rejected, kg_errbuf *errbuf)
{
    strbuf sql;
    strbuf_init(&sql, SQL_MAX);
    const char *const pieces[] = {"WITH gone AS (", delete_sql,
                                  " RETURNING s.src_line) SELECT src_line FROM gone ORDER BY 1",
                                  NULL};
    kg_err err = build(&sql, pieces);
    db_result *result = NULL;
    if (err == KG_OK && strbuf_cstr(&sql) != NULL)
        err = db_query(conn, sql.data, 0, NULL, errbuf, &result);
    if (err == KG_OK) {
        int rows = db_result_rows(result);
        for (int row_idx = 0; row_idx < rows; row_idx++)
            report(context, spec, strtol(db_result_value(result, row_idx, 0), NULL, 10), column,
                   reason);
        rejected[spec_index(spec->table)] += rows;
    }
    db_result_free(result);
    strbuf_free(&sql);
    return err;
}

static kg_err reject_unknown_residents(db_conn *conn, const load_file_spec *spec,
                                       load_reject_fn report, void *context, long *rejected,
                                       kg_errbuf *errbuf)
{
    char delete_sql[1024];
    snprintf(delete_sql, sizeof(delete_sql),
             "DELETE FROM pg_temp.stage_%s s WHERE NOT EXISTS (SELECT 1 FROM "
             "pg_temp.stage_residents r WHERE r.resident_id = s.resident_id) AND NOT EXISTS "
             "(SELECT 1 FROM kigen.residents r WHERE r.resident_id = s.resident_id)",
             spec->table);
    return reject_rows(conn, delete_sql, spec, "resident_id",
                       _("no such resident in this extract or the database"), report, context,
                       rejected, errbuf);
}

static kg_err reject_bad_cards(db_conn *conn, const load_file_spec *spec, load_reject_fn report,
                               void *context, long *rejected, kg_errbuf *errbuf)
{
    kg_err err = reject_rows(
        conn,
        "DELETE FROM pg_temp.stage_certificates s WHERE s.card_id IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM pg_temp.stage_cards c WHERE c.card_id = s.card_id) AND NOT EXISTS "
        "(SELECT 1 FROM kigen.cards c WHERE c.card_id = s.card_id)",
        spec, "card_id", _("no such card in this extract or the database"), report, context,
        rejected, errbuf);
    if (err != KG_OK)
        return err;
    /* The card as it will be after this load: the extract's row wins over the stored one
     * (card ids are unique in stage_cards by now). Written as joins: a correlated
     * subquery per row is quadratic on a city-sized extract. */
    return reject_rows(
        conn,
        "DELETE FROM pg_temp.stage_certificates s USING (SELECT x.src_line FROM "
        "pg_temp.stage_certificates x LEFT JOIN pg_temp.stage_cards sc ON sc.card_id = "
        "x.card_id LEFT JOIN kigen.cards kc ON kc.card_id = x.card_id WHERE x.card_id IS NOT "
        "NULL AND coalesce(sc.resident_id, kc.resident_id) <> x.resident_id) owner "
        "WHERE s.src_line = owner.src_line",
        spec, "card_id", _("the card belongs to another resident"), report, context, rejected,
        errbuf);
}

kg_err load_stage_check(db_conn *conn, load_reject_fn report, void *context, long *rejected,
                        kg_errbuf *errbuf)
{
    kg_err err = KG_OK;
    for (size_t spec_idx = 0; spec_idx < load_file_spec_count && err == KG_OK; spec_idx++) {
        /* Statistics on the key only: the checks join on it, and sampling every text
         * column of a city-sized staging table costs more than the checks. */
        char analyze[256];
        snprintf(analyze, sizeof(analyze), "ANALYZE pg_temp.stage_%s (%s)",
                 load_file_specs[spec_idx].table, load_file_specs[spec_idx].key);
        err = db_exec(conn, analyze, errbuf);
    }
    for (size_t spec_idx = 0; spec_idx < load_file_spec_count && err == KG_OK; spec_idx++) {
        const load_file_spec *spec = &load_file_specs[spec_idx];
        if (spec->needs_resident)
            err = reject_unknown_residents(conn, spec, report, context, rejected, errbuf);
        if (err == KG_OK && strcmp(spec->table, "certificates") == 0)
            err = reject_bad_cards(conn, spec, report, context, rejected, errbuf);
    }
    return err;
}

kg_err load_stage_moved_cards(db_conn *conn, int64_t **ids, size_t *count, kg_errbuf *errbuf)
{
    free(*ids);
    *ids = NULL;
    *count = 0;
    db_result *result = NULL;
    kg_err err = db_query(conn,
                          "SELECT s.card_id FROM pg_temp.stage_cards s JOIN kigen.cards c "
                          "ON c.card_id = s.card_id WHERE c.resident_id <> s.resident_id "
                          "ORDER BY 1",
                          0, NULL, errbuf, &result);
    int rows = err == KG_OK ? db_result_rows(result) : 0;
    if (rows > 0) {
        *ids = malloc((size_t)rows * sizeof(**ids));
        if (*ids == NULL)
            err = kg_fail(errbuf, KG_ERR_NOMEM, _("unable to load: out of memory"));
    }
    for (int row_idx = 0; row_idx < rows && err == KG_OK; row_idx++)
        (*ids)[(*count)++] = strtoll(db_result_value(result, row_idx, 0), NULL, 10);
    db_result_free(result);
    return err;
}

static kg_err merge_one(db_conn *conn, const load_file_spec *spec, long *changed, kg_errbuf *errbuf)
{
    strbuf sql;
    strbuf_init(&sql, SQL_MAX);
    const char *const head[] = {"INSERT INTO kigen.", spec->table, " AS target (", NULL};
    kg_err err = build(&sql, head);
    if (err == KG_OK)
        err = append_columns(&sql, spec, "", 1);
    if (err == KG_OK)
        err = strbuf_append_str(&sql, ") SELECT ");
    if (err == KG_OK)
        err = append_columns(&sql, spec, "", 1);
    if (err == KG_OK) {
        const char *const from[] = {" FROM pg_temp.stage_",
                                    spec->table,
                                    " ORDER BY ",
                                    spec->key,
                                    " ON CONFLICT (municipality_code, ",
                                    spec->key,
                                    ") DO ",
                                    NULL};
        for (const char *const *piece = from; *piece != NULL && err == KG_OK; piece++)
            err = strbuf_append_str(&sql, *piece);
    }
    if (err == KG_OK && !spec->update_on_conflict)
        err = strbuf_append_str(&sql, "NOTHING");
    /* the key is set with the columns but not compared: a row that only lacks it (an
     * older load's) is left to the run, not updated (D98) */
    if (err == KG_OK && spec->update_on_conflict) {
        err = strbuf_append_str(&sql, "UPDATE SET (");
        if (err == KG_OK)
            err = append_columns(&sql, spec, "", 1);
        if (err == KG_OK)
            err = strbuf_append_str(&sql, ") = (");
        if (err == KG_OK)
            err = append_columns(&sql, spec, "EXCLUDED.", 1);
        if (err == KG_OK)
            err = strbuf_append_str(&sql, ") WHERE (");
        if (err == KG_OK)
            err = append_columns(&sql, spec, "target.", 0);
        if (err == KG_OK)
            err = strbuf_append_str(&sql, ") IS DISTINCT FROM (");
        if (err == KG_OK)
            err = append_columns(&sql, spec, "EXCLUDED.", 0);
        if (err == KG_OK)
            err = strbuf_append_str(&sql, ")");
    }
    db_result *result = NULL;
    if (err == KG_OK && strbuf_cstr(&sql) != NULL)
        err = db_query(conn, sql.data, 0, NULL, errbuf, &result);
    if (err == KG_OK)
        *changed = db_result_affected(result);
    db_result_free(result);
    strbuf_free(&sql);
    return err;
}

/* The foreign keys between the data tables (not the ledger's), as "table\tname\tdef": those
 * of the session's municipality's partitions (D122). */
static const char fk_query[] =
    "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
    "FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_class t ON t.oid = c.conrelid "
    "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace "
    "WHERE c.contype = 'f' AND n.nspname = 'kigen' AND t.relname IN (SELECT x || '_' || "
    "kigen.current_municipality() FROM pg_catalog.unnest(ARRAY['cards', 'certificates', "
    "'moves', 'changes', 'proxy_requests']) AS x) ORDER BY 1, 2";

kg_err load_stage_fks_read(db_conn *conn, db_result **fks, kg_errbuf *errbuf)
{
    return db_query(conn, fk_query, 0, NULL, errbuf, fks);
}

/* Runs "ALTER TABLE <table> <verb> CONSTRAINT <name> [<def>]" for each row of fks. */
kg_err load_stage_fks_alter(db_conn *conn, const db_result *fks, int add, kg_errbuf *errbuf)
{
    strbuf sql;
    strbuf_init(&sql, SQL_MAX);
    kg_err err = KG_OK;
    for (int row_idx = 0; row_idx < db_result_rows(fks) && err == KG_OK; row_idx++) {
        const char *const pieces[] = {"ALTER TABLE ",
                                      db_result_value(fks, row_idx, 0),
                                      add ? " ADD CONSTRAINT " : " DROP CONSTRAINT ",
                                      db_result_value(fks, row_idx, 1),
                                      add ? " " : "",
                                      add ? db_result_value(fks, row_idx, 2) : "",
                                      NULL};
        err = build(&sql, pieces);
        if (err == KG_OK && strbuf_cstr(&sql) != NULL)
            err = db_exec(conn, sql.data, errbuf);
    }
    strbuf_free(&sql);
    return err;
}

kg_err load_stage_merge(db_conn *conn, int bulk, long *changed, kg_errbuf *errbuf)
{
    db_result *fks = NULL;
    kg_err err = KG_OK;
    int sole = 0;
    if (bulk) /* the keys are every municipality's: dropped only when there is one (D126) */
        err = db_sole_municipality(conn, &sole, errbuf);
    bulk = bulk && sole;
    if (bulk && err == KG_OK) {
        err = load_stage_fks_read(conn, &fks, errbuf);
        if (err == KG_OK)
            err = load_stage_fks_alter(conn, fks, 0, errbuf);
    }
    for (size_t spec_idx = 0; spec_idx < load_file_spec_count && err == KG_OK; spec_idx++)
        err = merge_one(conn, &load_file_specs[spec_idx], &changed[spec_idx], errbuf);
    if (bulk && err == KG_OK)
        err = load_stage_fks_alter(conn, fks, 1, errbuf);
    db_result_free(fks);
    return err;
}
