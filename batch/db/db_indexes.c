/*
 * db_indexes.c - secondary indexes dropped and built again (see db_indexes.h).
 */
#include "db_indexes.h"

#include <stdio.h>
#include <string.h>

static const char index_query[] =
    "SELECT pg_catalog.format('kigen.%I', x.relname), pg_catalog.pg_get_indexdef(i.indexrelid) "
    "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class t ON t.oid = i.indrelid "
    "JOIN pg_catalog.pg_class x ON x.oid = i.indexrelid "
    "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'kigen' "
    "AND t.relname = ANY ($1::text[]) AND NOT EXISTS (SELECT FROM pg_catalog.pg_constraint c "
    "WHERE c.conindid = i.indexrelid) ORDER BY 1";

kg_err db_indexes_drop(db_conn *conn, const char *tables, db_result **defs, kg_errbuf *errbuf)
{
    const char *params[] = {tables};
    kg_err err = db_query(conn, index_query, 1, params, errbuf, defs);
    for (int row_idx = 0; err == KG_OK && row_idx < db_result_rows(*defs); row_idx++) {
        char sql[512];
        snprintf(sql, sizeof(sql), "DROP INDEX %s", db_result_value(*defs, row_idx, 0));
        err = db_exec(conn, sql, errbuf);
    }
    return err;
}

/* pg_get_indexdef writes a partitioned table's index as CREATE INDEX ... ON ONLY: built so,
 * it would be the parent's alone, INVALID and on no partition (D131). */
#define ON_ONLY " ON ONLY "

kg_err db_indexes_build(db_conn *conn, const db_result *defs, kg_errbuf *errbuf)
{
    kg_err err = KG_OK;
    for (int row_idx = 0; defs != NULL && err == KG_OK && row_idx < db_result_rows(defs);
         row_idx++) {
        const char *def = db_result_value(defs, row_idx, 1);
        const char *only = strstr(def, ON_ONLY);
        char sql[1024];
        if (only != NULL && strlen(def) < sizeof(sql)) { /* every partition's too */
            snprintf(sql, sizeof(sql), "%.*s ON %s", (int)(only - def), def,
                     only + strlen(ON_ONLY));
            def = sql;
        }
        err = db_exec(conn, def, errbuf);
    }
    return err;
}
