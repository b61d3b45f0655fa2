/*
 * forecast_cache.c - the week's forecast kept in kigen.forecasts (see forecast_cache.h).
 *
 * Rows are written once, in one transaction (header, 26 rows per office by COPY, the
 * run's link), and afterwards only read; visits travel as text with 17 significant
 * digits, so a forecast read back is bit for bit the one that was computed.
 */
#include "forecast_cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/crash.h"
#include "../common/strbuf.h"
#include "forecast_scan.h"
#include "../common/i18n.h"

#define ID_TEXT_MAX 32
#define NUMBER_TEXT_MAX 40
#define STAMP_TEXT_MAX 32
#define ROW_TEXT_MAX 256

/* The header columns that find_by reads, in this order. */
#define HEADER_COLUMNS                                                                             \
    "f.forecast_id, f.as_of, f.take_up, "                                                          \
    "to_char(f.computed_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD HH24:MI')"

static const char by_key_sql[] = "SELECT " HEADER_COLUMNS " FROM kigen.forecasts f "
                                 "WHERE f.first_week = $1::date AND f.software_version = $2 "
                                 "AND f.rules = $3::jsonb AND f.take_up = $4::float8";

static const char by_run_sql[] = "SELECT " HEADER_COLUMNS " FROM kigen.run_forecasts r "
                                 "JOIN kigen.forecasts f USING (forecast_id) "
                                 "WHERE r.run_id = $1::bigint";

static const char weeks_sql[] = "SELECT office_code, week, visits, certificates "
                                "FROM kigen.forecast_weeks WHERE forecast_id = $1::bigint "
                                "ORDER BY office_code COLLATE \"C\", week";

static kg_err parse_long(const char *text, long *out)
{
    char *end = NULL;
    if (text == NULL)
        return KG_ERR_INTERNAL;
    *out = strtol(text, &end, 10);
    return end != text && *end == '\0' ? KG_OK : KG_ERR_INTERNAL;
}

static kg_err parse_double(const char *text, double *out)
{
    char *end = NULL;
    if (text == NULL)
        return KG_ERR_INTERNAL;
    *out = strtod(text, &end);
    return end != text && *end == '\0' ? KG_OK : KG_ERR_INTERNAL;
}

/* The 26 rows per office of forecast_id into fc (already initialised for it). */
static kg_err read_weeks(db_conn *conn, const char *id_text, forecast *fc, kg_errbuf *errbuf)
{
    const char *params[] = {id_text};
    db_result *result = NULL;
    kg_err err = db_query(conn, weeks_sql, 1, params, errbuf, &result);
    int rows = err == KG_OK ? db_result_rows(result) : 0;
    double visits[FORECAST_WEEKS];
    for (int row = 0; err == KG_OK && row < rows; row++) {
        const char *office_code = db_result_value(result, row, 0);
        long week = -1, certificates = 0;
        double week_visits = 0;
        if (office_code == NULL || parse_long(db_result_value(result, row, 1), &week) != KG_OK ||
            parse_double(db_result_value(result, row, 2), &week_visits) != KG_OK ||
            parse_long(db_result_value(result, row, 3), &certificates) != KG_OK ||
            week != row % FORECAST_WEEKS || rows % FORECAST_WEEKS != 0) {
            err = kg_fail(errbuf, KG_ERR_INTERNAL,
                          _("unable to read forecast %s: row %d is not the office's week %d"),
                          id_text, row, row % FORECAST_WEEKS);
            break;
        }
        visits[week] = week_visits;
        if (week == FORECAST_WEEKS - 1)
            err = forecast_set_office(fc, office_code, certificates, visits);
        if (err != KG_OK)
            kg_fail(errbuf, err, _("unable to read forecast %s: office '%s'"), id_text,
                    office_code);
    }
    db_result_free(result);
    return err;
}

/* The forecast whose header sql (HEADER_COLUMNS) finds with params, into fc; *forecast_id
 * 0 when there is none. computed_at (STAMP_TEXT_MAX) receives when it was computed. */
