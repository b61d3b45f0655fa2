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

#include "common/order_key.h"
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

/* The fingerprint of the database conninfo names (NULL: PGDATABASE). */
static fingerprint take_fingerprint_of(const char *conninfo)
{
    fingerprint print;
    memset(&print, 0, sizeof(print));
    db_conn *conn = NULL;
    kg_errbuf errbuf;
    db_target target = {conninfo, NULL, NULL};
    CU_ASSERT_EQUAL_FATAL(db_connect(&target, &errbuf, &conn), KG_OK);
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

static fingerprint take_fingerprint(void)
{
    return take_fingerprint_of(NULL);
}

static void migrate_is_idempotent(void)
{
    fresh_database(1);
    char command_line[1024];
    char *output = NULL;
    snprintf(command_line, sizeof(command_line), "'%s' -q db migrate && '%s' db version",
             test_kigen_bin(), test_kigen_bin());
    CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 0);
    CU_ASSERT_STRING_EQUAL(output, "18\n");
    free(output);
}

/* A migration with a lower number than the newest applied one (merged later from a
 * parallel branch) is still applied, and until then the commands refuse the database. */
static void a_missing_lower_migration_is_applied(void)
{
    fresh_database(1);
    char command_line[2048];
    /* 014 (a trigger made again) applies as well after 016, which partitioned the tables
     * that the older ones create */
    CU_ASSERT_EQUAL(test_run_shell("psql -X -q -v ON_ERROR_STOP=1 -c \"DELETE FROM "
                                   "kigen.schema_version WHERE version = 14\" >/dev/null 2>&1",
                                   NULL),
                    0);
    char *output = NULL;
    snprintf(command_line, sizeof(command_line), "'%s' run --dry-run --date 2026-12-01 2>&1",
             test_kigen_bin());
    CU_ASSERT_NOT_EQUAL(test_run_shell(command_line, &output), 0);
    CU_ASSERT_PTR_NOT_NULL(output != NULL ? strstr(output, "17 of kigen's 18 migrations") : NULL);
    free(output);
    snprintf(command_line, sizeof(command_line),
             "'%s' -q db migrate && psql -X -A -t -c \"SELECT string_agg(version::text, ',' "
             "ORDER BY version) FROM kigen.schema_version\" && psql -X -A -t -c \"SELECT "
             "count(*) FROM pg_catalog.pg_trigger WHERE tgname = 'residents_order_key_reset' "
             "AND tgrelid = 'kigen.residents'::regclass\"",
             test_kigen_bin());
    output = NULL;
    CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 0);
    CU_ASSERT_STRING_EQUAL(output != NULL ? output : "",
                           "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18\n1\n");
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
                           "residents.csv:4: family_name: control character U+000D (character "
                           "2)\n");
    free(err);
    CU_ASSERT_EQUAL(take_fingerprint().residents, 2);

    /* the same bytes read as UTF-8: both double-byte names are invalid */
    fresh_database(1);
    err = NULL;
    CU_ASSERT_EQUAL(run_load(temp_dir, "", NULL, &err), 1);
    CU_ASSERT_STRING_EQUAL(err != NULL ? err : "",
                           "residents.csv:2: family_name: not valid UTF-8: byte 0xFB (character "
                           "1)\n"
                           "residents.csv:3: family_name: not valid UTF-8: byte 0x82 (character "
                           "1)\n"
                           "residents.csv:4: family_name: control character U+000D (character "
                           "2)\n");
    free(err);
    char command_line[1200];
    snprintf(command_line, sizeof(command_line), "rm -rf '%s'", temp_dir);
    test_run_shell(command_line, NULL);
}

/* The ids of a table's rows, in order, as "1,10,11". */
static char *loaded_ids(const char *table, const char *id_column)
{
    char command_line[512];
    snprintf(command_line, sizeof(command_line),
             "psql -X -A -t -c \"SELECT string_agg(%s::text, ',' ORDER BY %s) FROM kigen.%s\"",
             id_column, id_column, table);
    char *output = NULL;
    CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 0);
    return output;
}

/* U+FFFF in a name once reached the database and broke audit.xlsx (sheet XML not well
 * formed): every text field refuses controls, noncharacters and surrogates as a row
 * error; 外字 (private use) still loads, the run reports it as glyph_missing. */
