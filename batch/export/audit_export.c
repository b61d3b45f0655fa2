/*
 * audit_export.c - the workbook's queries and row source (see audit_export.h).
 *
 * Each data sheet is one COPY query streamed row by row to the drawing; the period is a
 * one-row temporary table, pg_temp.export_params, that every query reads.
 */
#include "audit_export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/i18n.h"
#include "../common/out_file.h"
#include "../common/strbuf.h"
#include "../run/outputs.h"
#include "../run/run_config.h"

#define ROW_BUF_MAX (1024 * 1024)
#define PATH_CAP 4096
#define OFFICES_MAX 4096

/* Two forms of each query. A period of one run date (a run's workbook, a one-day export)
 * reads the period as two one-row subqueries (init plans): the planner then takes the run
 * date index and index lookups (30 ms instead of 1.4 s for a night on a city of
 * 1,000,000). A longer period joins the period's row: hash joins, 20% faster than the
 * lookups for a year of 1,000,000 rows. */
#define IN_PERIOD(column)                                                                          \
    column " BETWEEN (SELECT p.from_date FROM pg_temp.export_params p) AND (SELECT p.to_date "     \
           "FROM pg_temp.export_params p) "
#define JOIN_PERIOD(column)                                                                        \
    "JOIN pg_temp.export_params p ON " column " BETWEEN p.from_date AND p.to_date "

/* The name as the letter printed it, or as the data had it on the night (exclusions). */
#define NAME_OF(alias)                                                                             \
    "CASE WHEN " alias ".family_name IS NOT NULL THEN " alias ".family_name || '　' || "          \
    "coalesce(" alias ".given_name, '') END"

#define NOTICES_FROM                                                                               \
    "SELECT n.notice_no, n.run_date, n.resident_id, " NAME_OF(                                     \
        "n") ", n.postal_code, "                                                                   \
             "n.office_code, nc.certificate_id, nc.type, nc.expiry, nc.window_open, "              \
             "nc.cause, n.file, n.page FROM kigen.notices n "                                      \
             "JOIN kigen.notice_certificates nc ON nc.notice_no = n.notice_no "
#define NOTICES_ORDER "ORDER BY n.notice_no, nc.certificate_id"
static const char notices_sql[] = NOTICES_FROM JOIN_PERIOD("n.run_date") NOTICES_ORDER;
static const char notices_night_sql[] = NOTICES_FROM "WHERE " IN_PERIOD("n.run_date") NOTICES_ORDER;

#define RUNS_OF(period)                                                                            \
    "JOIN kigen.runs ru ON ru.run_id = e.run_id AND ru.status IN ('recorded', 'done') " period

#define EXCLUDED_SQL(runs)                                                                         \
    "SELECT ru.run_date, e.resident_id, " NAME_OF(                                                 \
        "e") ", e.office_code, e.postal_code, "                                                    \
             "e.certificate_id, e.type, e.expiry, e.reason, e.detail "                             \
             "FROM kigen.exclusions e " runs                                                       \
             "ORDER BY ru.run_date, e.resident_id, e.certificate_id"
static const char excluded_sql[] = EXCLUDED_SQL(RUNS_OF(JOIN_PERIOD("ru.run_date")));
static const char excluded_night_sql[] = EXCLUDED_SQL(RUNS_OF("AND " IN_PERIOD("ru.run_date")));

#define MOVERS_SQL(runs)                                                                           \
    "SELECT ru.run_date, e.resident_id, " NAME_OF(                                                 \
        "e") ", e.office_code, e.postal_code, "                                                    \
             "e.certificate_id, e.type, e.expiry, e.moved_on, e.move_kind, e.detail FROM "         \
             "kigen.exclusions e " runs "WHERE e.reason = 'recent_mover' "                         \
             "ORDER BY ru.run_date, e.resident_id, e.certificate_id"
static const char movers_sql[] = MOVERS_SQL(RUNS_OF(JOIN_PERIOD("ru.run_date")));
static const char movers_night_sql[] = MOVERS_SQL(RUNS_OF("AND " IN_PERIOD("ru.run_date")));

/* The forms of the period's run dates (D44): their state now, and a status as of the
 * period's end (first that applies; overdue after export_params.overdue_days, D58). */
