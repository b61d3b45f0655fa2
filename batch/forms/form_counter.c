/*
 * form_counter.c - the counter's actions on kigen.forms (form_counter.h).
 *
 * A reissue is one statement: a CTE locks the form's row (FOR UPDATE) and reads it as
 * it was, a second CTE updates it only when its state allows, and the statement returns
 * both, so that the caller can tell "unknown" (no row), "refused" (no update) and what
 * changed, without a window between the check and the write. A scan or an undo is one
 * transaction: the row locked and read, the event added to kigen.form_events, and the
 * form's scan columns folded again from its history (fold_sql), all under the row lock.
 */
#include "form_counter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"

/* The columns of a form_record, in read_record's order, from kigen.forms f. */
#define FORM_COLUMNS                                                                               \
    "f.control_no, f.kind, f.run_date, f.resident_id, concat_ws('　', f.family_name, "            \
    "nullif(f.given_name, '')), f.office_code, f.notice_no, f.request_id, f.valid_until, "         \
    "f.returned_on, f.undeliverable_on, f.voided_on, f.return_scans, CASE WHEN f.voided_on IS "    \
    "NOT NULL THEN (SELECT r.control_no FROM kigen.forms r WHERE r.reissue_of = f.control_no "     \
    "ORDER BY r.run_date DESC, r.control_no LIMIT 1) END"
#define FORM_COLUMN_COUNT 14

/* The form's row as it was, locked for the update that follows. */
#define LOCKED_FORM                                                                                \
    "WITH old AS (SELECT " FORM_COLUMNS " FROM kigen.forms f WHERE f.control_no = $1 FOR UPDATE "  \
    "OF f), "

/* The form's row as it is, locked until the transaction ends. $1 control number. */
static const char lock_sql[] =
    "SELECT " FORM_COLUMNS " FROM kigen.forms f WHERE f.control_no = $1 FOR UPDATE OF f";

/* The scans of $1 not taken back, newest first: the one an undo takes back. */
static const char last_scan_sql[] =
    "SELECT e.event_id, e.action, e.day, coalesce(e.os_user, ''), coalesce(to_char(e.recorded_at "
    "AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD HH24:MI'), '') FROM kigen.form_events e "
    "WHERE e.control_no = $1 AND e.action <> 'undo' AND NOT EXISTS (SELECT 1 FROM "
    "kigen.form_events u WHERE u.undoes = e.event_id) ORDER BY e.event_id DESC LIMIT 1";

/* $1 control number, $2 action, $3 day, $4 clerk, $5 the scan an undo takes back. */
static const char event_sql[] = "INSERT INTO kigen.form_events (control_no, action, day, os_user, "
                                "undoes) VALUES ($1, $2, $3::date, $4, $5::bigint)";

/* The form's scan columns from its scans not taken back, in their order (D60): the first
 * answered scan's day; the first undeliverable scan's day when no answered scan came
 * before it; every scan. $1 control number. */
static const char fold_sql[] =
    "WITH active AS (SELECT e.event_id, e.action, e.day FROM kigen.form_events e "
    "WHERE e.control_no = $1 AND e.action <> 'undo' AND NOT EXISTS (SELECT 1 FROM "
    "kigen.form_events u WHERE u.undoes = e.event_id)), "
    "answer AS (SELECT min(event_id) AS id FROM active WHERE action = 'returned') "
    "UPDATE kigen.forms f SET "
    "returned_on = (SELECT a.day FROM active a JOIN answer ON a.event_id = answer.id), "
    "undeliverable_on = (SELECT a.day FROM active a, answer WHERE a.action = 'undeliverable' "
    "AND (answer.id IS NULL OR a.event_id < answer.id) ORDER BY a.event_id LIMIT 1), "
    "return_scans = (SELECT count(*) FROM active) "
    "WHERE f.control_no = $1 RETURNING f.returned_on, f.undeliverable_on, f.return_scans";

/* A reissue: $1 control number, $2 day. */
static const char reissue_sql[] =
    LOCKED_FORM "upd AS (UPDATE kigen.forms f SET voided_on = $2::date FROM old "
                "WHERE f.control_no = old.control_no AND old.kind = 'inquiry' "
                "AND old.voided_on IS NULL AND old.returned_on IS NULL "
                "AND old.run_date <= $2::date RETURNING f.voided_on) "
                "SELECT old.*, upd.voided_on FROM old LEFT JOIN upd ON true";

