/*
 * notice_counter.c - the counter's actions on kigen.notice_events (notice_counter.h).
 *
 * A return or an undo is one transaction: the notice's returns locked (an advisory lock, so
 * that two clerks recording the same notice at once record one return), its return in force
 * read, the state checked, one event added, COMMIT. The number key of the notice's
 * address (D83) is computed here, in C, as the run computes the residents' (order_key.c).
 */
#include "notice_counter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../run/order_key.h"
#include "common/i18n.h"

/* $1 notice number: the notice's returns locked until the transaction ends (an advisory
 * lock of the two-key form, class 'KG' 0x4B47 and the number's hash: the counter's role
 * may not lock ledger rows, and the run's lock is of the one-key form), then the notice. */
static const char lock_sql[] = "SELECT pg_catalog.pg_advisory_xact_lock(19271, "
                               "pg_catalog.hashtext($1))";
static const char notice_sql[] =
    "SELECT n.notice_no, n.run_date, n.resident_id, concat_ws('　', n.family_name, "
    "nullif(n.given_name, '')), coalesce(n.office_code, ''), n.banchi, n.address2, ru.status "
    "FROM kigen.notices n JOIN kigen.runs ru ON ru.run_id = n.run_id WHERE n.notice_no = $1";

#define RETURN_COLUMNS                                                                             \
    "e.event_id, e.day, e.reason, e.os_user, to_char(e.recorded_at AT TIME ZONE 'Asia/Tokyo', "    \
    "'YYYY-MM-DD HH24:MI')"

/* $1 notice number: its return in force (at most one: a second one is refused). */
static const char in_force_sql[] =
    "SELECT " RETURN_COLUMNS " FROM kigen.notice_events e WHERE e.notice_no = $1 "
    "AND e.action = 'returned' AND NOT EXISTS (SELECT 1 FROM kigen.notice_events u "
    "WHERE u.undoes = e.event_id) ORDER BY e.event_id DESC LIMIT 1";

/* $1 notice, $2 action, $3 day, $4 reason, $5 address key, $6 clerk, $7 undoes. */
static const char event_sql[] =
    "INSERT INTO kigen.notice_events (notice_no, action, day, reason, address_key, os_user, "
    "undoes) VALUES ($1, $2, $3::date, $4, $5, $6, $7::bigint) RETURNING event_id, day, reason, "
    "os_user, to_char(recorded_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD HH24:MI')";

/* $1 day: the returns in force that nothing lifts on $1, with their notices. */
static const char list_sql[] =
    "SELECT v.event_id, v.returned_on, v.reason, v.os_user, to_char(v.recorded_at AT TIME ZONE "
    "'Asia/Tokyo', 'YYYY-MM-DD HH24:MI'), n.notice_no, n.run_date, n.resident_id, "
    "concat_ws('　', n.family_name, nullif(n.given_name, '')), coalesce(n.office_code, '') "
    "FROM kigen.notice_returns v JOIN kigen.notices n ON n.notice_no = v.notice_no "
    "WHERE v.returned_on <= $1::date "
    "AND kigen.return_lifted(v.resident_id, v.notice_no, v.address_key, $1::date) IS NULL "
    "ORDER BY v.returned_on, v.notice_no";

/* A return from the five RETURN_COLUMNS at column first. */
static void read_return(const db_result *result, int row, int first, notice_return *out)
{
    out->event_id = db_result_long(result, row, first);
    out->returned_on = db_result_date(result, row, first + 1);
    const char *reason = db_result_value(result, row, first + 2);
    if (reason == NULL || !return_reason_parse(reason, strlen(reason), &out->reason))
        out->reason = RETURN_OTHER;
    db_result_text(result, row, first + 3, out->clerk, sizeof(out->clerk));
    db_result_text(result, row, first + 4, out->recorded_at, sizeof(out->recorded_at));
}

/* Starts the transaction and locks the notice: *notice, its address key and its return
 * in force (*in_force: event_id 0 when none). KG_ERR_NOTICE_UNKNOWN rolls back. */
static kg_err lock_notice(db_conn *conn, const char *notice_no, notice_record *notice,
                          char *address_key, size_t key_cap, notice_return *in_force,
                          kg_errbuf *errbuf)
{
    const char *params[] = {notice_no};
    db_result *result = NULL;
    memset(notice, 0, sizeof(*notice));
    memset(in_force, 0, sizeof(*in_force));
    kg_err err = db_exec(conn, "BEGIN", errbuf);
    if (err == KG_OK)
        err = db_query(conn, lock_sql, 1, params, errbuf, NULL);
    if (err == KG_OK)
        err = db_query(conn, notice_sql, 1, params, errbuf, &result);
    if (err == KG_OK && db_result_rows(result) == 0)
        err = KG_ERR_NOTICE_UNKNOWN;
    if (err == KG_OK) {
        db_result_text(result, 0, 0, notice->notice_no, sizeof(notice->notice_no));
        notice->run_date = db_result_date(result, 0, 1);
        notice->resident_id = db_result_long(result, 0, 2);
        db_result_text(result, 0, 3, notice->name, sizeof(notice->name));
        db_result_text(result, 0, 4, notice->office_code, sizeof(notice->office_code));
        order_key_of(db_result_value(result, 0, 5), db_result_value(result, 0, 6), address_key,
                     key_cap);
        db_result_text(result, 0, 7, notice->run_status, sizeof(notice->run_status));
    }
    db_result_free(result);
    result = NULL;
    if (err == KG_OK)
        err = db_query(conn, in_force_sql, 1, params, errbuf, &result);
    if (err == KG_OK && db_result_rows(result) > 0)
        read_return(result, 0, 0, in_force);
    db_result_free(result);
    if (err != KG_OK)
        db_exec(conn, "ROLLBACK", NULL);
    return err;
}

