/*
 * ledger.c - run records and the recording transaction (see ledger.h).
 *
 * The scan delivers residents in print order, so each notice is numbered, placed in its
 * print file and given its enclosed form's control number as it comes. Outcomes go by
 * one COPY into a temporary table of the recording transaction; at the commit, one
 * statement per ledger table copies its rows out of it. No statement joins: nothing
 * depends on the planner's estimates of tables that grew a night's worth since their
 * last ANALYZE. The ledger appears all at once, at COMMIT.
 */
#include "ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/control_no.h"
#include "../common/strbuf.h"
#include "schedule.h"
#include "../common/i18n.h"

kg_err ledger_find_run(db_conn *conn, kdate run_date, ledger_status *status, long *run_id,
                       kg_errbuf *errbuf)
{
    char date[KDATE_ISO_LEN + 1];
    const char *params[] = {kdate_format(run_date, date)};
    kg_err err = db_query(conn,
                          "UPDATE kigen.runs SET status = 'failed', finished_at = now() "
                          "WHERE run_date = $1 AND status = 'running'",
                          1, params, errbuf, NULL);
    db_result *result = NULL;
    if (err == KG_OK)
        err = db_query(conn,
                       "SELECT run_id, status FROM kigen.runs WHERE run_date = $1 AND status IN "
                       "('recorded', 'done') ORDER BY run_id LIMIT 1",
                       1, params, errbuf, &result);
    if (err == KG_OK) {
        *status = LEDGER_NONE;
        *run_id = 0;
        if (db_result_rows(result) == 1) {
            *run_id = strtol(db_result_value(result, 0, 0), NULL, 10);
            *status =
                strcmp(db_result_value(result, 0, 1), "done") == 0 ? LEDGER_DONE : LEDGER_RECORDED;
        }
    }
    db_result_free(result);
    return err;
}

kg_err ledger_start_run(db_conn *conn, kdate run_date, const char *version, const char *config_json,
                        long *run_id, kg_errbuf *errbuf)
{
    char date[KDATE_ISO_LEN + 1];
    const char *params[] = {kdate_format(run_date, date), version, config_json};
    db_result *result = NULL;
    kg_err err = db_query(conn,
                          "INSERT INTO kigen.runs (run_date, status, software_version, config) "
                          "VALUES ($1, 'running', $2, $3::jsonb) RETURNING run_id",
                          3, params, errbuf, &result);
    if (err == KG_OK)
        *run_id = strtol(db_result_value(result, 0, 0), NULL, 10);
    db_result_free(result);
    return err;
}

#define ROW_MAX 8192 /* a run_rows row: the schema bounds names and addresses */

/* The night's rows. Kinds: N a notice (one per resident, numbered here), C a certificate
 * of a notice, X an exclusion, F a finding, S a certificate settled for good (D28). C and
 * X rows carry what the outputs print of them (type; an exclusion's name, office, postal
 * code and move), so that no output of the run reads the live data (D72). */
static const char create_sql[] =
    "BEGIN; " SCHEDULE_LOCK_SQL "; CREATE TEMP TABLE run_rows (kind char(1) NOT NULL, "
    "resident_id bigint NOT NULL, certificate_id bigint, notice_no text, file text, "
    "page integer, control_no text, valid_until date, office_code text, postal_code text, "
    "expiry date, window_open date, cause text, detail text, family_name text, "
    "given_name text, address text, banchi text, address2 text, to_representative boolean, "
    "type text, moved_on date, move_kind text) ON COMMIT DROP";

/* Distributes the night's rows into the ledger, one statement per table ($1 run id, $2
 * run date, $3 pages per notice). None joins: no plan depends on statistics that the
 * night's inserts made stale. The settled marks go by the primary key (= ANY of an
 * array) whatever the estimates. */