/* $1 day, $2 overdue days: open inquiry forms whose run date is more than $2 days back. */
static const char overdue_sql[] =
    "SELECT " FORM_COLUMNS " FROM kigen.forms f WHERE f.kind = 'inquiry' "
    "AND f.voided_on IS NULL AND f.returned_on IS NULL AND f.undeliverable_on IS NULL "
    "AND f.run_date < $1::date - $2::int ORDER BY f.run_date, f.control_no";

/* $1 day: undeliverable forms with something left to do. */
static const char undeliverable_sql[] =
    "SELECT " FORM_COLUMNS " FROM kigen.forms f WHERE f.undeliverable_on IS NOT NULL "
    "AND f.voided_on IS NULL AND f.returned_on IS NULL "
    "AND (f.kind = 'inquiry' OR f.valid_until IS NULL OR f.valid_until >= $1::date) "
    "ORDER BY f.undeliverable_on, f.control_no";

static void read_record(const db_result *result, int row, form_record *form)
{
    memset(form, 0, sizeof(*form));
    db_result_text(result, row, 0, form->control_no, sizeof(form->control_no));
    db_result_text(result, row, 1, form->kind, sizeof(form->kind));
    form->run_date = db_result_date(result, row, 2);
    form->resident_id = db_result_long(result, row, 3);
    db_result_text(result, row, 4, form->name, sizeof(form->name));
    db_result_text(result, row, 5, form->office_code, sizeof(form->office_code));
    db_result_text(result, row, 6, form->notice_no, sizeof(form->notice_no));
    form->request_id = db_result_long(result, row, 7);
    form->valid_until = db_result_date(result, row, 8);
    form->returned_on = db_result_date(result, row, 9);
    form->undeliverable_on = db_result_date(result, row, 10);
    form->voided_on = db_result_date(result, row, 11);
    form->return_scans = db_result_long(result, row, 12);
    db_result_text(result, row, 13, form->replaced_by, sizeof(form->replaced_by));
}

/* Runs an action's statement in a transaction; *out holds its result (0 or 1 row). */
static kg_err run_action(db_conn *conn, const char *sql, int param_count, const char *const *params,
                         db_result **out, kg_errbuf *errbuf)
{
    *out = NULL;
    kg_err err = db_exec(conn, "BEGIN", errbuf);
    if (err == KG_OK)
        err = db_query(conn, sql, param_count, params, errbuf, out);
    if (err == KG_OK)
        err = db_exec(conn, "COMMIT", errbuf);
    if (err != KG_OK) {
        db_exec(conn, "ROLLBACK", NULL);
        db_result_free(*out);
        *out = NULL;
    }
    return err;
}

static kg_err unknown_form(const char *control_no, kg_errbuf *errbuf)
{
    char printed[CONTROL_NO_PRINT_SIZE];
    kg_fail(errbuf, KG_ERR_FORM_UNKNOWN,
            _("unable to find form %s: no form with this control number is in the ledger"),
            control_no_format(control_no, printed));
    kg_hint(errbuf, _("its check character is right, so it is unlikely to be a typing slip: check "
                      "that the form comes from this municipality"));
    return KG_ERR_FORM_UNKNOWN;
}

/* "(its replacement is X)" or "(the next run produces its replacement)". */
static void replacement_text(const form_record *form, char *out, size_t cap)
{
    char printed[CONTROL_NO_PRINT_SIZE];
    if (form->replaced_by[0] != '\0')
        snprintf(out, cap, _("its replacement is form %s"),
                 control_no_format(form->replaced_by, printed));
    else
        snprintf(out, cap, "%s", _("the next run produces its replacement"));
}

/* Starts the transaction of a scan or an undo and locks the form: KG_OK with *before, or
 * KG_ERR_FORM_UNKNOWN (rolled back). */
static kg_err lock_form(db_conn *conn, const char *control_no, form_record *before,
                        kg_errbuf *errbuf)
{
    const char *params[] = {control_no};
    db_result *result = NULL;
    kg_err err = db_exec(conn, "BEGIN", errbuf);
    if (err == KG_OK)
        err = db_query(conn, lock_sql, 1, params, errbuf, &result);
    if (err == KG_OK && db_result_rows(result) == 0)
        err = unknown_form(control_no, errbuf);
    if (err == KG_OK)
        read_record(result, 0, before);
    db_result_free(result);
    if (err != KG_OK)
        db_exec(conn, "ROLLBACK", NULL);
    return err;
}

