/*
 * migrations.h - the schema migrations compiled into the binary, and the runner.
 *
 * migration_table is generated from sql/NNN_name.sql by scripts/embed-sql.sh, in
 * version order. migrations_apply brings a database to the newest version: each
 * migration in its own transaction under an advisory lock, recorded in
 * kigen.schema_version; running it again changes nothing.
 */
#ifndef KIGEN_MIGRATIONS_H
#define KIGEN_MIGRATIONS_H

#include "../common/error.h"
#include "db.h"

typedef struct migration_entry {
    int version;      /* NNN of the file name */
    const char *name; /* file name without .sql */
    const char *sql;
} migration_entry;

extern const migration_entry migration_table[];
extern const int migration_count;

/* Applies every migration newer than the database's version. *applied counts those
 * applied now, *version is the version reached. */
kg_err migrations_apply(db_conn *conn, int *applied, int *version, kg_errbuf *errbuf);

/* The database's schema version (0 when kigen's schema is absent). */
kg_err migrations_current(db_conn *conn, int *version, kg_errbuf *errbuf);

/* KG_OK when the database is at the newest version this binary knows; otherwise
 * KG_ERR_DB_QUERY with the hint to run 'kigen db migrate'. */
kg_err migrations_require_version(db_conn *conn, kg_errbuf *errbuf);

/* migrations_require_version, and the session does not bypass row-level security (a
 * superuser, BYPASSRLS) in a database with more than the default municipality (D121):
 * KG_ERR_DB_QUERY with a hint. What every command that reads or writes the data calls. */
kg_err migrations_require_current(db_conn *conn, kg_errbuf *errbuf);

#endif