static const char *const distribute_sql[] = {
    "INSERT INTO kigen.notices (notice_no, run_id, run_date, resident_id, office_code, "
    "family_name, given_name, postal_code, address, banchi, address2, to_representative, "
    "pages, file, page) SELECT r.notice_no, $1::bigint, $2::date, r.resident_id, "
    "r.office_code, r.family_name, r.given_name, r.postal_code, r.address, r.banchi, "
    "r.address2, r.to_representative, $3::int, r.file, r.page FROM pg_temp.run_rows r "
    "WHERE r.kind = 'N'",
    "INSERT INTO kigen.notice_certificates (certificate_id, notice_no, type, expiry, "
    "window_open, cause) SELECT r.certificate_id, r.notice_no, r.type, r.expiry, r.window_open, "
    "r.cause FROM pg_temp.run_rows r WHERE r.kind = 'C'",
    "INSERT INTO kigen.forms (control_no, kind, notice_no, run_id, run_date, resident_id, "
    "office_code, valid_until, family_name, given_name, postal_code, address, banchi, "
    "address2, to_representative, file, page) SELECT r.control_no, 'enclosed', r.notice_no, "
    "$1::bigint, $2::date, r.resident_id, r.office_code, r.valid_until, r.family_name, "
    "r.given_name, r.postal_code, r.address, r.banchi, r.address2, r.to_representative, "
    "r.file, r.page + 1 FROM pg_temp.run_rows r WHERE r.kind = 'N' AND r.control_no IS NOT "
    "NULL",
    "INSERT INTO kigen.exclusions (run_id, certificate_id, resident_id, type, expiry, reason, "
    "detail, family_name, given_name, office_code, postal_code, moved_on, move_kind) SELECT "
    "$1::bigint, r.certificate_id, r.resident_id, r.type, r.expiry, r.cause, r.detail, "
    "r.family_name, r.given_name, r.office_code, r.postal_code, r.moved_on, r.move_kind "
    "FROM pg_temp.run_rows r WHERE r.kind = 'X'",
    "INSERT INTO kigen.findings (run_id, certificate_id, resident_id, kind, detail) "
    "SELECT $1::bigint, r.certificate_id, r.resident_id, r.cause, r.detail "
    "FROM pg_temp.run_rows r WHERE r.kind = 'F'",
    "UPDATE kigen.cert_schedule s SET settled = true WHERE s.certificate_id = ANY (ARRAY("
    "SELECT r.certificate_id FROM pg_temp.run_rows r WHERE r.kind = 'S'))",
};
/* The offices of the night's letters, copied ($1 run id) after the inquiries. */
static const char run_offices_sql[] =
    "INSERT INTO kigen.run_offices (run_id, office_code, name, postal_code, address, phone, "
    "hours) SELECT $1::bigint, o.office_code, o.name, o.postal_code, o.address, o.phone, "
    "o.hours FROM kigen.offices o WHERE o.office_code IN (SELECT r.office_code FROM "
    "pg_temp.run_rows r WHERE r.kind = 'N' UNION SELECT f.office_code FROM kigen.forms f "
    "WHERE f.run_id = $1::bigint AND f.kind = 'inquiry')";
/* The returns in force on the run date as the run judges them (D91: $1 run date): each
 * while it holds, and once more on the first run that finds it lifted, as two array
 * literals in event order. Read on the scan's connection (ledger_read_returns). */
static const char read_returns_sql[] =
    "SELECT coalesce(array_agg(x.event_id ORDER BY x.event_id)::text, '{}'), "
    "coalesce(array_agg(x.lifted ORDER BY x.event_id)::text, '{}') FROM (SELECT v.event_id, "
    "kigen.return_lifted(v.resident_id, v.notice_no, v.address_key, $1::date) AS lifted "
    "FROM kigen.notice_returns v WHERE v.returned_on <= $1::date) x WHERE x.lifted IS NULL "
    "OR NOT EXISTS (SELECT 1 FROM kigen.run_returns p WHERE p.event_id = x.event_id AND "
    "p.lifted IS NOT NULL)";
/* $1 run id, $2 the events, $3 what lifted each (ledger_read_returns). The run's workbook
 * lists them from here, not from the counter's live history (D72). */
static const char run_returns_sql[] =
    "INSERT INTO kigen.run_returns (run_id, event_id, lifted) SELECT $1::bigint, u.event_id, "
    "u.lifted FROM unnest($2::bigint[], $3::text[]) AS u(event_id, lifted)";
/* how many parameters each statement above uses ($1 .. $n) */
static const int distribute_params[] = {3, 0, 2, 1, 1, 0};

kg_err ledger_begin(ledger_writer *writer, db_conn *conn, kdate run_date, int notices_per_file,
                    int pages_per_notice, bool enclose, kg_errbuf *errbuf)
{
    memset(writer, 0, sizeof(*writer));
    writer->conn = conn;
    writer->notices_per_file = notices_per_file > 0 ? notices_per_file : 1;
    writer->pages_per_notice = pages_per_notice > 0 ? pages_per_notice : 1;
    writer->enclose = enclose;
    writer->run_date = run_date;
    kdate_format(run_date, writer->date);
    snprintf(writer->prefix, sizeof(writer->prefix), "%.4s%.2s%.2s", writer->date, writer->date + 5,
             writer->date + 8);
    strbuf_init(&writer->row, ROW_MAX);
    kg_err err = db_exec(conn, create_sql, errbuf);
    if (err == KG_OK)
        err = db_copy_begin(conn, "COPY pg_temp.run_rows FROM STDIN (FORMAT csv)", errbuf);
    return err;
}

