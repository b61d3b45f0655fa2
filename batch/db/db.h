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
#include "../common/kdate.h"

typedef struct db_conn db_conn;     /* owns the PGconn; freed by db_close */
typedef struct db_result db_result; /* owns a PGresult; freed by db_result_free */

/* Which server a command connects to, and the name it gives itself there. */
typedef struct db_target {
    const char *conninfo;    /* --db, else the configuration's db key: a libpq connection
                              * string, a postgresql:// URI or a database name; NULL:
                              * libpq's environment and files, or the embedded cluster */
    const char *origin;      /* where conninfo came from, for messages: "--db" (NULL), "db in
                              * FILE" */
    const char *application; /* application_name unless the conninfo or PGAPPNAME sets one:
                              * "kigen load", "kigen forms return"; NULL: "kigen" */
} db_target;

/* A command's target: option (--db) when given, else config_db (the configuration's db
 * key; "" or NULL: none) with origin "db in <config_path>" written into origin (cap
 * bytes), else none (libpq's environment). application as in db_target. */
db_target db_target_choose(const char *option, const char *config_db, const char *config_path,
                           char *origin, size_t cap, const char *application);

/* KG_OK when conninfo (NULL accepted) can be used: it parses (PQconninfoParse) and holds
 * no password (`password=` or a URI's user:password@); otherwise KG_ERR_USAGE naming
 * origin and where a password belongs (~/.pgpass, PGPASSFILE, a service file). The
 * connection string itself is never repeated in a message. */
kg_err db_check_conninfo(const char *conninfo, const char *origin, kg_errbuf *errbuf);

/* Connects to target (NULL: every field NULL). With a conninfo, exactly that (after
 * db_check_conninfo); without one, libpq's own defaults (PGHOST, PGHOSTADDR, PGPORT,
 * PGUSER, PGDATABASE, PGSERVICE, PGPASSFILE, ~/.pgpass, ...) untouched, except that when
 * none of PGHOST, PGHOSTADDR, PGPORT, PGUSER, PGDATABASE and PGSERVICE is set and the
 * binary runs from a checkout, the checkout's embedded cluster (embedded.h, database and
 * user kigen). KG_ERR_DB_CONNECT with the server's message and a hint that fits the
 * target (start the embedded cluster; or the host, port, user and database tried). */
kg_err db_connect(const db_target *target, kg_errbuf *errbuf, db_conn **out);

/* libpq's version as text ("17.6"; "9.6.24" before 10) into out. */
void db_client_version(char *out, size_t cap);

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
/* The value as text copied into out (cap bytes, cut if longer; "" for SQL NULL). */
void db_result_text(const db_result *result, int row, int column, char *out, size_t cap);
/* The value as a number (0 for SQL NULL). */
long db_result_long(const db_result *result, int row, int column);
/* The value as a day from an ISO date (KDATE_NONE for SQL NULL or not a date). */
kdate db_result_date(const db_result *result, int row, int column);
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
