/*
 * test_load_field.c - validation of extract fields by column kind, UTF-8 checking and
 * CP932 decoding (valid, invalid, and the characters names need: 髙, 﨑, 外字 in the
 * private-use area).
 */
#include <string.h>

#include "load/load_field.h"
#include "load/load_spec.h"
#include "test.h"

static const char *check(load_kind kind, size_t max_chars, const char *text, char *out,
                         size_t out_cap)
{
    static const char *const values[] = {"in", "out", NULL};
    load_column column = {"col", kind, 1, max_chars, values};
    strbuf line;
    strbuf_init(&line, 1024);
    const char *reason = load_field_append(&column, text, strlen(text), &line);
    const char *written = strbuf_cstr(&line);
    snprintf(out, out_cap, "%s", written != NULL ? written : "");
    strbuf_free(&line);
    return reason;
}

#define ACCEPTS(kind, max, text, expected)                                                         \
    do {                                                                                           \
        char out_[256];                                                                            \
        const char *reason_ = check(kind, max, text, out_, sizeof(out_));                          \
        CU_ASSERT_PTR_NULL(reason_);                                                               \
        CU_ASSERT_STRING_EQUAL(out_, expected);                                                    \
    } while (0)

#define REJECTS(kind, max, text, expected_reason)                                                  \
    do {                                                                                           \
        char out_[256];                                                                            \
        const char *reason_ = check(kind, max, text, out_, sizeof(out_));                          \
        CU_ASSERT_PTR_NOT_NULL(reason_);                                                           \
        if (reason_ != NULL)                                                                       \
            CU_ASSERT_STRING_EQUAL(reason_, expected_reason);                                      \
    } while (0)

static void ids_are_positive_integers(void)
{
    ACCEPTS(KIND_ID, 0, "1", "1");
    ACCEPTS(KIND_ID, 0, "123456789012345678", "123456789012345678");
    REJECTS(KIND_ID, 0, "0", "not a positive integer");
    REJECTS(KIND_ID, 0, "-1", "not a positive integer");
    REJECTS(KIND_ID, 0, " 1", "not a positive integer");
    REJECTS(KIND_ID, 0, "1e3", "not a positive integer");
    REJECTS(KIND_ID, 0, "1234567890123456789", "id too long");
    REJECTS(KIND_ID, 0, "", "missing");
    ACCEPTS(KIND_ID_OPT, 0, "", "");
}

static void dates_are_strict(void)
{
    ACCEPTS(KIND_DATE, 0, "2024-02-29", "2024-02-29");
    REJECTS(KIND_DATE, 0, "2023-02-29", "no such day");
    REJECTS(KIND_DATE, 0, "2023/02/28", "not a date of the form YYYY-MM-DD");
    REJECTS(KIND_DATE, 0, "", "missing");
    ACCEPTS(KIND_DATE_OPT, 0, "", "");
    REJECTS(KIND_DATE_OPT, 0, "2023-13-01", "no such day");
}

static void postal_codes_normalise_to_seven_digits(void)
{
    ACCEPTS(KIND_POSTAL_OPT, 0, "263-0023", "2630023");
    ACCEPTS(KIND_POSTAL_OPT, 0, "2630023", "2630023");
    ACCEPTS(KIND_POSTAL_OPT, 0, "0140113", "0140113");
    ACCEPTS(KIND_POSTAL_OPT, 0, "", "");
    REJECTS(KIND_POSTAL_OPT, 0, "26300", "not a 7-digit postal code");
    REJECTS(KIND_POSTAL_OPT, 0, "2630-023", "not a 7-digit postal code");
    REJECTS(KIND_POSTAL_OPT, 0, "26300230", "not a 7-digit postal code");
    REJECTS(KIND_POSTAL_OPT, 0, "２６３００２３", "not a 7-digit postal code");
}

static void text_is_quoted_and_limited_in_characters(void)
{
    ACCEPTS(KIND_TEXT, 5, "髙橋", "\"髙橋\"");
    ACCEPTS(KIND_TEXT, 2, "葛\xF3\xA0\x84\x80", "\"葛\xF3\xA0\x84\x80\""); /* IVS: 2 chars */
    ACCEPTS(KIND_TEXT, 20, "Smith, \"Jr\"", "\"Smith, \"\"Jr\"\"\"");
    ACCEPTS(KIND_TEXT, 5, "あいうえお", "\"あいうえお\"");
    REJECTS(KIND_TEXT, 5, "あいうえおか", "too long");
    REJECTS(KIND_TEXT, 5, "", "missing");
    REJECTS(KIND_TEXT, 5, "a\nb", "control character");
    REJECTS(KIND_TEXT, 5, "a\tb", "control character");
    ACCEPTS(KIND_TEXT_EMPTY, 5, "", "\"\"");
    ACCEPTS(KIND_TEXT_OPT, 5, "", "");
    REJECTS(KIND_TEXT, 5, "\xC3\x28", "not valid UTF-8");
}

