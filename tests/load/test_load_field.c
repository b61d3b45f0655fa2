/*
 * test_load_field.c - validation of extract fields by column kind, UTF-8 checking and
 * CP932 decoding (valid, invalid, and the characters names need: 髙, 﨑, 外字 in the
 * private-use area), and the characters no text field may hold (controls, noncharacters,
 * surrogates), by a table and exhaustively over every code point and every CP932 character.
 */
#include <stdint.h>
#include <stdio.h>
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
    load_reason reason_buf;
    const char *reason = load_field_append(&column, text, strlen(text), &line, &reason_buf);
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
    REJECTS(KIND_TEXT, 5, "a\nb", "control character U+000A (character 2)");
    REJECTS(KIND_TEXT, 5, "a\tb", "control character U+0009 (character 2)");
    ACCEPTS(KIND_TEXT_EMPTY, 5, "", "\"\"");
    ACCEPTS(KIND_TEXT_OPT, 5, "", "");
    REJECTS(KIND_TEXT, 5, "\xC3\x28", "not valid UTF-8: byte 0xC3 (character 1)");
}

typedef struct text_case {
    const char *bytes;
    size_t len; /* 0: strlen(bytes) */
    kg_err err;
    const char *reason; /* NULL when accepted */
} text_case;

static const text_case text_cases[] = {
    {"髙橋", 0, KG_OK, NULL},
    {"\xEE\x80\x80", 0, KG_OK, NULL},     /* U+E000 外字: loads, the run reports the glyph */
    {"\xEF\xBF\xBD", 0, KG_OK, NULL},     /* U+FFFD */
    {"\xEF\xB7\x8F", 0, KG_OK, NULL},     /* U+FDCF, just before the noncharacters */
    {"\xEF\xB7\xB0", 0, KG_OK, NULL},     /* U+FDF0, just after them */
    {"\xF0\x9F\xBF\xBD", 0, KG_OK, NULL}, /* U+1FFFD */
    {"\xED\x9F\xBF", 0, KG_OK, NULL},     /* U+D7FF, just before the surrogates */
    {"\xC2\xA0", 0, KG_OK, NULL},         /* U+00A0, just after C1 */
    {" ~", 0, KG_OK, NULL},
    {"", 0, KG_OK, NULL},
    {"\x00", 1, KG_ERR_TEXT_CONTROL, "control character U+0000 (character 1)"},
    {"a\tb", 0, KG_ERR_TEXT_CONTROL, "control character U+0009 (character 2)"},
    {"a\n", 0, KG_ERR_TEXT_CONTROL, "control character U+000A (character 2)"},
    {"\r\n", 0, KG_ERR_TEXT_CONTROL, "control character U+000D (character 1)"},
    {"\x1F", 0, KG_ERR_TEXT_CONTROL, "control character U+001F (character 1)"},
    {"x\x7F", 0, KG_ERR_TEXT_CONTROL, "control character U+007F (character 2)"},
    {"\xC2\x80", 0, KG_ERR_TEXT_CONTROL, "control character U+0080 (character 1)"},
    {"髙\xC2\x85", 0, KG_ERR_TEXT_CONTROL, "control character U+0085 (character 2)"},
    {"\xC2\x9F", 0, KG_ERR_TEXT_CONTROL, "control character U+009F (character 1)"},
    {"\xEF\xBF\xBE", 0, KG_ERR_TEXT_NONCHARACTER, "noncharacter U+FFFE (character 1)"},
    {"髙橋\xEF\xBF\xBF", 0, KG_ERR_TEXT_NONCHARACTER, "noncharacter U+FFFF (character 3)"},
    {"\xEF\xB7\x90", 0, KG_ERR_TEXT_NONCHARACTER, "noncharacter U+FDD0 (character 1)"},
    {"\xEF\xB7\xAF", 0, KG_ERR_TEXT_NONCHARACTER, "noncharacter U+FDEF (character 1)"},
    {"\xF0\x9F\xBF\xBE", 0, KG_ERR_TEXT_NONCHARACTER, "noncharacter U+1FFFE (character 1)"},
    {"\xF3\xBF\xBF\xBF", 0, KG_ERR_TEXT_NONCHARACTER, "noncharacter U+FFFFF (character 1)"},
    {"\xF4\x8F\xBF\xBF", 0, KG_ERR_TEXT_NONCHARACTER, "noncharacter U+10FFFF (character 1)"},
    {"\xED\xA0\x80", 0, KG_ERR_TEXT_ENCODING, "not valid UTF-8: surrogate U+D800 (character 1)"},
    {"a\xED\xBF\xBF", 0, KG_ERR_TEXT_ENCODING, "not valid UTF-8: surrogate U+DFFF (character 2)"},
    {"\x80", 0, KG_ERR_TEXT_ENCODING, "not valid UTF-8: byte 0x80 (character 1)"},
    {"\xC0\x80", 0, KG_ERR_TEXT_ENCODING, "not valid UTF-8: byte 0xC0 (character 1)"},
    {"\xE0\x80\xAF", 0, KG_ERR_TEXT_ENCODING, "not valid UTF-8: byte 0xE0 (character 1)"},
    {"\xF4\x90\x80\x80", 0, KG_ERR_TEXT_ENCODING, "not valid UTF-8: byte 0xF4 (character 1)"},
    {"ab\xE9\xAB", 0, KG_ERR_TEXT_ENCODING, "not valid UTF-8: byte 0xE9 (character 3)"},
    {"\xFF", 0, KG_ERR_TEXT_ENCODING, "not valid UTF-8: byte 0xFF (character 1)"},
    /* the first fault is the one reported */
    {"\t\xEF\xBF\xBF", 0, KG_ERR_TEXT_CONTROL, "control character U+0009 (character 1)"},
    {"\xEF\xBF\xBF\xFF", 0, KG_ERR_TEXT_NONCHARACTER, "noncharacter U+FFFF (character 1)"},
};

