/*
 * worker.h - the loop of `kigen worker`: claim the next due night of the queue
 * (night_queue.h), run it as `kigen run` would (night_child.h), renew the lease while it
 * runs, record how it ended; wait for work when there is none (or stop, --until-empty);
 * stop cleanly after the current night on SIGTERM or SIGINT (D147, D148).
 *
 * The signals are read from a signalfd, never by a handler: SIGTERM, SIGINT and SIGCHLD
 * are blocked in the worker for as long as worker_run runs (and unblocked in its children),
 * so that no global state records them. Linux only.
 */
#ifndef KIGEN_WORKER_H
#define KIGEN_WORKER_H

#include <stdbool.h>

#include "../common/error.h"
#include "../common/log.h"
#include "../db/db.h"

#define WORKER_LEASE_DEFAULT 60   /* seconds a claim or renewal holds a night */
#define WORKER_POLL_DEFAULT 10    /* seconds between looks at an empty queue */
#define WORKER_BACKOFF_DEFAULT 60 /* the first retry's wait after a failure, in seconds */

typedef struct worker_request {
    const char *out_root;    /* --out ROOT of every night's run; not owned */
    const char *config_path; /* --config FILE for the runs, or NULL */
    const db_target *db;     /* the queue's database; its conninfo (when set) is the runs' --db */
    int lease_seconds;       /* renewed every third of it */
    int poll_seconds;        /* an empty queue is looked at again after this; also the wait
                              * before a night refused as busy (exit status 6) is tried again */
    int backoff_seconds;     /* doubled for each attempt used, at most NIGHT_QUEUE_BACKOFF_CAP */
    bool until_empty;        /* stop when no night is waiting or running */
    const log_sink *log;     /* the worker's log; its level is also the runs' (-q, -v) */
} worker_request;

typedef struct worker_counts {
    long done;    /* nights this worker finished */
    long retried; /* runs that failed or were refused and wait for another try */
    long failed;  /* nights that failed for good in this worker's hands */
} worker_counts;

/* Works the queue until stopped (a signal, or --until-empty with nothing left). A failed
 * night is the queue's business, not an error; errors are the worker's own: the
 * database (after a reconnection was tried), a child that cannot be started. */
kg_err worker_run(const worker_request *request, worker_counts *counts, kg_errbuf *errbuf);

#endif
