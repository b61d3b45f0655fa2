/*
 * test_municipality_code.c - the municipality code (JIS X 0402): every one of the 100,000
 * five-digit prefixes has exactly one valid check digit, the published codes validate, and
 * every malformed shape is refused with the message that says why.
 */
#include <stdio.h>
#include <string.h>

#include "common/municipality_code.h"
#include "test.h"

/* Every prefix of a real prefecture: exactly one of the ten sixth digits is valid, the one
 * municipality_check_digit gives; other prefectures: none. */
static void every_prefix_has_exactly_one_check_digit(void)
{
    long wrong = 0;
    for (int prefix = 0; prefix < 100000; prefix++) {
        char code[24]; /* room for any int, as the compiler counts */
        int valid = 0, valid_digit = -1;
        for (int digit = 0; digit < 10; digit++) {
            snprintf(code, sizeof(code), "%05d%d", prefix, digit);
            if (municipality_code_check(code, NULL) == KG_OK) {
                valid++;
                valid_digit = '0' + digit;
            }
        }
        int prefecture = prefix / 1000;
        int expected = prefecture >= 1 && prefecture <= 47 ? 1 : 0;
        snprintf(code, sizeof(code), "%05d", prefix);
        if (valid != expected || (expected && valid_digit != municipality_check_digit(code)))
            wrong++;
    }
    CU_ASSERT_EQUAL(wrong, 0);
}

static void published_codes_validate(void)
{
    /* 札幌市, 千代田区, 横浜市, 大阪市, 那覇市, 北海道 (the prefecture's own code) */
    static const char *const codes[] = {"011002", "131016", "141003", "271004", "472018", "010006"};
    for (size_t idx = 0; idx < sizeof(codes) / sizeof(codes[0]); idx++) {
        kg_errbuf errbuf;
        memset(&errbuf, 0, sizeof(errbuf));
        CU_ASSERT_EQUAL(municipality_code_check(codes[idx], &errbuf), KG_OK);
        CU_ASSERT_EQUAL(municipality_check_digit(codes[idx]), codes[idx][5]);
    }
    /* the remainders 0 and 1: check digits 1 and 0 */
    CU_ASSERT_EQUAL(municipality_check_digit("00000"), '1');
    CU_ASSERT_EQUAL(municipality_check_digit("00006"), '0'); /* sum 12: remainder 1 */
}

static void refused(const char *code, const char *cause)
{
    kg_errbuf errbuf;
    memset(&errbuf, 0, sizeof(errbuf));
    CU_ASSERT_EQUAL(municipality_code_check(code, &errbuf), KG_ERR_USAGE);
    if (strstr(errbuf.text, cause) == NULL ||
        strstr(errbuf.text, "unable to use municipality code") == NULL)
        fprintf(stderr, "\n'%s': %s (expected: %s)\n", code != NULL ? code : "(null)", errbuf.text,
                cause);
    CU_ASSERT_PTR_NOT_NULL(strstr(errbuf.text, cause));
}

static void malformed_codes_are_refused_with_their_cause(void)
{
    refused(NULL, "it is empty");
    refused("", "it is empty");
    refused("13101", "it has 5 digits, a code has 6");
    refused("1310160", "it has 7 digits, a code has 6");
    refused("13101a", "character 6 is not an ASCII digit");
    refused(" 131016", "character 1 is not an ASCII digit");
    refused("131016 ", "character 7 is not an ASCII digit");
    refused("13-101", "character 3 is not an ASCII digit");
    refused("\xef\xbc\x91"
            "31016",
            "character 1 is not an ASCII digit"); /* full-width 1 */
    refused("000000", "000000 is the default municipality");
    refused("001007", "prefecture 00 is not one of 01 to 47");
    refused("480001", "prefecture 48 is not one of 01 to 47");
    refused("991007", "prefecture 99 is not one of 01 to 47");
    refused("131017", "the check digit (the sixth) does not match");
    refused("131061", "the check digit (the sixth) does not match"); /* a transposition */
    CU_ASSERT_FALSE(municipality_is_default(NULL));
    CU_ASSERT_TRUE(municipality_is_default(MUNICIPALITY_DEFAULT));
    CU_ASSERT_EQUAL(municipality_check_digit("1310"), -1);
    CU_ASSERT_EQUAL(municipality_check_digit("13a01"), -1);
    CU_ASSERT_EQUAL(municipality_check_digit(NULL), -1);
}

int tests_register_municipality_code(void)
{
    static const test_case cases[] = {
        {"every_prefix_has_exactly_one_check_digit", every_prefix_has_exactly_one_check_digit},
        {"published_codes_validate", published_codes_validate},
        {"malformed_codes_are_refused_with_their_cause",
         malformed_codes_are_refused_with_their_cause},
        {NULL, NULL},
    };
    return tests_add_suite("municipality_code", cases);
}
