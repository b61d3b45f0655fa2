/*
 * schedule.h - keeps kigen.cert_schedule (sql/004_schedule.sql) current: for every
 * resident marked stale, the C rule module computes when each certificate can possibly be
 * due, and the rows replace the resident's old ones, in one transaction.
 *
 * Called after every load and sample, and by the nightly run before its scan. It is a
 * cache: the run reads stale residents in full anyway, so a refresh that did not happen
 * costs time, never a notice. Does not decide anything for a run date.
 */
#ifndef KIGEN_SCHEDULE_H
#define KIGEN_SCHEDULE_H

#include "../common/error.h"
#include "../common/log.h"
#include "../db/db.h"

/* The transaction lock that a refresh holds, and that the run's recording transaction
 * holds from before its scan to its commit, so that the run never marks settled a row
 * that a refresh recomputed meanwhile. One per municipality (D130: the schedule and its
 * marks are each municipality's own), as the run lock: the key plus the code << 40; the
 * default's 000000 keeps the key of before municipalities. */
#define SCHEDULE_LOCK_SQL                                                                          \
    "SELECT pg_catalog.pg_advisory_xact_lock(x'4b4947454e02'::bigint + "                           \
    "(kigen.current_municipality())::bigint * 1099511627776)"

/* Refreshes the schedule of every stale resident on conn (its own transaction; the
 * connection must not be inside one). *residents is the number refreshed (0 when nothing
 * was stale: one cheap query). Waits for a concurrent refresh to finish. */
kg_err schedule_refresh(db_conn *conn, const log_sink *log, long *residents, kg_errbuf *errbuf);

/* Forgets every settled mark (D28) when the last recorded run used another configuration
 * or software version than this one: its decisions may not hold under this one. */
kg_err schedule_unsettle_if_changed(db_conn *conn, const char *version, const char *config_json,
                                    const log_sink *log, kg_errbuf *errbuf);

#endif