static kg_err find_by(db_conn *conn, const char *sql, int param_count, const char *const *params,
                      forecast *fc, long *forecast_id, char *computed_at, kg_errbuf *errbuf)
{
    *forecast_id = 0;
    computed_at[0] = '\0';
    db_result *result = NULL;
    kg_err err = db_query(conn, sql, param_count, params, errbuf, &result);
    if (err != KG_OK || db_result_rows(result) == 0) {
        db_result_free(result);
        return err;
    }
    char id_text[ID_TEXT_MAX];
    const char *as_of_text = db_result_value(result, 0, 1);
    kdate as_of = KDATE_NONE;
    double take_up = 0;
    long id = 0;
    if (parse_long(db_result_value(result, 0, 0), &id) != KG_OK || as_of_text == NULL ||
        kdate_parse(as_of_text, strlen(as_of_text), &as_of) != KG_OK ||
        parse_double(db_result_value(result, 0, 2), &take_up) != KG_OK)
        err = kg_fail(errbuf, KG_ERR_INTERNAL, _("unable to read a forecast's header"));
    if (err == KG_OK) {
        const char *stamp = db_result_value(result, 0, 3);
        snprintf(computed_at, STAMP_TEXT_MAX, "%s", stamp != NULL ? stamp : "");
        snprintf(id_text, sizeof(id_text), "%ld", id);
        forecast_free(fc);
        forecast_init(fc, as_of, take_up);
    }
    db_result_free(result);
    if (err == KG_OK)
        err = read_weeks(conn, id_text, fc, errbuf);
    if (err == KG_OK)
        *forecast_id = id;
    return err;
}

void forecast_cache_rules_json(const select_config *select, char *buf, size_t cap)
{
    snprintf(buf, cap, "{\"window\": \"%s\", \"feb29\": \"%s\"}",
             select->rules.window_w2 ? "w2" : "w1",
             select->rules.feb29 == FEB29_AS_MAR1 ? "mar1" : "feb28");
}

/* The key's parameters: first week, version, rule readings, take-up. */
typedef struct key_text {
    char first_week[KDATE_ISO_LEN + 1];
    char rules[FORECAST_RULES_JSON_MAX];
    char take_up[NUMBER_TEXT_MAX];
    const char *params[4];
} key_text;

static void key_text_of(const forecast_request *request, kdate first_week, double take_up,
                        key_text *key)
{
    kdate_format(first_week, key->first_week);
    forecast_cache_rules_json(request->select, key->rules, sizeof(key->rules));
    snprintf(key->take_up, sizeof(key->take_up), "%.17g", take_up);
    key->params[0] = key->first_week;
    key->params[1] = request->version;
    key->params[2] = key->rules;
    key->params[3] = key->take_up;
}

kg_err forecast_cache_find(db_conn *conn, const forecast_request *request, forecast *fc,
                           long *forecast_id, kg_errbuf *errbuf)
{
    key_text key;
    char computed_at[STAMP_TEXT_MAX];
    key_text_of(request, forecast_first_week(request->as_of), request->take_up, &key);
    return find_by(conn, by_key_sql, 4, key.params, fc, forecast_id, computed_at, errbuf);
}

static kg_err link_run(db_conn *conn, long run_id, long forecast_id, kg_errbuf *errbuf)
{
    char run_text[ID_TEXT_MAX], id_text[ID_TEXT_MAX];
    snprintf(run_text, sizeof(run_text), "%ld", run_id);
    snprintf(id_text, sizeof(id_text), "%ld", forecast_id);
    const char *params[] = {run_text, id_text};
    return db_query(conn,
                    "INSERT INTO kigen.run_forecasts (run_id, forecast_id) "
                    "VALUES ($1::bigint, $2::bigint)",
                    2, params, errbuf, NULL);
}

static kg_err copy_weeks(db_conn *conn, long forecast_id, const forecast *fc, kg_errbuf *errbuf)
{
    strbuf row;
    strbuf_init(&row, ROW_TEXT_MAX);
    kg_err err = db_copy_begin(conn,
                               "COPY kigen.forecast_weeks (forecast_id, office_code, week, visits, "
                               "certificates) FROM STDIN (FORMAT csv)",
                               errbuf);
    for (size_t idx = 0; idx < fc->office_count && err == KG_OK; idx++) {
        const forecast_office *office = &fc->offices[idx];
        for (int week = 0; week < FORECAST_WEEKS && err == KG_OK; week++) {
            char number[NUMBER_TEXT_MAX * 2];
            strbuf_reset(&row);
            snprintf(number, sizeof(number), "%ld,", forecast_id);
            err = strbuf_append_str(&row, number);
            if (err == KG_OK)
                err = strbuf_append_csv_quoted(&row, office->office_code,
                                               strnlen(office->office_code, FORECAST_OFFICE_MAX));
            snprintf(number, sizeof(number), ",%d,%.17g,%ld\n", week, office->visits[week],
                     office->certificates);
            if (err == KG_OK)
                err = strbuf_append_str(&row, number);
            if (err == KG_OK)
                err = db_copy_put(conn, row.data, row.len, errbuf);
            else
                kg_fail(errbuf, err, _("unable to store the forecast: office '%s'"),
                        office->office_code);
        }
    }
    kg_err end_err = db_copy_end(conn, err == KG_OK ? errbuf : NULL);
    strbuf_free(&row);
    return err != KG_OK ? err : end_err;
}