/* Adds the event, folds the form's scan columns again and commits; *after is the form
 * then. Rolls back on failure. */
static kg_err record_event(db_conn *conn, const char *control_no, const char *action,
                           const char *day, const char *clerk, const char *undoes,
                           const form_record *before, form_record *after, kg_errbuf *errbuf)
{
    const char *event[] = {control_no, action, day, clerk, undoes};
    const char *form[] = {control_no};
    db_result *result = NULL;
    kg_err err = db_query(conn, event_sql, 5, event, errbuf, NULL);
    if (err == KG_OK)
        err = db_query(conn, fold_sql, 1, form, errbuf, &result);
    if (err == KG_OK && db_result_rows(result) != 1)
        err =
            kg_fail(errbuf, KG_ERR_INTERNAL, _("unable to fold the scans of form %s"), control_no);
    if (err == KG_OK) {
        *after = *before;
        after->returned_on = db_result_date(result, 0, 0);
        after->undeliverable_on = db_result_date(result, 0, 1);
        after->return_scans = db_result_long(result, 0, 2);
    }
    db_result_free(result);
    if (err == KG_OK)
        err = db_exec(conn, "COMMIT", errbuf);
    if (err != KG_OK)
        db_exec(conn, "ROLLBACK", NULL);
    return err;
}

/* undo: a scan taken back; else a return recorded. */
static kg_err refuse_void(const form_record *form, bool undo, kg_errbuf *errbuf)
{
    char printed[CONTROL_NO_PRINT_SIZE], when[KDATE_ISO_LEN + 1], other[96];
    replacement_text(form, other, sizeof(other));
    control_no_format(form->control_no, printed);
    kdate_format(form->voided_on, when);
    if (undo)
        kg_fail(errbuf, KG_ERR_FORM_STATE,
                _("unable to take back a scan of form %s: it is void since %s (reissued; %s)"),
                printed, when, other);
    else
        kg_fail(errbuf, KG_ERR_FORM_STATE,
                _("unable to record the return of form %s: it is void since %s (reissued; %s)"),
                printed, when, other);
    kg_hint(errbuf, _("a void form is not accepted: the holder answers on the new form"));
    return KG_ERR_FORM_STATE;
}

kg_err form_counter_return(db_conn *conn, const char *control_no, kdate day, bool undeliverable,
                           const char *clerk, form_record *before, form_record *after,
                           kg_errbuf *errbuf)
{
    char day_text[KDATE_ISO_LEN + 1];
    kdate_format(day, day_text);
    kg_err err = lock_form(conn, control_no, before, errbuf);
    if (err != KG_OK)
        return err;
    if (before->voided_on != KDATE_NONE || before->run_date > day) {
        db_exec(conn, "ROLLBACK", NULL);
        if (before->voided_on != KDATE_NONE)
            return refuse_void(before, false, errbuf);
        char printed[CONTROL_NO_PRINT_SIZE], when[KDATE_ISO_LEN + 1];
        return kg_fail(errbuf, KG_ERR_FORM_STATE,
                       _("unable to record the return of form %s on %s: it was produced on %s"),
                       control_no_format(control_no, printed), day_text,
                       kdate_format(before->run_date, when));
    }
    return record_event(conn, control_no, undeliverable ? "undeliverable" : "returned", day_text,
                        clerk, NULL, before, after, errbuf);
}

kg_err form_counter_undo(db_conn *conn, const char *control_no, kdate day, const char *clerk,
                         form_scan *undone, form_record *before, form_record *after,
                         kg_errbuf *errbuf)
{
    char day_text[KDATE_ISO_LEN + 1], printed[CONTROL_NO_PRINT_SIZE], event_id[32];
    kdate_format(day, day_text);
    control_no_format(control_no, printed);
    memset(undone, 0, sizeof(*undone));
    kg_err err = lock_form(conn, control_no, before, errbuf);
    if (err != KG_OK)
        return err;
    const char *params[] = {control_no};
    db_result *result = NULL;
    if (before->voided_on != KDATE_NONE)
        err = refuse_void(before, true, errbuf);
    if (err == KG_OK)
        err = db_query(conn, last_scan_sql, 1, params, errbuf, &result);
    if (err == KG_OK && db_result_rows(result) == 0)
        err = kg_fail(errbuf, KG_ERR_FORM_STATE,
                      _("unable to take back a scan of form %s: it has no scan left to take back"),
                      printed);
    if (err == KG_OK) {
        db_result_text(result, 0, 0, event_id, sizeof(event_id));
        db_result_text(result, 0, 1, undone->action, sizeof(undone->action));
        undone->day = db_result_date(result, 0, 2);
        db_result_text(result, 0, 3, undone->clerk, sizeof(undone->clerk));
        db_result_text(result, 0, 4, undone->recorded_at, sizeof(undone->recorded_at));
    }
    db_result_free(result);
    if (err == KG_OK && undone->day > day) {
        char when[KDATE_ISO_LEN + 1];
        err = kg_fail(errbuf, KG_ERR_FORM_STATE,
                      _("unable to take back a scan of form %s on %s: its last scan is dated %s"),
                      printed, day_text, kdate_format(undone->day, when));
    }
    if (err != KG_OK) {
        db_exec(conn, "ROLLBACK", NULL);
        return err;
    }
    return record_event(conn, control_no, "undo", day_text, clerk, event_id, before, after, errbuf);
}