#define PERIOD_END "(SELECT p.to_date FROM pg_temp.export_params p)"
static const char forms_sql[] =
    "SELECT f.control_no, f.kind, f.run_date, f.resident_id, concat_ws('　', f.family_name, "
    "nullif(f.given_name, '')), f.office_code, f.notice_no, f.request_id, f.valid_until, "
    "f.returned_on, f.return_scans, f.undeliverable_on, f.voided_on, f.reissue_of, "
    "CASE WHEN f.voided_on IS NOT NULL THEN 'void (reissued)' "
    "WHEN f.returned_on IS NOT NULL THEN 'returned' "
    "WHEN f.undeliverable_on IS NOT NULL THEN 'undeliverable' "
    "WHEN f.kind = 'enclosed' AND f.valid_until < " PERIOD_END " THEN 'expired' "
    "WHEN f.kind = 'inquiry' AND " PERIOD_END " - f.run_date > (SELECT p.overdue_days FROM "
    "pg_temp.export_params p) THEN 'overdue' ELSE 'outstanding' END "
    "FROM kigen.forms f WHERE " IN_PERIOD("f.run_date") "ORDER BY f.run_date, f.file, f.page, "
                                                        "f.control_no";

/* The returns the period's runs recorded (D91), each as the last of those runs judged it,
 * with its notice's certificates. The reason's stamp: return_reason.c's table. */
static const char returns_sql[] = "SELECT n.notice_no, n.run_date, n.resident_id, " NAME_OF(
    "n") ", n.postal_code, n.office_code, nc.certificate_id, nc.type, nc.expiry, e.day, "
         "e.reason || ' (' || CASE e.reason WHEN 'unknown_at_address' THEN "
         "'あて所に尋ねあたりません' WHEN 'moved_unknown' THEN '転居先不明' WHEN 'refused' "
         "THEN '受取拒絶' WHEN 'incomplete_address' THEN 'あて名不完全' WHEN 'unclaimed' THEN "
         "'保管期間経過' ELSE 'その他' END || ')', e.os_user, coalesce(x.lifted, 'no'), "
         "x.run_date FROM (SELECT DISTINCT ON (rr.event_id) rr.event_id, rr.lifted, "
         "ru.run_date FROM kigen.run_returns rr JOIN kigen.runs ru ON ru.run_id = rr.run_id "
         "AND ru.status IN ('recorded', 'done') WHERE " IN_PERIOD(
             "ru.run_date") "ORDER BY rr.event_id, ru.run_date DESC) x "
                            "JOIN kigen.notice_events e ON e.event_id = x.event_id "
                            "JOIN kigen.notices n ON n.notice_no = e.notice_no "
                            "JOIN kigen.notice_certificates nc ON nc.notice_no = n.notice_no "
                            "ORDER BY e.day, n.notice_no, nc.certificate_id";

/* Per sheet (xlsx_audit_sheet order): the query of a period, and of a single run date
 * (NULL: the same). */
static const char *const sheet_queries[XLSX_SHEET__COUNT][2] = {
    {notices_sql, notices_night_sql},
    {excluded_sql, excluded_night_sql},
    {movers_sql, movers_night_sql},
    {forms_sql, NULL},
    {returns_sql, NULL},
};

const char *audit_export_notices_sql(void)
{
    return notices_sql;
}

/* ---- the row source: COPY text rows -------------------------------------------------- */

typedef struct copy_source {
    db_conn *conn;
    bool one_day;
    strbuf row; /* owned: the current row, split in place */
} copy_source;

/* Splits one COPY text row (without its newline) in place into NUL-terminated fields,
 * undoing COPY's backslash escapes; fields[i] is NULL for \N. Returns the field count. */
static int split_copy_row(char *row, size_t len, char **fields, int max_fields)
{
    int count = 0;
    size_t read_idx = 0, write_idx = 0;
    while (count < max_fields) {
        char *field = row + write_idx;
        int is_null = len - read_idx >= 2 && row[read_idx] == '\\' && row[read_idx + 1] == 'N' &&
                      (read_idx + 2 == len || row[read_idx + 2] == '\t');
        if (is_null)
            read_idx += 2;
        while (!is_null && read_idx < len && row[read_idx] != '\t') {
            char ch = row[read_idx++];
            if (ch == '\\' && read_idx < len) {
                char esc = row[read_idx++];
                ch = esc == 'n'   ? '\n'
                     : esc == 't' ? '\t'
                     : esc == 'r' ? '\r'
                     : esc == 'b' ? '\b'
                     : esc == 'f' ? '\f'
                     : esc == 'v' ? '\v'
                                  : esc;
            }
            row[write_idx++] = ch;
        }
        if (!is_null)
            row[write_idx++] = '\0';
        fields[count++] = is_null ? NULL : field;
        if (read_idx >= len)
            break;
        read_idx++; /* the tab */
        if (is_null)
            write_idx = read_idx; /* nothing was written: keep the indices together */
    }
    return count;
}

