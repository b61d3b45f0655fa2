/*
 * test_main.c - the CUnit runner: every suite, or the one named on the command line.
 *
 * `kigen-tests` runs all suites; `kigen-tests rules` runs the suite "rules" (make test
 * T=rules). Exit status 0 only when every assertion passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "test.h"

kdate test_date(const char *iso)
{
    kdate day;
    if (kdate_parse(iso, strlen(iso), &day) != KG_OK) {
        fprintf(stderr, "test bug: bad date literal '%s'\n", iso);
        abort();
    }
    return day;
}

int tests_add_suite(const char *suite_name, const test_case *cases)
{
    CU_pSuite suite = CU_add_suite(suite_name, NULL, NULL);
    if (suite == NULL)
        return 1;
    for (const test_case *test = cases; test->name != NULL; test++)
        if (CU_add_test(suite, test->name, test->run) == NULL)
            return 1;
    return 0;
}

typedef int (*register_fn)(void);

static const register_fn suite_registrations[] = {
    tests_register_error,          tests_register_kdate,
    tests_register_wareki,         tests_register_csv,
    tests_register_rules,          tests_register_rules_exhaustive,
    tests_register_filters,        tests_register_load_field,
    tests_register_load_db,        tests_register_select,
    tests_register_sha256,         tests_register_run_db,
    tests_register_barcode,        tests_register_text,
    tests_register_forecast,       tests_register_export_db,
    tests_register_forecast_db,    tests_register_notice,
    tests_register_control_no,     tests_register_forms_db,
    tests_register_notices_db,     tests_register_forms_run,
    tests_register_notice_barcode, tests_register_ledger_source,
    tests_register_run_lock,       tests_register_template,
    tests_register_draw_status,    tests_register_strbuf,
    tests_register_out_file,       tests_register_run_config,
    tests_register_load_row,       tests_register_cli,
    tests_register_verify,         tests_register_order_key,
    tests_register_load_digest,    tests_register_csv_out,
    tests_register_messages,       tests_register_municipality_code,
    tests_register_tenancy_db,     tests_register_queue_db,
    tests_register_worker,
};

int main(int argc, char **argv)
{
    /* "today" for the guards of kigen run, forms and purge, in this process and every kigen
     * it starts (clock_today_jst: honoured by a binary in its checkout only), so that the
     * suite's dates (the sample city of 2026-12-01) do not depend on the machine's
     * calendar; a case that tests a guard sets its own */
    setenv("KIGEN_TODAY", TEST_TODAY, 0);
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    for (size_t reg_idx = 0; reg_idx < sizeof(suite_registrations) / sizeof(suite_registrations[0]);
         reg_idx++) {
        if (suite_registrations[reg_idx]() != 0) {
            fprintf(stderr, "unable to register suite %zu: %s\n", reg_idx, CU_get_error_msg());
            CU_cleanup_registry();
            return 2;
        }
    }
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_ErrorCode run_err;
    if (argc > 1 && argv[1][0] != '\0') {
        CU_pSuite suite = CU_get_suite(argv[1]);
        if (suite == NULL) {
            fprintf(stderr, "no suite named '%s'\n", argv[1]);
            CU_cleanup_registry();
            return 2;
        }
        run_err = CU_basic_run_suite(suite);
    } else {
        run_err = CU_basic_run_tests();
    }
    unsigned failures = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
    CU_cleanup_registry();
    if (run_err != CUE_SUCCESS)
        return 2;
    return failures == 0 ? 0 : 1;
}
