/*
 * db.c - libpq behind db.h: the connection's target, status checks, buffered COPY.
 *
 * Every PGresult is checked against the status the call expects and turned into a
 * kg_err in exactly one place (result_error). COPY data is gathered into 256 KiB chunks
 * before PQputCopyData so that row-sized writes cost no round trips.
 */
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "embedded.h"
#include "../common/i18n.h"

#define COPY_CHUNK (256 * 1024)

struct db_conn {
    PGconn *pg;
    char *copy_buf; /* pending COPY data, COPY_CHUNK bytes */
    size_t copy_len;
    char *out_row; /* the last row of a COPY TO STDOUT (libpq's buffer), or NULL */
};

struct db_result {
    PGresult *pg;
};

/* First line of a server message, without the trailing newline. */
static void copy_message(char *dest, size_t cap, const char *message)
{
    size_t len = strcspn(message != NULL ? message : "", "\n");
    if (len >= cap)
        len = cap - 1;
    memcpy(dest, message != NULL ? message : "", len);
    dest[len] = '\0';
}

static kg_err result_error(db_conn *conn, PGresult *result, const char *sql, kg_errbuf *errbuf)
{
    char message[512];
    copy_message(message, sizeof(message),
                 result != NULL ? PQresultErrorMessage(result) : PQerrorMessage(conn->pg));
    char statement[96];
    copy_message(statement, sizeof(statement), sql);
    kg_err err = PQstatus(conn->pg) == CONNECTION_BAD ? KG_ERR_DB_CONNECT : KG_ERR_DB_QUERY;
    return kg_fail(errbuf, err, _("unable to run '%s': %s"), statement, message);
}

static int env_set(const char *name)
{
    const char *value = getenv(name);
    return value != NULL && value[0] != '\0';
}

/* Whether libpq's environment names a server or a database: then the embedded cluster
 * is not the target (a service file is read only for a named service: PGSERVICE). */
static int environment_names_a_server(void)
{
    static const char *const names[] = {"PGHOST", "PGHOSTADDR", "PGPORT",
                                        "PGUSER", "PGDATABASE", "PGSERVICE"};
    for (size_t idx = 0; idx < sizeof(names) / sizeof(names[0]); idx++)
        if (env_set(names[idx]))
            return 1;
    return 0;
}

db_target db_target_choose(const char *option, const char *config_db, const char *config_path,
                           char *origin, size_t cap, const char *application)
{
    db_target target = {option, NULL, application};
    if (option == NULL && config_db != NULL && config_db[0] != '\0') {
        snprintf(origin, cap, _("db in %s"),
                 config_path != NULL ? config_path : _("the configuration"));
        target.conninfo = config_db;
        target.origin = origin;
    }
    return target;
}

kg_err db_check_conninfo(const char *conninfo, const char *origin, kg_errbuf *errbuf)
{
    if (conninfo == NULL)
        return KG_OK;
    if (origin == NULL)
        origin = "--db";
    /* a bare word is a database name (libpq's dbname expansion); anything else parses */
    if (strchr(conninfo, '=') == NULL && strncmp(conninfo, "postgresql://", 13) != 0 &&
        strncmp(conninfo, "postgres://", 11) != 0)
        return KG_OK;
    char *parse_error = NULL;
    PQconninfoOption *options = PQconninfoParse(conninfo, &parse_error);
    if (options == NULL) {
        char message[256];
        copy_message(message, sizeof(message),
                     parse_error != NULL ? parse_error : _("out of memory"));
        PQfreemem(parse_error);
        return kg_fail(errbuf, KG_ERR_USAGE, _("unable to use %s: %s"), origin, message);
    }
    int has_password = 0;
    for (const PQconninfoOption *option = options; option->keyword != NULL; option++)
        if (strcmp(option->keyword, "password") == 0 && option->val != NULL &&
            option->val[0] != '\0')
            has_password = 1;
    PQconninfoFree(options);
    if (!has_password)
        return KG_OK;
    kg_fail(errbuf, KG_ERR_USAGE,
            _("unable to use %s: it holds a password, which a command line or a configuration "
              "file would show to others (ps, the shell's history, backups)"),
            origin);
    kg_hint(errbuf, _("take the password out; put it in ~/.pgpass (or the file PGPASSFILE "
                      "names, mode 0600), or use a service file (pg_service.conf: "
                      "service=NAME), where libpq finds it"));
    return KG_ERR_USAGE;
}

