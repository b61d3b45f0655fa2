/*
 * test_forecast_db.c - the forecast cache (sql/005_forecast.sql, D48-D49) against the
 * embedded PostgreSQL with the sample extract: a cached forecast is bit for bit the
 * computed one, the later runs of a week read it, another week, configuration or version
 * computes anew, a re-run writes the same workbook whatever changed since, and a run
 * killed while storing it leaves nothing half-written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "run/forecast_cache.h"
#include "run/forecast_scan.h"
#include "run/run_config.h"
#include "test.h"
#include "version.h"

/* `kigen run --date date --out dir extra` with env before it; its log (stderr) into *log
 * when log is not NULL. Returns the exit status. */
static int run_kigen(const char *date, const char *dir, const char *env, const char *extra,
                     char **log)
{
    char command_line[4096];
    snprintf(command_line, sizeof(command_line),
             "%s '%s' run --date %s --out '%s' %s 2>&1 >/dev/null", env, test_kigen_bin(), date,
             dir, extra);
    return test_run_shell(command_line, log);
}

static void sql(const char *statement)
{
    db_conn *conn = NULL;
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL_FATAL(db_connect(NULL, &errbuf, &conn), KG_OK);
    CU_ASSERT_EQUAL(db_exec(conn, statement, &errbuf), KG_OK);
    db_close(conn);
}

static long query_long(const char *query)
{
    db_conn *conn = NULL;
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL_FATAL(db_connect(NULL, &errbuf, &conn), KG_OK);
    db_result *result = NULL;
    CU_ASSERT_EQUAL_FATAL(db_query(conn, query, 0, NULL, &errbuf, &result), KG_OK);
    const char *value = db_result_value(result, 0, 0);
    long number = value != NULL ? strtol(value, NULL, 10) : -1;
    db_result_free(result);
    db_close(conn);
    return number;
}

/* The default configuration, as `kigen run` without options uses it. */
typedef struct default_setting {
    run_config config;
} default_setting;

static void default_setting_init(default_setting *setting)
{
    setting->config = run_config_default();
}

static forecast_request request_for(const default_setting *setting, const char *as_of)
{
    forecast_request request = {test_date(as_of), KIGEN_VERSION, &setting->config.select,
                                FORECAST_TAKE_UP_DEFAULT};
    return request;
}

/* forecast_scan as of request's date on the data as it is now. */
static void compute_now(const forecast_request *request, forecast *fc)
{
    db_conn *conn = NULL;
    kg_errbuf errbuf;
    forecast_init(fc, request->as_of, request->take_up);
    CU_ASSERT_EQUAL_FATAL(db_connect(NULL, &errbuf, &conn), KG_OK);
    CU_ASSERT_EQUAL(forecast_scan(conn, request->select, fc, &errbuf), KG_OK);
    db_close(conn);
}

/* The cached forecast for request into fc; returns its id (0: none). */
static long find_cached(const forecast_request *request, forecast *fc)
{
    db_conn *conn = NULL;
    kg_errbuf errbuf;
    long forecast_id = -1;
    forecast_init(fc, KDATE_NONE, 0);
    CU_ASSERT_EQUAL_FATAL(db_connect(NULL, &errbuf, &conn), KG_OK);
    CU_ASSERT_EQUAL(forecast_cache_find(conn, request, fc, &forecast_id, &errbuf), KG_OK);
    db_close(conn);
    return forecast_id;
}

/* 1 when both hold exactly the same figures (doubles compared bit for bit). */
static int same_forecast(const forecast *left, const forecast *right)
{
    if (left->as_of != right->as_of || left->first_week != right->first_week ||
        memcmp(&left->take_up, &right->take_up, sizeof(double)) != 0 ||
        left->office_count != right->office_count)
        return 0;
    for (size_t idx = 0; idx < left->office_count; idx++) {
        const forecast_office *one = &left->offices[idx], *other = &right->offices[idx];
        if (strcmp(one->office_code, other->office_code) != 0 ||
            one->certificates != other->certificates ||
            memcmp(one->visits, other->visits, sizeof(one->visits)) != 0)
            return 0;
    }
    return 1;
}

/* A resident of K01 whose auth certificate expires on 2027-05-20 (window from 2027-02-21,
 * inside the 26 weeks of any December forecast), not in any ledger: it changes the
 * forecast and nothing else a run has recorded. */
