/*
 * db_indexes.h - the secondary indexes of some of kigen's tables dropped before a bulk
 * COPY and built again after it (one sort each instead of an insert per row).
 *
 * Secondary: indexes that no constraint owns (primary keys and unique constraints stay).
 * Inside the caller's transaction: a failure rolls the drop back with everything else.
 */
#ifndef KIGEN_DB_INDEXES_H
#define KIGEN_DB_INDEXES_H

#include "../common/error.h"
#include "db.h"

/* Drops the secondary indexes of kigen.<table> for each table in the PostgreSQL array
 * literal tables ("{residents,cards}"); *defs (the caller frees it with db_result_free)
 * keeps their definitions for db_indexes_build. */
kg_err db_indexes_drop(db_conn *conn, const char *tables, db_result **defs, kg_errbuf *errbuf);

/* Builds the indexes of defs again (NULL: none). */
kg_err db_indexes_build(db_conn *conn, const db_result *defs, kg_errbuf *errbuf);

#endif