/* Adds the event and commits; *event is the row added. Rolls back on failure. */
static kg_err add_event(db_conn *conn, const char *const params[7], notice_return *event,
                        kg_errbuf *errbuf)
{
    db_result *result = NULL;
    kg_err err = db_query(conn, event_sql, 7, params, errbuf, &result);
    if (err == KG_OK && db_result_rows(result) != 1)
        err = kg_fail(errbuf, KG_ERR_INTERNAL, _("unable to add an event of notice %s"), params[0]);
    if (err == KG_OK && event != NULL)
        read_return(result, 0, 0, event);
    db_result_free(result);
    if (err == KG_OK)
        err = db_exec(conn, "COMMIT", errbuf);
    if (err != KG_OK)
        db_exec(conn, "ROLLBACK", NULL);
    return err;
}

static kg_err refuse(db_conn *conn, notice_refusal why, notice_refusal *refusal)
{
    db_exec(conn, "ROLLBACK", NULL);
    *refusal = why;
    return KG_ERR_NOTICE_STATE;
}

kg_err notice_counter_return(db_conn *conn, const char *notice_no, kdate day, return_reason reason,
                             const char *clerk, notice_record *notice, notice_return *recorded,
                             notice_refusal *refusal, kg_errbuf *errbuf)
{
    char key[ORDER_KEY_MAX], day_text[KDATE_ISO_LEN + 1];
    *refusal = NOTICE_REFUSAL_NONE;
    kg_err err = lock_notice(conn, notice_no, notice, key, sizeof(key), recorded, errbuf);
    if (err != KG_OK)
        return err;
    if (strcmp(notice->run_status, "done") != 0)
        return refuse(conn, NOTICE_REFUSAL_NOT_PRINTED, refusal);
    if (day < notice->run_date)
        return refuse(conn, NOTICE_REFUSAL_BEFORE_MAILED, refusal);
    if (recorded->event_id != 0)
        return refuse(conn, NOTICE_REFUSAL_ALREADY_RETURNED, refusal);
    const char *params[7] = {
        notice_no, "returned", kdate_format(day, day_text), return_reason_code(reason), key,
        clerk,     NULL};
    return add_event(conn, params, recorded, errbuf);
}

kg_err notice_counter_undo(db_conn *conn, const char *notice_no, kdate day, const char *clerk,
                           notice_record *notice, notice_return *undone, notice_refusal *refusal,
                           kg_errbuf *errbuf)
{
    char key[ORDER_KEY_MAX], day_text[KDATE_ISO_LEN + 1], undoes[32];
    *refusal = NOTICE_REFUSAL_NONE;
    kg_err err = lock_notice(conn, notice_no, notice, key, sizeof(key), undone, errbuf);
    if (err != KG_OK)
        return err;
    if (undone->event_id == 0)
        return refuse(conn, NOTICE_REFUSAL_NOTHING_TO_UNDO, refusal);
    if (day < undone->returned_on)
        return refuse(conn, NOTICE_REFUSAL_UNDO_BEFORE_RETURN, refusal);
    snprintf(undoes, sizeof(undoes), "%ld", undone->event_id);
    const char *params[7] = {notice_no, "undo", kdate_format(day, day_text), NULL, NULL,
                             clerk,     undoes};
    return add_event(conn, params, NULL, errbuf);
}

kg_err notice_counter_list(db_conn *conn, kdate day, notice_return_list *out, kg_errbuf *errbuf)
{
    memset(out, 0, sizeof(*out));
    char day_text[KDATE_ISO_LEN + 1];
    const char *params[] = {kdate_format(day, day_text)};
    db_result *result = NULL;
    kg_err err = db_query(conn, list_sql, 1, params, errbuf, &result);
    if (err != KG_OK)
        return err;
    int rows = db_result_rows(result);
    if (rows > 0) {
        out->rows = calloc((size_t)rows, sizeof(*out->rows));
        if (out->rows == NULL) {
            db_result_free(result);
            return kg_fail(errbuf, KG_ERR_NOMEM, _("unable to list %d returns: out of memory"),
                           rows);
        }
    }
    for (int row = 0; row < rows; row++) {
        notice_return *ret = &out->rows[row];
        read_return(result, row, 0, ret);
        db_result_text(result, row, 5, ret->notice.notice_no, sizeof(ret->notice.notice_no));
        ret->notice.run_date = db_result_date(result, row, 6);
        ret->notice.resident_id = db_result_long(result, row, 7);
        db_result_text(result, row, 8, ret->notice.name, sizeof(ret->notice.name));
        db_result_text(result, row, 9, ret->notice.office_code, sizeof(ret->notice.office_code));
    }
    out->count = (size_t)rows;
    db_result_free(result);
    return KG_OK;
}

void notice_return_list_free(notice_return_list *list)
{
    if (list == NULL)
        return;
    free(list->rows);
    list->rows = NULL;
    list->count = 0;
}