/* "host /run/x, port 5432, user kigen, database city": what libpq tried. */
static void describe_target(PGconn *pg, char *out, size_t cap)
{
    const char *host = PQhost(pg), *port = PQport(pg), *user = PQuser(pg), *db = PQdb(pg);
    snprintf(out, cap, _("host %s, port %s, user %s, database %s"),
             host != NULL && host[0] != '\0' ? host : _("(libpq's default socket)"),
             port != NULL && port[0] != '\0' ? port : "5432", user != NULL ? user : "?",
             db != NULL ? db : "?");
}

/* libpq's messages (PQerrorMessage) in UTF-8 when they are translated: its text domain is
 * "libpq5-<major>", and under LC_CTYPE "C" gettext would turn their Japanese into '?'
 * (i18n.c does the same for the C library's). */
static void libpq_messages_utf8(void)
{
    char domain[32];
    snprintf(domain, sizeof(domain), "libpq5-%d", PQlibVersion() / 10000);
    bind_textdomain_codeset(domain, "UTF-8");
}

kg_err db_connect(const db_target *target, kg_errbuf *errbuf, db_conn **out)
{
    libpq_messages_utf8();
    db_target none = {NULL, NULL, NULL};
    if (target == NULL)
        target = &none;
    kg_err err = db_check_conninfo(target->conninfo, target->origin, errbuf);
    if (err != KG_OK)
        return err;
    char socket_dir[4096];
    int use_embedded = target->conninfo == NULL && !environment_names_a_server() &&
                       embedded_socket_dir(socket_dir, sizeof(socket_dir));
    const char *application = target->application != NULL ? target->application : "kigen";
    /* fallback_application_name: the conninfo's application_name or PGAPPNAME win */
    const char *const named_keys[] = {"dbname", "fallback_application_name", NULL};
    const char *const named_values[] = {target->conninfo, application, NULL};
    const char *const embedded_keys[] = {
        "host", "port", "dbname", "user", "fallback_application_name", NULL};
    const char *const embedded_values[] = {socket_dir, "5432", "kigen", "kigen", application, NULL};
    db_conn *conn = calloc(1, sizeof(*conn));
    if (conn == NULL)
        return kg_fail(errbuf, KG_ERR_NOMEM, _("unable to connect: out of memory"));
    conn->copy_buf = malloc(COPY_CHUNK);
    conn->pg = use_embedded ? PQconnectdbParams(embedded_keys, embedded_values, 0)
                            : PQconnectdbParams(named_keys, named_values, 1);
    if (conn->copy_buf == NULL || conn->pg == NULL) {
        db_close(conn);
        return kg_fail(errbuf, KG_ERR_NOMEM, _("unable to connect: out of memory"));
    }
    if (PQstatus(conn->pg) != CONNECTION_OK) {
        char message[512], tried[512];
        copy_message(message, sizeof(message), PQerrorMessage(conn->pg));
        describe_target(conn->pg, tried, sizeof(tried));
        if (use_embedded) {
            kg_fail(errbuf, KG_ERR_DB_CONNECT,
                    _("unable to connect to the embedded database in '%s': %s"), socket_dir,
                    message);
            kg_hint(errbuf,
                    _("start the embedded database with 'make db-start' in the checkout, or "
                      "name a server with --db, the configuration's db, PGHOST or PGSERVICE"));
        } else {
            kg_fail(errbuf, KG_ERR_DB_CONNECT, _("unable to connect to the database: %s"), message);
            kg_hint(errbuf,
                    _("check that the server runs and accepts these settings (from %s): %s; a "
                      "password comes from ~/.pgpass, PGPASSFILE or the service file"),
                    target->conninfo == NULL ? _("PGHOST, PGPORT, PGUSER, PGDATABASE, PGSERVICE "
                                                 "or libpq's defaults")
                    : target->origin != NULL ? target->origin
                                             : "--db",
                    tried);
        }
        db_close(conn);
        return KG_ERR_DB_CONNECT;
    }
    if (PQsetClientEncoding(conn->pg, "UTF8") != 0) {
        db_close(conn);
        return kg_fail(errbuf, KG_ERR_DB_CONNECT, _("unable to set client encoding 'UTF8'"));
    }
    /* jit off: kigen's statements are short or stream their rows, and the planner's
     * estimates for a night's few rows can pass jit_above_cost, when compiling costs
     * 10-70 ms a statement for nothing (measured on the 1,000,000-resident bench) */
    err = db_query(conn,
                   "SELECT pg_catalog.set_config('search_path', '', false), "
                   "pg_catalog.set_config('client_min_messages', 'warning', false), "
                   "pg_catalog.set_config('jit', 'off', false)",
                   0, NULL, errbuf, NULL);
    if (err != KG_OK) {
        db_close(conn);
        return err;
    }
    *out = conn;
    return KG_OK;
}

