/*
 * night_queue.c - the statements on kigen.night_queue (see night_queue.h). Each is one
 * statement in its own transaction; none holds a lock past its own end.
 */
#include "night_queue.h"
#include "../common/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* $1 the day, $2 the attempts allowed. A failed night becomes waiting again; the others
 * keep their rows (xmax = 0 tells an inserted row from an updated one). */
static const char enqueue_sql[] =
    "WITH wanted AS (SELECT code FROM kigen.queue_municipalities() AS code), "
    "changed AS (INSERT INTO kigen.night_queue AS q (municipality_code, run_date, max_attempts) "
    "SELECT code, $1::date, $2::int FROM wanted "
    "ON CONFLICT (municipality_code, run_date) DO UPDATE SET state = 'waiting', attempts = 0, "
    "max_attempts = EXCLUDED.max_attempts, next_try_at = now(), finished_at = NULL, "
    "enqueued_at = now() WHERE q.state = 'failed' RETURNING (q.xmax = 0) AS added) "
    "SELECT (SELECT count(*) FROM changed WHERE added), (SELECT count(*) FROM changed WHERE NOT "
    "added), (SELECT count(*) FROM wanted) - (SELECT count(*) FROM changed)";

/* $1 the day, $2 the days kept before it. */
static const char forget_sql[] =
    "DELETE FROM kigen.night_queue WHERE state = 'done' AND run_date < $1::date - $2::int";

/* $1 the day, or NULL for every night. Times in Japan time, as the run lock names them. */
static const char list_sql[] =
    "SELECT municipality_code, run_date::text, state, attempts, max_attempts, "
    "coalesce(lease_owner, ''), coalesce(lease_expires_at < now(), false), "
    "coalesce(to_char(started_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD HH24:MI:SS'), ''), "
    "coalesce(to_char(finished_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD HH24:MI:SS'), ''), "
    "CASE WHEN state = 'waiting' AND next_try_at > now() THEN to_char(next_try_at AT TIME "
    "ZONE 'Asia/Tokyo', 'YYYY-MM-DD HH24:MI:SS') ELSE '' END, "
    "coalesce(last_error, ''), coalesce(exit_status, -1) "
    "FROM kigen.night_queue WHERE $1::date IS NULL OR run_date = $1::date "
    "ORDER BY run_date, municipality_code";

/* $1 the owner, $2 the lease in seconds. The earliest due night (waiting and due, or
 * running under an expired lease) of a municipality with no earlier night pending; a
 * row another claim has locked is skipped, not waited for. */
static const char claim_sql[] =
    "WITH next AS (SELECT q.municipality_code, q.run_date, coalesce(q.lease_owner, '') AS "
    "previous_owner FROM kigen.night_queue q "
    "WHERE ((q.state = 'waiting' AND q.next_try_at <= now()) OR (q.state = 'running' AND "
    "q.lease_expires_at < now())) AND NOT EXISTS (SELECT 1 FROM kigen.night_queue e WHERE "
    "e.municipality_code = q.municipality_code AND e.run_date < q.run_date AND e.state IN "
    "('waiting', 'running')) "
    "ORDER BY q.run_date, q.municipality_code LIMIT 1 FOR UPDATE OF q SKIP LOCKED) "
    "UPDATE kigen.night_queue q SET state = 'running', attempts = q.attempts + 1, "
    "lease_owner = $1, lease_expires_at = now() + make_interval(secs => $2::int), "
    "started_at = now(), finished_at = NULL FROM next "
    "WHERE q.municipality_code = next.municipality_code AND q.run_date = next.run_date "
    "RETURNING q.municipality_code, q.run_date::text, q.attempts, q.max_attempts, "
    "next.previous_owner";

/* $1 municipality, $2 date, $3 owner, $4 lease in seconds */
static const char renew_sql[] =
    "UPDATE kigen.night_queue SET lease_expires_at = now() + make_interval(secs => $4::int) "
    "WHERE municipality_code = $1 AND run_date = $2::date AND state = 'running' AND "
    "lease_owner = $3";

/* $1 municipality, $2 date, $3 owner, $4 exit status, $5 error; $6 the retry's wait in
 * seconds (not for done_sql), $7 the longest backoff (failed_sql only) */
static const char done_sql[] =
    "UPDATE kigen.night_queue SET state = 'done', finished_at = now(), lease_owner = NULL, "
    "lease_expires_at = NULL, exit_status = $4::int, last_error = coalesce($5, last_error) "
    "WHERE municipality_code = $1 AND run_date = $2::date AND state = 'running' AND "
    "lease_owner = $3 RETURNING state";
