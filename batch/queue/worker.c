/*
 * worker.c - the loop of `kigen worker` (see worker.h): claim, run, renew, finish.
 */
#include "worker.h"
#include "../common/i18n.h"
#include "night_child.h"
#include "night_queue.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#define DB_TRIES 5 /* statements tried (each after a reconnection) before the worker stops */

typedef struct worker_state {
    const worker_request *request;
    db_conn *conn; /* owned; NULL until connected, or after a failure */
    int signal_fd; /* owned */
    bool stopping; /* SIGTERM or SIGINT came */
    char owner[NIGHT_QUEUE_OWNER_CAP];
} worker_state;

static long monotonic_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)now.tv_sec * 1000L + now.tv_nsec / 1000000L;
}

/* Takes the signals that came: SIGTERM or SIGINT start the stop (SIGCHLD only wakes). */
static void read_signals(worker_state *state)
{
    struct signalfd_siginfo info;
    while (read(state->signal_fd, &info, sizeof(info)) == (ssize_t)sizeof(info)) {
        if ((info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) && !state->stopping) {
            state->stopping = true;
            log_line(state->request->log, LOG_INFO,
                     _("worker %s: stopping (signal %u) after the current night"), state->owner,
                     info.ssi_signo);
        }
    }
}

/* Waits at most ms for a signal, or for other_fd (-1: none) to be readable. */
static void wait_for(worker_state *state, int other_fd, long ms)
{
    struct pollfd fds[2] = {{state->signal_fd, POLLIN, 0}, {other_fd, POLLIN, 0}};
    if (ms < 0)
        ms = 0;
    poll(fds, 2, (int)ms);
    read_signals(state);
}

/* A statement failed: the connection is dropped, to be made again before the next one. */
static void drop_connection(worker_state *state, const kg_errbuf *errbuf)
{
    log_line(state->request->log, LOG_WARN, _("worker %s: the database failed: %s"), state->owner,
             errbuf->text);
    db_close(state->conn);
    state->conn = NULL;
}

static kg_err connect_if_needed(worker_state *state, kg_errbuf *errbuf)
{
    if (state->conn != NULL)
        return KG_OK;
    return db_connect(state->request->db, errbuf, &state->conn);
}

/* The run's command line: kigen [-q|-v] [--db C] --municipality M run --date D --out R
 * [--config F]. */
static void run_args(const worker_state *state, const night_claim *claim, char *date,
                     const char **args)
{
    const worker_request *request = state->request;
    size_t count = 0;
    if (request->log->level <= LOG_ERROR)
        args[count++] = "-q";
    else if (request->log->level >= LOG_DEBUG)
        args[count++] = "-v";
    if (request->db->conninfo != NULL) {
        args[count++] = "--db";
        args[count++] = request->db->conninfo;
    }
    /* always named, the default's 000000 too: the run never falls back to the municipality
     * a configuration names (D151) */
    args[count++] = "--municipality";
    args[count++] = claim->municipality;
    args[count++] = "run";
    args[count++] = "--date";
    args[count++] = kdate_format(claim->run_date, date);
    args[count++] = "--out";
    args[count++] = request->out_root;
    if (request->config_path != NULL) {
        args[count++] = "--config";
        args[count++] = request->config_path;
    }
    args[count] = NULL;
}

/* Renews the lease when it is time; a lease lost is said once. */
static void renew_lease(worker_state *state, const night_claim *claim, bool *lost)
{
    kg_errbuf errbuf;
    memset(&errbuf, 0, sizeof(errbuf));
    bool held = true;
    kg_err err = connect_if_needed(state, &errbuf);
    if (err == KG_OK)
        err = night_queue_renew(state->conn, claim, state->owner, state->request->lease_seconds,
                                &held, &errbuf);
    if (err != KG_OK) {
        drop_connection(state, &errbuf);
        return;
    }
    if (!held && !*lost) {
        char date[KDATE_ISO_LEN + 1];
        log_line(state->request->log, LOG_WARN,
                 _("worker %s: night %s of %s: the lease was lost (renewed too late); another "
                   "worker may run the night, which the run lock and the ledger keep whole"),
                 state->owner, kdate_format(claim->run_date, date), claim->municipality);
        *lost = true;
    }
}