void db_client_version(char *out, size_t cap)
{
    int version = PQlibVersion();
    if (version >= 100000)
        snprintf(out, cap, "%d.%d", version / 10000, version % 10000);
    else
        snprintf(out, cap, "%d.%d.%d", version / 10000, version / 100 % 100, version % 100);
}

void db_close(db_conn *conn)
{
    if (conn == NULL)
        return;
    if (conn->out_row != NULL)
        PQfreemem(conn->out_row);
    if (conn->pg != NULL)
        PQfinish(conn->pg);
    free(conn->copy_buf);
    free(conn);
}

kg_err db_exec(db_conn *conn, const char *sql, kg_errbuf *errbuf)
{
    PGresult *result = PQexec(conn->pg, sql);
    ExecStatusType status = result != NULL ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    kg_err err = KG_OK;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        err = result_error(conn, result, sql, errbuf);
    PQclear(result);
    return err;
}

kg_err db_query(db_conn *conn, const char *sql, int param_count, const char *const *params,
                kg_errbuf *errbuf, db_result **out)
{
    PGresult *result = PQexecParams(conn->pg, sql, param_count, NULL, params, NULL, NULL, 0);
    ExecStatusType status = result != NULL ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        kg_err err = result_error(conn, result, sql, errbuf);
        PQclear(result);
        return err;
    }
    if (out == NULL) {
        PQclear(result);
        return KG_OK;
    }
    db_result *wrapped = malloc(sizeof(*wrapped));
    if (wrapped == NULL) {
        PQclear(result);
        return kg_fail(errbuf, KG_ERR_NOMEM, _("unable to keep a query result: out of memory"));
    }
    wrapped->pg = result;
    *out = wrapped;
    return KG_OK;
}

int db_result_rows(const db_result *result)
{
    return PQntuples(result->pg);
}

const char *db_result_value(const db_result *result, int row, int column)
{
    if (PQgetisnull(result->pg, row, column))
        return NULL;
    return PQgetvalue(result->pg, row, column);
}

void db_result_text(const db_result *result, int row, int column, char *out, size_t cap)
{
    const char *text = db_result_value(result, row, column);
    snprintf(out, cap, "%s", text != NULL ? text : "");
}

long db_result_long(const db_result *result, int row, int column)
{
    const char *text = db_result_value(result, row, column);
    return text != NULL ? strtol(text, NULL, 10) : 0;
}

kdate db_result_date(const db_result *result, int row, int column)
{
    const char *text = db_result_value(result, row, column);
    kdate day = KDATE_NONE;
    if (text == NULL || kdate_parse(text, strlen(text), &day) != KG_OK)
        return KDATE_NONE;
    return day;
}

