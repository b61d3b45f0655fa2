/*
 * migrations.c - the migration runner (see migrations.h).
 */
#include "migrations.h"
#include "../common/i18n.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pg_advisory_xact_lock key of schema changes ("kigen" + 1). */
#define MIGRATION_LOCK_KEY "4b4947454e01"

static const char bootstrap_sql[] = "CREATE SCHEMA IF NOT EXISTS kigen;"
                                    "CREATE TABLE IF NOT EXISTS kigen.schema_version ("
                                    " version integer PRIMARY KEY,"
                                    " name text NOT NULL,"
                                    " applied_at timestamptz NOT NULL DEFAULT now())";

kg_err migrations_current(db_conn *conn, int *version, kg_errbuf *errbuf)
{
    db_result *result = NULL;
    kg_err err = db_query(conn,
                          "SELECT CASE WHEN pg_catalog.to_regclass('kigen.schema_version') "
                          "IS NULL THEN 0 ELSE -1 END",
                          0, NULL, errbuf, &result);
    if (err != KG_OK)
        return err;
    int absent = db_result_value(result, 0, 0)[0] == '0';
    db_result_free(result);
    if (absent) {
        *version = 0;
        return KG_OK;
    }
    err = db_query(conn, "SELECT coalesce(max(version), 0) FROM kigen.schema_version", 0, NULL,
                   errbuf, &result);
    if (err != KG_OK)
        return err;
    *version = (int)strtol(db_result_value(result, 0, 0), NULL, 10);
    db_result_free(result);
    return KG_OK;
}

/* Applies one migration in its own transaction, unless another session did meanwhile. */
static kg_err apply_one(db_conn *conn, const migration_entry *migration, int *applied,
                        kg_errbuf *errbuf)
{
    kg_err err = db_exec(conn, "BEGIN", errbuf);
    if (err != KG_OK)
        return err;
    err = db_exec(
        conn, "SELECT pg_catalog.pg_advisory_xact_lock(x'" MIGRATION_LOCK_KEY "'::bigint)", errbuf);
    if (err == KG_OK)
        err = db_exec(conn, bootstrap_sql, errbuf);
    /* applied when missing, whatever the newest version is: a migration merged from a
     * parallel branch can have a lower number than one already applied */
    char version_text[16];
    snprintf(version_text, sizeof(version_text), "%d", migration->version);
    const char *version_param[] = {version_text};
    db_result *result = NULL;
    if (err == KG_OK)
        err = db_query(conn, "SELECT count(*) FROM kigen.schema_version WHERE version = $1::int", 1,
                       version_param, errbuf, &result);
    bool missing = err == KG_OK && strcmp(db_result_value(result, 0, 0), "0") == 0;
    db_result_free(result);
    if (err == KG_OK && missing) {
        err = db_exec(conn, migration->sql, errbuf);
        if (err == KG_OK) {
            const char *params[] = {version_text, migration->name};
            err = db_query(conn, "INSERT INTO kigen.schema_version (version, name) VALUES ($1, $2)",
                           2, params, errbuf, NULL);
        }
        if (err == KG_OK)
            (*applied)++;
    }
    if (err != KG_OK) {
        char context[KG_ERRBUF_SIZE];
        snprintf(context, sizeof(context), "%s", errbuf != NULL ? errbuf->text : "");
        db_exec(conn, "ROLLBACK", NULL);
        return kg_fail(errbuf, err, _("unable to apply migration '%s': %s"), migration->name,
                       context);
    }
    return db_exec(conn, "COMMIT", errbuf);
}

kg_err migrations_apply(db_conn *conn, int *applied, int *version, kg_errbuf *errbuf)
{
    *applied = 0;
    for (int migration_idx = 0; migration_idx < migration_count; migration_idx++) {
        kg_err err = apply_one(conn, &migration_table[migration_idx], applied, errbuf);
        if (err != KG_OK)
            return err;
    }
    return migrations_current(conn, version, errbuf);
}

/* A superuser or a BYPASSRLS role reads every municipality's rows, row-level security or
 * not: its work would mix them (D121). Refused once the database has more than the default
 * municipality; alone, the default works as before municipalities. */
static kg_err refuse_bypass(db_conn *conn, kg_errbuf *errbuf)
{
    db_result *result = NULL;
    kg_err err = db_query(conn,
                          "SELECT r.rolname FROM pg_catalog.pg_roles r WHERE r.rolname = "
                          "current_user AND (r.rolsuper OR r.rolbypassrls) AND EXISTS (SELECT "
                          "FROM kigen.municipalities m WHERE m.municipality_code <> '000000')",
                          0, NULL, errbuf, &result);
    if (err == KG_OK && db_result_rows(result) > 0) {
        kg_fail(errbuf, KG_ERR_DB_QUERY,
                _("unable to use the database as role %s: it bypasses row-level security, and "
                  "the database holds several municipalities"),
                db_result_value(result, 0, 0));
        kg_hint(errbuf, _("connect as kigen's own role (docs/operations.md), not a superuser, or "
                          "name the municipality with --municipality"));
        err = KG_ERR_DB_QUERY;
    }
    db_result_free(result);
    return err;
}

kg_err migrations_require_version(db_conn *conn, kg_errbuf *errbuf)
{
    int version = 0;
    kg_err err = migrations_current(conn, &version, errbuf);
    if (err != KG_OK)
        return err;
    int newest = migration_table[migration_count - 1].version;
    db_result *result = NULL;
    long applied = 0;
    if (version > 0) {
        err = db_query(conn, "SELECT count(DISTINCT version) FROM kigen.schema_version", 0, NULL,
                       errbuf, &result);
        if (err != KG_OK)
            return err;
        applied = strtol(db_result_value(result, 0, 0), NULL, 10);
        db_result_free(result);
    }
    if (version == newest && applied < migration_count) {
        kg_fail(errbuf, KG_ERR_DB_QUERY,
                _("unable to use the database: %ld of kigen's %d migrations are applied"), applied,
                migration_count);
        kg_hint(errbuf, _("run 'kigen db migrate' first"));
        return KG_ERR_DB_QUERY;
    }
    if (version != newest) {
        kg_fail(errbuf, KG_ERR_DB_QUERY,
                _("unable to use the database: the schema is at version %d, "
                  "kigen needs %d"),
                version, newest);
        kg_hint(errbuf, _("run 'kigen db migrate' first"));
        return KG_ERR_DB_QUERY;
    }
    return KG_OK;
}

kg_err migrations_require_current(db_conn *conn, kg_errbuf *errbuf)
{
    kg_err err = migrations_require_version(conn, errbuf);
    return err == KG_OK ? refuse_bypass(conn, errbuf) : err;
}