static void text_fields_refuse_controls_noncharacters_and_surrogates(void)
{
    static const load_kind text_kinds[] = {KIND_TEXT, KIND_TEXT_EMPTY, KIND_TEXT_OPT};
    for (size_t case_idx = 0; case_idx < sizeof(text_cases) / sizeof(text_cases[0]); case_idx++) {
        const text_case *test = &text_cases[case_idx];
        size_t len = test->len != 0 ? test->len : strlen(test->bytes);
        size_t chars = 0;
        load_text_fault fault;
        kg_err err = load_text_check(test->bytes, len, &chars, &fault);
        CU_ASSERT_EQUAL(err, test->err);
        if (err != test->err)
            fprintf(stderr, "\ncase %zu: error %d, expected %d\n", case_idx, err, test->err);
        if (err == KG_OK && test->err == KG_OK)
            CU_ASSERT_EQUAL(chars, (size_t)load_utf8_chars(test->bytes, len));
        if (err == KG_OK || test->reason == NULL)
            continue;
        CU_ASSERT_EQUAL(fault.err, err);
        load_reason reason;
        CU_ASSERT_STRING_EQUAL(load_text_reason(&fault, &reason), test->reason);
        /* every text kind refuses it with that reason, and writes nothing */
        for (size_t kind_idx = 0; kind_idx < 3; kind_idx++) {
            load_column column = {"name", text_kinds[kind_idx], 1, 50, NULL};
            strbuf line;
            strbuf_init(&line, 1024);
            const char *refusal = load_field_append(&column, test->bytes, len, &line, &reason);
            CU_ASSERT_STRING_EQUAL(refusal != NULL ? refusal : "(accepted)", test->reason);
            CU_ASSERT_EQUAL(line.len, 0);
            strbuf_free(&line);
        }
    }
}

/* The naive reading: the ranges as the issue lists them. */
static kg_err naive_class(uint32_t code_point)
{
    if (code_point >= 0xD800 && code_point <= 0xDFFF)
        return KG_ERR_TEXT_ENCODING;
    if (code_point <= 0x1F || code_point == 0x7F || (code_point >= 0x80 && code_point <= 0x9F))
        return KG_ERR_TEXT_CONTROL;
    if (code_point >= 0xFDD0 && code_point <= 0xFDEF)
        return KG_ERR_TEXT_NONCHARACTER;
    for (uint32_t plane = 0; plane <= 0x10; plane++)
        if (code_point == plane * 0x10000 + 0xFFFE || code_point == plane * 0x10000 + 0xFFFF)
            return KG_ERR_TEXT_NONCHARACTER;
    return KG_OK;
}

