/*
 * ledger.c - run records and the recording transaction (see ledger.h).
 *
 * During the scan, outcomes go by COPY into one temporary table (one COPY per
 * connection at a time); the commit distributes them with three INSERT ... SELECT
 * statements and numbers the notices in SQL, so a run's ledger appears all at once.
 */
#include "ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/strbuf.h"
#include "schedule.h"

#define ROW_MAX 8192

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

kg_err ledger_begin(db_conn *conn, kg_errbuf *errbuf)
{
    kg_err err =
        db_exec(conn,
                "BEGIN; " SCHEDULE_LOCK_SQL "; CREATE TEMP TABLE run_rows (kind char(1) NOT NULL, "
                "resident_id bigint NOT NULL, certificate_id bigint NOT NULL, "
                "office_code text, postal_code text, expiry date, window_open date, "
                "cause text, detail text, family_name text, given_name text, address text, "
                "banchi text, address2 text, to_representative boolean) ON COMMIT DROP",
                errbuf);
    if (err == KG_OK)
        err = db_copy_begin(conn, "COPY pg_temp.run_rows FROM STDIN (FORMAT csv)", errbuf);
    return err;
}

static kg_err append_quoted(strbuf *row, const char *text, bool leading_comma)
{
    kg_err err = leading_comma ? strbuf_append_char(row, ',') : KG_OK;
    return err != KG_OK ? err : strbuf_append_csv_quoted(row, text, strlen(text));
}

/* The addressee's columns of a notice row (empty, so NULL, for other rows). */
static kg_err append_addressee(strbuf *row, char kind, const ledger_addressee *to)
{
    if (kind != 'N')
        return strbuf_append_str(row, ",,,,,,");
    const char *const texts[] = {to->family_name, to->given_name, to->address, to->banchi,
                                 to->address2};
    kg_err err = KG_OK;
    for (size_t idx = 0; idx < 5 && err == KG_OK; idx++)
        err = append_quoted(row, texts[idx], true);
    return err != KG_OK ? err : strbuf_append_str(row, to->to_representative ? ",t" : ",f");
}

static kg_err put_row(db_conn *conn, char kind, const select_resident *res,
                      const ledger_addressee *to, const select_cert *cert,
                      const select_result *result, const char *cause, const char *detail,
                      kg_errbuf *errbuf)
{
    char head[160], expiry[KDATE_ISO_LEN + 1] = "", window_open[KDATE_ISO_LEN + 1] = "";
    if (result->data_error == KG_OK) {
        kdate_format(result->expiry.expiry, expiry);
        kdate_format(result->expiry.window_open, window_open);
    }
    snprintf(head, sizeof(head), "%c,%lld,%lld,", kind, res->resident_id, cert->certificate_id);
    strbuf row;
    strbuf_init(&row, ROW_MAX);
    kg_err err = strbuf_append_str(&row, head);
    if (err == KG_OK && to->office_code[0] != '\0')
        err = strbuf_append_csv_quoted(&row, to->office_code, strlen(to->office_code));
    if (err == KG_OK)
        err = strbuf_append_char(&row, ',');
    if (err == KG_OK && to->postal_code[0] != '\0')
        err = strbuf_append_csv_quoted(&row, to->postal_code, strlen(to->postal_code));
    if (err == KG_OK) {
        char dates[64];
        snprintf(dates, sizeof(dates), ",%s,%s,%s,", expiry, window_open, cause);
        err = strbuf_append_str(&row, dates);
    }
    if (err == KG_OK)
        err = strbuf_append_csv_quoted(&row, detail, strlen(detail));
    if (err == KG_OK)
        err = append_addressee(&row, kind, to);
    if (err == KG_OK)
        err = strbuf_append_char(&row, '\n');
    if (err == KG_OK)
        err = db_copy_put(conn, row.data, row.len, errbuf);
    else
        err = kg_fail(errbuf, err, "unable to record certificate %lld: row too long",
                      cert->certificate_id);
    strbuf_free(&row);
    return err;
}

kg_err ledger_add(db_conn *conn, const select_resident *res, const ledger_addressee *to,
                  const select_cert *cert, const select_result *result, kg_errbuf *errbuf)
{
    kg_err err = KG_OK;
    if (result->outcome == OUTCOME_NOTICE)
        err = put_row(conn, 'N', res, to, cert, result, rules_cause_name(result->expiry.cause), "",
                      errbuf);
    else if (result->outcome == OUTCOME_EXCLUDED)
        err = put_row(conn, 'X', res, to, cert, result, select_reason_name(result->reason),
                      result->detail, errbuf);
    if (err == KG_OK && result->final && !cert->settled)
        err = put_row(conn, 'S', res, to, cert, result, "", "", errbuf);
    if (err == KG_OK && select_result_is_finding(result)) {
        char detail[128], computed[KDATE_ISO_LEN + 1], recorded[KDATE_ISO_LEN + 1];
        snprintf(detail, sizeof(detail), "recorded %s, computed %s (%s)",
                 kdate_format(result->expiry.expiry, recorded),
                 kdate_format(result->expiry.computed_expiry, computed),
                 rules_cause_name(result->expiry.computed_cause));
        err = put_row(conn, 'F', res, to, cert, result, "recorded_mismatch", detail, errbuf);
    }
    return err;
}

/* Print order within an office (domain.md section 8); "C" collation: the same order on
 * every server. Numbers and file sequence numbers widen past their padding rather than
 * wrap (a national run can have millions of notices). */
