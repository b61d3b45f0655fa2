/*
 * night_queue.h - the queue of nights in kigen.night_queue (sql/017): enqueue, list,
 * claim under a lease, renew, finish. Every statement is one short transaction of its own
 * (autocommit) and every time is the database server's clock (now()), so that workers on
 * several machines agree on leases and backoffs whatever their own clocks say (D144).
 *
 * No statement here waits on another worker: a claim skips the rows another claim has
 * locked (FOR UPDATE SKIP LOCKED). Messages are the caller's, except the errors of the
 * statements (db.h's).
 */
#ifndef KIGEN_NIGHT_QUEUE_H
#define KIGEN_NIGHT_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/error.h"
#include "../common/kdate.h"
#include "../db/db.h"

#define NIGHT_QUEUE_MAX_ATTEMPTS 3   /* the default limit of runs of a night (D143) */
#define NIGHT_QUEUE_BACKOFF_CAP 3600 /* the longest wait before a retry, in seconds */
#define NIGHT_QUEUE_OWNER_CAP 128    /* "host:pid" */
#define NIGHT_QUEUE_TIME_CAP 24      /* "YYYY-MM-DD HH:MM:SS" in Japan time */
#define NIGHT_QUEUE_ERROR_CAP 1024   /* the last error kept in a night's row */
#define NIGHT_QUEUE_KEEP_DAYS 35     /* done nights kept this long before the enqueued day */

/* What `kigen queue --date D` did: nights added, failed nights made waiting again,
 * nights left as they were (waiting, running or done). */
typedef struct night_queue_counts {
    long added;
    long retried;
    long kept;
} night_queue_counts;

/* Enqueues the night of day for every municipality of kigen.queue_municipalities(), with
 * max_attempts (1..100) runs allowed. Idempotent: a night already in the queue keeps its
 * row, except a failed one, which is waiting again with no attempt used (D142). */
kg_err night_queue_enqueue(db_conn *conn, kdate day, int max_attempts, night_queue_counts *counts,
                           kg_errbuf *errbuf);

/* Deletes the done nights whose run date is more than NIGHT_QUEUE_KEEP_DAYS days before day
 * (D152): the queue is the workers' list of work, a night's record is its run in the ledger.
 * Waiting, running and failed nights stay, whatever their date. Their number into count. */
kg_err night_queue_forget_done(db_conn *conn, kdate day, long *count, kg_errbuf *errbuf);

/* One night of the queue as `kigen queue status` shows it. Times are Japan time, "" when
 * none. */
typedef struct night_entry {
    char municipality[8];
    char run_date[KDATE_ISO_LEN + 1];
    char state[12]; /* waiting, running, done, failed */
    int attempts;
    int max_attempts;
    char lease_owner[NIGHT_QUEUE_OWNER_CAP]; /* running: the worker */
    bool lease_expired;                      /* running, but its lease is past */
    char started_at[NIGHT_QUEUE_TIME_CAP];
    char finished_at[NIGHT_QUEUE_TIME_CAP];
    char next_try_at[NIGHT_QUEUE_TIME_CAP]; /* waiting: "" when due now */
    char last_error[NIGHT_QUEUE_ERROR_CAP];
    int exit_status; /* -1: none yet */
} night_entry;

typedef struct night_list {
    night_entry *entries; /* owned; freed by night_list_free */
    size_t count;
} night_list;

/* Every night of the queue (of day only, unless KDATE_NONE), by date then municipality.
 * KG_ERR_DB_QUERY, KG_ERR_NOMEM. */
kg_err night_queue_list(db_conn *conn, kdate day, night_list *list, kg_errbuf *errbuf);
void night_list_free(night_list *list);

/* A night a worker holds. */
typedef struct night_claim {
    char municipality[8];
    kdate run_date;
    int attempts; /* this run included */
    int max_attempts;
    char previous_owner[NIGHT_QUEUE_OWNER_CAP]; /* "" unless taken over from a worker whose
                                                 * lease expired */
} night_claim;

/* Claims the next due night for owner ("host:pid") with a lease of lease_seconds: a waiting
 * night whose next try is due, or a running one whose lease expired, the earliest date
 * first, and never a night of a municipality that has an earlier night waiting or running
 * (a municipality's nights run in date order, D145). *claimed false when none is due. */
kg_err night_queue_claim(db_conn *conn, const char *owner, int lease_seconds, night_claim *claim,
                         bool *claimed, kg_errbuf *errbuf);

/* Extends owner's lease on the night by lease_seconds from now. *held false when the night
 * is no longer owner's (its lease expired and another worker took it over). */
kg_err night_queue_renew(db_conn *conn, const night_claim *claim, const char *owner,
                         int lease_seconds, bool *held, kg_errbuf *errbuf);

/* How a night's run ended, for night_queue_finish. */
typedef enum night_outcome {
    NIGHT_DONE,        /* exit status 0 or 1: done */
    NIGHT_NOT_STARTED, /* exit status 6 (another run held the lock), or the worker stopping
                        * killed it: waiting again after retry_seconds, no attempt used */
    NIGHT_FAILED       /* anything else: waiting again after the backoff (retry_seconds
                        * doubled for each attempt used before, at most
                        * NIGHT_QUEUE_BACKOFF_CAP), or failed when no attempt is left */
} night_outcome;

/* Records the end of owner's run of the night: its outcome, the run's exit status (-1 for
 * none, a signal) and error_text (NULL: none). *state_after (12 bytes) is the night's
 * state now; "" when the night was no longer owner's (nothing changed). */
kg_err night_queue_finish(db_conn *conn, const night_claim *claim, const char *owner,
                          night_outcome outcome, int exit_status, const char *error_text,
                          int retry_seconds, char *state_after, kg_errbuf *errbuf);

/* Marks failed every running night whose lease expired with no attempt left, its
 * last_error error_format (a translated message with one %s, the worker) filled in;
 * *failed counts them. */
kg_err night_queue_fail_abandoned(db_conn *conn, const char *error_format, long *failed,
                                  kg_errbuf *errbuf);

/* The nights not finished (waiting or running) into *pending. */
kg_err night_queue_pending(db_conn *conn, long *pending, kg_errbuf *errbuf);

#endif
