/*
 * test_error.c - the error table agrees with the enum: every value has a code, a message
 * and an exit class, and codes are unique (they are written to outputs and logs).
 */
#include <string.h>

#include "common/error.h"
#include "test.h"

static void every_error_has_code_and_message(void)
{
    for (int err = 0; err < KG_ERR__COUNT; err++) {
        CU_ASSERT_STRING_NOT_EQUAL(kg_err_code((kg_err)err), "unknown");
        CU_ASSERT_STRING_NOT_EQUAL(kg_strerror((kg_err)err), "unknown error");
        CU_ASSERT(strlen(kg_strerror((kg_err)err)) > 0);
    }
}

static void error_codes_are_unique(void)
{
    for (int first = 0; first < KG_ERR__COUNT; first++)
        for (int second = first + 1; second < KG_ERR__COUNT; second++)
            CU_ASSERT_STRING_NOT_EQUAL(kg_err_code((kg_err)first), kg_err_code((kg_err)second));
}

static void out_of_range_value_is_unknown(void)
{
    CU_ASSERT_STRING_EQUAL(kg_err_code(KG_ERR__COUNT), "unknown");
    CU_ASSERT_STRING_EQUAL(kg_err_code((kg_err)-1), "unknown");
}

static void exit_classes_match_interfaces(void)
{
    CU_ASSERT_EQUAL(kg_err_exit_status(KG_OK), 0);
    CU_ASSERT_EQUAL(kg_err_exit_status(KG_ERR_USAGE), 2);
    CU_ASSERT_EQUAL(kg_err_exit_status(KG_ERR_CONFIG), 2);
    CU_ASSERT_EQUAL(kg_err_exit_status(KG_ERR_CSV_HEADER), 3);
    CU_ASSERT_EQUAL(kg_err_exit_status(KG_ERR_IO_READ), 3);
    CU_ASSERT_EQUAL(kg_err_exit_status(KG_ERR_DB_CONNECT), 4);
    CU_ASSERT_EQUAL(kg_err_exit_status(KG_ERR_DB_QUERY), 4);
    CU_ASSERT_EQUAL(kg_err_exit_status(KG_ERR_IO_WRITE), 5);
    /* templates and fonts that cannot be used: one status with the configuration (D75) */
    CU_ASSERT_EQUAL(kg_err_exit_status(KG_ERR_TEMPLATE), 2);
    CU_ASSERT_EQUAL(kg_err_exit_status(KG_ERR_LAYOUT), 2);
    CU_ASSERT_EQUAL(kg_err_exit_status(KG_ERR_FONT_LOAD), 2);
    CU_ASSERT_EQUAL(kg_err_exit_status(KG_ERR_DRAW), 5);
    /* the counter's errors: input rejected */
    CU_ASSERT_EQUAL(kg_err_exit_status(KG_ERR_CONTROL_NO), 3);
    CU_ASSERT_EQUAL(kg_err_exit_status(KG_ERR_FORM_UNKNOWN), 3);
    CU_ASSERT_EQUAL(kg_err_exit_status(KG_ERR_FORM_STATE), 3);
    /* a text field the loader refuses */
    CU_ASSERT_EQUAL(kg_err_exit_status(KG_ERR_TEXT_ENCODING), 3);
    CU_ASSERT_EQUAL(kg_err_exit_status(KG_ERR_TEXT_CONTROL), 3);
    CU_ASSERT_EQUAL(kg_err_exit_status(KG_ERR_TEXT_NONCHARACTER), 3);
}

static void values_are_stable(void)
{
    /* written to logs and outputs: numbers never change (a few anchors) */
    CU_ASSERT_EQUAL(KG_ERR_DB_QUERY, 33);
    CU_ASSERT_EQUAL(KG_ERR_LAYOUT, 46);
    CU_ASSERT_EQUAL(KG_ERR_CONTROL_NO, 47);
    CU_ASSERT_EQUAL(KG_ERR_FORM_UNKNOWN, 48);
    CU_ASSERT_EQUAL(KG_ERR_FORM_STATE, 49);
    CU_ASSERT_EQUAL(KG_ERR_TEXT_ENCODING, 50);
    CU_ASSERT_EQUAL(KG_ERR_TEXT_CONTROL, 51);
    CU_ASSERT_EQUAL(KG_ERR_TEXT_NONCHARACTER, 52);
    CU_ASSERT_EQUAL(KG_ERR_NOTICE_NO, 54);
    CU_ASSERT_EQUAL(KG_ERR_NOTICE_UNKNOWN, 55);
    CU_ASSERT_EQUAL(KG_ERR_NOTICE_STATE, 56);
    CU_ASSERT_EQUAL(kg_err_exit_status(KG_ERR_NOTICE_STATE), 3);
    CU_ASSERT_STRING_EQUAL(kg_err_code(KG_ERR_TEXT_NONCHARACTER), "text_noncharacter");
    CU_ASSERT_STRING_EQUAL(kg_strerror(KG_ERR_CONTROL_NO),
                           "not a control number: malformed or its check character is wrong");
    CU_ASSERT_STRING_EQUAL(kg_strerror(KG_ERR_FORM_UNKNOWN), "no form with this control number");
}

static void kg_fail_formats_context_and_returns_error(void)
{
    kg_errbuf buf;
    memset(&buf, 0, sizeof(buf));
    CU_ASSERT_EQUAL(kg_fail(&buf, KG_ERR_IO_WRITE, "unable to write '%s': %s", "a.csv", "full"),
                    KG_ERR_IO_WRITE);
    CU_ASSERT_STRING_EQUAL(buf.text, "unable to write 'a.csv': full");
    kg_hint(&buf, "free %d MB", 5);
    CU_ASSERT_STRING_EQUAL(buf.hint, "free 5 MB");
    CU_ASSERT_EQUAL(kg_fail(NULL, KG_ERR_NOMEM, "ignored"), KG_ERR_NOMEM);
}

int tests_register_error(void)
{
    static const test_case cases[] = {
        {"every_error_has_code_and_message", every_error_has_code_and_message},
        {"error_codes_are_unique", error_codes_are_unique},
        {"out_of_range_value_is_unknown", out_of_range_value_is_unknown},
        {"exit_classes_match_interfaces", exit_classes_match_interfaces},
        {"values_are_stable", values_are_stable},
        {"kg_fail_formats_context_and_returns_error", kg_fail_formats_context_and_returns_error},
        {NULL, NULL},
    };
    return tests_add_suite("error", cases);
}
