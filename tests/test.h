/*
 * test.h - shared helpers of kigen's CUnit suites and the registration of each suite.
 *
 * Each tests/<area>/test_<module>.c defines one tests_register_<module>() that adds its
 * suite; test_main.c calls them all (or one, by name). Helpers here build dates from
 * literals so that a case reads like the rule it checks.
 */
#ifndef KIGEN_TEST_H
#define KIGEN_TEST_H

#include <CUnit/CUnit.h>

#include "common/kdate.h"

/* The day the suite takes as today (KIGEN_TODAY, set by test_main for every case). */
#define TEST_TODAY "2027-01-31"

/* The day of an ISO literal; aborts the test run on a bad literal (a bug in the test). */
kdate test_date(const char *iso);

/* Asserts that a day equals an ISO literal, reporting both on failure. */
#define ASSERT_DATE(actual, expected_iso)                                                          \
    do {                                                                                           \
        char actual_text_[KDATE_ISO_LEN + 1];                                                      \
        kdate_format((actual), actual_text_);                                                      \
        CU_ASSERT_STRING_EQUAL(actual_text_, (expected_iso));                                      \
    } while (0)

/* Reads a whole file into a NUL-terminated buffer the caller frees; NULL on failure. */
char *test_read_file(const char *path);

/* tests/data/<name> under KIGEN_ROOT (or the current directory) into buf. */
char *test_data_path(const char *name, char *buf, size_t cap);

/* <KIGEN_ROOT>/<relative> into buf. */
char *test_root_path(const char *relative, char *buf, size_t cap);

/* Runs a shell command line; returns its exit status (-1 when it did not exit) and, when
 * output is not NULL, its stdout (the caller frees it). */
int test_run_shell(const char *command_line, char **output);

/* The kigen binary under test (KIGEN_BIN, or ./kigen). */
const char *test_kigen_bin(void);

/* `kigen ARGS 2>&1` (args as a shell would split them): its exit status, and when out is
 * not NULL its stdout and stderr together (the caller frees it). */
int test_kigen(const char *args, char **out);

/* A monotonic clock in milliseconds, and a pause of ms milliseconds. */
long test_now_ms(void);
void test_sleep_ms(long ms);

/* PGDATABASE recreated with kigen's schema and the sample extract (samples/extract)
 * loaded; aborts the test when that fails. */
void test_loaded_database(void);

/* The first value of sql (a number) on PGDATABASE; -1 for SQL NULL. */
long test_query_long(const char *sql);

/* Asserts that text holds part, printing both when it does not. */
void test_contains(const char *text, const char *part);

/* Loads extract files into PGDATABASE with `kigen load` (files: name, CSV text, ...,
 * NULL); asserts that every row loads. */
void test_load_files(const char *const *files);

/* mkdtemp on template_dir (…XXXXXX, rewritten in place), or abort the test; and rm -rf. */
void test_make_temp_dir(char *template_dir);
void test_remove_dir(const char *dir);

typedef struct test_case {
    const char *name; /* states the rule, e.g. "issued_on_birthday_counts_next_year" */
    CU_TestFunc run;
} test_case;

/* Adds a suite of the cases up to a {NULL, NULL} entry; 0 on success. */
int tests_add_suite(const char *suite_name, const test_case *cases);

/* Suite registration: return 0 on success. */
int tests_register_error(void);
int tests_register_kdate(void);
int tests_register_wareki(void);
int tests_register_csv(void);
int tests_register_csv_out(void);
int tests_register_rules(void);
int tests_register_rules_exhaustive(void);
int tests_register_filters(void);
int tests_register_load_field(void);
int tests_register_load_row(void);
int tests_register_load_db(void);
int tests_register_select(void);
int tests_register_sha256(void);
int tests_register_run_db(void);
int tests_register_run_lock(void);
int tests_register_template(void);
int tests_register_draw_status(void);
int tests_register_barcode(void);
int tests_register_order_key(void);
int tests_register_load_digest(void);
int tests_register_text(void);
int tests_register_notice(void);
int tests_register_forms_run(void);
int tests_register_forecast(void);
int tests_register_export_db(void);
int tests_register_forecast_db(void);
int tests_register_control_no(void);
int tests_register_municipality_code(void);
int tests_register_tenancy_db(void);
int tests_register_forms_db(void);
int tests_register_notices_db(void);
int tests_register_notice_barcode(void);
int tests_register_ledger_source(void);
int tests_register_strbuf(void);
int tests_register_out_file(void);
int tests_register_run_config(void);
int tests_register_cli(void);
int tests_register_messages(void);
int tests_register_verify(void);
int tests_register_queue_db(void);
int tests_register_worker(void);

#endif