/* UTF-8 of any value up to U+10FFFF, surrogates included (as CESU-8 writes them). */
static size_t encode(uint32_t code_point, char *out)
{
    if (code_point < 0x80) {
        out[0] = (char)code_point;
        return 1;
    }
    if (code_point < 0x800) {
        out[0] = (char)(0xC0 | (code_point >> 6));
        out[1] = (char)(0x80 | (code_point & 0x3F));
        return 2;
    }
    if (code_point < 0x10000) {
        out[0] = (char)(0xE0 | (code_point >> 12));
        out[1] = (char)(0x80 | ((code_point >> 6) & 0x3F));
        out[2] = (char)(0x80 | (code_point & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (code_point >> 18));
    out[1] = (char)(0x80 | ((code_point >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((code_point >> 6) & 0x3F));
    out[3] = (char)(0x80 | (code_point & 0x3F));
    return 4;
}

static void every_code_point_is_judged_as_the_naive_ranges_say(void)
{
    long refused[3] = {0, 0, 0};
    for (uint32_t code_point = 0; code_point <= 0x10FFFF; code_point++) {
        char text[8] = "a";
        size_t len = 1 + encode(code_point, text + 1);
        size_t chars = 0;
        load_text_fault fault = {KG_OK, 0, 0, 0};
        kg_err err = load_text_check(text, len, &chars, &fault);
        kg_err expected = naive_class(code_point);
        if (err != expected) {
            CU_FAIL("a code point judged against the ranges");
            fprintf(stderr, "\nU+%04X: %d, expected %d\n", (unsigned)code_point, err, expected);
            return;
        }
        if (err == KG_OK) {
            CU_ASSERT_EQUAL(chars, 2);
            continue;
        }
        if (fault.code_point != code_point || fault.character != 2) {
            CU_FAIL("the fault names the code point and its position");
            return;
        }
        refused[err - KG_ERR_TEXT_ENCODING]++;
    }
    CU_ASSERT_EQUAL(refused[0], 2048); /* surrogates */
    CU_ASSERT_EQUAL(refused[1], 65);   /* C0, DEL, C1 */
    CU_ASSERT_EQUAL(refused[2], 66);   /* noncharacters */
}

/* Every CP932 character that iconv decodes meets the same check: only the C0 controls
 * and DEL of its single bytes are refused (CP932 has no C1 and no noncharacter). */
static void every_cp932_character_meets_the_same_check(void)
{
    load_decoder *decoder = NULL;
    CU_ASSERT_EQUAL_FATAL(load_decoder_new(1, &decoder), KG_OK);
    load_column column = {"family_name", KIND_TEXT_EMPTY, 1, 50, NULL};
    long decoded = 0, refused = 0;
    int single[256] = {0}; /* the byte is a character of its own (the trail loop starts with it) */
    strbuf line;
    strbuf_init(&line, 1024);
    for (unsigned lead = 0; lead < 256; lead++)
        for (int trail = -1; trail < 256 && !(trail >= 0 && single[lead]); trail++) {
            char bytes[2] = {(char)lead, (char)trail};
            size_t len = trail < 0 ? 1 : 2;
            const char *utf8;
            size_t utf8_len;
            if (load_decode(decoder, bytes, len, &utf8, &utf8_len) != NULL)
                continue;
            single[lead] = len == 1;
            decoded++;
            load_reason reason;
            strbuf_reset(&line);
            const char *refusal = load_field_append(&column, utf8, utf8_len, &line, &reason);
            int control = len == 1 && (lead < 0x20 || lead == 0x7F);
            CU_ASSERT_EQUAL(refusal != NULL, control);
            if (refusal != NULL) {
                refused++;
                char expected[64];
                snprintf(expected, sizeof(expected), "control character U+%04X (character 1)",
                         lead);
                CU_ASSERT_STRING_EQUAL(refusal, expected);
            }
        }
    strbuf_free(&line);
    load_decoder_free(decoder);
    CU_ASSERT_EQUAL(refused, 33);
    CU_ASSERT(decoded > 7000);
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
    CU_ASSERT_STRING_EQUAL(load_decode(decoder, "\xFB\xFC", 2, &utf8, &len),
                           "not valid UTF-8: byte 0xFB (character 1)");
    CU_ASSERT_STRING_EQUAL(load_decode(decoder, "a\xED\xA0\x80", 4, &utf8, &len),
                           "not valid UTF-8: surrogate U+D800 (character 2)");
    /* controls and noncharacters pass the decoder: only text columns refuse them */
    CU_ASSERT_PTR_NULL(load_decode(decoder, "1\t\xEF\xBF\xBF", 5, &utf8, &len));
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
        {"text_fields_refuse_controls_noncharacters_and_surrogates",
         text_fields_refuse_controls_noncharacters_and_surrogates},
        {"every_code_point_is_judged_as_the_naive_ranges_say",
         every_code_point_is_judged_as_the_naive_ranges_say},
        {"every_cp932_character_meets_the_same_check", every_cp932_character_meets_the_same_check},
        {NULL, NULL},
    };
    return tests_add_suite("load_field", cases);
}