static kg_err copy_begin(void *state, xlsx_audit_sheet sheet, kg_errbuf *errbuf)
{
    copy_source *source = state;
    const char *query = source->one_day && sheet_queries[sheet][1] != NULL
                            ? sheet_queries[sheet][1]
                            : sheet_queries[sheet][0];
    char copy_sql[4096];
    snprintf(copy_sql, sizeof(copy_sql), "COPY (%s) TO STDOUT", query);
    return db_copy_out_begin(source->conn, copy_sql, errbuf);
}

static kg_err copy_next(void *state, char **fields, int max_fields, int *count, kg_errbuf *errbuf)
{
    copy_source *source = state;
    const char *row = NULL;
    size_t len = 0;
    kg_err err = db_copy_out_next(source->conn, &row, &len, errbuf);
    if (err != KG_OK)
        return err;
    strbuf_reset(&source->row);
    err = strbuf_append(&source->row, row, len > 0 && row[len - 1] == '\n' ? len - 1 : len);
    if (err == KG_OK)
        err = strbuf_append_char(&source->row, '\0');
    if (err != KG_OK)
        return kg_fail(errbuf, KG_ERR_INTERNAL,
                       _("unable to read a row of the workbook: too long"));
    *count = split_copy_row(source->row.data, source->row.len - 1, fields, max_fields);
    return KG_OK;
}

/* ---- the period and the Summary's facts ---------------------------------------------- */

static kg_err set_period(db_conn *conn, const audit_export_period *period, kg_errbuf *errbuf)
{
    char from[KDATE_ISO_LEN + 1], to[KDATE_ISO_LEN + 1], overdue_days[16];
    snprintf(overdue_days, sizeof(overdue_days), "%d",
             period->form_overdue_days > 0 ? period->form_overdue_days
                                           : RUN_CONFIG_FORM_OVERDUE_DAYS);
    const char *params[] = {kdate_format(period->from, from), kdate_format(period->to, to),
                            overdue_days};
    kg_err err = db_exec(conn,
                         "CREATE TEMP TABLE IF NOT EXISTS export_params (from_date date, "
                         "to_date date, overdue_days integer); TRUNCATE pg_temp.export_params",
                         errbuf);
    if (err == KG_OK)
        err = db_query(conn,
                       "INSERT INTO pg_temp.export_params (from_date, to_date, overdue_days) "
                       "VALUES ($1, $2, $3)",
                       3, params, errbuf, NULL);
    return err;
}

/* The period's recorded runs, and each office's name as the latest of them printed it. */
static kg_err read_summary_facts(db_conn *conn, long *run_count, db_result **offices,
                                 kg_errbuf *errbuf)
{
    db_result *runs = NULL;
    kg_err err = db_query(conn,
                          "SELECT count(*) FROM kigen.runs ru JOIN pg_temp.export_params p ON "
                          "ru.run_date BETWEEN p.from_date AND p.to_date WHERE ru.status IN "
                          "('recorded', 'done')",
                          0, NULL, errbuf, &runs);
    if (err == KG_OK && db_result_rows(runs) == 1)
        *run_count = strtol(db_result_value(runs, 0, 0), NULL, 10);
    db_result_free(runs);
    if (err == KG_OK)
        err = db_query(conn,
                       "SELECT DISTINCT ON (o.office_code) o.office_code, o.name FROM "
                       "kigen.run_offices o JOIN kigen.runs ru ON ru.run_id = o.run_id JOIN "
                       "pg_temp.export_params p ON ru.run_date BETWEEN p.from_date AND p.to_date "
                       "WHERE ru.status IN ('recorded', 'done') ORDER BY o.office_code, "
                       "ru.run_date DESC, ru.run_id DESC",
                       0, NULL, errbuf, offices);
    return err;
}

/* ---- the workbook as a file ---------------------------------------------------------- */

