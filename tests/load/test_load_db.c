/*
 * test_load_db.c - `kigen db migrate` and `kigen load` against the embedded PostgreSQL
 * (database kigen_test, recreated per case): the sample extract's rejections with their
 * line numbers, reload changes nothing (not even row versions), CP932 and UTF-8 load to
 * the same rows, a failed load leaves the database as it was, and connection errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/db.h"
#include "test.h"

/* Empty database with kigen's schema. */
static void fresh_database(int migrate)
{
    char script[1024], command_line[2048];
    const char *name = getenv("PGDATABASE");
    CU_ASSERT_PTR_NOT_NULL_FATAL(name);
    snprintf(command_line, sizeof(command_line), "sh '%s' recreate '%s' >/dev/null 2>&1",
             test_root_path("scripts/db.sh", script, sizeof(script)), name);
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, NULL), 0);
    if (migrate) {
        snprintf(command_line, sizeof(command_line), "'%s' -q db migrate", test_kigen_bin());
        CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, NULL), 0);
    }
}

/* Runs `kigen load <dir> <options>`; returns its status, stdout and stderr. */
static int run_load(const char *dir, const char *options, char **out, char **err)
{
    char command_line[4096], err_path[] = "/tmp/kigen-test-load-XXXXXX";
    int fd = mkstemp(err_path);
    if (fd < 0)
        return -1;
    close(fd);
    snprintf(command_line, sizeof(command_line), "'%s' load '%s' %s 2>'%s'", test_kigen_bin(), dir,
             options, err_path);
    int status = test_run_shell(command_line, out);
    if (err != NULL)
        *err = test_read_file(err_path);
    unlink(err_path);
    return status;
}

typedef struct fingerprint {
    char data[33];     /* md5 of every loaded row */
    char versions[33]; /* md5 of the row versions (xmin): unchanged when nothing is rewritten */
    long residents, cards, certificates;
} fingerprint;

static fingerprint take_fingerprint(void)
{
    fingerprint print;
    memset(&print, 0, sizeof(print));
    db_conn *conn = NULL;
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL_FATAL(db_connect(NULL, &errbuf, &conn), KG_OK);
    static const char sql[] =
        "SELECT md5(concat_ws('|',"
        " (SELECT string_agg(t::text, ',' ORDER BY office_code) FROM kigen.offices t),"
        " (SELECT string_agg(t::text, ',' ORDER BY resident_id) FROM kigen.residents t),"
        " (SELECT string_agg(t::text, ',' ORDER BY card_id) FROM kigen.cards t),"
        " (SELECT string_agg(t::text, ',' ORDER BY certificate_id) FROM kigen.certificates t),"
        " (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM kigen.moves t),"
        " (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM kigen.changes t),"
        " (SELECT string_agg(t::text, ',' ORDER BY request_id) FROM kigen.proxy_requests t))),"
        " md5(concat_ws('|',"
        " (SELECT string_agg(xmin::text, ',' ORDER BY resident_id) FROM kigen.residents),"
        " (SELECT string_agg(xmin::text, ',' ORDER BY card_id) FROM kigen.cards),"
        " (SELECT string_agg(xmin::text, ',' ORDER BY certificate_id) FROM kigen.certificates))),"
        " (SELECT count(*) FROM kigen.residents), (SELECT count(*) FROM kigen.cards),"
        " (SELECT count(*) FROM kigen.certificates)";
    db_result *result = NULL;
    CU_ASSERT_EQUAL_FATAL(db_query(conn, sql, 0, NULL, &errbuf, &result), KG_OK);
    snprintf(print.data, sizeof(print.data), "%s", db_result_value(result, 0, 0));
    snprintf(print.versions, sizeof(print.versions), "%s", db_result_value(result, 0, 1));
    print.residents = strtol(db_result_value(result, 0, 2), NULL, 10);
    print.cards = strtol(db_result_value(result, 0, 3), NULL, 10);
    print.certificates = strtol(db_result_value(result, 0, 4), NULL, 10);
    db_result_free(result);
    db_close(conn);
    return print;
}