/* Runs the claimed night to its end; *status its exit status (-signal). */
static kg_err run_child(worker_state *state, const night_claim *claim, int *status,
                        night_child *child, kg_errbuf *errbuf)
{
    char date[KDATE_ISO_LEN + 1];
    const char *args[NIGHT_CHILD_ARGS_MAX];
    run_args(state, claim, date, args);
    kg_err err = night_child_start(args, stderr, child, errbuf);
    if (err != KG_OK)
        return err;
    long renew_every = state->request->lease_seconds * 1000L / 3;
    if (renew_every < 200)
        renew_every = 200;
    long next_renewal = monotonic_ms() + renew_every;
    bool lost = false;
    while (!night_child_reap(child, status)) {
        long until = next_renewal - monotonic_ms();
        wait_for(state, child->stderr_fd, until < 1000 ? until : 1000);
        night_child_read(child);
        if (monotonic_ms() >= next_renewal) {
            renew_lease(state, claim, &lost);
            next_renewal = monotonic_ms() + renew_every;
        }
    }
    /* what it wrote last, unless something it started keeps the pipe open: 5 s at most */
    for (int pause = 0; pause < 50 && night_child_read(child); pause++)
        wait_for(state, child->stderr_fd, 100);
    return KG_OK;
}

static night_outcome outcome_of(const worker_state *state, int status)
{
    if (status == 0 || status == 1)
        return NIGHT_DONE;
    if (status == 6 || (status < 0 && state->stopping))
        return NIGHT_NOT_STARTED;
    return NIGHT_FAILED;
}

/* Records the night's end, reconnecting when the database fails, DB_TRIES times. */
static kg_err finish_night(worker_state *state, const night_claim *claim, night_outcome outcome,
                           int status, const char *error_text, char *state_after, kg_errbuf *errbuf)
{
    const worker_request *request = state->request;
    int retry = outcome == NIGHT_NOT_STARTED ? request->poll_seconds : request->backoff_seconds;
    kg_err err = KG_OK;
    for (int attempt = 0; attempt < DB_TRIES; attempt++) {
        err = connect_if_needed(state, errbuf);
        if (err == KG_OK)
            err = night_queue_finish(state->conn, claim, state->owner, outcome, status, error_text,
                                     retry, state_after, errbuf);
        if (err == KG_OK)
            return KG_OK;
        drop_connection(state, errbuf);
        wait_for(state, -1, request->poll_seconds * 1000L);
    }
    return err;
}

static void log_end(const worker_state *state, const night_claim *claim, int status,
                    const char *state_after)
{
    char date[KDATE_ISO_LEN + 1];
    kdate_format(claim->run_date, date);
    const log_sink *log = state->request->log;
    if (state_after[0] == '\0')
        log_line(log, LOG_WARN,
                 _("worker %s: night %s of %s ended (exit status %d) after another worker took "
                   "it over; the queue keeps that worker's record"),
                 state->owner, date, claim->municipality, status);
    else if (strcmp(state_after, "done") == 0)
        log_line(log, LOG_INFO, _("worker %s: night %s of %s: done (exit status %d)"), state->owner,
                 date, claim->municipality, status);
    else if (strcmp(state_after, "failed") == 0)
        log_line(log, LOG_ERROR,
                 _("worker %s: night %s of %s: failed (exit status %d), no attempt left of %d"),
                 state->owner, date, claim->municipality, status, claim->max_attempts);
    else
        log_line(log, LOG_WARN,
                 _("worker %s: night %s of %s: not done (exit status %d); it waits for another "
                   "try (kigen queue status)"),
                 state->owner, date, claim->municipality, status);
}

static kg_err run_night(worker_state *state, const night_claim *claim, worker_counts *counts,
                        kg_errbuf *errbuf)
{
    char date[KDATE_ISO_LEN + 1];
    kdate_format(claim->run_date, date);
    const log_sink *log = state->request->log;
    if (claim->previous_owner[0] != '\0')
        log_line(log, LOG_INFO,
                 _("worker %s: night %s of %s: taken over from worker %s, whose lease expired "
                   "(run %d of %d)"),
                 state->owner, date, claim->municipality, claim->previous_owner, claim->attempts,
                 claim->max_attempts);
    else
        log_line(log, LOG_INFO, _("worker %s: night %s of %s: started (run %d of %d)"),
                 state->owner, date, claim->municipality, claim->attempts, claim->max_attempts);
    night_child child;
    int status = -1;
    kg_err err = run_child(state, claim, &status, &child, errbuf);
    char error_text[NIGHT_QUEUE_ERROR_CAP];
    night_child_error_text(&child, error_text, sizeof(error_text));
    night_child_close(&child);
    night_outcome outcome = err != KG_OK ? NIGHT_FAILED : outcome_of(state, status);
    if (err != KG_OK)
        snprintf(error_text, sizeof(error_text), "%s", errbuf->text);
    else if (status < 0)
        snprintf(error_text, sizeof(error_text), _("the run was ended by signal %d"), -status);
    char state_after[12];
    kg_errbuf finish_errbuf;
    memset(&finish_errbuf, 0, sizeof(finish_errbuf));
    kg_err finish_err =
        finish_night(state, claim, outcome, status, outcome == NIGHT_DONE ? NULL : error_text,
                     state_after, &finish_errbuf);
    if (err != KG_OK)
        return err;
    if (finish_err != KG_OK) {
        *errbuf = finish_errbuf;
        return finish_err;
    }
    log_end(state, claim, status, state_after);
    counts->done += strcmp(state_after, "done") == 0;
    counts->failed += strcmp(state_after, "failed") == 0;
    counts->retried += strcmp(state_after, "waiting") == 0;
    return KG_OK;
}

