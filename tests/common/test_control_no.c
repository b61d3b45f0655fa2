/*
 * test_control_no.c - the control number: the database's numbers (kigen.new_control_no(),
 * read with psql) validate in C, every single substitution is caught, adjacent
 * transpositions are caught except 0 <-> Z (a property of Luhn mod 32, like 09 <-> 90
 * for Luhn mod 10: checked exhaustively), and what the counter types reads back or is
 * refused with the message that says why.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/control_no.h"
#include "test.h"

#define DRAWN 10000

/* DRAWN numbers from kigen.new_control_no() as one block of 13-byte strings (the caller
 * frees it), through psql on a freshly migrated database. */
static char *drawn_numbers(void)
{
    char script[1024], command_line[4096];
    const char *name = getenv("PGDATABASE");
    CU_ASSERT_PTR_NOT_NULL_FATAL(name);
    snprintf(command_line, sizeof(command_line),
             "sh '%s' recreate '%s' >/dev/null 2>&1 && '%s' -q db migrate && psql -X -A -t -q "
             "-c \"SELECT kigen.new_control_no() FROM generate_series(1, %d)\"",
             test_root_path("scripts/db.sh", script, sizeof(script)), name, test_kigen_bin(),
             DRAWN);
    char *text = NULL;
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, &text), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    char *numbers = calloc(DRAWN, CONTROL_NO_SIZE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(numbers);
    int count = 0;
    for (char *line = text; *line != '\0' && count < DRAWN; count++) {
        char *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        CU_ASSERT_EQUAL(len, CONTROL_NO_LEN);
        memcpy(numbers + count * CONTROL_NO_SIZE, line,
               len < CONTROL_NO_LEN ? len : CONTROL_NO_LEN);
        line += len + (end != NULL);
    }
    CU_ASSERT_EQUAL(count, DRAWN);
    free(text);
    return numbers;
}

static int compare_numbers(const void *left, const void *right)
{
    return strcmp(left, right);
}

static void numbers_drawn_by_the_database_validate_in_c(void)
{
    char *numbers = drawn_numbers();
    int valid = 0, same_check = 0, read_back = 0, same_built = 0;
    for (int idx = 0; idx < DRAWN; idx++) {
        const char *number = numbers + idx * CONTROL_NO_SIZE;
        valid += control_no_is_valid(number);
        char check = '?';
        CU_ASSERT_EQUAL(control_no_check_char(number, CONTROL_NO_BODY_LEN, &check), KG_OK);
        same_check += check == number[CONTROL_NO_BODY_LEN];
        char out[CONTROL_NO_SIZE];
        read_back += control_no_parse(number, CONTROL_NO_LEN, out, NULL) == KG_OK &&
                     strcmp(out, number) == 0;
        /* the run builds its numbers in C: the same number from the same 55 bits */
        uint64_t bits = 0;
        for (int pos = CONTROL_NO_BODY_LEN - 1; pos >= 0; pos--)
            bits = (bits << 5) | (uint64_t)control_no_digit(number[pos]);
        control_no_from_bits(bits, out);
        same_built += strcmp(out, number) == 0;
    }
    CU_ASSERT_EQUAL(same_built, DRAWN);
    CU_ASSERT_EQUAL(valid, DRAWN);
    CU_ASSERT_EQUAL(same_check, DRAWN);
    CU_ASSERT_EQUAL(read_back, DRAWN);
    /* 55 random bits: no two alike in 10,000 */
    qsort(numbers, DRAWN, CONTROL_NO_SIZE, compare_numbers);
    int repeats = 0;
    for (int idx = 1; idx < DRAWN; idx++)
        repeats +=
            strcmp(numbers + (idx - 1) * CONTROL_NO_SIZE, numbers + idx * CONTROL_NO_SIZE) == 0;
    CU_ASSERT_EQUAL(repeats, 0);
    free(numbers);
}