kg_err form_counter_reissue(db_conn *conn, const char *control_no, kdate day, form_record *form,
                            kg_errbuf *errbuf)
{
    char day_text[KDATE_ISO_LEN + 1];
    const char *params[] = {control_no, kdate_format(day, day_text)};
    db_result *result = NULL;
    kg_err err = run_action(conn, reissue_sql, 2, params, &result, errbuf);
    if (err != KG_OK)
        return err;
    if (db_result_rows(result) == 0) {
        db_result_free(result);
        return unknown_form(control_no, errbuf);
    }
    read_record(result, 0, form);
    int updated = db_result_value(result, 0, FORM_COLUMN_COUNT) != NULL;
    if (updated)
        form->voided_on = db_result_date(result, 0, FORM_COLUMN_COUNT);
    db_result_free(result);
    if (updated)
        return KG_OK;
    char printed[CONTROL_NO_PRINT_SIZE], when[KDATE_ISO_LEN + 1], other[96];
    control_no_format(control_no, printed);
    if (strcmp(form->kind, "enclosed") == 0)
        return kg_fail(errbuf, KG_ERR_FORM_STATE,
                       _("unable to reissue form %s: it is enclosed with notice %s and goes with "
                         "it; only an inquiry form is reissued"),
                       printed, form->notice_no);
    if (form->voided_on != KDATE_NONE) {
        replacement_text(form, other, sizeof(other));
        return kg_fail(errbuf, KG_ERR_FORM_STATE,
                       _("unable to reissue form %s: it is already void since %s (%s)"), printed,
                       kdate_format(form->voided_on, when), other);
    }
    if (form->returned_on != KDATE_NONE)
        return kg_fail(errbuf, KG_ERR_FORM_STATE,
                       _("unable to reissue form %s: it came back answered on %s, nothing is "
                         "left to reissue"),
                       printed, kdate_format(form->returned_on, when));
    return kg_fail(errbuf, KG_ERR_FORM_STATE,
                   _("unable to reissue form %s on %s: it was produced on %s"), printed, day_text,
                   kdate_format(form->run_date, when));
}

kg_err form_counter_list(db_conn *conn, form_listing listing, kdate day, int overdue_days,
                         form_list *out, kg_errbuf *errbuf)
{
    memset(out, 0, sizeof(*out));
    char day_text[KDATE_ISO_LEN + 1], days_text[16];
    snprintf(days_text, sizeof(days_text), "%d", overdue_days);
    const char *params[] = {kdate_format(day, day_text), days_text};
    db_result *result = NULL;
    kg_err err = listing == FORM_LIST_OVERDUE
                     ? db_query(conn, overdue_sql, 2, params, errbuf, &result)
                     : db_query(conn, undeliverable_sql, 1, params, errbuf, &result);
    if (err != KG_OK)
        return err;
    int rows = db_result_rows(result);
    if (rows > 0) {
        out->rows = calloc((size_t)rows, sizeof(*out->rows));
        if (out->rows == NULL) {
            db_result_free(result);
            return kg_fail(errbuf, KG_ERR_NOMEM, _("unable to list %d forms: out of memory"), rows);
        }
    }
    for (int row = 0; row < rows; row++)
        read_record(result, row, &out->rows[row]);
    out->count = (size_t)rows;
    db_result_free(result);
    return KG_OK;
}

void form_list_free(form_list *list)
{
    if (list == NULL)
        return;
    free(list->rows);
    list->rows = NULL;
    list->count = 0;
}