/* One look at the queue: the abandoned nights failed, then a claim. */
static kg_err claim_next(worker_state *state, night_claim *claim, bool *claimed, long *pending,
                         kg_errbuf *errbuf)
{
    long abandoned = 0;
    kg_err err = connect_if_needed(state, errbuf);
    if (err == KG_OK)
        err = night_queue_fail_abandoned(
            state->conn,
            _("worker %s stopped renewing its lease (it ended, or lost the database) and no "
              "attempt was left"),
            &abandoned, errbuf);
    if (err == KG_OK && abandoned > 0)
        log_line(state->request->log, LOG_ERROR,
                 _("worker %s: %ld night(s) failed: their worker stopped renewing the lease on "
                   "the last attempt (kigen queue status)"),
                 state->owner, abandoned);
    if (err == KG_OK)
        err = night_queue_claim(state->conn, state->owner, state->request->lease_seconds, claim,
                                claimed, errbuf);
    if (err == KG_OK && !*claimed)
        err = night_queue_pending(state->conn, pending, errbuf);
    return err;
}

static kg_err work(worker_state *state, worker_counts *counts, kg_errbuf *errbuf)
{
    const worker_request *request = state->request;
    int failures = 0;
    bool idle_said = false;
    while (!state->stopping) {
        night_claim claim;
        bool claimed = false;
        long pending = 0;
        kg_err err = claim_next(state, &claim, &claimed, &pending, errbuf);
        if (err != KG_OK) {
            if (++failures >= DB_TRIES)
                return err;
            drop_connection(state, errbuf);
            wait_for(state, -1, request->poll_seconds * 1000L);
            continue;
        }
        failures = 0;
        if (claimed) {
            idle_said = false;
            err = run_night(state, &claim, counts, errbuf);
            if (err != KG_OK)
                return err;
            read_signals(state);
            continue;
        }
        if (request->until_empty && pending == 0) {
            log_line(request->log, LOG_INFO,
                     _("worker %s: the queue is empty: %ld night(s) done, %ld failed"),
                     state->owner, counts->done, counts->failed);
            return KG_OK;
        }
        if (!idle_said)
            log_line(request->log, LOG_DETAIL,
                     _("worker %s: no night is due; looking again every %d s"), state->owner,
                     request->poll_seconds);
        idle_said = true;
        wait_for(state, -1, request->poll_seconds * 1000L);
    }
    return KG_OK;
}

kg_err worker_run(const worker_request *request, worker_counts *counts, kg_errbuf *errbuf)
{
    memset(counts, 0, sizeof(*counts));
    worker_state state;
    memset(&state, 0, sizeof(state));
    state.request = request;
    char host[256];
    if (gethostname(host, sizeof(host)) != 0)
        host[0] = '\0';
    host[sizeof(host) - 1] = '\0';
    snprintf(state.owner, sizeof(state.owner), "%.100s:%ld", host, (long)getpid());
    sigset_t mask, previous;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGCHLD);
    if (sigprocmask(SIG_BLOCK, &mask, &previous) != 0)
        return kg_fail(errbuf, KG_ERR_INTERNAL, _("unable to start the worker: %s"),
                       strerror(errno));
    /* an ignored signal never reaches the signalfd: a worker started in the background by a
     * shell (SIGINT ignored) must still stop on it; blocked, the default action never runs */
    struct sigaction default_action, previous_term, previous_int;
    memset(&default_action, 0, sizeof(default_action));
    default_action.sa_handler = SIG_DFL;
    sigaction(SIGTERM, &default_action, &previous_term);
    sigaction(SIGINT, &default_action, &previous_int);
    state.signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    kg_err err = KG_OK;
    if (state.signal_fd < 0)
        err =
            kg_fail(errbuf, KG_ERR_INTERNAL, _("unable to start the worker: %s"), strerror(errno));
    if (err == KG_OK) {
        log_line(request->log, LOG_INFO,
                 _("worker %s: working the queue (lease %d s, runs into %s)"), state.owner,
                 request->lease_seconds, request->out_root);
        err = work(&state, counts, errbuf);
    }
    if (state.signal_fd >= 0)
        close(state.signal_fd);
    db_close(state.conn);
    sigaction(SIGTERM, &previous_term, NULL);
    sigaction(SIGINT, &previous_int, NULL);
    sigprocmask(SIG_SETMASK, &previous, NULL);
    return err;
}