static void controls_and_noncharacters_in_text_are_row_errors(void)
{
    fresh_database(1);
    char temp_dir[] = "/tmp/kigen-test-extract-XXXXXX";
    test_make_temp_dir(temp_dir);
    write_text(temp_dir, "offices.csv",
               "office_code,name,address\n"
               "K01,中央区役所,本町1\n"
               "K02,北区\x1B役所,本町2\n"
               "K03,南区役所,\"本町\n3\"\n");
    write_text(temp_dir, "residents.csv",
               "resident_id,family_name,given_name,family_kana,given_kana,birth_date,sex,"
               "postal_code,address,banchi,address2,status\n"
               "1,髙橋,一郎,タカハシ,イチロウ,1980-01-01,1,2201013,本町,1-1,,current\n"
               "2,山田\xEF\xBF\xBF,花子,,,1980-01-01,2,2201013,本町,1-2,,current\n"
               "3,山田,\xEF\xBF\xBE,,,1980-01-01,2,2201013,本町,1-3,,current\n"
               "4,佐藤,次郎,,,1980-01-01,1,2201013,本町\xC2\x85,1-4,,current\n"
               "5,佐藤,三郎,\xEF\xB7\x90,,1980-01-01,1,2201013,本町,1-5,,current\n"
               "6,鈴木,\"四\t郎\",,,1980-01-01,1,2201013,本町,1-6,,current\n"
               "7,鈴木,五郎,,,1980-01-01,1,2201013,本町\x7F,1-7,,current\n"
               "8,田中,六郎,,,1980-01-01,1,2201013,本町,\xED\xA0\x80,,current\n"
               "9,田中,七郎,,,1980-01-01,1,2201013,本町,1-9,ビル\xF4\x8F\xBF\xBF,current\n"
               "10,\xEE\x80\x80山,八郎,,,1980-01-01,1,2201013,本町,1-10,,current\n"
               "11,伊藤,九郎,,,1980-01-01,1,2201013,本町,1-11,,current\n");
    write_text(temp_dir, "proxy_requests.csv",
               "request_id,resident_id,kind,received_on,proxy_name\n"
               "1,1,renew,2026-11-20,髙橋 花子\xEF\xBF\xBF\n"
               "2,1,renew,2026-11-21,髙橋 花子\n");
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(run_load(temp_dir, "", &out, &err), 1);
    CU_ASSERT_STRING_EQUAL(
        err != NULL ? err : "",
        "offices.csv:3: name: control character U+001B (character 3)\n"
        "offices.csv:4: address: control character U+000A (character 3)\n"
        "residents.csv:3: family_name: noncharacter U+FFFF (character 3)\n"
        "residents.csv:4: given_name: noncharacter U+FFFE (character 1)\n"
        "residents.csv:5: address: control character U+0085 (character 3)\n"
        "residents.csv:6: family_kana: noncharacter U+FDD0 (character 1)\n"
        "residents.csv:7: given_name: control character U+0009 (character 2)\n"
        "residents.csv:8: address: control character U+007F (character 3)\n"
        "residents.csv:9: banchi: not valid UTF-8: surrogate U+D800 (character 1)\n"
        "residents.csv:10: address2: noncharacter U+10FFFF (character 3)\n"
        "proxy_requests.csv:2: proxy_name: noncharacter U+FFFF (character 6)\n");
    CU_ASSERT_PTR_NOT_NULL(out != NULL ? strstr(out, "residents.csv                11          8")
                                       : NULL);
    char *ids = loaded_ids("residents", "resident_id");
    CU_ASSERT_STRING_EQUAL(ids != NULL ? ids : "", "1,10,11\n");
    free(ids);
    ids = loaded_ids("offices", "office_code");
    CU_ASSERT_STRING_EQUAL(ids != NULL ? ids : "", "K01\n");
    free(ids);
    ids = loaded_ids("proxy_requests", "request_id");
    CU_ASSERT_STRING_EQUAL(ids != NULL ? ids : "", "2\n");
    free(ids);
    free(out);
    free(err);

    /* CP932 ends in the same check: a tab and a DEL are its only controls */
    fresh_database(1);
    write_text(temp_dir, "offices.csv", "office_code,name\nK01,\x92\x86\x89\x9B\n");
    write_text(temp_dir, "residents.csv",
               "resident_id,family_name,given_name,birth_date,sex,postal_code,address,status\n"
               "1,\xFB\xFC\x8B\xB4,\x88\xEA\x98\x59,1980-01-01,1,2201013,\x96\x7B\x92\xAC,"
               "current\n"
               "2,\"\x8E\x52\t\x93\x63\",a,1980-01-01,1,2201013,x,current\n"
               "3,\x8E\x52\x93\x63,\x7F,1980-01-01,1,2201013,x,current\n"
               "4,\xF0\x40,b,1980-01-01,1,2201013,x,current\n");
    write_text(temp_dir, "proxy_requests.csv",
               "request_id,resident_id,kind,received_on,proxy_name\n"
               "1,1,renew,2026-11-20,\"a\r\nb\"\n"
               "2,1,renew,2026-11-21,\x88\xEA\n"); /* a good row: not every row rejected */
    err = NULL;
    CU_ASSERT_EQUAL(run_load(temp_dir, "--encoding cp932", NULL, &err), 1);
    CU_ASSERT_STRING_EQUAL(err != NULL ? err : "",
                           "residents.csv:3: family_name: control character U+0009 (character "
                           "2)\n"
                           "residents.csv:4: given_name: control character U+007F (character "
                           "1)\n"
                           "proxy_requests.csv:2: proxy_name: control character U+000D "
                           "(character 2)\n");
    free(err);
    ids = loaded_ids("residents", "resident_id");
    CU_ASSERT_STRING_EQUAL(ids != NULL ? ids : "", "1,4\n");
    free(ids);
    test_remove_dir(temp_dir);
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

/* An extract as lines of comma-separated fields (the sample's one quoted field holds no
 * comma), edited at random by the equivalence test below. */
typedef struct edited_file {
    const char *name;
    char **lines; /* [0] is the header */
    size_t count, cap;
} edited_file;

static char *copy_text(const char *text, size_t len)
{
    char *copy = malloc(len + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
    memcpy(copy, text, len);
    copy[len] = '\0';
    return copy;
}

static void edited_insert(edited_file *file, size_t at, char *line)
{
    if (file->count == file->cap) {
        file->cap = file->cap == 0 ? 64 : file->cap * 2;
        file->lines = realloc(file->lines, file->cap * sizeof(*file->lines));
        CU_ASSERT_PTR_NOT_NULL_FATAL(file->lines);
    }
    memmove(file->lines + at + 1, file->lines + at, (file->count - at) * sizeof(*file->lines));
    file->lines[at] = line;
    file->count++;
}

static void edited_read(edited_file *file, const char *dir, const char *name)
{
    char path[1200];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    char *text = test_read_file(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    file->name = name;
    for (const char *line = text; *line != '\0';) {
        size_t len = strcspn(line, "\n");
        edited_insert(file, file->count, copy_text(line, len));
        line += len + (line[len] == '\n');
    }
    free(text);
}

static void edited_write(const edited_file *file, const char *dir)
{
    char path[1200];
    snprintf(path, sizeof(path), "%s/%s", dir, file->name);
    FILE *out = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    for (size_t line_idx = 0; line_idx < file->count; line_idx++)
        fprintf(out, "%s\n", file->lines[line_idx]);
    fclose(out);
}

/* Field field_idx of line as [*start, *start + *len). */
static void field_span(const char *line, size_t field_idx, size_t *start, size_t *len)
{
    size_t pos = 0;
    for (size_t skip = 0; skip < field_idx && line[pos] != '\0'; skip++)
        pos += strcspn(line + pos, ",") + (line[pos + strcspn(line + pos, ",")] == ',');
    *start = pos;
    *len = strcspn(line + pos, ",");
}

static int compare_strings(const void *left, const void *right)
{
    return strcmp(*(char *const *)left, *(char *const *)right);
}

/* text's lines sorted (a first load reports the database's refusals in line order with
 * the others, the staging path after them), in place. */
static char *sorted_lines(char *text)
{
    if (text == NULL)
        return NULL;
    size_t count = 0, len = strlen(text);
    for (size_t pos = 0; pos < len; pos++)
        count += text[pos] == '\n';
    char **lines = calloc(count + 1, sizeof(*lines));
    char *copy = malloc(len + 1);
    CU_ASSERT_FATAL(lines != NULL && copy != NULL);
    size_t line_idx = 0;
    for (char *line = text; line_idx < count; line_idx++) {
        lines[line_idx] = line;
        line = strchr(line, '\n');
        *line++ = '\0';
    }
    qsort(lines, count, sizeof(*lines), compare_strings);
    size_t used = 0;
    for (line_idx = 0; line_idx < count; line_idx++) {
        size_t line_len = strlen(lines[line_idx]);
        memcpy(copy + used, lines[line_idx], line_len);
        used += line_len;
        copy[used++] = '\n';
    }
    copy[used] = '\0';
    free(lines);
    free(text);
    return copy;
}

static unsigned long next_random(unsigned long *state)
{
    *state = *state * 6364136223846793005UL + 1442695040888963407UL;
    return (*state >> 33) % 1000003UL;
}

/* One random edit: a field taken from another line of the same column (an id, an owner, a
 * date, a name: new keys, duplicates, moved cards, unknown residents), a line deleted, a
 * line copied elsewhere, two lines swapped. */
static void edit_once(edited_file *file, unsigned long *state)
{
    if (file->count < 3)
        return;
    size_t line_idx = 1 + next_random(state) % (file->count - 1);
    size_t other_idx = 1 + next_random(state) % (file->count - 1);
    switch (next_random(state) % 6) {
    case 0:
        free(file->lines[line_idx]);
        memmove(file->lines + line_idx, file->lines + line_idx + 1,
                (file->count - line_idx - 1) * sizeof(*file->lines));
        file->count--;
        break;
    case 1: {
        const char *line = file->lines[line_idx];
        edited_insert(file, other_idx, copy_text(line, strlen(line)));
        break;
    }
    case 2: {
        char *line = file->lines[line_idx];
        file->lines[line_idx] = file->lines[other_idx];
        file->lines[other_idx] = line;
        break;
    }
    default: {
        size_t fields = 1;
        for (const char *ch = file->lines[0]; *ch != '\0'; ch++)
            fields += *ch == ',';
        size_t field_idx = next_random(state) % fields;
        size_t start, len, from_start, from_len;
        const char *line = file->lines[line_idx];
        const char *from = file->lines[other_idx];
        field_span(line, field_idx, &start, &len);
        field_span(from, field_idx, &from_start, &from_len);
        size_t total = strlen(line) - len + from_len;
        char *edited = malloc(total + 1);
        CU_ASSERT_PTR_NOT_NULL_FATAL(edited);
        memcpy(edited, line, start);
        memcpy(edited + start, from + from_start, from_len);
        memcpy(edited + start + from_len, line + start + len, strlen(line) - start - len + 1);
        free(file->lines[line_idx]);
        file->lines[line_idx] = edited;
        break;
    }
    }
}

/* D92, D94: a load that skips the rows the last load loaded as they are, and a first load
 * into empty tables, leave every table as the staging path's upsert of every row (--full)
 * does, report the same rows, print the same summary and exit the same, over a sequence of
 * random nights from the sample extract (with its bad rows), including a night after a
 * write outside the load (the digests are then forgotten). */
static void skipping_unchanged_rows_loads_what_a_full_upsert_loads(void)
{
    static const char *const names[] = {"offices.csv",       "residents.csv", "cards.csv",
                                        "certificates.csv",  "moves.csv",     "changes.csv",
                                        "proxy_requests.csv"};
    enum { FILES = sizeof(names) / sizeof(names[0]), NIGHTS = 8 };
    char sample[1024], script[1024], command_line[4096], full_db[256], full_conninfo[300];
    test_root_path("samples/extract", sample, sizeof(sample));
    fresh_database(1);
    snprintf(full_db, sizeof(full_db), "%s_full", getenv("PGDATABASE"));
    snprintf(full_conninfo, sizeof(full_conninfo), "dbname=%s", full_db);
    snprintf(command_line, sizeof(command_line),
             "sh '%s' recreate '%s' >/dev/null 2>&1 && '%s' -q --db '%s' db migrate",
             test_root_path("scripts/db.sh", script, sizeof(script)), full_db, test_kigen_bin(),
             full_conninfo);
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, NULL), 0);
    char temp_dir[] = "/tmp/kigen-test-nights-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(temp_dir));
    edited_file files[FILES];
    memset(files, 0, sizeof(files));
    for (size_t file_idx = 0; file_idx < FILES; file_idx++)
        edited_read(&files[file_idx], sample, names[file_idx]);
    unsigned long state = 20261201;
    for (int night = 0; night < NIGHTS; night++) {
        if (night > 0) {
            for (int edit = 0; edit < 12; edit++)
                edit_once(&files[next_random(&state) % FILES], &state);
        }
        for (size_t file_idx = 0; file_idx < FILES; file_idx++)
            edited_write(&files[file_idx], temp_dir);
        if (night == 5) { /* a DBA's correction, in both: the digests are forgotten */
            static const char fix[] =
                "UPDATE kigen.residents SET given_name = 'X' WHERE "
                "resident_id IN (SELECT min(resident_id) FROM kigen.residents)";
            snprintf(command_line, sizeof(command_line),
                     "psql -X -q -c \"%s\" && psql -X -q -d '%s' -c \"%s\" && psql -X -A -t -c "
                     "'SELECT count(*) FROM kigen.load_digests'",
                     fix, full_db, fix);
            char *digests = NULL;
            CU_ASSERT_EQUAL(test_run_shell(command_line, &digests), 0);
            CU_ASSERT_STRING_EQUAL(digests != NULL ? digests : "", "0\n");
            free(digests);
        }
        char *out = NULL, *err = NULL, *full_out = NULL, *full_err = NULL;
        char full_options[400];
        snprintf(full_options, sizeof(full_options), "--full --db '%s'", full_conninfo);
        int status = run_load(temp_dir, "", &out, &err);
        int full_status = run_load(temp_dir, full_options, &full_out, &full_err);
        CU_ASSERT(status == 0 || status == 1);
        CU_ASSERT_EQUAL(status, full_status);
        CU_ASSERT_STRING_EQUAL(out != NULL ? out : "", full_out != NULL ? full_out : "");
        err = sorted_lines(err);
        full_err = sorted_lines(full_err);
        CU_ASSERT_STRING_EQUAL(err != NULL ? err : "", full_err != NULL ? full_err : "");
        fingerprint skipping = take_fingerprint();
        fingerprint full = take_fingerprint_of(full_conninfo);
        CU_ASSERT_STRING_EQUAL(skipping.data, full.data);
        /* the schedule's marks are the same too: the refresh ran on the same residents */
        free(out);
        free(err);
        free(full_out);
        free(full_err);
    }
    /* the digests were used: the last night's rows are listed, one per loaded row */
    char *listed = NULL;
    CU_ASSERT_EQUAL(test_run_shell("psql -X -A -t -c 'SELECT sum(row_count) > 1000 FROM "
                                   "kigen.load_digests'",
                                   &listed),
                    0);
    CU_ASSERT_STRING_EQUAL(listed != NULL ? listed : "", "t\n");
    free(listed);
    for (size_t file_idx = 0; file_idx < FILES; file_idx++) {
        for (size_t line_idx = 0; line_idx < files[file_idx].count; line_idx++)
            free(files[file_idx].lines[line_idx]);
        free(files[file_idx].lines);
    }
    snprintf(command_line, sizeof(command_line), "rm -rf '%s'; dropdb --if-exists '%s'", temp_dir,
             full_db);
    test_run_shell(command_line, NULL);
}

/* D95: NAME.csv.gz is read through zlib's inflate with the same validation and line
 * numbers; a corrupt or truncated one stops the load with exit 3 and a message naming the
 * file and the fault, the database unchanged; NAME.csv and NAME.csv.gz together are
 * refused. */
/* Residents whose stored order_key is not order_key_of(banchi, address2) as the run's
 * refresh computes it (batch/run/order_key.c; NULL counts as wrong); *checked the rows. */
static long residents_with_a_wrong_key(long *checked)
{
    char *rows = NULL;
    *checked = 0;
    CU_ASSERT_EQUAL(test_run_shell("psql -X -A -t -F \"$(printf '\\037')\" -c \"SELECT "
                                   "coalesce(banchi, ''), coalesce(address2, ''), "
                                   "coalesce(order_key, 'NULL') FROM kigen.residents\"",
                                   &rows),
                    0);
    long wrong = 0;
    for (char *line = rows; line != NULL && *line != '\0';) {
        char *end = strchr(line, '\n');
        if (end != NULL)
            *end = '\0';
        char *address2 = strchr(line, '\037');
        char *stored = address2 != NULL ? strchr(address2 + 1, '\037') : NULL;
        if (stored != NULL) {
            *address2++ = '\0';
            *stored++ = '\0';
            char key[ORDER_KEY_STORED_MAX];
            order_key_of(line, address2, key, sizeof(key));
            if (strcmp(key, stored) != 0)
                wrong++;
            (*checked)++;
        }
        line = end != NULL ? end + 1 : NULL;
    }
    free(rows);
    return wrong;
}

/* D98: `kigen load` writes each resident's print-order key with the row, the run's own
 * function of banchi and address2: the first load (the direct COPY) and a reload (the
 * staging upsert) alike, a changed banchi with its new key; an UPDATE of the address
 * without the key (a DBA's) still resets it for the run (sql/014). */
static void loaded_residents_carry_the_runs_order_key(void)
{
    fresh_database(1);
    char dir[1024], command_line[4096];
    CU_ASSERT_EQUAL(run_load(test_root_path("samples/extract", dir, sizeof(dir)), "", NULL, NULL),
                    1);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.residents WHERE order_key IS "
                                    "NULL"),
                    0);
    long checked = 0;
    CU_ASSERT_EQUAL(residents_with_a_wrong_key(&checked), 0);
    CU_ASSERT_EQUAL(checked, 324);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.residents WHERE resident_id = 2 "
                                    "AND order_key = '00000003.00000040.00000007.00000404'"),
                    1);

    /* the next extract: resident 2 moves to 5丁目12-3, resident 990001 is new */
    char next[] = "/tmp/kigen-test-okey-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(next));
    snprintf(command_line, sizeof(command_line),
             "head -n 1 '%s/residents.csv' >'%s/residents.csv' && grep '^2,' '%s/residents.csv' "
             "| sed 's/,3丁目40-7,/,5丁目12-3,/' >>'%s/residents.csv' && grep '^1,' "
             "'%s/residents.csv' | sed 's/^1,/990001,/; s/,789-25,/,1番地2,/' >>'%s/residents.csv'",
             dir, next, dir, next, dir, next);
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, NULL), 0);
    CU_ASSERT_EQUAL(run_load(next, "", NULL, NULL), 0);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.residents WHERE resident_id = 2 "
                                    "AND banchi = '5丁目12-3' AND order_key = "
                                    "'00000005.00000012.00000003.00000404'"),
                    1);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.residents WHERE resident_id = "
                                    "990001 AND order_key = '00000001.00000002'"),
                    1);
    CU_ASSERT_EQUAL(residents_with_a_wrong_key(&checked), 0);
    CU_ASSERT_EQUAL(checked, 325);

    /* an UPDATE of the address that leaves the key as it was: reset, the run refills it */
    CU_ASSERT_EQUAL(test_run_shell("psql -X -q -c \"UPDATE kigen.residents SET banchi = '7-1' "
                                   "WHERE resident_id = 2\" >/dev/null 2>&1",
                                   NULL),
                    0);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.residents WHERE order_key IS "
                                    "NULL"),
                    1);
    snprintf(command_line, sizeof(command_line), "rm -rf '%s'", next);
    test_run_shell(command_line, NULL);
}

