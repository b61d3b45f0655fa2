/*
 * test_ledger_source.c - the ledger alone answers for what was mailed (issue 14, D72):
 * a re-run after changes and purges of the data writes the same bytes, and no value of a
 * name, a proxy or an office stops a night: what cannot be printed becomes an exclusion
 * or a form's problem before the ledger commit, every file is written, and the log names
 * ids, never the data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

#define RUN_DATE "2026-12-01"

/* `kigen run` of date into dir; its stderr into *log when log is not NULL. */
static int run_into(const char *date, const char *dir, char **log)
{
    char command_line[4096];
    snprintf(command_line, sizeof(command_line), "'%s' run --date %s --out '%s' 2>&1 >/dev/null",
             test_kigen_bin(), date, dir);
    return test_run_shell(command_line, log);
}

static int psql(const char *sql)
{
    char command_line[8192];
    snprintf(command_line, sizeof(command_line),
             "psql -X -q -v ON_ERROR_STOP=1 -c \"%s\" >/dev/null 2>&1", sql);
    return test_run_shell(command_line, NULL);
}

static bool exists(const char *dir, const char *name)
{
    char path[2048];
    struct stat info;
    snprintf(path, sizeof(path), "%s/%s/%s", dir, RUN_DATE, name);
    return stat(path, &info) == 0 && info.st_size > 0;
}

static char *output(const char *dir, const char *name)
{
    char path[2048];
    snprintf(path, sizeof(path), "%s/%s/%s", dir, RUN_DATE, name);
    return test_read_file(path);
}

/* The export of RUN_DATE's period into dir/name; its stdout into *summary. */
static int export_into(const char *dir, const char *name, char **summary)
{
    char command_line[4096];
    snprintf(command_line, sizeof(command_line),
             "cd '%s' && '%s' -q export --from %s --to %s --xlsx '%s' --no-forecast 2>/dev/null",
             dir, test_kigen_bin(), RUN_DATE, RUN_DATE, name);
    return test_run_shell(command_line, summary);
}

/* Every file of the first run, byte for byte, after the data changed under the ledger:
 * a noticed resident (9001, with an inquiry) and an excluded one (9012) purged, every
 * name changed, certificate types swapped, an office's sender block corrected. */
static void a_rerun_after_changes_and_purges_of_the_data_writes_the_same_bytes(void)
{
    test_loaded_database();
    char first[] = "/tmp/kigen-test-ledger-XXXXXX", second[] = "/tmp/kigen-test-ledger-XXXXXX";
    test_make_temp_dir(first);
    test_make_temp_dir(second);
    CU_ASSERT(run_into(RUN_DATE, first, NULL) <= 1);
    char *before = NULL;
    CU_ASSERT_EQUAL(export_into(first, "export.xlsx", &before), 0);
    test_contains(before, "export 2026-12-01 to 2026-12-01");
    static const char *const purge_9001_and_9012 =
        "BEGIN; "
        "DELETE FROM kigen.proxy_requests WHERE resident_id IN (9001, 9012); "
        "DELETE FROM kigen.certificates WHERE resident_id IN (9001, 9012); "
        "DELETE FROM kigen.cards WHERE resident_id IN (9001, 9012); "
        "DELETE FROM kigen.moves WHERE resident_id IN (9001, 9012); "
        "DELETE FROM kigen.changes WHERE resident_id IN (9001, 9012); "
        "DELETE FROM kigen.residents WHERE resident_id IN (9001, 9012); "
        "UPDATE kigen.residents SET family_name = '改姓', address = '別の住所'; "
        "UPDATE kigen.certificates SET type = CASE type WHEN 'sign' THEN 'auth' ELSE 'sign' END "
        "WHERE type <> 'juki'; "
        "UPDATE kigen.offices SET phone = '000-0000-0000', hours = '閉庁', name = '新庁舎'; "
        "UPDATE kigen.proxy_requests SET proxy_name = '別人', kind = 'unlock'; "
        "COMMIT";
    CU_ASSERT_EQUAL_FATAL(psql(purge_9001_and_9012), 0);
    CU_ASSERT(run_into(RUN_DATE, second, NULL) <= 1);
    char command_line[4096];
    snprintf(command_line, sizeof(command_line), "diff -r '%s/%s' '%s/%s' >/dev/null 2>&1", first,
             RUN_DATE, second, RUN_DATE);
    CU_ASSERT_EQUAL(test_run_shell(command_line, NULL), 0); /* every file, byte for byte */
    CU_ASSERT(exists(second, "notices-K01-001.pdf"));
    CU_ASSERT(exists(second, "audit.xlsx"));
    /* the export keeps the purged residents' rows: the same counts as before the purge */
    char *after = NULL;
    CU_ASSERT_EQUAL(export_into(second, "export.xlsx", &after), 0);
    CU_ASSERT_STRING_EQUAL(before != NULL ? before : "", after != NULL ? after : "-");
    free(before);
    free(after);
    test_remove_dir(first);
    test_remove_dir(second);
}