static void add_a_holder(void)
{
    sql("INSERT INTO kigen.residents (resident_id, office_code, family_name, given_name, "
        "birth_date, sex, postal_code, address, banchi, status) VALUES (99001, 'K01', '試験', "
        "'太郎', '1980-05-20', 1, '2210001', '神奈川県架空市中央区本町', '1-1', 'current'); "
        "INSERT INTO kigen.cards (card_id, resident_id, issued_on, expires_on) VALUES "
        "(99001, 99001, '2022-02-01', '2032-02-01'); "
        "INSERT INTO kigen.certificates (certificate_id, resident_id, card_id, type, issued_on) "
        "VALUES (990011, 99001, 99001, 'auth', '2022-02-01')");
}

static void cached_forecast_equals_the_freshly_computed_one(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-forecast-XXXXXX";
    test_make_temp_dir(dir);
    CU_ASSERT_EQUAL(run_kigen("2026-12-01", dir, "", "", NULL), 0);
    default_setting setting;
    default_setting_init(&setting);
    forecast_request request = request_for(&setting, "2026-12-01");
    forecast fresh, cached;
    compute_now(&request, &fresh);
    CU_ASSERT(find_cached(&request, &cached) > 0);
    CU_ASSERT_FATAL(fresh.office_count >= 3);
    CU_ASSERT(forecast_office_total(&fresh.offices[0]) > 1.0);
    CU_ASSERT(same_forecast(&fresh, &cached));
    /* stored and read back directly, with a take-up whose figures have all 17 digits */
    forecast_free(&fresh);
    forecast_free(&cached);
    request.take_up = 0.3141592653589793;
    compute_now(&request, &fresh);
    db_conn *conn = NULL;
    kg_errbuf errbuf;
    long forecast_id = 0;
    CU_ASSERT_EQUAL_FATAL(db_connect(NULL, &errbuf, &conn), KG_OK);
    CU_ASSERT_EQUAL(forecast_cache_store(conn, &request, &fresh, 0, &forecast_id, &errbuf), KG_OK);
    CU_ASSERT(forecast_id > 0);
    /* a second forecast under the same key is refused: the first one stays */
    long again = 0;
    CU_ASSERT_EQUAL(forecast_cache_store(conn, &request, &fresh, 0, &again, &errbuf),
                    KG_ERR_DB_QUERY);
    CU_ASSERT_EQUAL(again, 0);
    db_close(conn);
    CU_ASSERT_EQUAL(find_cached(&request, &cached), forecast_id);
    CU_ASSERT(same_forecast(&fresh, &cached));
    CU_ASSERT_EQUAL(query_long("SELECT count(*) FROM kigen.forecast_weeks"),
                    2 * 26 * (long)fresh.office_count);
    /* an empty city: a forecast without offices is stored and found as such */
    forecast_free(&fresh);
    forecast_free(&cached);
    forecast_init(&fresh, test_date("2027-01-01"), 0.8);
    request = request_for(&setting, "2027-01-01");
    CU_ASSERT_EQUAL_FATAL(db_connect(NULL, &errbuf, &conn), KG_OK);
    CU_ASSERT_EQUAL(forecast_cache_store(conn, &request, &fresh, 0, &forecast_id, &errbuf), KG_OK);
    db_close(conn);
    CU_ASSERT_EQUAL(find_cached(&request, &cached), forecast_id);
    CU_ASSERT(same_forecast(&fresh, &cached));
    forecast_free(&fresh);
    forecast_free(&cached);
    test_remove_dir(dir);
}

static void a_second_run_in_the_same_week_reads_the_cache(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-forecast-XXXXXX";
    test_make_temp_dir(dir);
    char *log = NULL;
    /* Tuesday computes: the whole city is read once */
    CU_ASSERT_EQUAL(run_kigen("2026-12-01", dir, "", "", &log), 0);
    test_contains(log, "forecast as of 2026-12-01 (weeks from 2026-12-07): computed from every "
                       "resident");
    free(log);
    /* a load on Wednesday; Thursday and Sunday read Tuesday's forecast (D48) */
    add_a_holder();
    CU_ASSERT_EQUAL(run_kigen("2026-12-03", dir, "", "", &log), 0);
    test_contains(log, "forecast as of 2026-12-01 (weeks from 2026-12-07): from the cache");
    CU_ASSERT_PTR_NULL(log != NULL ? strstr(log, "computed from every resident") : NULL);
    free(log);
    CU_ASSERT_EQUAL(run_kigen("2026-12-06", dir, "", "", &log), 0);
    test_contains(log, "from the cache");
    free(log);
    CU_ASSERT_EQUAL(query_long("SELECT count(*) FROM kigen.forecasts"), 1);
    CU_ASSERT_EQUAL(query_long("SELECT count(*) FROM kigen.run_forecasts"), 3);
    CU_ASSERT_EQUAL(query_long("SELECT count(DISTINCT forecast_id) FROM kigen.run_forecasts"), 1);
    /* Sunday's workbook shows Tuesday's forecast: the load is not in it yet */
    default_setting setting;
    default_setting_init(&setting);
    forecast_request sunday = request_for(&setting, "2026-12-06");
    forecast cached, fresh;
    CU_ASSERT_FATAL(find_cached(&sunday, &cached) > 0);
    ASSERT_DATE(cached.as_of, "2026-12-01");
    compute_now(&sunday, &fresh);
    CU_ASSERT_FATAL(fresh.office_count > 0 && cached.office_count > 0);
    CU_ASSERT(forecast_office_total(&fresh.offices[0]) > forecast_office_total(&cached.offices[0]));
    forecast_free(&cached);
    forecast_free(&fresh);
    /* Monday starts a week: computed anew, the load is seen */
    CU_ASSERT_EQUAL(run_kigen("2026-12-07", dir, "", "", &log), 0);
    test_contains(log, "forecast as of 2026-12-07 (weeks from 2026-12-14): computed from every "
                       "resident");
    free(log);
    CU_ASSERT_EQUAL(query_long("SELECT count(*) FROM kigen.forecasts"), 2);
    forecast_request monday = request_for(&setting, "2026-12-07");
    CU_ASSERT(find_cached(&monday, &cached) > 0);
    compute_now(&monday, &fresh);
    CU_ASSERT(same_forecast(&fresh, &cached));
    forecast_free(&cached);
    forecast_free(&fresh);
    test_remove_dir(dir);
}

