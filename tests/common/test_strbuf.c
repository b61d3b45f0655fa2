/*
 * test_strbuf.c - strbuf_append_csv_neutralized, the CSV writer's defence against formula
 * injection: the OWASP cases, safe rows byte for byte, malformed rows refused, and 20,000
 * generated rows read back by kigen's own CSV reader against a naive expectation.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/csv.h"
#include "common/grow.h"
#include "common/strbuf.h"
#include "test.h"

/* row neutralized, as a NUL-terminated string the caller frees; NULL when it failed. */
static char *neutralized(const char *row, size_t len, kg_err *err)
{
    strbuf buf;
    strbuf_init(&buf, 1 << 20);
    *err = strbuf_append_csv_neutralized(&buf, row, len);
    char *text = NULL;
    if (*err == KG_OK && strbuf_cstr(&buf) != NULL) {
        text = malloc(buf.len + 1);
        if (text != NULL)
            memcpy(text, buf.data, buf.len + 1);
    }
    strbuf_free(&buf);
    return text;
}

static void expect_row(const char *row, const char *expected)
{
    kg_err err = KG_ERR_INTERNAL;
    char *got = neutralized(row, strlen(row), &err);
    CU_ASSERT_EQUAL(err, KG_OK);
    CU_ASSERT_STRING_EQUAL(got != NULL ? got : "(failed)", expected);
    if (got == NULL || strcmp(got, expected) != 0)
        fprintf(stderr, "\nrow: [%s]\ngot: [%s]\nwant: [%s]\n", row, got != NULL ? got : "",
                expected);
    free(got);
}

static void formula_cells_get_a_leading_quote_and_are_quoted(void)
{
    static const struct {
        const char *row, *expected;
    } cases[] = {
        /* the OWASP examples as COPY writes them (a quote or comma makes COPY quote) */
        {"9001,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",K01\n",
         "9001,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",K01\n"},
        {"+cmd|' /C calc'!A0\n", "\"'+cmd|' /C calc'!A0\"\n"},
        {"@SUM(1),-2+3\n", "\"'@SUM(1)\",\"'-2+3\"\n"},
        {"=1+1", "\"'=1+1\""},
        {"a,=b", "a,\"'=b\""},
        {"-\n", "\"'-\"\n"},
        {"\tx,\"\ry\"\n", "\"'\tx\",\"'\ry\"\n"},
        {"\"=a\nb\",2\r\n", "\"'=a\nb\",2\r\n"},
        {"x,\"@\"\"\"\n", "x,\"'@\"\"\"\n"},
    };
    for (size_t idx = 0; idx < sizeof(cases) / sizeof(cases[0]); idx++)
        expect_row(cases[idx].row, cases[idx].expected);
}

static void safe_rows_are_copied_byte_for_byte(void)
{
    static const char *const rows[] = {
        "control_no,office_code,office_name,postal_code,address,name,request_id,file,page\n",
        "97S4AYYTF9TB,K01,架空市中央区役所 区民課,2201013,神奈川県架空市中央区本町23-24,"
        "山田　太郎 様,990002,forms-K01-001.pdf,1\n",
        "9013,900131,recorded_mismatch,\"recorded 2027-01-31, computed 2027-02-01\"\n",
        "9002,900021,auth,,bad_data,birth date is missing\n", /* NULL stays empty */
        "a,\"\",b\n",                                         /* an empty text stays "" */
        "a,\n",
        ",\n",
        "\n",
        "",
        "x\r\n",
        "'=already,\" =space\",＝全角\n", /* not a formula to a spreadsheet */
        "20261201-000001,2026-12-01,2027-01-10\n",
    };
    for (size_t idx = 0; idx < sizeof(rows) / sizeof(rows[0]); idx++)
        expect_row(rows[idx], rows[idx]);
}

static void rows_that_are_not_csv_are_refused(void)
{
    static const struct {
        const char *row;
        kg_err err;
    } cases[] = {
        {"\"abc", KG_ERR_CSV_UNTERMINATED}, {"a,\"=b\n", KG_ERR_CSV_UNTERMINATED},
        {"a\"b\n", KG_ERR_CSV_QUOTE},       {"\"a\"b\n", KG_ERR_CSV_QUOTE},
        {"a\nb\n", KG_ERR_CSV_QUOTE},       {"a\r", KG_ERR_CSV_QUOTE},
    };
    for (size_t idx = 0; idx < sizeof(cases) / sizeof(cases[0]); idx++) {
        kg_err err = KG_OK;
        char *got = neutralized(cases[idx].row, strlen(cases[idx].row), &err);
        CU_ASSERT_EQUAL(err, cases[idx].err);
        CU_ASSERT_PTR_NULL(got);
        free(got);
    }
    strbuf small;
    strbuf_init(&small, 8);
    CU_ASSERT_EQUAL(strbuf_append_csv_neutralized(&small, "=1234567\n", 9), KG_ERR_CSV_TOO_LONG);
    strbuf_free(&small);
}

/* A field as COPY (FORMAT csv) writes it: NULL empty, quoted when empty or holding a
 * comma, quote, CR or LF, quotes doubled. */
static void append_copy_field(strbuf *buf, const char *text)
{
    if (text == NULL)
        return;
    if (text[0] == '\0' || strpbrk(text, ",\"\r\n") != NULL)
        strbuf_append_csv_quoted(buf, text, strlen(text));
    else
        strbuf_append_str(buf, text);
}

static int field_equals(const csv_field *field, const char *text)
{
    return field->len == strlen(text) && memcmp(field->data, text, field->len) == 0;
}

/* Random rows of fields made of the characters that matter (and a Japanese one), as
 * COPY writes them, neutralized, then read back: each field is its text, with a quote
 * before it exactly when its first character starts a formula. */
static void neutralized_rows_read_back_as_the_text_with_a_quote(void)
{
    static const char *const pieces[] = {"=",  "+", "-", "@", "\t", "\r", "\n", ",",
                                         "\"", "'", " ", "a", "1",  "名", "＝"};
    const size_t piece_count = sizeof(pieces) / sizeof(pieces[0]);
    uint64_t state = 20261201;
    long checked = 0, neutralized_count = 0;
    for (int row_idx = 0; row_idx < 20000; row_idx++) {
        char texts[4][64];
        const char *fields[4];
        size_t field_count = 1 + row_idx % 4;
        strbuf row;
        strbuf_init(&row, 1 << 16);
        for (size_t col = 0; col < field_count; col++) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            size_t len = (size_t)(state >> 60) % 5, used = 0;
            texts[col][0] = '\0';
            for (size_t piece_idx = 0; piece_idx < len; piece_idx++) {
                state = state * 6364136223846793005ull + 1442695040888963407ull;
                const char *piece = pieces[(state >> 33) % piece_count];
                used += (size_t)snprintf(texts[col] + used, sizeof(texts[col]) - used, "%s", piece);
            }
            fields[col] = (state >> 20) % 7 == 0 ? NULL : texts[col];
            if (col > 0)
                strbuf_append_char(&row, ',');
            append_copy_field(&row, fields[col]);
        }
        strbuf_append_char(&row, '\n');
        kg_err err = KG_OK;
        char *out = neutralized(row.data, row.len, &err);
        CU_ASSERT_EQUAL_FATAL(err, KG_OK);
        FILE *stream = fmemopen(out, strlen(out), "r");
        csv_reader *reader = NULL;
        CU_ASSERT_EQUAL_FATAL(csv_reader_new(stream, NULL, &reader), KG_OK);
        csv_record record;
        CU_ASSERT_EQUAL(csv_read(reader, &record), KG_OK);
        CU_ASSERT_EQUAL(record.error, KG_OK);
        CU_ASSERT_EQUAL(record.field_count, field_count);
        for (size_t col = 0; col < field_count && col < record.field_count; col++) {
            const char *text = fields[col] != NULL ? fields[col] : "";
            char expected[72];
            int formula = text[0] != '\0' && strchr("=+-@\t\r", text[0]) != NULL;
            snprintf(expected, sizeof(expected), "%s%s", formula ? "'" : "", text);
            CU_ASSERT(field_equals(&record.fields[col], expected));
            neutralized_count += formula;
            checked++;
        }
        CU_ASSERT_EQUAL(csv_read(reader, &record), KG_EOF);
        csv_reader_free(reader);
        fclose(stream);
        free(out);
        strbuf_free(&row);
    }
    CU_ASSERT(checked > 40000);
    CU_ASSERT(neutralized_count > 10000);
}