static void migrate_is_idempotent(void)
{
    fresh_database(1);
    char command_line[1024];
    char *output = NULL;
    snprintf(command_line, sizeof(command_line), "'%s' -q db migrate && '%s' db version",
             test_kigen_bin(), test_kigen_bin());
    CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 0);
    CU_ASSERT_STRING_EQUAL(output, "10\n");
    free(output);
}

/* A migration with a lower number than the newest applied one (merged later from a
 * parallel branch) is still applied, and until then the commands refuse the database. */
static void a_missing_lower_migration_is_applied(void)
{
    fresh_database(1);
    char command_line[2048];
    CU_ASSERT_EQUAL(test_run_shell("psql -X -q -v ON_ERROR_STOP=1 -c \"DROP TABLE "
                                   "kigen.run_forecasts, kigen.forecast_weeks, kigen.forecasts; "
                                   "DELETE FROM kigen.schema_version WHERE version = 5\" "
                                   ">/dev/null 2>&1",
                                   NULL),
                    0);
    char *output = NULL;
    snprintf(command_line, sizeof(command_line), "'%s' run --dry-run --date 2026-12-01 2>&1",
             test_kigen_bin());
    CU_ASSERT_NOT_EQUAL(test_run_shell(command_line, &output), 0);
    CU_ASSERT_PTR_NOT_NULL(output != NULL ? strstr(output, "9 of kigen's 10 migrations") : NULL);
    free(output);
    snprintf(command_line, sizeof(command_line),
             "'%s' -q db migrate && psql -X -A -t -c \"SELECT string_agg(version::text, ',' "
             "ORDER BY version) FROM kigen.schema_version\" && psql -X -A -t -c \"SELECT "
             "count(*) FROM kigen.forecasts\"",
             test_kigen_bin());
    output = NULL;
    CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 0);
    CU_ASSERT_STRING_EQUAL(output != NULL ? output : "", "1,2,3,4,5,6,7,8,9,10\n0\n");
    free(output);
}

static void sample_extract_rejects_exactly_the_bad_rows(void)
{
    fresh_database(1);
    char dir[1024];
    char *out = NULL, *err = NULL;
    int status = run_load(test_root_path("samples/extract", dir, sizeof(dir)), "", &out, &err);
    CU_ASSERT_EQUAL(status, 1); /* finished, some rows rejected */
    static const char *const expected[] = {
        "residents.csv:326: birth_date: no such day\n",
        "residents.csv:327: sex: not 0, 1, 2 or 9\n",
        "residents.csv:328: postal_code: not a 7-digit postal code\n",
        "residents.csv:330: status: not one of the allowed values\n",
        "certificates.csv:694: type: not one of the allowed values\n",
        "residents.csv:329: resident_id: duplicate of an earlier line (the first one is "
        "loaded)\n",
        "cards.csv:281: resident_id: no such resident in this extract or the database\n",
        "certificates.csv:693: card_id: the card belongs to another resident\n",
    };
    size_t total = 0;
    for (size_t line_idx = 0; line_idx < sizeof(expected) / sizeof(expected[0]); line_idx++) {
        CU_ASSERT_PTR_NOT_NULL(err != NULL ? strstr(err, expected[line_idx]) : NULL);
        total += strlen(expected[line_idx]);
    }
    CU_ASSERT_EQUAL(err != NULL ? strlen(err) : 0, total); /* nothing else, each once */
    CU_ASSERT_PTR_NOT_NULL(out != NULL ? strstr(out, "residents.csv") : NULL);
    fingerprint print = take_fingerprint();
    CU_ASSERT_EQUAL(print.residents, 324);
    CU_ASSERT_EQUAL(print.cards, 279);
    CU_ASSERT_EQUAL(print.certificates, 691);
    free(out);
    free(err);
}