static const char not_started_sql[] =
    "UPDATE kigen.night_queue SET state = 'waiting', attempts = greatest(attempts - 1, 0), "
    "next_try_at = now() + make_interval(secs => $6::int), lease_owner = NULL, "
    "lease_expires_at = NULL, exit_status = $4::int, last_error = $5 "
    "WHERE municipality_code = $1 AND run_date = $2::date AND state = 'running' AND "
    "lease_owner = $3 RETURNING state";
static const char failed_sql[] =
    "UPDATE kigen.night_queue SET "
    "state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'waiting' END, "
    "finished_at = CASE WHEN attempts >= max_attempts THEN now() END, "
    "next_try_at = now() + make_interval(secs => least($6::float8 * power(2, attempts - 1), "
    "$7::float8)), "
    "lease_owner = NULL, lease_expires_at = NULL, exit_status = $4::int, last_error = $5 "
    "WHERE municipality_code = $1 AND run_date = $2::date AND state = 'running' AND "
    "lease_owner = $3 RETURNING state";

/* $1 the message's format (one %s: the worker) */
static const char abandoned_sql[] =
    "UPDATE kigen.night_queue SET state = 'failed', finished_at = now(), last_error = "
    "format($1, lease_owner), lease_owner = NULL, lease_expires_at = NULL, exit_status = NULL "
    "WHERE state = 'running' AND lease_expires_at < now() AND attempts >= max_attempts";

kg_err night_queue_enqueue(db_conn *conn, kdate day, int max_attempts, night_queue_counts *counts,
                           kg_errbuf *errbuf)
{
    char day_text[KDATE_ISO_LEN + 1], attempts_text[16];
    kdate_format(day, day_text);
    snprintf(attempts_text, sizeof(attempts_text), "%d", max_attempts);
    const char *params[] = {day_text, attempts_text};
    db_result *result = NULL;
    kg_err err = db_query(conn, enqueue_sql, 2, params, errbuf, &result);
    if (err == KG_OK) {
        counts->added = db_result_long(result, 0, 0);
        counts->retried = db_result_long(result, 0, 1);
        counts->kept = db_result_long(result, 0, 2);
    }
    db_result_free(result);
    return err;
}

kg_err night_queue_forget_done(db_conn *conn, kdate day, long *count, kg_errbuf *errbuf)
{
    char day_text[KDATE_ISO_LEN + 1], keep_text[16];
    kdate_format(day, day_text);
    snprintf(keep_text, sizeof(keep_text), "%d", NIGHT_QUEUE_KEEP_DAYS);
    const char *params[] = {day_text, keep_text};
    db_result *result = NULL;
    kg_err err = db_query(conn, forget_sql, 2, params, errbuf, &result);
    *count = err == KG_OK ? db_result_affected(result) : 0;
    db_result_free(result);
    return err;
}

kg_err night_queue_list(db_conn *conn, kdate day, night_list *list, kg_errbuf *errbuf)
{
    list->entries = NULL;
    list->count = 0;
    char day_text[KDATE_ISO_LEN + 1];
    const char *params[] = {day != KDATE_NONE ? kdate_format(day, day_text) : NULL};
    db_result *result = NULL;
    kg_err err = db_query(conn, list_sql, 1, params, errbuf, &result);
    int rows = err == KG_OK ? db_result_rows(result) : 0;
    if (rows > 0) {
        list->entries = calloc((size_t)rows, sizeof(*list->entries));
        if (list->entries == NULL)
            err = kg_fail(errbuf, KG_ERR_NOMEM, _("unable to list the queue: out of memory"));
    }
    for (int row = 0; err == KG_OK && row < rows; row++) {
        night_entry *entry = &list->entries[row];
        db_result_text(result, row, 0, entry->municipality, sizeof(entry->municipality));
        db_result_text(result, row, 1, entry->run_date, sizeof(entry->run_date));
        db_result_text(result, row, 2, entry->state, sizeof(entry->state));
        entry->attempts = (int)db_result_long(result, row, 3);
        entry->max_attempts = (int)db_result_long(result, row, 4);
        db_result_text(result, row, 5, entry->lease_owner, sizeof(entry->lease_owner));
        entry->lease_expired = strcmp(db_result_value(result, row, 6), "t") == 0;
        db_result_text(result, row, 7, entry->started_at, sizeof(entry->started_at));
        db_result_text(result, row, 8, entry->finished_at, sizeof(entry->finished_at));
        db_result_text(result, row, 9, entry->next_try_at, sizeof(entry->next_try_at));
        db_result_text(result, row, 10, entry->last_error, sizeof(entry->last_error));
        entry->exit_status = (int)db_result_long(result, row, 11);
        list->count++;
    }
    db_result_free(result);
    if (err != KG_OK)
        night_list_free(list);
    return err;
}

