/*
 * db_tenancy.h - what a command asks the database about the session's municipality
 * (sql/016_municipalities.sql): its code, its own partition of a table, and whether the
 * deployment has the default municipality alone.
 */
#ifndef KIGEN_DB_TENANCY_H
#define KIGEN_DB_TENANCY_H

#include <stddef.h>

#include "../common/error.h"
#include "db.h"

/* kigen.current_municipality() into out (cap bytes, 7 at least). */
kg_err db_current_municipality(db_conn *conn, char *out, size_t cap, kg_errbuf *errbuf);

/* "kigen.<table>_<code>" of the session's municipality into out (cap bytes): where a COPY
 * FROM goes (PostgreSQL refuses COPY FROM into a table under row-level security). */
kg_err db_own_partition(db_conn *conn, const char *table, char *out, size_t cap, kg_errbuf *errbuf);

/* *sole = 1 when the session is the default municipality and no other exists: the owner's
 * paths that alter a whole table (D94's dropped keys and indexes, --bulk) are then allowed. */
kg_err db_sole_municipality(db_conn *conn, int *sole, kg_errbuf *errbuf);

/* *owner = 1 when the session has the rights of the tables' owner (ANALYZE, ALTER TABLE):
 * the owner and its members; 0 for a municipality's role (D125). */
kg_err db_owns_tables(db_conn *conn, int *owner, kg_errbuf *errbuf);

/* Makes every later connection of this process and of the processes it starts work for the
 * municipality code (D128): PGOPTIONS gains "-c role=kigen_m<code> -c
 * kigen.municipality=<code>", so that the session runs as the municipality's role, under its
 * policies, from its first statement (the role must exist: kigen municipality add). The
 * default municipality (NULL, "" or 000000) changes nothing. KG_ERR_NOMEM when the
 * environment cannot grow. For main, before any connection. */
kg_err db_tenancy_select(const char *code, kg_errbuf *errbuf);

#endif