static void reload_changes_nothing(void)
{
    fresh_database(1);
    char dir[1024];
    test_root_path("samples/extract", dir, sizeof(dir));
    CU_ASSERT_EQUAL(run_load(dir, "", NULL, NULL), 1);
    fingerprint before = take_fingerprint();
    char *out = NULL;
    CU_ASSERT_EQUAL(run_load(dir, "", &out, NULL), 1);
    fingerprint after = take_fingerprint();
    CU_ASSERT_STRING_EQUAL(before.data, after.data);
    CU_ASSERT_STRING_EQUAL(before.versions, after.versions);
    CU_ASSERT_PTR_NOT_NULL(out != NULL ? strstr(out, "residents.csv               329          5"
                                                     "          0        324")
                                       : NULL);
    free(out);
}

static void cp932_and_utf8_extracts_load_the_same_rows(void)
{
    char dir[1024];
    fresh_database(1);
    CU_ASSERT_EQUAL(run_load(test_root_path("samples/extract", dir, sizeof(dir)), "", NULL, NULL),
                    1);
    fingerprint utf8 = take_fingerprint();
    fresh_database(1);
    CU_ASSERT_EQUAL(run_load(test_root_path("samples/extract-cp932", dir, sizeof(dir)),
                             "--encoding cp932", NULL, NULL),
                    1);
    fingerprint cp932 = take_fingerprint();
    CU_ASSERT_STRING_EQUAL(utf8.data, cp932.data);
    CU_ASSERT_EQUAL(cp932.residents, 324);
}

/* Writes text to dir/name. */
static void write_text(const char *dir, const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *file = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(file);
    fputs(text, file);
    fclose(file);
}

static const char resident_header[] =
    "resident_id,family_name,given_name,birth_date,sex,postal_code,address,status\n";

static void failed_load_leaves_database_unchanged(void)
{
    fresh_database(1);
    char dir[1024];
    CU_ASSERT_EQUAL(run_load(test_root_path("samples/extract", dir, sizeof(dir)), "", NULL, NULL),
                    1);
    fingerprint before = take_fingerprint();
    char temp_dir[] = "/tmp/kigen-test-extract-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(temp_dir));
    char residents[512];
    snprintf(residents, sizeof(residents), "%s%s", resident_header,
             "7777,新規,一郎,1980-01-01,1,2201013,神奈川県架空市中央区本町,current\n"
             "9001,佐藤,変更,1980-01-10,1,2201013,神奈川県架空市中央区本町,current\n");
    write_text(temp_dir, "residents.csv", residents);
    write_text(temp_dir, "cards.csv", "card_id,resident_id,issued_on\n1,7777,2020-01-01\n");
    char *err = NULL;
    CU_ASSERT_EQUAL(run_load(temp_dir, "", NULL, &err), 3); /* input rejected */
    CU_ASSERT_PTR_NOT_NULL(err != NULL ? strstr(err, "no column 'expires_on'") : NULL);
    CU_ASSERT_PTR_NOT_NULL(err != NULL ? strstr(err, "the database is unchanged") : NULL);
    fingerprint after = take_fingerprint();
    CU_ASSERT_STRING_EQUAL(before.data, after.data);
    CU_ASSERT_STRING_EQUAL(before.versions, after.versions);
    free(err);
    char command_line[1200];
    snprintf(command_line, sizeof(command_line), "rm -rf '%s'", temp_dir);
    test_run_shell(command_line, NULL);
}