static void other_rule_readings_or_version_recompute(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-forecast-XXXXXX";
    test_make_temp_dir(dir);
    char *log = NULL;
    CU_ASSERT_EQUAL(run_kigen("2026-12-01", dir, "", "", NULL), 0);
    /* W2 opens windows earlier: its own forecast, then its own cache */
    CU_ASSERT_EQUAL(run_kigen("2026-12-02", dir, "", "--w2", &log), 0);
    test_contains(log, "forecast as of 2026-12-02 (weeks from 2026-12-07): computed");
    free(log);
    CU_ASSERT_EQUAL(run_kigen("2026-12-03", dir, "", "--w2", &log), 0);
    test_contains(log, "forecast as of 2026-12-02 (weeks from 2026-12-07): from the cache");
    free(log);
    /* lead days and mover months decide notices, not expiries: the same forecast */
    CU_ASSERT_EQUAL(run_kigen("2026-12-04", dir, "", "--lead-days 30 --mover-months 3", &log), 0);
    test_contains(log, "forecast as of 2026-12-01 (weeks from 2026-12-07): from the cache");
    free(log);
    CU_ASSERT_EQUAL(query_long("SELECT count(*) FROM kigen.forecasts"), 2);
    CU_ASSERT_EQUAL(query_long("SELECT count(*) FROM kigen.forecasts WHERE rules->>'window' = "
                               "'w2' AND as_of = '2026-12-02'"),
                    1);
    /* the forecasts of another version are not this one's */
    sql("UPDATE kigen.forecasts SET software_version = '0.0.1-older'");
    CU_ASSERT_EQUAL(run_kigen("2026-12-05", dir, "", "", &log), 0);
    test_contains(log, "forecast as of 2026-12-05 (weeks from 2026-12-07): computed");
    free(log);
    CU_ASSERT_EQUAL(query_long("SELECT count(*) FROM kigen.forecasts"), 3);
    /* kigen export reads the cache when it matches, computes otherwise, stores nothing */
    char command_line[4096];
    snprintf(command_line, sizeof(command_line),
             "'%s' export --from 2026-12-01 --to 2026-12-06 --xlsx '%s/week.xlsx' 2>&1",
             test_kigen_bin(), dir);
    CU_ASSERT_EQUAL(test_run_shell(command_line, &log), 0);
    test_contains(log, "forecast as of 2026-12-05 (take-up 0.80)");
    test_contains(log,
                  "forecast as of 2026-12-05: the runs' forecast of that week, from the cache");
    free(log);
    snprintf(command_line, sizeof(command_line),
             "'%s' export --from 2026-12-01 --to 2026-12-06 --take-up 0.5 --xlsx '%s/week.xlsx' "
             "2>&1",
             test_kigen_bin(), dir);
    CU_ASSERT_EQUAL(test_run_shell(command_line, &log), 0);
    test_contains(log, "forecast as of 2026-12-06 (take-up 0.50)");
    test_contains(log, "forecast as of 2026-12-06: computed from every resident");
    free(log);
    CU_ASSERT_EQUAL(query_long("SELECT count(*) FROM kigen.forecasts"), 3);
    test_remove_dir(dir);
}