/* The run's numbers: 55 bits make 11 characters, lowest first, and the check character;
 * different bits never make the same number, and the bits above 55 play no part. */
static void numbers_built_from_random_bits_validate_and_differ(void)
{
    char number[CONTROL_NO_SIZE], other[CONTROL_NO_SIZE];
    control_no_from_bits(0, number);
    CU_ASSERT_STRING_EQUAL(number, "000000000000");
    control_no_from_bits(1, number);
    CU_ASSERT_STRING_EQUAL(number, "10000000000Y"); /* factor 2 on the 11th from the right */
    control_no_from_bits((UINT64_C(1) << 55) - 1, number);
    CU_ASSERT_STRING_EQUAL(number, "ZZZZZZZZZZZB");
    control_no_from_bits(UINT64_MAX, other);
    CU_ASSERT_STRING_EQUAL(other, number);
    uint64_t state = 20261128;
    int valid = 0, differ = 0;
    for (int idx = 0; idx < DRAWN; idx++) {
        state += UINT64_C(0x9E3779B97F4A7C15); /* splitmix64 */
        uint64_t bits = state;
        bits = (bits ^ (bits >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
        bits = (bits ^ (bits >> 27)) * UINT64_C(0x94D049BB133111EB);
        bits ^= bits >> 31;
        control_no_from_bits(bits, number);
        valid += control_no_is_valid(number);
        control_no_from_bits(bits ^ (UINT64_C(1) << (idx % 55)), other); /* one bit apart */
        differ += strcmp(number, other) != 0 && control_no_is_valid(other);
    }
    CU_ASSERT_EQUAL(valid, DRAWN);
    CU_ASSERT_EQUAL(differ, DRAWN);
}

static void every_single_substitution_is_rejected(void)
{
    char *numbers = drawn_numbers();
    long tried = 0, accepted = 0;
    for (int idx = 0; idx < DRAWN; idx++) {
        char number[CONTROL_NO_SIZE];
        memcpy(number, numbers + idx * CONTROL_NO_SIZE, CONTROL_NO_SIZE);
        for (int pos = 0; pos < CONTROL_NO_LEN; pos++) {
            char original = number[pos];
            for (int digit = 0; digit < 32; digit++) {
                if (CONTROL_NO_ALPHABET[digit] == original)
                    continue;
                number[pos] = CONTROL_NO_ALPHABET[digit];
                tried++;
                accepted += control_no_is_valid(number);
            }
            number[pos] = original;
        }
    }
    CU_ASSERT_EQUAL(tried, (long)DRAWN * CONTROL_NO_LEN * 31);
    CU_ASSERT_EQUAL(accepted, 0);
    free(numbers);
}

/* Whether swapping a and b is one that Luhn mod 32 cannot see: 0 and Z (31), whose
 * doubled addends 0 and 31 + 31 = 62 -> 1 + 30 = 31 leave the sum as it was. */
static int is_zero_z_swap(char first, char second)
{
    return (first == '0' && second == 'Z') || (first == 'Z' && second == '0');
}

static void adjacent_transpositions_are_rejected_except_zero_and_z(void)
{
    /* the database's numbers: every swap of two different neighbours */
    char *numbers = drawn_numbers();
    long swaps = 0, caught = 0, zero_z = 0, zero_z_missed = 0;
    for (int idx = 0; idx < DRAWN; idx++) {
        char number[CONTROL_NO_SIZE];
        memcpy(number, numbers + idx * CONTROL_NO_SIZE, CONTROL_NO_SIZE);
        for (int pos = 0; pos + 1 < CONTROL_NO_LEN; pos++) {
            char first = number[pos], second = number[pos + 1];
            if (first == second)
                continue;
            number[pos] = second;
            number[pos + 1] = first;
            int valid = control_no_is_valid(number);
            swaps++;
            if (is_zero_z_swap(first, second)) {
                zero_z++;
                zero_z_missed += valid;
            } else {
                caught += !valid;
            }
            number[pos] = first;
            number[pos + 1] = second;
        }
    }
    CU_ASSERT_EQUAL(caught, swaps - zero_z);
    CU_ASSERT_EQUAL(zero_z_missed, zero_z); /* every 0 <-> Z swap goes through */
    free(numbers);

    /* exhaustively: every pair of characters at every pair of neighbours, the check
     * character included (there the neighbour before it is varied to reach each check) */
    long pairs = 0, missed = 0, missed_not_zero_z = 0;
    char number[CONTROL_NO_SIZE] = "7K3QW9XMPR5";
    for (int pos = 0; pos + 1 < CONTROL_NO_LEN; pos++)
        for (int first = 0; first < 32; first++)
            for (int filler = 0; filler < 32; filler++) {
                char body[CONTROL_NO_SIZE];
                memcpy(body, "7K3QW9XMPR5", CONTROL_NO_BODY_LEN + 1);
                body[pos] = CONTROL_NO_ALPHABET[first];
                int second_pos = pos + 1;
                if (second_pos < CONTROL_NO_BODY_LEN)
                    body[second_pos] = CONTROL_NO_ALPHABET[filler];
                else if (pos > 0)
                    body[pos - 1] = CONTROL_NO_ALPHABET[filler]; /* moves the check */
                memcpy(number, body, CONTROL_NO_BODY_LEN);
                CU_ASSERT_EQUAL(
                    control_no_check_char(body, CONTROL_NO_BODY_LEN, &number[CONTROL_NO_BODY_LEN]),
                    KG_OK);
                number[CONTROL_NO_LEN] = '\0';
                char left = number[pos], right = number[second_pos];
                if (left == right)
                    continue;
                number[pos] = right;
                number[second_pos] = left;
                pairs++;
                if (control_no_is_valid(number)) {
                    missed++;
                    missed_not_zero_z += !is_zero_z_swap(left, right);
                }
            }
    CU_ASSERT(pairs > 11 * 31 * 31);
    CU_ASSERT_EQUAL(missed_not_zero_z, 0);
    /* 0 <-> Z at each of the 11 neighbour pairs, both orders */
    CU_ASSERT_EQUAL(missed, 22);
}

/* A valid number from a body, for the cases below. */
static void make_number(const char *body, char *number)
{
    memcpy(number, body, CONTROL_NO_BODY_LEN);
    CU_ASSERT_EQUAL_FATAL(control_no_check_char(body, CONTROL_NO_BODY_LEN, &number[11]), KG_OK);
    number[CONTROL_NO_LEN] = '\0';
}

static void aliases_case_and_separators_normalize(void)
{
    char number[CONTROL_NO_SIZE], out[CONTROL_NO_SIZE];
    make_number("01ABCDEFGH1", number);
    /* '#' stands for the check character of this body */
    static const char *const forms[] = {
        "01ABCDEFGH1#",                /* as stored */
        "01AB-CDEF-GH1#",              /* as printed */
        "o1ab-cdef-gh1#",              /* lower case, o for 0 */
        "OIAB CDEF GHL#",              /* O for 0, I and L for 1, spaces */
        "  0-1-A-B-C-D-E-F-G-H-1-#  ", /* hyphens and spaces anywhere */
        "０１ＡＢ－ＣＤＥＦ－ＧＨ１#", /* full-width (a Japanese keyboard) */
        "01ABーCDEF　GH1#",            /* katakana long sound mark, ideographic space */
        "ｏｉａｂ‐ｃｄｅｆ−ｇｈｌ#",   /* full-width lower case and aliases, other dashes */
    };
    for (size_t idx = 0; idx < sizeof(forms) / sizeof(forms[0]); idx++) {
        char typed[128];
        snprintf(typed, sizeof(typed), "%s", forms[idx]);
        *strchr(typed, '#') = number[CONTROL_NO_BODY_LEN];
        kg_errbuf errbuf = {{0}, {0}};
        CU_ASSERT_EQUAL(control_no_parse(typed, strlen(typed), out, &errbuf), KG_OK);
        CU_ASSERT_STRING_EQUAL(out, number);
        if (strcmp(out, number) != 0)
            fprintf(stderr, "\n'%s': %s\n", typed, errbuf.text);
    }
    /* lower case of the check character too; the length is what is passed, no NUL */
    char lower[CONTROL_NO_SIZE + 4];
    snprintf(lower, sizeof(lower), "01abcdefgh1%cXYZ", number[11] | 0x20);
    CU_ASSERT_EQUAL(control_no_parse(lower, CONTROL_NO_LEN, out, NULL), KG_OK);
    CU_ASSERT_STRING_EQUAL(out, number);
}

/* The message of parsing text, asserting the error. */
static void refused(const char *text, size_t len, const char *message)
{
    kg_errbuf errbuf = {{0}, {0}};
    char out[CONTROL_NO_SIZE] = "unchanged";
    CU_ASSERT_EQUAL(control_no_parse(text, len, out, &errbuf), KG_ERR_CONTROL_NO);
    CU_ASSERT_STRING_EQUAL(out, "");
    CU_ASSERT_STRING_EQUAL(errbuf.text, message);
}

static void garbage_is_refused_with_the_reason(void)
{
    char number[CONTROL_NO_SIZE];
    make_number("7K3QW9XMPR5", number);
    char typed[64], message[512];
    /* U is not in the alphabet (Crockford keeps it out) */
    refused("7K3Q-W9UM-PR5A", 14,
            "unable to read control number '7K3Q-W9UM-PR5A': 'U' (character "
            "8) is not in a control number, which has 0-9 and A-Z except U");
    refused("7K3Q*W9XM", 9,
            "unable to read control number '7K3Q*W9XM': '*' (character 5) is not "
            "in a control number, which has 0-9 and A-Z except U");
    refused("照会番号", strlen("照会番号"),
            "unable to read control number '照会番号': '照' (U+7167) (character 1) is not in a "
            "control number, which has 0-9 and A-Z except U");
    refused("AB\xE3\x81", 4,
            "unable to read control number 'AB?\?': byte 0xE3 (not UTF-8) (character 3) is not in "
            "a control number, which has 0-9 and A-Z except U");
    refused("AB\tCD", 5,
            "unable to read control number 'AB?CD': control character U+0009 (character 3) is not "
            "in a control number, which has 0-9 and A-Z except U");
    /* counts */
    refused("", 0,
            "unable to read control number '': it has 0 characters, a control number has 12 "
            "(XXXX-XXXX-XXXX, hyphens and spaces aside)");
    refused(" - ", 3,
            "unable to read control number ' - ': it has 0 characters, a control number has 12 "
            "(XXXX-XXXX-XXXX, hyphens and spaces aside)");
    refused(number, 11,
            "unable to read control number '7K3QW9XMPR5': it has 11 characters, a control number "
            "has 12 (XXXX-XXXX-XXXX, hyphens and spaces aside)");
    snprintf(typed, sizeof(typed), "%s0", number);
    snprintf(message, sizeof(message),
             "unable to read control number '%s': it has 13 characters, a control number has 12 "
             "(XXXX-XXXX-XXXX, hyphens and spaces aside)",
             typed);
    refused(typed, strlen(typed), message);
    /* a long paste is quoted in part */
    refused("0123456789012345678901234567890123456789012345678901234567890123", 64,
            "unable to read control number '012345678901234567890123456789012345678901234567...': "
            "it has 64 characters, a control number has 12 (XXXX-XXXX-XXXX, hyphens and spaces "
            "aside)");
    /* a wrong check character: the message never says which one is right */
    snprintf(typed, sizeof(typed), "%.4s-%.4s-%.3s%c", number, number + 4, number + 8,
             number[11] == 'A' ? 'B' : 'A');
    snprintf(message, sizeof(message),
             "unable to read control number '%s': its check character does not match (a "
             "character mistyped, or two swapped)",
             typed);
    refused(typed, strlen(typed), message);
    /* an error with no buffer still returns the value */
    char out[CONTROL_NO_SIZE];
    CU_ASSERT_EQUAL(control_no_parse("x", 1, out, NULL), KG_ERR_CONTROL_NO);
}

static void check_char_and_validity_refuse_what_is_not_canonical(void)
{
    char check = '?';
    CU_ASSERT_EQUAL(control_no_check_char("0123456789a", 11, &check), KG_ERR_CONTROL_NO);
    CU_ASSERT_EQUAL(control_no_check_char("0123456789U", 11, &check), KG_ERR_CONTROL_NO);
    CU_ASSERT_EQUAL(control_no_check_char("", 0, &check), KG_ERR_CONTROL_NO);
    CU_ASSERT_EQUAL(check, '?');
    /* the SQL function's arithmetic on a hand-worked body: 0000000000Z has the doubled
     * addend 62 -> 1 + 30 = 31, so the check is 1 */
    CU_ASSERT_EQUAL(control_no_check_char("0000000000Z", 11, &check), KG_OK);
    CU_ASSERT_EQUAL(check, '1');
    CU_ASSERT_EQUAL(control_no_check_char("00000000000", 11, &check), KG_OK);
    CU_ASSERT_EQUAL(check, '0');
    CU_ASSERT(control_no_is_valid("000000000000"));
    CU_ASSERT(control_no_is_valid("0000000000Z1"));
    CU_ASSERT(!control_no_is_valid("0000000000z1"));
    CU_ASSERT(!control_no_is_valid("0000000000Z1X"));
    CU_ASSERT(!control_no_is_valid("0000000000Z"));
    CU_ASSERT(!control_no_is_valid(NULL));
    CU_ASSERT_EQUAL(control_no_digit('Z'), 31);
    CU_ASSERT_EQUAL(control_no_digit('I'), -1);
    CU_ASSERT_EQUAL(control_no_digit('\0'), -1);
}

static void printed_in_three_groups_of_four(void)
{
    char out[CONTROL_NO_PRINT_SIZE];
    CU_ASSERT_STRING_EQUAL(control_no_format("7K3QW9XMPR5A", out), "7K3Q-W9XM-PR5A");
    CU_ASSERT_STRING_EQUAL(control_no_format("SHORT", out), "SHORT");
    CU_ASSERT_STRING_EQUAL(control_no_format("A_MUCH_LONGER_TEXT", out), "A_MUCH_LONGER_");
    CU_ASSERT_STRING_EQUAL(control_no_format(NULL, out), "");
}

int tests_register_control_no(void)
{
    static const test_case cases[] = {
        {"numbers_drawn_by_the_database_validate_in_c",
         numbers_drawn_by_the_database_validate_in_c},
        {"numbers_built_from_random_bits_validate_and_differ",
         numbers_built_from_random_bits_validate_and_differ},
        {"every_single_substitution_is_rejected", every_single_substitution_is_rejected},
        {"adjacent_transpositions_are_rejected_except_zero_and_z",
         adjacent_transpositions_are_rejected_except_zero_and_z},
        {"aliases_case_and_separators_normalize", aliases_case_and_separators_normalize},
        {"garbage_is_refused_with_the_reason", garbage_is_refused_with_the_reason},
        {"check_char_and_validity_refuse_what_is_not_canonical",
         check_char_and_validity_refuse_what_is_not_canonical},
        {"printed_in_three_groups_of_four", printed_in_three_groups_of_four},
        {NULL, NULL},
    };
    return tests_add_suite("control_no", cases);
}