static void invalid_bytes_are_row_errors_with_line_numbers(void)
{
    fresh_database(1);
    char temp_dir[] = "/tmp/kigen-test-extract-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(temp_dir));
    /* CP932: line 2 fine (髙橋), line 3 a broken double-byte, line 4 a quoted name over
     * two physical lines (a line break is no part of a name), line 6 fine */
    char residents[1024];
    snprintf(residents, sizeof(residents), "%s%s", resident_header,
             "1,\xFB\xFC\x8B\xB4,a,1980-01-01,1,2201013,x,current\r\n"
             "2,\x82\x20,b,1980-01-01,1,2201013,x,current\r\n"
             "3,\"c\r\nd\",e,1980-01-01,1,2201013,x,current\r\n"
             "4,f,g,1980-01-01,1,2201013,x,current");
    write_text(temp_dir, "residents.csv", residents);
    char *err = NULL;
    CU_ASSERT_EQUAL(run_load(temp_dir, "--encoding cp932", NULL, &err), 1);
    CU_ASSERT_STRING_EQUAL(err != NULL ? err : "",
                           "residents.csv:3: family_name: not valid CP932\n"
                           "residents.csv:4: family_name: control character\n");
    free(err);
    CU_ASSERT_EQUAL(take_fingerprint().residents, 2);

    /* the same bytes read as UTF-8: both double-byte names are invalid */
    fresh_database(1);
    err = NULL;
    CU_ASSERT_EQUAL(run_load(temp_dir, "", NULL, &err), 1);
    CU_ASSERT_STRING_EQUAL(err != NULL ? err : "",
                           "residents.csv:2: family_name: not valid UTF-8\n"
                           "residents.csv:3: family_name: not valid UTF-8\n"
                           "residents.csv:4: family_name: control character\n");
    free(err);
    char command_line[1200];
    snprintf(command_line, sizeof(command_line), "rm -rf '%s'", temp_dir);
    test_run_shell(command_line, NULL);
}

static void database_errors_exit_4_with_a_hint(void)
{
    fresh_database(0); /* no schema */
    char dir[1024];
    char *err = NULL;
    CU_ASSERT_EQUAL(run_load(test_root_path("samples/extract", dir, sizeof(dir)), "", NULL, &err),
                    4);
    CU_ASSERT_PTR_NOT_NULL(err != NULL ? strstr(err, "HINT: run 'kigen db migrate' first") : NULL);
    free(err);
    char command_line[2048];
    snprintf(command_line, sizeof(command_line), "PGHOST=/nonexistent '%s' load '%s' 2>/dev/null",
             test_kigen_bin(), dir);
    CU_ASSERT_EQUAL(test_run_shell(command_line, NULL), 4);
    snprintf(command_line, sizeof(command_line), "'%s' load 2>/dev/null", test_kigen_bin());
    CU_ASSERT_EQUAL(test_run_shell(command_line, NULL), 2);
    snprintf(command_line, sizeof(command_line), "'%s' load /nonexistent-dir 2>/dev/null",
             test_kigen_bin());
    fresh_database(1);
    CU_ASSERT_EQUAL(test_run_shell(command_line, NULL), 3);
}

static void sample_city_is_deterministic_and_loadable(void)
{
    char temp_dir[] = "/tmp/kigen-test-sample-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(temp_dir));
    char command_line[2048];
    snprintf(command_line, sizeof(command_line),
             "'%s' -q sample --residents 2000 --seed 9 --csv '%s/a' && "
             "'%s' -q sample --residents 2000 --seed 9 --csv '%s/b' && diff -r '%s/a' '%s/b'",
             test_kigen_bin(), temp_dir, test_kigen_bin(), temp_dir, temp_dir, temp_dir);
    CU_ASSERT_EQUAL(test_run_shell(command_line, NULL), 0);
    /* its extract loads cleanly, and the direct database fill gives the same rows */
    fresh_database(1);
    char dir[1100];
    snprintf(dir, sizeof(dir), "%s/a", temp_dir);
    char *err = NULL;
    CU_ASSERT_EQUAL(run_load(dir, "", NULL, &err), 0);
    CU_ASSERT_STRING_EQUAL(err != NULL ? err : "", "");
    free(err);
    fingerprint loaded = take_fingerprint();
    fresh_database(1);
    snprintf(command_line, sizeof(command_line), "'%s' -q sample --residents 2000 --seed 9",
             test_kigen_bin());
    CU_ASSERT_EQUAL(test_run_shell(command_line, NULL), 0);
    fingerprint direct = take_fingerprint();
    CU_ASSERT_STRING_EQUAL(loaded.data, direct.data);
    CU_ASSERT_EQUAL(direct.residents, 2000);
    CU_ASSERT(direct.cards > 1400 && direct.cards < 1800);
    /* a second fill without --replace is refused */
    snprintf(command_line, sizeof(command_line), "'%s' -q sample --residents 2000 2>/dev/null",
             test_kigen_bin());
    CU_ASSERT_EQUAL(test_run_shell(command_line, NULL), 2);
    /* with --replace it empties every kigen table that refers to the city first */
    snprintf(command_line, sizeof(command_line), "'%s' -q sample --residents 300 --replace",
             test_kigen_bin());
    CU_ASSERT_EQUAL(test_run_shell(command_line, NULL), 0);
    CU_ASSERT_EQUAL(take_fingerprint().residents, 300);
    snprintf(command_line, sizeof(command_line), "rm -rf '%s'", temp_dir);
    test_run_shell(command_line, NULL);
}

