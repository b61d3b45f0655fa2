/*
 * test_order_key.c - the address number key of the print order (D83): the 本町
 * examples in number order, kanji numerals, full-width digits, building and room, empty
 * banchi; the byte-wise order of the keys is the number order of the addresses.
 */
#include <string.h>

#include "run/order_key.h"
#include "test.h"

static void key_is(const char *banchi, const char *address2, const char *expected)
{
    char key[ORDER_KEY_MAX];
    order_key_of(banchi, address2, key, sizeof(key));
    if (strcmp(key, expected) != 0)
        fprintf(stderr, "\n'%s' '%s': key '%s', expected '%s'\n", banchi, address2, key, expected);
    CU_ASSERT_STRING_EQUAL(key, expected);
}

static void keys_read_the_barcode_numbers(void)
{
    key_is("3丁目", "", "00000003");
    key_is("7-8", "", "00000007.00000008");
    key_is("3丁目40-7", "テラス仲町 404号", "00000003.00000040.00000007.00000404");
    key_is("三丁目", NULL, "00000003");
    key_is("二十一番地", "", "00000021");
    key_is("１２－３", "", "00000012.00000003");
    key_is("3-20-5", "B604", "00000003.00000020.00000005.B.00000604");
    key_is("", "", "");
    key_is(NULL, NULL, "");
    key_is("", "コーポ本町", "");
    key_is("007", "", "00000007");
    key_is("123456789", "", "99999999");
}

/* Sorted byte-wise (as the scan's "C" sort), each key is below the next one. */
static void keys_sort_in_number_order(void)
{
    static const char *const pairs[][4] = {
        {"3丁目", "", "7-8", ""},
        {"7-8", "", "39-40", ""},
        {"39-40", "", "41-42", ""},
        {"3丁目", "", "39-40", ""},
        {"1-2-3", "", "1-2-10", ""},
        {"三丁目", "", "十丁目", ""},
        {"二丁目", "", "3丁目", ""},
        {"９", "", "10", ""},
        {"41-42", "", "41-42", "101号室"},
        {"41-42", "101号室", "41-42", "1201号室"},
        {"", "", "1", ""},
        {"5", "", "5A", ""},
    };
    for (size_t idx = 0; idx < sizeof(pairs) / sizeof(pairs[0]); idx++) {
        char low[ORDER_KEY_MAX], high[ORDER_KEY_MAX];
        order_key_of(pairs[idx][0], pairs[idx][1], low, sizeof(low));
        order_key_of(pairs[idx][2], pairs[idx][3], high, sizeof(high));
        if (strcmp(low, high) >= 0)
            fprintf(stderr, "\n'%s %s' (%s) not below '%s %s' (%s)\n", pairs[idx][0], pairs[idx][1],
                    low, pairs[idx][2], pairs[idx][3], high);
        CU_ASSERT(strcmp(low, high) < 0);
    }
}

/* A key cut to its buffer ends on a whole element and is NUL-terminated. */
static void a_short_buffer_cuts_between_elements(void)
{
    char key[20];
    order_key_of("1-2-3", "", key, sizeof(key));
    CU_ASSERT_STRING_EQUAL(key, "00000001.00000002");
}

int tests_register_order_key(void)
{
    static const test_case cases[] = {
        {"keys_read_the_barcode_numbers", keys_read_the_barcode_numbers},
        {"keys_sort_in_number_order", keys_sort_in_number_order},
        {"a_short_buffer_cuts_between_elements", a_short_buffer_cuts_between_elements},
        {NULL, NULL},
    };
    return tests_add_suite("order_key", cases);
}