void ledger_writer_free(ledger_writer *writer)
{
    strbuf_free(&writer->row);
    free(writer->return_ids);
    free(writer->return_lifted);
    writer->return_ids = writer->return_lifted = NULL;
}

kg_err ledger_read_returns(ledger_writer *writer, db_conn *reader, kg_errbuf *errbuf)
{
    const char *params[] = {writer->date};
    db_result *result = NULL;
    kg_err err = db_query(reader, read_returns_sql, 1, params, errbuf, &result);
    if (err == KG_OK && db_result_rows(result) != 1)
        err = kg_fail(errbuf, KG_ERR_INTERNAL, _("unable to read the returns of the run"));
    if (err == KG_OK) {
        free(writer->return_ids);
        free(writer->return_lifted);
        writer->return_ids = strdup(db_result_value(result, 0, 0));
        writer->return_lifted = strdup(db_result_value(result, 0, 1));
        if (writer->return_ids == NULL || writer->return_lifted == NULL)
            err = kg_fail(errbuf, KG_ERR_NOMEM,
                          _("unable to read the returns of the run: out "
                            "of memory"));
    }
    db_result_free(result);
    return err;
}

/* Puts one row of run_rows into the COPY from its 23 columns (NULL is SQL NULL). */
#define ROW_COLUMNS 23
static kg_err put_row(ledger_writer *writer, const char *const *columns, kg_errbuf *errbuf)
{
    strbuf_reset(&writer->row);
    if (strbuf_append_csv_row(&writer->row, columns, ROW_COLUMNS) != KG_OK)
        return kg_fail(errbuf, KG_ERR_INTERNAL, _("unable to record resident %s: row too long"),
                       columns[1] != NULL ? columns[1] : "?");
    writer->rows++;
    return db_copy_put(writer->conn, writer->row.data, writer->row.len, errbuf);
}

enum {
    COL_KIND,
    COL_RESIDENT,
    COL_CERT,
    COL_NOTICE_NO,
    COL_FILE,
    COL_PAGE,
    COL_CONTROL_NO,
    COL_VALID_UNTIL,
    COL_OFFICE,
    COL_POSTAL,
    COL_EXPIRY,
    COL_WINDOW,
    COL_CAUSE,
    COL_DETAIL,
    COL_FAMILY,
    COL_GIVEN,
    COL_ADDRESS,
    COL_BANCHI,
    COL_ADDRESS2,
    COL_TO_REPRESENTATIVE,
    COL_TYPE,
    COL_MOVED_ON,
    COL_MOVE_KIND
};

/* The latest move in or within the city on or before the run date (the one a
 * recent_mover exclusion is about, N5), into *moved_on and *kind; false when none. On the
 * same day, `in` comes before `within`. */
static bool latest_move(const select_resident *res, kdate run_date, kdate *moved_on,
                        const char **kind)
{
    const select_move *latest = NULL;
    for (size_t idx = 0; idx < res->move_count; idx++) {
        const select_move *move = &res->moves[idx];
        if (move->kind == MOVE_OUT || move->moved_on > run_date)
            continue;
        if (latest == NULL || move->moved_on > latest->moved_on ||
            (move->moved_on == latest->moved_on && move->kind < latest->kind))
            latest = move;
    }
    if (latest == NULL)
        return false;
    *moved_on = latest->moved_on;
    *kind = latest->kind == MOVE_IN ? "in" : "within";
    return true;
}

/* The rows of one certificate: C, X, S, F as its outcome asks. An X row carries the
 * resident's name, office and postal code as the data had them on the night, and a
 * recent mover's move (D72). */