static char *read_workbook(const char *dir, const char *date, size_t *size)
{
    char path[2048];
    snprintf(path, sizeof(path), "%s/%s/audit.xlsx", dir, date);
    FILE *file = fopen(path, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(file);
    char *bytes = malloc(1 << 22);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bytes);
    *size = fread(bytes, 1, 1 << 22, file);
    fclose(file);
    return bytes;
}

static void rerun_writes_the_same_workbook_after_a_load_or_a_new_configuration(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-forecast-XXXXXX";
    test_make_temp_dir(dir);
    CU_ASSERT_EQUAL(run_kigen("2026-12-01", dir, "", "", NULL), 0);
    size_t first_size = 0, size = 0;
    char *first = read_workbook(dir, "2026-12-01", &first_size);
    add_a_holder(); /* the forecast computed now would differ */
    char *log = NULL;
    CU_ASSERT_EQUAL(run_kigen("2026-12-01", dir, "", "", &log), 0);
    test_contains(log, "forecast as of 2026-12-01 (weeks from 2026-12-07): the one this run used "
                       "before");
    free(log);
    char *again = read_workbook(dir, "2026-12-01", &size);
    CU_ASSERT(size == first_size && memcmp(first, again, size) == 0);
    free(again);
    /* another configuration (another key): still the forecast the run used */
    CU_ASSERT_EQUAL(run_kigen("2026-12-01", dir, "", "--w2", NULL), 0);
    again = read_workbook(dir, "2026-12-01", &size);
    CU_ASSERT(size == first_size && memcmp(first, again, size) == 0);
    free(again);
    CU_ASSERT_EQUAL(query_long("SELECT count(*) FROM kigen.forecasts"), 1);
    CU_ASSERT_EQUAL(query_long("SELECT count(*) FROM kigen.run_forecasts"), 1);
    CU_ASSERT_EQUAL(query_long("SELECT count(*) FROM kigen.runs"), 1);
    free(first);
    test_remove_dir(dir);
}

static void a_run_killed_while_storing_the_forecast_leaves_no_half(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-forecast-XXXXXX";
    test_make_temp_dir(dir);
    CU_ASSERT_EQUAL(run_kigen("2026-12-01", dir, "KIGEN_CRASH_AT=forecast", "", NULL), 128 + 9);
    CU_ASSERT_EQUAL(query_long("SELECT count(*) FROM kigen.forecasts"), 0);
    CU_ASSERT_EQUAL(query_long("SELECT count(*) FROM kigen.forecast_weeks"), 0);
    CU_ASSERT_EQUAL(query_long("SELECT count(*) FROM kigen.run_forecasts"), 0);
    /* the restart finishes the run from its ledger and stores the forecast whole */
    char *log = NULL;
    CU_ASSERT_EQUAL(run_kigen("2026-12-01", dir, "", "", &log), 0);
    test_contains(log, "finished from the ledger of an interrupted run");
    test_contains(log, "forecast as of 2026-12-01 (weeks from 2026-12-07): computed");
    free(log);
    CU_ASSERT_EQUAL(query_long("SELECT count(*) FROM kigen.forecasts"), 1);
    CU_ASSERT_EQUAL(query_long("SELECT count(*) FROM kigen.forecast_weeks"),
                    26 *
                        query_long("SELECT count(DISTINCT office_code) FROM kigen.forecast_weeks"));
    CU_ASSERT_EQUAL(query_long("SELECT count(*) FROM kigen.run_forecasts"), 1);
    CU_ASSERT_EQUAL(query_long("SELECT count(*) FROM kigen.runs WHERE status = 'done'"), 1);
    default_setting setting;
    default_setting_init(&setting);
    forecast_request request = request_for(&setting, "2026-12-01");
    forecast fresh, cached;
    compute_now(&request, &fresh);
    CU_ASSERT(find_cached(&request, &cached) > 0);
    CU_ASSERT(same_forecast(&fresh, &cached));
    forecast_free(&fresh);
    forecast_free(&cached);
    test_remove_dir(dir);
}

int tests_register_forecast_db(void)
{
    static const test_case cases[] = {
        {"cached_forecast_equals_the_freshly_computed_one",
         cached_forecast_equals_the_freshly_computed_one},
        {"a_second_run_in_the_same_week_reads_the_cache",
         a_second_run_in_the_same_week_reads_the_cache},
        {"other_rule_readings_or_version_recompute", other_rule_readings_or_version_recompute},
        {"rerun_writes_the_same_workbook_after_a_load_or_a_new_configuration",
         rerun_writes_the_same_workbook_after_a_load_or_a_new_configuration},
        {"a_run_killed_while_storing_the_forecast_leaves_no_half",
         a_run_killed_while_storing_the_forecast_leaves_no_half},
        {NULL, NULL},
    };
    return tests_add_suite("forecast_db", cases);
}