/* Finding 2 of issue 14: a proxy name the fonts lack stopped every run of its date after
 * the ledger commit. It is now the inquiry's problem; the night writes every file. */
static void an_unprintable_proxy_name_is_its_inquirys_problem(void)
{
    test_loaded_database();
    CU_ASSERT_EQUAL_FATAL(
        psql("INSERT INTO kigen.proxy_requests (request_id, resident_id, kind, received_on, "
             "proxy_name) VALUES (990101, 9022, 'renew', '2026-11-30', '代理' || U&'\\E000' || "
             "'太郎'), (990102, 9016, 'issue', '2026-11-30', '代理' || U&'\\FFFF'), (990103, "
             "9015, 'unlock', '2026-11-30', repeat('長', 100))"),
        0);
    char dir[] = "/tmp/kigen-test-ledger-XXXXXX";
    test_make_temp_dir(dir);
    char *log = NULL;
    CU_ASSERT(run_into(RUN_DATE, dir, &log) <= 1);
    static const char *const files[] = {
        "notices.csv",   "excluded.csv",        "forms.csv",
        "manifest.json", "registered-mail.csv", "registered-mail.pdf",
        "audit.xlsx",    "notices-K01-001.pdf", "forms-K01-001.pdf"};
    for (size_t idx = 0; idx < sizeof(files) / sizeof(files[0]); idx++) {
        CU_ASSERT(exists(dir, files[idx]));
        if (!exists(dir, files[idx]))
            fprintf(stderr, "\nmissing %s\n", files[idx]);
    }
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.forms WHERE request_id IN "
                                    "(990101, 990102) AND file IS NULL AND problem IS NOT NULL"),
                    2);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.forms WHERE request_id = 990101 "
                                    "AND problem LIKE 'proxy_name: U+E000 cannot be printed%'"),
                    1);
    CU_ASSERT_EQUAL(
        test_query_long(
            "SELECT count(*) FROM kigen.forms WHERE request_id = 990102 "
            "AND problem LIKE 'proxy_name: U+FFFF cannot be printed (not a character: %'"),
        1);
    /* the longest proxy name the data allows (100 characters) fits its box */
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.forms WHERE request_id = 990103 "
                                    "AND file IS NOT NULL AND problem IS NULL"),
                    1);
    char *forms = output(dir, "forms.csv");
    test_contains(forms, "proxy_name: U+E000 cannot be printed");
    /* the log carries no personal data */
    CU_ASSERT_PTR_NULL(log != NULL ? strstr(log, "代理") : NULL);
    CU_ASSERT_PTR_NULL(log != NULL ? strstr(log, "長長") : NULL);
    /* a re-run of the date writes the same files */
    char *manifest = output(dir, "manifest.json");
    CU_ASSERT(run_into(RUN_DATE, dir, NULL) <= 1);
    char *again = output(dir, "manifest.json");
    CU_ASSERT_STRING_EQUAL(manifest != NULL ? manifest : "", again != NULL ? again : "-");
    free(manifest);
    free(again);
    free(forms);
    free(log);
    test_remove_dir(dir);
}

/* An office whose sender block cannot be printed holds its letters back as undeliverable
 * (not final: they go on the night after the office is fixed); the night finishes. */
static void an_office_that_cannot_be_printed_holds_its_letters_back(void)
{
    test_loaded_database();
    CU_ASSERT_EQUAL_FATAL(
        psql("UPDATE kigen.offices SET name = '架空市' || U&'\\E000' || '区役所' WHERE "
             "office_code = 'K01'"),
        0);
    char dir[] = "/tmp/kigen-test-ledger-XXXXXX";
    test_make_temp_dir(dir);
    char *log = NULL;
    CU_ASSERT(run_into(RUN_DATE, dir, &log) <= 1);
    test_contains(log, "office K01: the office's name: U+E000 cannot be printed");
    CU_ASSERT(exists(dir, "manifest.json"));
    CU_ASSERT(exists(dir, "audit.xlsx"));
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.notices WHERE office_code = "
                                    "'K01'"),
                    0);
    CU_ASSERT(test_query_long("SELECT count(*) FROM kigen.exclusions WHERE reason = "
                              "'undeliverable' AND detail LIKE 'office K01: %'") > 0);
    CU_ASSERT(test_query_long("SELECT count(*) FROM kigen.notices WHERE office_code = 'K02'") > 0);
    /* fixed, the next night notices them */
    CU_ASSERT_EQUAL_FATAL(
        psql("UPDATE kigen.offices SET name = '架空市中央区役所' WHERE office_code = 'K01'"), 0);
    CU_ASSERT(run_into("2026-12-02", dir, NULL) <= 1);
    CU_ASSERT(test_query_long("SELECT count(*) FROM kigen.notices WHERE office_code = 'K01'") > 0);
    free(log);
    test_remove_dir(dir);
}

/* Finding 3 of issue 14: U+FFFF in a name (data loaded before the loader refused it)
 * made audit.xlsx unreadable. The name is unprintable (glyph_missing) and the workbook,
 * which holds it in the Excluded sheet, stays readable. */