static void enumerations_flags_sex_and_offices(void)
{
    ACCEPTS(KIND_ENUM, 0, "in", "in");
    REJECTS(KIND_ENUM, 0, "In", "not one of the allowed values");
    REJECTS(KIND_ENUM, 0, "", "not one of the allowed values");
    ACCEPTS(KIND_FLAG, 0, "1", "1");
    ACCEPTS(KIND_FLAG, 0, "", "0");
    REJECTS(KIND_FLAG, 0, "2", "not 0 or 1");
    ACCEPTS(KIND_SEX, 0, "9", "9");
    REJECTS(KIND_SEX, 0, "3", "not 0, 1, 2 or 9");
    ACCEPTS(KIND_OFFICE_OPT, 0, "K-01_a", "K-01_a");
    ACCEPTS(KIND_OFFICE_OPT, 0, "", "");
    REJECTS(KIND_OFFICE, 0, "", "not an office code (1-16 letters, digits, _ or -)");
    REJECTS(KIND_OFFICE_OPT, 0, "中央", "not an office code (1-16 letters, digits, _ or -)");
}

static void utf8_validation_rejects_every_malformed_form(void)
{
    CU_ASSERT_EQUAL(load_utf8_chars("abc", 3), 3);
    CU_ASSERT_EQUAL(load_utf8_chars("髙橋", strlen("髙橋")), 2);
    CU_ASSERT_EQUAL(load_utf8_chars("\xF0\xA0\xAE\xB7", 4), 1);  /* 𠮷 U+20BB7 */
    CU_ASSERT_EQUAL(load_utf8_chars("\xC0\x80", 2), -1);         /* overlong NUL */
    CU_ASSERT_EQUAL(load_utf8_chars("\xE0\x80\xAF", 3), -1);     /* overlong */
    CU_ASSERT_EQUAL(load_utf8_chars("\xED\xA0\x80", 3), -1);     /* surrogate */
    CU_ASSERT_EQUAL(load_utf8_chars("\xF4\x90\x80\x80", 4), -1); /* past U+10FFFF */
    CU_ASSERT_EQUAL(load_utf8_chars("\xF5\x80\x80\x80", 4), -1);
    CU_ASSERT_EQUAL(load_utf8_chars("\xE9\xAB", 2), -1); /* truncated */
    CU_ASSERT_EQUAL(load_utf8_chars("\x80", 1), -1);     /* lone continuation */
    CU_ASSERT_EQUAL(load_utf8_chars("\x95\x5C", 2), -1); /* CP932 read as UTF-8 */
}

static void cp932_decodes_names_and_rejects_bad_bytes(void)
{
    load_decoder *decoder = NULL;
    CU_ASSERT_EQUAL_FATAL(load_decoder_new(1, &decoder), KG_OK);
    const char *utf8;
    size_t len;
    /* 髙 FBFC, 﨑 FAB1, 表 955C (trail byte is a backslash), 外字 F040 -> U+E000 */
    CU_ASSERT_PTR_NULL(load_decode(decoder, "\xFB\xFC\xFA\xB1\x95\x5C\xF0\x40", 8, &utf8, &len));
    CU_ASSERT_EQUAL(len, strlen("髙﨑表\xEE\x80\x80"));
    CU_ASSERT(len == strlen("髙﨑表\xEE\x80\x80") && memcmp(utf8, "髙﨑表\xEE\x80\x80", len) == 0);
    CU_ASSERT_STRING_EQUAL(load_decode(decoder, "\x82\x20", 2, &utf8, &len), "not valid CP932");
    CU_ASSERT_STRING_EQUAL(load_decode(decoder, "\x82", 1, &utf8, &len), "not valid CP932");
    CU_ASSERT_PTR_NULL(load_decode(decoder, "abc", 3, &utf8, &len)); /* recovers */
    CU_ASSERT_EQUAL(len, 3);
    load_decoder_free(decoder);

    CU_ASSERT_EQUAL_FATAL(load_decoder_new(0, &decoder), KG_OK);
    CU_ASSERT_STRING_EQUAL(load_decode(decoder, "\xFB\xFC", 2, &utf8, &len), "not valid UTF-8");
    load_decoder_free(decoder);
}

static void every_spec_column_passes_database_limits(void)
{
    /* the loader's text limits must not exceed the schema's CHECKs (see 001_data.sql) */
    for (size_t spec_idx = 0; spec_idx < load_file_spec_count; spec_idx++)
        for (size_t col_idx = 0; col_idx < load_file_specs[spec_idx].column_count; col_idx++) {
            const load_column *column = &load_file_specs[spec_idx].columns[col_idx];
            if (column->kind == KIND_TEXT || column->kind == KIND_TEXT_EMPTY ||
                column->kind == KIND_TEXT_OPT)
                CU_ASSERT(column->max_chars > 0 && column->max_chars <= 200);
            if (column->kind == KIND_ENUM)
                CU_ASSERT_PTR_NOT_NULL(column->enum_values);
        }
}

int tests_register_load_field(void)
{
    static const test_case cases[] = {
        {"ids_are_positive_integers", ids_are_positive_integers},
        {"dates_are_strict", dates_are_strict},
        {"postal_codes_normalise_to_seven_digits", postal_codes_normalise_to_seven_digits},
        {"text_is_quoted_and_limited_in_characters", text_is_quoted_and_limited_in_characters},
        {"enumerations_flags_sex_and_offices", enumerations_flags_sex_and_offices},
        {"utf8_validation_rejects_every_malformed_form",
         utf8_validation_rejects_every_malformed_form},
        {"cp932_decodes_names_and_rejects_bad_bytes", cp932_decodes_names_and_rejects_bad_bytes},
        {"every_spec_column_passes_database_limits", every_spec_column_passes_database_limits},
        {NULL, NULL},
    };
    return tests_add_suite("load_field", cases);
}
