/*
 * run_lock.h - the run lock: one `kigen run` at a time per municipality, as a session-level
 * advisory lock of the run's first connection (PostgreSQL releases it when that session
 * ends, however the process ended).
 *
 * A killed run leaves its backend behind for a moment (longer when it was in the middle of
 * a statement): the next run waits for such a backend to end, at most RUN_LOCK_WAIT_MS.
 * A live run, or any other session, holding the lock refuses the run at once. Not a queue:
 * a live run is never waited for.
 */
#ifndef KIGEN_RUN_LOCK_H
#define KIGEN_RUN_LOCK_H

#include <stddef.h>

#include "../common/error.h"
#include "../common/log.h"
#include "../db/db.h"

#define RUN_LOCK_KEY 0x6b6967656eL /* "kigen" */
#define RUN_LOCK_WAIT_MS 10000     /* the longest wait for a killed run's backend to end */

/* The application_name of a run's locking session, "kigen run <pid> <host>" (cut to the
 * 63 bytes the server keeps), into name (cap bytes, 64 at least). From it a later run on
 * the same host tells whether the process that holds the lock is still there. */
void run_lock_application_name(long pid, char *name, size_t cap);

/* The advisory lock key of a municipality's run (D127): RUN_LOCK_KEY plus its code times
 * 2^40, so that two municipalities' nights run at the same time; the default 000000 keeps
 * RUN_LOCK_KEY. NULL: the default. */
long run_lock_key(const char *municipality_code);

/* Names conn's session (run_lock_application_name) and takes the run lock on it.
 * When another session holds it:
 * - a kigen run of this host whose process is gone, or a backend that is ending: waits
 *   for the lock with backoff (50 ms doubling to 1 s), logging once, at most
 *   RUN_LOCK_WAIT_MS; then KG_ERR_RUN_BUSY naming the backend, with a hint;
 * - anything else (a live run, another program, a run of another host): KG_ERR_RUN_BUSY
 *   at once, naming the holding backend's pid, when it connected and its state.
 * `date` (YYYY-MM-DD) names the run in the messages. Database failures: their kg_err. */
kg_err run_lock_take(db_conn *conn, const char *date, const log_sink *log, kg_errbuf *errbuf);

#endif