long db_result_affected(const db_result *result)
{
    const char *tuples = PQcmdTuples(result->pg);
    return tuples != NULL ? strtol(tuples, NULL, 10) : 0;
}

void db_result_free(db_result *result)
{
    if (result == NULL)
        return;
    PQclear(result->pg);
    free(result);
}

/* Sends a COPY statement and checks that the server entered the expected COPY state. */
static kg_err start_copy(db_conn *conn, const char *copy_sql, ExecStatusType expected,
                         kg_errbuf *errbuf)
{
    PGresult *result = PQexec(conn->pg, copy_sql);
    kg_err err = KG_OK;
    if (result == NULL || PQresultStatus(result) != expected)
        err = result_error(conn, result, copy_sql, errbuf);
    PQclear(result);
    return err;
}

/* Reads the results that close a COPY until none is left; the first one that is not
 * PGRES_COMMAND_OK replaces `err` when `err` is still `success` (KG_OK or KG_EOF). */
static kg_err finish_copy(db_conn *conn, kg_err err, kg_err success, const char *what,
                          kg_errbuf *errbuf)
{
    PGresult *result;
    while ((result = PQgetResult(conn->pg)) != NULL) {
        if (PQresultStatus(result) != PGRES_COMMAND_OK && err == success)
            err = result_error(conn, result, what, errbuf);
        PQclear(result);
    }
    return err;
}

/* "COPY kigen.<table> ..." goes to kigen.<table>_<code> of the session's municipality
 * (D124): PostgreSQL refuses COPY FROM into a table under row-level security, and the
 * partition's own constraint keeps the rows in the municipality. Its statement triggers
 * are the partitioned table's and do not fire (the callers mark what those would). */
kg_err db_copy_begin(db_conn *conn, const char *copy_sql, kg_errbuf *errbuf)
{
    conn->copy_len = 0;
    static const char prefix[] = "COPY kigen.";
    if (strncmp(copy_sql, prefix, sizeof(prefix) - 1) != 0)
        return start_copy(conn, copy_sql, PGRES_COPY_IN, errbuf);
    const char *table = copy_sql + sizeof(prefix) - 1;
    size_t table_len = strcspn(table, " (");
    char name[64];
    snprintf(name, sizeof(name), "%.*s", (int)(table_len < 63 ? table_len : 63), table);
    const char *params[] = {name};
    db_result *result = NULL;
    kg_err err = db_query(conn, "SELECT kigen.own_partition($1)", 1, params, errbuf, &result);
    if (err != KG_OK)
        return err;
    const char *partition = db_result_value(result, 0, 0);
    size_t cap = strlen(partition) + strlen(table + table_len) + 8;
    char *sql = malloc(cap);
    if (sql == NULL) {
        db_result_free(result);
        return kg_fail(errbuf, KG_ERR_NOMEM, _("unable to copy: out of memory"));
    }
    snprintf(sql, cap, "COPY %s%s", partition, table + table_len);
    db_result_free(result);
    err = start_copy(conn, sql, PGRES_COPY_IN, errbuf);
    free(sql);
    return err;
}

static kg_err copy_flush(db_conn *conn, kg_errbuf *errbuf)
{
    if (conn->copy_len == 0)
        return KG_OK;
    if (PQputCopyData(conn->pg, conn->copy_buf, (int)conn->copy_len) != 1)
        return result_error(conn, NULL, "COPY", errbuf);
    conn->copy_len = 0;
    return KG_OK;
}

kg_err db_copy_put(db_conn *conn, const char *data, size_t len, kg_errbuf *errbuf)
{
    while (len > 0) {
        size_t room = COPY_CHUNK - conn->copy_len;
        size_t take = len < room ? len : room;
        memcpy(conn->copy_buf + conn->copy_len, data, take);
        conn->copy_len += take;
        data += take;
        len -= take;
        if (conn->copy_len == COPY_CHUNK) {
            kg_err err = copy_flush(conn, errbuf);
            if (err != KG_OK)
                return err;
        }
    }
    return KG_OK;
}