/* The foreign keys on the data tables: the bulk path must put every one back. */
static long data_foreign_keys(void)
{
    db_conn *conn = NULL;
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL_FATAL(db_connect(NULL, &errbuf, &conn), KG_OK);
    db_result *result = NULL;
    CU_ASSERT_EQUAL_FATAL(db_query(conn,
                                   "SELECT count(*) FROM pg_catalog.pg_constraint WHERE contype = "
                                   "'f' AND connamespace = 'kigen'::regnamespace AND convalidated",
                                   0, NULL, &errbuf, &result),
                          KG_OK);
    long count = strtol(db_result_value(result, 0, 0), NULL, 10);
    db_result_free(result);
    db_close(conn);
    return count;
}

static void bulk_load_gives_the_same_rows_and_keeps_the_keys(void)
{
    char dir[1024];
    test_root_path("samples/extract", dir, sizeof(dir));
    fresh_database(1);
    long keys = data_foreign_keys();
    CU_ASSERT(keys >= 8);
    char *err_normal = NULL, *err_bulk = NULL;
    CU_ASSERT_EQUAL(run_load(dir, "", NULL, &err_normal), 1);
    fingerprint normal = take_fingerprint();
    fresh_database(1);
    CU_ASSERT_EQUAL(run_load(dir, "--bulk", NULL, &err_bulk), 1);
    fingerprint bulk = take_fingerprint();
    CU_ASSERT_STRING_EQUAL(normal.data, bulk.data);
    CU_ASSERT_STRING_EQUAL(err_normal != NULL ? err_normal : "", err_bulk != NULL ? err_bulk : "");
    CU_ASSERT_EQUAL(data_foreign_keys(), keys);
    /* a second bulk load over the loaded data changes nothing */
    CU_ASSERT_EQUAL(run_load(dir, "--bulk", NULL, NULL), 1);
    CU_ASSERT_STRING_EQUAL(take_fingerprint().versions, bulk.versions);
    CU_ASSERT_EQUAL(data_foreign_keys(), keys);
    free(err_normal);
    free(err_bulk);
}

int tests_register_load_db(void)
{
    static const test_case cases[] = {
        {"migrate_is_idempotent", migrate_is_idempotent},
        {"a_missing_lower_migration_is_applied", a_missing_lower_migration_is_applied},
        {"sample_extract_rejects_exactly_the_bad_rows",
         sample_extract_rejects_exactly_the_bad_rows},
        {"reload_changes_nothing", reload_changes_nothing},
        {"cp932_and_utf8_extracts_load_the_same_rows", cp932_and_utf8_extracts_load_the_same_rows},
        {"failed_load_leaves_database_unchanged", failed_load_leaves_database_unchanged},
        {"invalid_bytes_are_row_errors_with_line_numbers",
         invalid_bytes_are_row_errors_with_line_numbers},
        {"database_errors_exit_4_with_a_hint", database_errors_exit_4_with_a_hint},
        {"sample_city_is_deterministic_and_loadable", sample_city_is_deterministic_and_loadable},
        {"bulk_load_gives_the_same_rows_and_keeps_the_keys",
         bulk_load_gives_the_same_rows_and_keeps_the_keys},
        {NULL, NULL},
    };
    return tests_add_suite("load_db", cases);
}