#define PRINT_ORDER                                                                                \
    "coalesce(postal_code, '') COLLATE \"C\", coalesce(address, '') COLLATE \"C\", "               \
    "coalesce(banchi, '') COLLATE \"C\", coalesce(address2, '') COLLATE \"C\", resident_id"
#define PADDED(expr, width)                                                                        \
    "lpad((" expr ")::text, greatest(" #width ", length((" expr ")::text)), '0')"

static const char insert_notices_sql[] =
    "INSERT INTO kigen.notices (notice_no, run_id, run_date, resident_id, office_code, "
    "family_name, given_name, postal_code, address, banchi, address2, to_representative, pages, "
    "file, page) SELECT to_char($2::date, 'YYYYMMDD') || '-' || " PADDED(
        "seq",
        6) ", $1::bigint, "
           "$2::date, resident_id, office_code, family_name, given_name, postal_code, address, "
           "banchi, "
           "address2, to_representative, $4::int, 'notices-' || coalesce(office_code, '_none_') || "
           "'-' || " PADDED(
               "(office_seq - 1) / $3::int + 1",
               3) " || '.pdf', "
                  "((office_seq - 1) % $3::int) * $4::int + 1 "
                  "FROM (SELECT d.*, row_number() OVER (ORDER BY coalesce(office_code, '') COLLATE "
                  "\"C\", " PRINT_ORDER
                  ") AS seq, row_number() OVER (PARTITION BY office_code ORDER BY " PRINT_ORDER
                  ") AS office_seq FROM (SELECT DISTINCT ON (resident_id) resident_id, "
                  "office_code, "
                  "postal_code, family_name, given_name, address, banchi, address2, "
                  "to_representative "
                  "FROM pg_temp.run_rows WHERE kind = 'N' ORDER BY resident_id) d) due";

/* ANALYZE of the night's rows costs 10-15 ms; a normal night's few thousand rows plan
 * well on the row count PostgreSQL takes from the table's size, a catch-up night's
 * hundreds of thousands are worth the statistics (hash joins, not index loops). */
static kg_err analyze_if_big(db_conn *conn, kg_errbuf *errbuf)
{
    db_result *result = NULL;
    kg_err err = db_query(conn,
                          "SELECT count(*) >= 20000 FROM (SELECT 1 FROM pg_temp.run_rows "
                          "LIMIT 20000) r",
                          0, NULL, errbuf, &result);
    bool big = err == KG_OK && db_result_value(result, 0, 0)[0] == 't';
    db_result_free(result);
    if (big)
        err = db_exec(conn, "ANALYZE pg_temp.run_rows", errbuf);
    return err;
}

kg_err ledger_commit(db_conn *conn, long run_id, kdate run_date, const char *counts_json,
                     int notices_per_file, int pages_per_notice, const forms_setup *forms,
                     kg_errbuf *errbuf)
{
    char run_text[32], date[KDATE_ISO_LEN + 1], per_file[16], pages[16];
    snprintf(run_text, sizeof(run_text), "%ld", run_id);
    snprintf(per_file, sizeof(per_file), "%d", notices_per_file > 0 ? notices_per_file : 1);
    snprintf(pages, sizeof(pages), "%d", pages_per_notice > 0 ? pages_per_notice : 1);
    const char *params[] = {run_text, kdate_format(run_date, date), counts_json};
    kg_err err = db_copy_end(conn, errbuf);
    if (err == KG_OK) /* statistics for the joins below, on a night big enough to need them */
        err = analyze_if_big(conn, errbuf);
    const char *notice_params[] = {run_text, date, per_file, pages};
    if (err == KG_OK)
        err = db_query(conn, insert_notices_sql, 4, notice_params, errbuf, NULL);
    if (err == KG_OK)
        err = db_query(conn,
                       "INSERT INTO kigen.notice_certificates (certificate_id, notice_no, expiry, "
                       "window_open, cause) SELECT r.certificate_id, n.notice_no, r.expiry, "
                       "r.window_open, r.cause FROM pg_temp.run_rows r JOIN kigen.notices n ON "
                       "n.run_date = $1::date AND n.resident_id = r.resident_id "
                       "WHERE r.kind = 'N'",
                       1, params + 1, errbuf, NULL);
    if (err == KG_OK && forms != NULL)
        err = forms_record(conn, run_id, run_date, forms, errbuf);
    if (err == KG_OK)
        err = db_query(conn,
                       "INSERT INTO kigen.exclusions (run_id, certificate_id, resident_id, "
                       "expiry, reason, detail) SELECT $1::bigint, certificate_id, resident_id, "
                       "expiry, cause, detail FROM pg_temp.run_rows WHERE kind = 'X'",
                       1, params, errbuf, NULL);
    if (err == KG_OK)
        err = db_query(conn,
                       "INSERT INTO kigen.findings (run_id, certificate_id, resident_id, kind, "
                       "detail) SELECT $1::bigint, certificate_id, resident_id, cause, detail "
                       "FROM pg_temp.run_rows WHERE kind = 'F'",
                       1, params, errbuf, NULL);
    if (err == KG_OK)
        err = db_exec(conn,
                      "UPDATE kigen.cert_schedule s SET settled = true FROM pg_temp.run_rows r "
                      "WHERE r.kind = 'S' AND s.certificate_id = r.certificate_id",
                      errbuf);
    if (err == KG_OK) {
        const char *status_params[] = {run_text, counts_json};
        err = db_query(conn,
                       "UPDATE kigen.runs SET status = 'recorded', counts = $2::jsonb "
                       "WHERE run_id = $1::bigint",
                       2, status_params, errbuf, NULL);
    }
    if (err == KG_OK)
        err = db_exec(conn, "COMMIT", errbuf);
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