/* Rows that differ between the first load's cert_schedule, kept in public.loaded, and the
 * table now. */
static long schedule_differences(void)
{
    return test_query_long("SELECT count(*) FROM ((TABLE public.loaded EXCEPT TABLE "
                           "kigen.cert_schedule) UNION ALL (TABLE kigen.cert_schedule EXCEPT "
                           "TABLE public.loaded)) AS d");
}

/* D99: the first load writes the city's schedule itself; a whole-city refresh of the same
 * rows (every resident marked, then the same extract loaded again: nothing sent, then the
 * refresh) writes exactly the same rows. The sample extract (bad rows, bad dates) and a
 * generated city of 3,000 residents. */
static void a_first_loads_schedule_is_the_refreshs(void)
{
    char sample[1024], city[] = "/tmp/kigen-test-city-XXXXXX", command_line[2048];
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(city));
    snprintf(command_line, sizeof(command_line),
             "'%s' -q sample --residents 3000 --seed 4 --csv '%s'", test_kigen_bin(), city);
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, NULL), 0);
    const char *const dirs[] = {test_root_path("samples/extract", sample, sizeof(sample)), city};
    const long certificates[] = {691, 6162};
    for (size_t dir_idx = 0; dir_idx < 2; dir_idx++) {
        fresh_database(1);
        char *err = NULL;
        int status = run_load(dirs[dir_idx], "", NULL, &err);
        CU_ASSERT_EQUAL(status, dir_idx == 0 ? 1 : 0);
        free(err);
        CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.cert_schedule"),
                        certificates[dir_idx]);
        CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.schedule_stale"), 0);
        CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM pg_catalog.pg_indexes WHERE "
                                        "schemaname = 'kigen' AND tablename = 'cert_schedule'"),
                        4);
        /* the indexes a first load built again are valid, and on the partitions too (D131) */
        CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM pg_catalog.pg_index i JOIN "
                                        "pg_catalog.pg_class c ON c.oid = i.indexrelid WHERE "
                                        "c.relnamespace = 'kigen'::regnamespace AND NOT "
                                        "i.indisvalid"),
                        0);
        CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM pg_catalog.pg_indexes WHERE "
                                        "schemaname = 'kigen' AND tablename IN "
                                        "('cert_schedule_000000', 'residents_000000', "
                                        "'certificates_000000', 'cards_000000')"),
                        test_query_long("SELECT count(*) FROM pg_catalog.pg_indexes WHERE "
                                        "schemaname = 'kigen' AND tablename IN "
                                        "('cert_schedule', 'residents', 'certificates', "
                                        "'cards')"));
        CU_ASSERT_EQUAL_FATAL(
            test_run_shell("psql -X -q -c 'CREATE TABLE public.loaded AS TABLE "
                           "kigen.cert_schedule' -c 'SELECT kigen.schedule_mark(ARRAY[0])' "
                           ">/dev/null 2>&1",
                           NULL),
            0);
        CU_ASSERT_EQUAL(run_load(dirs[dir_idx], "", NULL, NULL), status);
        CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.schedule_stale"), 0);
        CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.cert_schedule"),
                        certificates[dir_idx]);
        CU_ASSERT_EQUAL(schedule_differences(), 0);
    }
    /* the sample extract's bad dates are `always` rows */
    CU_ASSERT(test_query_long("SELECT count(*) FROM public.loaded WHERE always") > 0);
    snprintf(command_line, sizeof(command_line), "rm -rf '%s'", city);
    test_run_shell(command_line, NULL);
}

