/*
 * db.h - kigen's PostgreSQL client: connect, run statements, COPY rows in and out.
 *
 * The only module that includes libpq-fe.h; everything else sees opaque handles. Not a
 * general-purpose client: text results, parameters only through db_query, search_path
 * set to '' (every table is schema-qualified as kigen.<table>). Each failure is
 * translated once, here, into a kg_err with the server's message in the errbuf.
 */
#ifndef KIGEN_DB_H
#define KIGEN_DB_H

#include <stddef.h>

#include "../common/error.h"

typedef struct db_conn db_conn;     /* owns the PGconn; freed by db_close */
typedef struct db_result db_result; /* owns a PGresult; freed by db_result_free */

/* Connects with `conninfo` (--db) when given; else with libpq's environment when any of
 * PGHOST, PGDATABASE or PGSERVICE is set; else to the embedded cluster of the checkout.
 * KG_ERR_DB_CONNECT with the server's message and a hint on failure. */
kg_err db_connect(const char *conninfo, kg_errbuf *errbuf, db_conn **out);

/* Closes the connection; accepts NULL. */
void db_close(db_conn *conn);

/* Runs one or more statements without parameters or results (DDL, BEGIN, COMMIT). */
kg_err db_exec(db_conn *conn, const char *sql, kg_errbuf *errbuf);

/* Runs one statement with text parameters (NULL pointer = SQL NULL). On success *out
 * holds the result (the caller frees it with db_result_free); out may be NULL to
 * discard it. KG_ERR_DB_QUERY with the server's message on failure. */
kg_err db_query(db_conn *conn, const char *sql, int param_count, const char *const *params,
                kg_errbuf *errbuf, db_result **out);

int db_result_rows(const db_result *result);
/* Text of a value, or NULL for SQL NULL; valid until db_result_free. */
const char *db_result_value(const db_result *result, int row, int column);
/* Rows affected by an INSERT/UPDATE/DELETE, 0 otherwise. */
long db_result_affected(const db_result *result);
void db_result_free(db_result *result);

/* COPY ... FROM STDIN: begin, put data (buffered; any split of the text), end. A failed
 * COPY leaves the transaction aborted: the caller rolls back. */
kg_err db_copy_begin(db_conn *conn, const char *copy_sql, kg_errbuf *errbuf);
kg_err db_copy_put(db_conn *conn, const char *data, size_t len, kg_errbuf *errbuf);
kg_err db_copy_end(db_conn *conn, kg_errbuf *errbuf);

/* COPY ... TO STDOUT: begin, then one whole row per db_copy_out_next (text format, with
 * its newline) until KG_EOF. The row stays valid until the next call or db_close. An
 * error in the middle (the server failed) is a kg_err with the server's message. */
kg_err db_copy_out_begin(db_conn *conn, const char *copy_sql, kg_errbuf *errbuf);
kg_err db_copy_out_next(db_conn *conn, const char **row, size_t *len, kg_errbuf *errbuf);

/* Session-level advisory lock: KG_OK and *acquired = 1 when taken, 0 when another
 * session holds it (never waits). */
kg_err db_try_lock(db_conn *conn, long key, int *acquired, kg_errbuf *errbuf);

/* Another session that holds the advisory lock `key` of this database, as pg_locks (the
 * bigint key split into classid and objid, objsubid 1) joined to pg_stat_activity show
 * it. Fields the server hides from this role are empty. */
typedef struct db_lock_holder {
    int found;              /* 0: no other session holds it (released meanwhile) */
    long pid;               /* the holding backend's process id */
    int has_activity;       /* 0: no pg_stat_activity row: the backend is ending */
    char application[64];   /* its application_name */
    char state[32];         /* active, idle, idle in transaction, ... */
    char backend_start[24]; /* when it connected: "YYYY-MM-DD HH:MM:SS", Japan time */
} db_lock_holder;

kg_err db_lock_holder_find(db_conn *conn, long key, db_lock_holder *holder, kg_errbuf *errbuf);

#endif