static void a_noncharacter_in_a_name_leaves_a_readable_workbook(void)
{
    test_loaded_database();
    CU_ASSERT_EQUAL_FATAL(psql("UPDATE kigen.residents SET given_name = given_name || "
                               "U&'\\FFFF' || U&'\\FFFE' WHERE resident_id = 9022"),
                          0);
    char dir[] = "/tmp/kigen-test-ledger-XXXXXX";
    test_make_temp_dir(dir);
    CU_ASSERT(run_into(RUN_DATE, dir, NULL) <= 1);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.exclusions WHERE resident_id = "
                                    "9022 AND reason = 'glyph_missing'"),
                    1);
    char script[1024], command_line[4096];
    char *dump = NULL;
    snprintf(command_line, sizeof(command_line), "/usr/bin/python3 '%s' '%s/%s/audit.xlsx' 2>&1",
             test_root_path("tests/xlsx_dump.py", script, sizeof(script)), dir, RUN_DATE);
    CU_ASSERT_EQUAL(test_run_shell(command_line, &dump), 0);
    test_contains(dump, "\xEF\xBF\xBD"); /* U+FFFD where XML cannot hold the character */
    free(dump);
    test_remove_dir(dir);
}

/* D73: `kigen purge` empties the names and addresses of the letters past the retention,
 * keeps ids and counts, records the event, refuses a day inside the retention, and the
 * run of a purged date refuses to print blanks. */
static void purge_removes_personal_data_past_the_retention_and_keeps_the_counts(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-ledger-XXXXXX";
    test_make_temp_dir(dir);
    char command_line[4096];
    CU_ASSERT(run_into(RUN_DATE, dir, NULL) <= 1);
    /* the night as if it were six years old (2020-12-01) */
    CU_ASSERT_EQUAL_FATAL(psql("BEGIN; UPDATE kigen.runs SET run_date = '2020-12-01'; UPDATE "
                               "kigen.notices SET run_date = '2020-12-01'; UPDATE kigen.forms SET "
                               "run_date = '2020-12-01'; COMMIT"),
                          0);
    long notices = test_query_long("SELECT count(*) FROM kigen.notices");
    long exclusions = test_query_long("SELECT count(*) FROM kigen.exclusions");
    CU_ASSERT(notices > 0);
    CU_ASSERT(exclusions > 0);
    /* inside the retention (5 years): refused, nothing changes */
    snprintf(command_line, sizeof(command_line), "'%s' purge --before 2026-01-01 2>&1",
             test_kigen_bin());
    char *refused = NULL;
    CU_ASSERT_EQUAL(test_run_shell(command_line, &refused), 2);
    test_contains(refused, "unable to purge the letters dated before 2026-01-01");
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.purges"), 0);
    snprintf(command_line, sizeof(command_line), "'%s' -q purge --before 2021-01-01",
             test_kigen_bin());
    char *said = NULL;
    CU_ASSERT_EQUAL(test_run_shell(command_line, &said), 0);
    test_contains(said, "purge before 2021-01-01: personal data removed from");
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.notices WHERE family_name IS "
                                    "NOT NULL OR address IS NOT NULL OR postal_code IS NOT NULL"),
                    0);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.exclusions WHERE family_name IS "
                                    "NOT NULL OR postal_code IS NOT NULL"),
                    0);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.forms WHERE family_name <> '' "
                                    "OR address IS NOT NULL OR proxy_name IS NOT NULL"),
                    0);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.notices"), notices);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.exclusions"), exclusions);
    CU_ASSERT_EQUAL(test_query_long("SELECT notices FROM kigen.purges"), notices);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.runs WHERE purged_at IS NULL"), 0);
    /* the purged date's letters are not printed again, blank */
    snprintf(command_line, sizeof(command_line), "'%s' run --date 2020-12-01 --out '%s' 2>&1",
             test_kigen_bin(), dir);
    char *rerun = NULL;
    CU_ASSERT_EQUAL(test_run_shell(command_line, &rerun), 2);
    test_contains(rerun, "its letters' personal data was purged on");
    free(refused);
    free(said);
    free(rerun);
    test_remove_dir(dir);
}

int tests_register_ledger_source(void)
{
    static const test_case cases[] = {
        {"a_rerun_after_changes_and_purges_of_the_data_writes_the_same_bytes",
         a_rerun_after_changes_and_purges_of_the_data_writes_the_same_bytes},
        {"an_unprintable_proxy_name_is_its_inquirys_problem",
         an_unprintable_proxy_name_is_its_inquirys_problem},
        {"an_office_that_cannot_be_printed_holds_its_letters_back",
         an_office_that_cannot_be_printed_holds_its_letters_back},
        {"a_noncharacter_in_a_name_leaves_a_readable_workbook",
         a_noncharacter_in_a_name_leaves_a_readable_workbook},
        {"purge_removes_personal_data_past_the_retention_and_keeps_the_counts",
         purge_removes_personal_data_past_the_retention_and_keeps_the_counts},
        {NULL, NULL}};
    return tests_add_suite("ledger_source", cases);
}