static void gzip_extracts_load_as_plain_ones_and_bad_gzip_exits_3(void)
{
    char sample[1024], command_line[4096];
    test_root_path("samples/extract", sample, sizeof(sample));
    char temp_dir[] = "/tmp/kigen-test-gzip-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(temp_dir));
    /* two members in residents.csv.gz (as `cat a.gz b.gz` makes): one stream */
    snprintf(command_line, sizeof(command_line),
             "cd '%s' && for f in *.csv; do gzip -c \"$f\" >'%s/'\"$f\".gz; done && "
             "head -100 residents.csv | gzip -c >'%s/residents.csv.gz' && tail -n +101 "
             "residents.csv | gzip -c >>'%s/residents.csv.gz'",
             sample, temp_dir, temp_dir, temp_dir);
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, NULL), 0);
    fresh_database(1);
    char *plain_err = NULL, *gzip_err = NULL, *out = NULL;
    CU_ASSERT_EQUAL(run_load(sample, "--full", NULL, &plain_err), 1);
    fingerprint plain = take_fingerprint();
    fresh_database(1);
    CU_ASSERT_EQUAL(run_load(temp_dir, "--full", &out, &gzip_err), 1);
    fingerprint packed = take_fingerprint();
    CU_ASSERT_STRING_EQUAL(plain.data, packed.data);
    CU_ASSERT_STRING_EQUAL(plain_err != NULL ? plain_err : "", gzip_err != NULL ? gzip_err : "");
    CU_ASSERT_PTR_NOT_NULL(out != NULL ? strstr(out, "residents.csv               329") : NULL);
    free(plain_err);
    free(gzip_err);
    free(out);
    static const struct {
        const char *damage; /* run in temp_dir */
        const char *message;
    } cases[] = {
        {"head -c 3000 certificates.csv.gz >x && mv x certificates.csv.gz",
         "certificates.csv.gz': truncated gzip data (the file ends inside it)\n"},
        {"printf 'not gzip at all' >cards.csv.gz",
         "cards.csv.gz': corrupt gzip data (incorrect header check)\n"},
        {"(head -c 2000 moves.csv.gz; printf 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX'; tail -c +2037 "
         "moves.csv.gz) >x && mv x moves.csv.gz",
         "moves.csv.gz': corrupt gzip data ("},
        {": >changes.csv.gz", "changes.csv.gz': empty file, not gzip data\n"},
        {"cp \"$SAMPLE/offices.csv\" .", "both offices.csv and offices.csv.gz are there\n"},
    };
    fingerprint loaded = take_fingerprint();
    for (size_t case_idx = 0; case_idx < sizeof(cases) / sizeof(cases[0]); case_idx++) {
        snprintf(command_line, sizeof(command_line),
                 "SAMPLE='%s'; rm -rf '%s/bad' && mkdir '%s/bad' && cp '%s'/*.gz '%s/bad' && "
                 "cd '%s/bad' && %s",
                 sample, temp_dir, temp_dir, temp_dir, temp_dir, temp_dir, cases[case_idx].damage);
        CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, NULL), 0);
        char bad[1200], *err = NULL;
        snprintf(bad, sizeof(bad), "%s/bad", temp_dir);
        CU_ASSERT_EQUAL(run_load(bad, "", NULL, &err), 3);
        const char *found = err != NULL ? strstr(err, cases[case_idx].message) : NULL;
        CU_ASSERT_PTR_NOT_NULL(found);
        if (found == NULL)
            fprintf(stderr, "case %zu: %s\n", case_idx, err != NULL ? err : "(none)");
        CU_ASSERT_STRING_EQUAL(take_fingerprint().data, loaded.data);
        free(err);
    }
    snprintf(command_line, sizeof(command_line), "rm -rf '%s'", temp_dir);
    test_run_shell(command_line, NULL);
}

