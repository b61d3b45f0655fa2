/*
 * run_lock.c - taking the run lock, and judging who holds it (see run_lock.h).
 *
 * Whether the process behind a holding session is gone is read from the session's
 * application_name, so only a run of this host can be judged (kill(pid, 0), and /proc
 * for a killed process that its parent has not reaped yet). The server's own view cannot
 * tell: a live run's locking session is idle for minutes while its print workers draw,
 * and a killed run's backend can be active until its statement ends.
 */
#include "run_lock.h"
#include "../common/i18n.h"
#include "../common/municipality_code.h"
#include "../db/db_tenancy.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define NAME_CAP 64 /* NAMEDATALEN: the server keeps 63 bytes of an application_name */
#define NAME_PREFIX "kigen run "
#define FIRST_PAUSE_MS 50L
#define LONGEST_PAUSE_MS 1000L
#define HOLDER_TEXT_CAP 160

void run_lock_application_name(long pid, char *name, size_t cap)
{
    char host[256];
    if (gethostname(host, sizeof(host)) != 0)
        host[0] = '\0';
    host[sizeof(host) - 1] = '\0';
    char full[sizeof(NAME_PREFIX) + 24 + sizeof(host)];
    snprintf(full, sizeof(full), NAME_PREFIX "%ld %s", pid, host);
    snprintf(name, cap, "%.*s", NAME_CAP - 1, full); /* cut where the server cuts */
}

/* The process has ended: no such process, or a zombie (its sockets are closed). */
static bool process_gone(long pid)
{
    if (pid <= 0 || pid == (long)getpid())
        return false;
    if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
        return true;
    char path[64], stat[512];
    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    FILE *file = fopen(path, "r");
    if (file == NULL)
        return false;
    size_t got = fread(stat, 1, sizeof(stat) - 1, file);
    fclose(file);
    stat[got] = '\0';
    const char *comm_end = strrchr(stat, ')'); /* "pid (comm) state ..." */
    return comm_end != NULL && comm_end[1] == ' ' && comm_end[2] == 'Z';
}

typedef enum holder_kind {
    HOLDER_NONE,   /* released between the attempt and the look */
    HOLDER_ENDING, /* a backend whose client is gone: PostgreSQL is about to end it */
    HOLDER_LIVE    /* a live run, another program, or a session that cannot be judged */
} holder_kind;

static bool is_kigen_run(const db_lock_holder *holder)
{
    return strncmp(holder->application, NAME_PREFIX, strlen(NAME_PREFIX)) == 0;
}

/* The holder's kind; for HOLDER_ENDING, why into why (cap bytes). */
static holder_kind judge(const db_lock_holder *holder, char *why, size_t cap)
{
    if (!holder->found)
        return HOLDER_NONE;
    if (!holder->has_activity) {
        snprintf(why, cap, _("a backend that is ending"));
        return HOLDER_ENDING;
    }
    if (!is_kigen_run(holder))
        return HOLDER_LIVE;
    long client_pid = strtol(holder->application + strlen(NAME_PREFIX), NULL, 10);
    char expected[NAME_CAP];
    run_lock_application_name(client_pid, expected, sizeof(expected));
    if (strcmp(expected, holder->application) != 0 || !process_gone(client_pid))
        return HOLDER_LIVE; /* alive, or of another host: only the lock can tell */
    snprintf(why, cap, _("a kigen run whose process %ld is gone"), client_pid);
    return HOLDER_ENDING;
}

/* "backend 123, connected since 2026-12-01 02:00:03 JST, idle" (what the server shows). */
static void describe(const db_lock_holder *holder, char *text, size_t cap)
{
    char since[64] = "", state[48] = "";
    if (holder->backend_start[0] != '\0')
        snprintf(since, sizeof(since), _(", connected since %s JST"), holder->backend_start);
    if (holder->state[0] != '\0')
        snprintf(state, sizeof(state), ", %s", holder->state);
    snprintf(text, cap, _("backend %ld%s%s"), holder->pid, since, state);
}

static kg_err refuse_live(const db_lock_holder *holder, const char *date, kg_errbuf *errbuf)
{
    char text[HOLDER_TEXT_CAP];
    describe(holder, text, sizeof(text));
    kg_fail(errbuf, KG_ERR_RUN_BUSY, _("unable to start the run of %s: %s (%s)"), date,
            is_kigen_run(holder) ? _("another kigen run is in progress")
                                 : _("another session holds the run lock"),
            text);
    kg_hint(errbuf, _("wait for it to finish; nothing was done"));
    return KG_ERR_RUN_BUSY;
}