/* grow_array (common/grow.h): room only when full, 4,096 items first, then doubling; a
 * size that cannot be counted is refused with the array left as it was. */
static void arrays_grow_by_doubling_and_refuse_an_impossible_size(void)
{
    int *items = NULL;
    void *raw = NULL;
    size_t cap = 0;
    CU_ASSERT_EQUAL(grow_array(&raw, &cap, 0, sizeof(int)), KG_OK);
    CU_ASSERT_EQUAL(cap, 4096);
    items = raw;
    for (size_t idx = 0; idx < 4096; idx++)
        items[idx] = (int)idx;
    CU_ASSERT_EQUAL(grow_array(&raw, &cap, 4095, sizeof(int)), KG_OK);
    CU_ASSERT_EQUAL(cap, 4096); /* not full yet: unchanged */
    CU_ASSERT_EQUAL(grow_array(&raw, &cap, 4096, sizeof(int)), KG_OK);
    CU_ASSERT_EQUAL(cap, 8192);
    items = raw;
    CU_ASSERT_EQUAL(items[4095], 4095); /* the items kept */
    size_t huge = SIZE_MAX / 2 + 1;
    void *before = raw;
    CU_ASSERT_EQUAL(grow_array(&raw, &huge, huge, 2), KG_ERR_NOMEM);
    CU_ASSERT_PTR_EQUAL(raw, before);
    CU_ASSERT_EQUAL(huge, SIZE_MAX / 2 + 1);
    free(raw);
}

int tests_register_strbuf(void)
{
    static const test_case cases[] = {
        {"formula_cells_get_a_leading_quote_and_are_quoted",
         formula_cells_get_a_leading_quote_and_are_quoted},
        {"safe_rows_are_copied_byte_for_byte", safe_rows_are_copied_byte_for_byte},
        {"rows_that_are_not_csv_are_refused", rows_that_are_not_csv_are_refused},
        {"neutralized_rows_read_back_as_the_text_with_a_quote",
         neutralized_rows_read_back_as_the_text_with_a_quote},
        {"arrays_grow_by_doubling_and_refuse_an_impossible_size",
         arrays_grow_by_doubling_and_refuse_an_impossible_size},
        {NULL, NULL},
    };
    return tests_add_suite("strbuf", cases);
}