void night_list_free(night_list *list)
{
    free(list->entries);
    list->entries = NULL;
    list->count = 0;
}

kg_err night_queue_claim(db_conn *conn, const char *owner, int lease_seconds, night_claim *claim,
                         bool *claimed, kg_errbuf *errbuf)
{
    char lease_text[16];
    snprintf(lease_text, sizeof(lease_text), "%d", lease_seconds);
    const char *params[] = {owner, lease_text};
    db_result *result = NULL;
    memset(claim, 0, sizeof(*claim));
    *claimed = false;
    kg_err err = db_query(conn, claim_sql, 2, params, errbuf, &result);
    if (err == KG_OK && db_result_rows(result) == 1) {
        db_result_text(result, 0, 0, claim->municipality, sizeof(claim->municipality));
        claim->run_date = db_result_date(result, 0, 1);
        claim->attempts = (int)db_result_long(result, 0, 2);
        claim->max_attempts = (int)db_result_long(result, 0, 3);
        db_result_text(result, 0, 4, claim->previous_owner, sizeof(claim->previous_owner));
        *claimed = true;
    }
    db_result_free(result);
    return err;
}

kg_err night_queue_renew(db_conn *conn, const night_claim *claim, const char *owner,
                         int lease_seconds, bool *held, kg_errbuf *errbuf)
{
    char day[KDATE_ISO_LEN + 1], lease_text[16];
    kdate_format(claim->run_date, day);
    snprintf(lease_text, sizeof(lease_text), "%d", lease_seconds);
    const char *params[] = {claim->municipality, day, owner, lease_text};
    db_result *result = NULL;
    kg_err err = db_query(conn, renew_sql, 4, params, errbuf, &result);
    *held = err == KG_OK && db_result_affected(result) == 1;
    db_result_free(result);
    return err;
}

kg_err night_queue_finish(db_conn *conn, const night_claim *claim, const char *owner,
                          night_outcome outcome, int exit_status, const char *error_text,
                          int retry_seconds, char *state_after, kg_errbuf *errbuf)
{
    char day[KDATE_ISO_LEN + 1], status_text[16], retry_text[16], cap_text[16];
    kdate_format(claim->run_date, day);
    snprintf(status_text, sizeof(status_text), "%d", exit_status);
    snprintf(retry_text, sizeof(retry_text), "%d", retry_seconds);
    snprintf(cap_text, sizeof(cap_text), "%d", NIGHT_QUEUE_BACKOFF_CAP);
    const char *params[] = {
        claim->municipality, day,        owner,   exit_status >= 0 ? status_text : NULL,
        error_text,          retry_text, cap_text};
    const char *sql = outcome == NIGHT_DONE          ? done_sql
                      : outcome == NIGHT_NOT_STARTED ? not_started_sql
                                                     : failed_sql;
    int param_count = outcome == NIGHT_DONE ? 5 : outcome == NIGHT_NOT_STARTED ? 6 : 7;
    db_result *result = NULL;
    state_after[0] = '\0';
    kg_err err = db_query(conn, sql, param_count, params, errbuf, &result);
    if (err == KG_OK && db_result_rows(result) == 1)
        db_result_text(result, 0, 0, state_after, 12);
    db_result_free(result);
    return err;
}

kg_err night_queue_fail_abandoned(db_conn *conn, const char *error_format, long *failed,
                                  kg_errbuf *errbuf)
{
    const char *params[] = {error_format};
    db_result *result = NULL;
    kg_err err = db_query(conn, abandoned_sql, 1, params, errbuf, &result);
    *failed = err == KG_OK ? db_result_affected(result) : 0;
    db_result_free(result);
    return err;
}

kg_err night_queue_pending(db_conn *conn, long *pending, kg_errbuf *errbuf)
{
    db_result *result = NULL;
    kg_err err = db_query(conn,
                          "SELECT count(*) FROM kigen.night_queue WHERE state IN ('waiting', "
                          "'running')",
                          0, NULL, errbuf, &result);
    *pending = err == KG_OK ? db_result_long(result, 0, 0) : 0;
    db_result_free(result);
    return err;
}