static kg_err refuse_stale(const db_lock_holder *holder, const char *why, const char *date,
                           long waited_ms, kg_errbuf *errbuf)
{
    if (!holder->found) {
        kg_fail(errbuf, KG_ERR_RUN_BUSY,
                _("unable to start the run of %s: the run lock stayed taken (waited %ld ms)"), date,
                waited_ms);
        kg_hint(errbuf, _("try again; nothing was done"));
        return KG_ERR_RUN_BUSY;
    }
    char text[HOLDER_TEXT_CAP];
    describe(holder, text, sizeof(text));
    kg_fail(
        errbuf, KG_ERR_RUN_BUSY,
        _("unable to start the run of %s: the run lock is still held by %s (%s; waited %ld ms)"),
        date, why, text, waited_ms);
    kg_hint(errbuf,
            _("nothing was done; PostgreSQL ends that backend when it notices that its client is "
              "gone: try again, or end it now with SELECT pg_terminate_backend(%ld)"),
            holder->pid);
    return KG_ERR_RUN_BUSY;
}

static long elapsed_ms(const struct timespec *started)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(now.tv_sec - started->tv_sec) * 1000L +
           (long)(now.tv_nsec - started->tv_nsec) / 1000000L;
}

static void pause_ms(long ms)
{
    struct timespec pause = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&pause, &pause) != 0 && errno == EINTR)
        continue;
}

/* Once the lock is ours: a killed run's backend ends at its next look at the client's
 * socket, at once between statements, but in a statement only when it sends something;
 * PostgreSQL 14 and later also look every second when asked to. Where the server cannot
 * (an older version, a platform without the check), nothing changes. */
static void ask_for_client_checks(db_conn *conn, const log_sink *log)
{
    kg_errbuf ignored;
    if (db_query(conn,
                 "SELECT pg_catalog.set_config('client_connection_check_interval', '1s', false) "
                 "WHERE pg_catalog.current_setting('client_connection_check_interval', true) "
                 "IS NOT NULL",
                 0, NULL, &ignored, NULL) != KG_OK)
        log_line(log, LOG_DEBUG, _("run lock: the server does not check its clients: %s"),
                 ignored.text);
}

long run_lock_key(const char *municipality_code)
{
    long code = municipality_code != NULL ? strtol(municipality_code, NULL, 10) : 0;
    return RUN_LOCK_KEY + (code << 40);
}

kg_err run_lock_take(db_conn *conn, const char *date, const log_sink *log, kg_errbuf *errbuf)
{
    char code[MUNICIPALITY_CODE_SIZE + 1] = "";
    kg_err code_err = db_current_municipality(conn, code, sizeof(code), errbuf);
    if (code_err != KG_OK)
        return code_err;
    long key = run_lock_key(code);
    char name[NAME_CAP];
    run_lock_application_name((long)getpid(), name, sizeof(name));
    const char *params[] = {name};
    kg_err err = db_query(conn, "SELECT pg_catalog.set_config('application_name', $1, false)", 1,
                          params, errbuf, NULL);
    struct timespec started;
    clock_gettime(CLOCK_MONOTONIC, &started);
    long pause = FIRST_PAUSE_MS;
    bool waiting = false;
    while (err == KG_OK) {
        int acquired = 0;
        err = db_try_lock(conn, key, &acquired, errbuf);
        if (err == KG_OK && acquired) {
            if (waiting)
                log_line(log, LOG_INFO, _("run %s: run lock taken after %ld ms"), date,
                         elapsed_ms(&started));
            ask_for_client_checks(conn, log);
            return KG_OK;
        }
        db_lock_holder holder;
        if (err == KG_OK)
            err = db_lock_holder_find(conn, key, &holder, errbuf);
        if (err != KG_OK)
            break;
        char why[96] = "";
        holder_kind kind = judge(&holder, why, sizeof(why));
        if (kind == HOLDER_LIVE)
            return refuse_live(&holder, date, errbuf);
        long waited = elapsed_ms(&started);
        if (waited >= RUN_LOCK_WAIT_MS)
            return refuse_stale(&holder, why, date, waited, errbuf);
        if (kind == HOLDER_ENDING && !waiting)
            log_line(log, LOG_INFO,
                     _("run %s: the run lock is held by backend %ld, %s: waiting for it to end "
                       "(at most %d s)"),
                     date, holder.pid, why, RUN_LOCK_WAIT_MS / 1000);
        waiting = waiting || kind == HOLDER_ENDING;
        pause_ms(pause < RUN_LOCK_WAIT_MS - waited ? pause : RUN_LOCK_WAIT_MS - waited);
        pause = pause * 2 < LONGEST_PAUSE_MS ? pause * 2 : LONGEST_PAUSE_MS;
    }
    return err;
}