static kg_err write_workbook(db_conn *conn, const char *path, const char *tmpdir,
                             const audit_export_period *period, xlsx_audit_counts *counts,
                             kg_errbuf *errbuf)
{
    long run_count = 0;
    db_result *offices = NULL;
    kg_err err = set_period(conn, period, errbuf);
    if (err == KG_OK)
        err = read_summary_facts(conn, &run_count, &offices, errbuf);
    int office_count = err == KG_OK ? db_result_rows(offices) : 0;
    if (office_count > OFFICES_MAX)
        office_count = OFFICES_MAX;
    xlsx_audit_office *names = calloc((size_t)office_count + 1, sizeof(*names));
    if (err == KG_OK && names == NULL)
        err = kg_fail(errbuf, KG_ERR_NOMEM, _("unable to write '%s': out of memory"), path);
    for (int idx = 0; err == KG_OK && idx < office_count; idx++) {
        names[idx].office_code = db_result_value(offices, idx, 0);
        names[idx].name = db_result_value(offices, idx, 1);
    }
    copy_source state = {conn, period->from == period->to, {0}};
    strbuf_init(&state.row, ROW_BUF_MAX);
    xlsx_audit_rows source = {copy_begin, copy_next, &state};
    xlsx_audit_request request = {path,
                                  tmpdir,
                                  period->from,
                                  period->to,
                                  period->written_at,
                                  period->forecast,
                                  run_count,
                                  names,
                                  (size_t)office_count,
                                  period->language};
    if (err == KG_OK)
        err = xlsx_audit_write(&request, &source, counts, errbuf);
    strbuf_free(&state.row);
    free(names);
    db_result_free(offices);
    return err;
}

kg_err audit_export_write(db_conn *conn, const char *dir, const char *name,
                          const audit_export_period *period, xlsx_audit_counts *counts,
                          kg_errbuf *errbuf)
{
    out_file file; /* created 0600 and locked here; libxlsxwriter rewrites it by name */
    kg_err err = out_file_begin(&file, dir, name, errbuf);
    if (err == KG_OK) /* its scratch files: in a private directory beside it, never /tmp */
        err = out_file_scratch_dir(&file, errbuf);
    if (err == KG_OK)
        err = write_workbook(conn, file.temp_path, file.scratch_path, period, counts, errbuf);
    return out_file_end(&file, err, errbuf);
}

kg_err audit_export_write_run(db_conn *conn, const char *out_dir, kdate run_date, long run_id,
                              const forecast *fc, kg_errbuf *errbuf)
{
    char dir[PATH_CAP], run_text[32], written_at[160];
    snprintf(run_text, sizeof(run_text), "%ld", run_id);
    const char *params[] = {run_text};
    db_result *result = NULL;
    kg_err err = outputs_run_dir(out_dir, run_date, dir, sizeof(dir), errbuf);
    if (err == KG_OK)
        err = db_query(conn,
                       "SELECT run_id, to_char(started_at AT TIME ZONE 'Asia/Tokyo', "
                       "'YYYY-MM-DD HH24:MI:SS'), coalesce(config->>'language', 'en') "
                       "FROM kigen.runs WHERE run_id = $1::bigint",
                       1, params, errbuf, &result);
    /* the run's language, as recorded with it (a run before issue 19 spoke English): the
     * workbook of a night is the same whoever writes it again (D110) */
    kg_language language = KG_LANG_EN;
    if (err == KG_OK && db_result_rows(result) == 1) {
        language = strcmp(db_result_value(result, 0, 2), "ja") == 0 ? KG_LANG_JA : KG_LANG_EN;
        snprintf(written_at, sizeof(written_at),
                 language == KG_LANG_JA ? "処理 %s（%s JST 記録）" : "run %s recorded %s JST",
                 db_result_value(result, 0, 0), db_result_value(result, 0, 1));
    } else if (err == KG_OK) {
        snprintf(written_at, sizeof(written_at), "%s", run_text);
    }
    db_result_free(result);
    /* the forms of the run date are 0 days old at its end: never overdue, whatever the
     * configured days, so the default serves */
    audit_export_period period = {run_date, run_date, written_at, fc, 0, language};
    if (err == KG_OK)
        err = audit_export_write(conn, dir, "audit.xlsx", &period, NULL, errbuf);
    if (err == KG_OK)
        err = outputs_write_manifest(conn, out_dir, run_date, run_id, errbuf);
    return err;
}