static kg_err append_cert_rows(ledger_writer *writer, const char *resident, const char *notice_no,
                               const select_resident *res, const ledger_addressee *to,
                               size_t cert_idx, const select_result *result, kg_errbuf *errbuf)
{
    const select_cert *cert = &res->certs[cert_idx];
    char cert_id[32], expiry[KDATE_ISO_LEN + 1], window_open[KDATE_ISO_LEN + 1];
    char moved_on_text[KDATE_ISO_LEN + 1];
    snprintf(cert_id, sizeof(cert_id), "%lld", cert->certificate_id);
    bool dated = result->data_error == KG_OK;
    if (dated) {
        kdate_format(result->expiry.expiry, expiry);
        kdate_format(result->expiry.window_open, window_open);
    }
    const char *columns[ROW_COLUMNS] = {NULL};
    columns[COL_RESIDENT] = resident;
    columns[COL_CERT] = cert_id;
    kg_err err = KG_OK;
    if (result->outcome == OUTCOME_NOTICE || result->outcome == OUTCOME_EXCLUDED) {
        bool noticed = result->outcome == OUTCOME_NOTICE;
        columns[COL_KIND] = noticed ? "C" : "X";
        columns[COL_NOTICE_NO] = noticed ? notice_no : NULL;
        columns[COL_EXPIRY] = dated ? expiry : NULL;
        columns[COL_WINDOW] = dated && noticed ? window_open : NULL;
        columns[COL_CAUSE] =
            noticed ? rules_cause_name(result->expiry.cause) : select_reason_name(result->reason);
        columns[COL_DETAIL] = noticed ? NULL : result->detail;
        columns[COL_TYPE] = rules_cert_type_name(cert->type);
        if (!noticed) {
            columns[COL_OFFICE] = to->office_code[0] != '\0' ? to->office_code : NULL;
            columns[COL_POSTAL] = to->postal_code[0] != '\0' ? to->postal_code : NULL;
            columns[COL_FAMILY] = to->family_name;
            columns[COL_GIVEN] = to->given_name;
            kdate moved_on = KDATE_NONE;
            const char *kind_name = NULL;
            if (result->reason == REASON_RECENT_MOVER &&
                latest_move(res, writer->run_date, &moved_on, &kind_name)) {
                columns[COL_MOVED_ON] = kdate_format(moved_on, moved_on_text);
                columns[COL_MOVE_KIND] = kind_name;
            }
        }
        err = put_row(writer, columns, errbuf);
    }
    if (err == KG_OK && result->final && !cert->settled) {
        const char *settled[ROW_COLUMNS] = {"S", resident, cert_id};
        err = put_row(writer, settled, errbuf);
    }
    if (err == KG_OK && select_result_is_finding(result)) {
        /* the detail as the selection wrote it, in the run's language (D112) */
        const char *finding[ROW_COLUMNS] = {"F", resident, cert_id};
        finding[COL_CAUSE] = "recorded_mismatch";
        finding[COL_DETAIL] = result->finding;
        err = put_row(writer, finding, errbuf);
    }
    return err;
}

/* The next notice in print order: its number, file and page (D52). The scan delivers
 * residents in print order (office, then postal code and address, compared byte-wise,
 * then resident id); numbers widen rather than wrap. */
static kg_err number_notice(ledger_writer *writer, const ledger_addressee *to, char *notice_no,
                            size_t no_cap, char *file, size_t file_cap, char *page, size_t page_cap,
                            kg_errbuf *errbuf)
{
    if (writer->seq == 0 || strcmp(to->office_code, writer->office) != 0) {
        if (writer->seq > 0 && strcmp(to->office_code, writer->office) < 0)
            return kg_fail(errbuf, KG_ERR_INTERNAL,
                           _("unable to number the notices: office '%s' came after '%s' "
                             "(the scan is not in print order)"),
                           to->office_code, writer->office);
        snprintf(writer->office, sizeof(writer->office), "%s", to->office_code);
        writer->office_seq = 0;
    }
    writer->seq++;
    writer->office_seq++;
    long in_office = writer->office_seq - 1;
    snprintf(notice_no, no_cap, "%s-%06ld", writer->prefix, writer->seq);
    snprintf(file, file_cap, "notices-%s-%03ld.pdf",
             to->office_code[0] != '\0' ? to->office_code : "_none_",
             in_office / writer->notices_per_file + 1);
    snprintf(page, page_cap, "%ld",
             (in_office % writer->notices_per_file) * writer->pages_per_notice + 1);
    return KG_OK;
}