kg_err forecast_cache_store(db_conn *conn, const forecast_request *request, const forecast *fc,
                            long run_id, long *forecast_id, kg_errbuf *errbuf)
{
    *forecast_id = 0;
    key_text key;
    char as_of[KDATE_ISO_LEN + 1];
    key_text_of(request, fc->first_week, fc->take_up, &key);
    const char *params[] = {key.params[0], key.params[1], key.params[2], key.params[3],
                            kdate_format(fc->as_of, as_of)};
    long id = 0;
    db_result *result = NULL;
    kg_err err = db_exec(conn, "BEGIN", errbuf);
    int began = err == KG_OK;
    if (err == KG_OK)
        err = db_query(conn,
                       "INSERT INTO kigen.forecasts (first_week, software_version, rules, take_up, "
                       "as_of) VALUES ($1::date, $2, $3::jsonb, $4::float8, $5::date) "
                       "RETURNING forecast_id",
                       5, params, errbuf, &result);
    if (err == KG_OK && parse_long(db_result_value(result, 0, 0), &id) != KG_OK)
        err = kg_fail(errbuf, KG_ERR_INTERNAL, _("unable to store the forecast: no id returned"));
    db_result_free(result);
    if (err == KG_OK)
        err = copy_weeks(conn, id, fc, errbuf);
    if (err == KG_OK && run_id > 0)
        err = link_run(conn, run_id, id, errbuf);
    if (err == KG_OK) {
        crash_point("forecast"); /* everything written, nothing committed */
        err = db_exec(conn, "COMMIT", errbuf);
    }
    if (err != KG_OK && began)
        db_exec(conn, "ROLLBACK", NULL);
    if (err == KG_OK)
        *forecast_id = id;
    return err;
}

kg_err forecast_cache_for_run(db_conn *conn, long run_id, const forecast_request *request,
                              const log_sink *log, forecast *fc, forecast_source *source,
                              kg_errbuf *errbuf)
{
    char run_text[ID_TEXT_MAX], computed_at[STAMP_TEXT_MAX];
    char as_of[KDATE_ISO_LEN + 1], first_week[KDATE_ISO_LEN + 1];
    snprintf(run_text, sizeof(run_text), "%ld", run_id);
    const char *run_params[] = {run_text};
    long forecast_id = 0;
    forecast_source found = FORECAST_FROM_RUN;
    kg_err err = find_by(conn, by_run_sql, 1, run_params, fc, &forecast_id, computed_at, errbuf);
    if (err == KG_OK && forecast_id == 0) {
        key_text key;
        found = FORECAST_FROM_CACHE;
        key_text_of(request, forecast_first_week(request->as_of), request->take_up, &key);
        err = find_by(conn, by_key_sql, 4, key.params, fc, &forecast_id, computed_at, errbuf);
        if (err == KG_OK && forecast_id != 0)
            err = link_run(conn, run_id, forecast_id, errbuf);
    }
    time_t started = time(NULL);
    if (err == KG_OK && forecast_id == 0) {
        found = FORECAST_COMPUTED;
        forecast_free(fc);
        forecast_init(fc, request->as_of, request->take_up);
        err = forecast_scan(conn, request->select, fc, errbuf);
        if (err == KG_OK)
            err = forecast_cache_store(conn, request, fc, run_id, &forecast_id, errbuf);
    }
    if (err != KG_OK)
        return err;
    kdate_format(fc->as_of, as_of);
    kdate_format(fc->first_week, first_week);
    if (found == FORECAST_FROM_RUN)
        log_line(log, LOG_INFO,
                 _("forecast as of %s (weeks from %s): the one this run used before (computed %s)"),
                 as_of, first_week, computed_at);
    else if (found == FORECAST_FROM_CACHE)
        log_line(log, LOG_INFO,
                 _("forecast as of %s (weeks from %s): from the cache, computed %s by an earlier "
                   "run of the week"),
                 as_of, first_week, computed_at);
    else
        log_line(log, LOG_INFO,
                 _("forecast as of %s (weeks from %s): computed from every resident in %ld s, kept "
                   "for the other runs of the week"),
                 as_of, first_week, (long)(time(NULL) - started));
    if (source != NULL)
        *source = found;
    return KG_OK;
}