kg_err db_copy_end(db_conn *conn, kg_errbuf *errbuf)
{
    kg_err err = copy_flush(conn, errbuf);
    if (PQputCopyEnd(conn->pg, err == KG_OK ? NULL : "kigen aborted the COPY") != 1 && err == KG_OK)
        err = result_error(conn, NULL, "COPY", errbuf);
    return finish_copy(conn, err, KG_OK, "COPY", errbuf);
}

kg_err db_try_lock(db_conn *conn, long key, int *acquired, kg_errbuf *errbuf)
{
    char key_text[32];
    snprintf(key_text, sizeof(key_text), "%ld", key);
    const char *params[] = {key_text};
    db_result *result = NULL;
    kg_err err = db_query(conn, "SELECT pg_catalog.pg_try_advisory_lock($1::bigint)", 1, params,
                          errbuf, &result);
    if (err != KG_OK)
        return err;
    const char *value = db_result_value(result, 0, 0);
    *acquired = value != NULL && value[0] == 't';
    db_result_free(result);
    return KG_OK;
}

kg_err db_lock_holder_find(db_conn *conn, long key, db_lock_holder *holder, kg_errbuf *errbuf)
{
    char key_text[32];
    snprintf(key_text, sizeof(key_text), "%ld", key);
    const char *params[] = {key_text};
    db_result *result = NULL;
    kg_err err = db_query(
        conn,
        "SELECT l.pid, a.pid IS NOT NULL, coalesce(a.application_name, ''), "
        "coalesce(a.state, ''), coalesce(to_char(a.backend_start AT TIME ZONE INTERVAL "
        "'+09:00', 'YYYY-MM-DD HH24:MI:SS'), '') FROM pg_catalog.pg_locks l "
        "LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.pid IS NOT NULL "
        "AND l.pid <> pg_catalog.pg_backend_pid() AND l.database = (SELECT d.oid FROM "
        "pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()) "
        "AND l.classid = ($1::bigint >> 32)::oid AND l.objid = ($1::bigint & 4294967295)::oid "
        "AND l.objsubid = 1 LIMIT 1",
        1, params, errbuf, &result);
    memset(holder, 0, sizeof(*holder));
    if (err == KG_OK && PQntuples(result->pg) == 1) {
        holder->found = 1;
        holder->pid = strtol(PQgetvalue(result->pg, 0, 0), NULL, 10);
        holder->has_activity = PQgetvalue(result->pg, 0, 1)[0] == 't';
        snprintf(holder->application, sizeof(holder->application), "%s",
                 PQgetvalue(result->pg, 0, 2));
        snprintf(holder->state, sizeof(holder->state), "%s", PQgetvalue(result->pg, 0, 3));
        snprintf(holder->backend_start, sizeof(holder->backend_start), "%s",
                 PQgetvalue(result->pg, 0, 4));
    }
    db_result_free(result);
    return err;
}

kg_err db_copy_out_begin(db_conn *conn, const char *copy_sql, kg_errbuf *errbuf)
{
    return start_copy(conn, copy_sql, PGRES_COPY_OUT, errbuf);
}

kg_err db_copy_out_next(db_conn *conn, const char **row, size_t *len, kg_errbuf *errbuf)
{
    if (conn->out_row != NULL) {
        PQfreemem(conn->out_row);
        conn->out_row = NULL;
    }
    int got = PQgetCopyData(conn->pg, &conn->out_row, 0);
    if (got > 0) {
        *row = conn->out_row;
        *len = (size_t)got;
        return KG_OK;
    }
    kg_err err = got == -1 ? KG_EOF : result_error(conn, NULL, "COPY TO STDOUT", errbuf);
    return finish_copy(conn, err, KG_EOF, "COPY TO STDOUT", errbuf);
}