/* The N row of a noticed resident. */
static kg_err append_notice_row(ledger_writer *writer, const char *resident,
                                const select_resident *res, const ledger_addressee *to,
                                const select_result *results, char *notice_no, size_t no_cap,
                                kg_errbuf *errbuf)
{
    char file[96], page[24], control_no[CONTROL_NO_SIZE], valid_until[KDATE_ISO_LEN + 1];
    kg_err err = number_notice(writer, to, notice_no, no_cap, file, sizeof(file), page,
                               sizeof(page), errbuf);
    if (err == KG_OK && writer->enclose)
        err = forms_draw_control_no(control_no, errbuf);
    if (err != KG_OK)
        return err;
    kdate earliest = KDATE_NONE; /* the enclosed form is valid until the earliest expiry */
    for (size_t idx = 0; idx < res->cert_count; idx++)
        if (results[idx].outcome == OUTCOME_NOTICE &&
            (earliest == KDATE_NONE || results[idx].expiry.expiry < earliest))
            earliest = results[idx].expiry.expiry;
    kdate_format(earliest, valid_until);
    const char *columns[ROW_COLUMNS] = {"N",
                                        resident,
                                        NULL,
                                        notice_no,
                                        file,
                                        page,
                                        writer->enclose ? control_no : NULL,
                                        valid_until,
                                        to->office_code[0] != '\0' ? to->office_code : NULL,
                                        to->postal_code[0] != '\0' ? to->postal_code : NULL,
                                        NULL,
                                        NULL,
                                        NULL,
                                        NULL,
                                        to->family_name,
                                        to->given_name,
                                        to->address,
                                        to->banchi,
                                        to->address2,
                                        to->to_representative ? "t" : "f"};
    return put_row(writer, columns, errbuf);
}

kg_err ledger_add_resident(ledger_writer *writer, const select_resident *res,
                           const ledger_addressee *to, const select_result *results,
                           kg_errbuf *errbuf)
{
    char resident[32], notice_no[48] = "";
    snprintf(resident, sizeof(resident), "%lld", res->resident_id);
    kg_err err = KG_OK;
    if (select_any_noticed(results, res->cert_count))
        err = append_notice_row(writer, resident, res, to, results, notice_no, sizeof(notice_no),
                                errbuf);
    for (size_t idx = 0; idx < res->cert_count && err == KG_OK; idx++)
        err = append_cert_rows(writer, resident, notice_no, res, to, idx, &results[idx], errbuf);
    return err;
}

/* Seconds from *since to now (monotonic), and now into *since. */
static double lap(struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double seconds =
        (double)(now.tv_sec - since->tv_sec) + (double)(now.tv_nsec - since->tv_nsec) / 1e9;
    *since = now;
    return seconds;
}

kg_err ledger_commit(ledger_writer *writer, long run_id, const char *counts_json,
                     const forms_setup *forms, kg_errbuf *errbuf)
{
    struct timespec mark;
    clock_gettime(CLOCK_MONOTONIC, &mark);
    char run_text[32], pages[16];
    snprintf(run_text, sizeof(run_text), "%ld", run_id);
    snprintf(pages, sizeof(pages), "%d", writer->pages_per_notice);
    const char *params[] = {run_text, writer->date, pages};
    kg_err err = db_copy_end(writer->conn, errbuf);
    writer->copy_end_seconds = lap(&mark);
    size_t statements = sizeof(distribute_sql) / sizeof(distribute_sql[0]);
    for (size_t idx = 0; idx < statements && err == KG_OK; idx++) {
        if (idx == statements - 1) /* the settled marks: an UPDATE, timed apart (D97) */
            writer->distribute_seconds = lap(&mark);
        err = db_query(writer->conn, distribute_sql[idx], distribute_params[idx], params, errbuf,
                       NULL);
    }
    writer->settle_seconds = lap(&mark);
    if (err == KG_OK && forms != NULL && forms->inquiry != NULL)
        err = forms_record_inquiries(writer->conn, run_id, writer->run_date, forms, errbuf);
    if (err == KG_OK) /* the sender blocks as the night's letters print them (D72) */
        err = db_query(writer->conn, run_offices_sql, 1, params, errbuf, NULL);
    if (err == KG_OK && writer->return_ids != NULL) {
        const char *returns[] = {run_text, writer->return_ids, writer->return_lifted};
        err = db_query(writer->conn, run_returns_sql, 3, returns, errbuf, NULL);
    }
    if (err == KG_OK) {
        const char *status_params[] = {run_text, counts_json};
        err = db_query(writer->conn,
                       "UPDATE kigen.runs SET status = 'recorded', counts = $2::jsonb "
                       "WHERE run_id = $1::bigint",
                       2, status_params, errbuf, NULL);
    }
    writer->distribute_seconds += lap(&mark);
    if (err == KG_OK)
        err = db_exec(writer->conn, "COMMIT", errbuf);
    writer->commit_seconds = lap(&mark);
    return err;
}

kg_err ledger_mark_done(db_conn *conn, long run_id, kg_errbuf *errbuf)
{
    char run_text[32];
    snprintf(run_text, sizeof(run_text), "%ld", run_id);
    const char *params[] = {run_text};
    return db_query(conn,
                    "UPDATE kigen.runs SET status = 'done', finished_at = now() "
                    "WHERE run_id = $1::bigint",
                    1, params, errbuf, NULL);
}