/* D96: on a terminal the load draws a live line per file (rows, rate, share done, time
 * left) and erases it; without one, stderr holds no such line (cron sees the log lines). */
static void a_terminal_sees_a_live_line_and_cron_does_not(void)
{
    char temp_dir[] = "/tmp/kigen-test-progress-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(temp_dir));
    char command_line[4096];
    snprintf(command_line, sizeof(command_line),
             "'%s' -q sample --residents 9000 --seed 3 --csv '%s/x'", test_kigen_bin(), temp_dir);
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, NULL), 0);
    fresh_database(1);
    char *shown = NULL;
    snprintf(command_line, sizeof(command_line),
             "script -qec \"'%s' load '%s/x' >/dev/null\" /dev/null", test_kigen_bin(), temp_dir);
    CU_ASSERT_EQUAL(test_run_shell(command_line, &shown), 0);
    CU_ASSERT_PTR_NOT_NULL(shown != NULL ? strstr(shown, "\r\033[Kkigen: load residents.csv: 4096 "
                                                         "rows, ")
                                         : NULL);
    CU_ASSERT_PTR_NOT_NULL(shown != NULL ? strstr(shown, " rows/s") : NULL);
    free(shown);
    fresh_database(1);
    char *err = NULL;
    snprintf(command_line, sizeof(command_line), "%s/x", temp_dir);
    CU_ASSERT_EQUAL(run_load(command_line, "", NULL, &err), 0);
    CU_ASSERT_PTR_NULL(err != NULL ? strchr(err, '\r') : NULL);
    free(err);
    snprintf(command_line, sizeof(command_line), "rm -rf '%s'", temp_dir);
    test_run_shell(command_line, NULL);
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
        {"controls_and_noncharacters_in_text_are_row_errors",
         controls_and_noncharacters_in_text_are_row_errors},
        {"database_errors_exit_4_with_a_hint", database_errors_exit_4_with_a_hint},
        {"sample_city_is_deterministic_and_loadable", sample_city_is_deterministic_and_loadable},
        {"bulk_load_gives_the_same_rows_and_keeps_the_keys",
         bulk_load_gives_the_same_rows_and_keeps_the_keys},
        {"skipping_unchanged_rows_loads_what_a_full_upsert_loads",
         skipping_unchanged_rows_loads_what_a_full_upsert_loads},
        {"loaded_residents_carry_the_runs_order_key", loaded_residents_carry_the_runs_order_key},
        {"a_first_loads_schedule_is_the_refreshs", a_first_loads_schedule_is_the_refreshs},
        {"gzip_extracts_load_as_plain_ones_and_bad_gzip_exits_3",
         gzip_extracts_load_as_plain_ones_and_bad_gzip_exits_3},
        {"a_terminal_sees_a_live_line_and_cron_does_not",
         a_terminal_sees_a_live_line_and_cron_does_not},
        {NULL, NULL},
    };
    return tests_add_suite("load_db", cases);
}
