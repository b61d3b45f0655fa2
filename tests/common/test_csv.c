/*
 * test_csv.c - the RFC 4180 reader: every quoting form, BOM, CRLF, a truncated last
 * line, limits, malformed records and the line numbers reported for each record.
 */
#include <stdio.h>
#include <string.h>

#include "common/csv.h"
#include "test.h"

/* A reader over an in-memory text; the stream and reader are freed by close_text. */
typedef struct text_reader {
    FILE *stream;
    csv_reader *reader;
} text_reader;

static text_reader open_text(const char *text, size_t len, const csv_limits *limits)
{
    text_reader result = {NULL, NULL};
    result.stream = fmemopen((void *)(uintptr_t)text, len, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(result.stream);
    CU_ASSERT_EQUAL_FATAL(csv_reader_new(result.stream, limits, &result.reader), KG_OK);
    return result;
}

static void close_text(text_reader *text)
{
    csv_reader_free(text->reader);
    fclose(text->stream);
}

static int field_is(const csv_record *record, size_t field_idx, const char *expected)
{
    if (field_idx >= record->field_count)
        return 0;
    const csv_field *field = &record->fields[field_idx];
    return field->len == strlen(expected) && memcmp(field->data, expected, field->len) == 0;
}

static void plain_fields_and_lf(void)
{
    static const char text[] = "a,b,c\n1,,3\n";
    text_reader in = open_text(text, sizeof(text) - 1, NULL);
    csv_record record;
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT_EQUAL(record.field_count, 3);
    CU_ASSERT(field_is(&record, 0, "a") && field_is(&record, 2, "c"));
    CU_ASSERT_EQUAL(record.line, 1);
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT_EQUAL(record.field_count, 3);
    CU_ASSERT(field_is(&record, 1, "") && field_is(&record, 2, "3"));
    CU_ASSERT_EQUAL(record.line, 2);
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_EOF);
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_EOF);
    close_text(&in);
}

static void quoted_fields_hold_commas_quotes_and_newlines(void)
{
    static const char text[] = "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"\"\nnext,row\n";
    text_reader in = open_text(text, sizeof(text) - 1, NULL);
    csv_record record;
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT_EQUAL(record.error, KG_OK);
    CU_ASSERT_EQUAL(record.field_count, 4);
    CU_ASSERT(field_is(&record, 0, "a,b"));
    CU_ASSERT(field_is(&record, 1, "say \"hi\""));
    CU_ASSERT(field_is(&record, 2, "two\nlines"));
    CU_ASSERT(field_is(&record, 3, ""));
    CU_ASSERT_EQUAL(record.line, 1);
    CU_ASSERT_EQUAL(record.line_count, 2);
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT_EQUAL(record.line, 3);
    CU_ASSERT(field_is(&record, 0, "next") && field_is(&record, 1, "row"));
    close_text(&in);
}

static void bom_is_skipped_only_at_start(void)
{
    static const char text[] = "\xEF\xBB\xBFid,name\n1,\xEF\xBB\xBFx\n";
    text_reader in = open_text(text, sizeof(text) - 1, NULL);
    csv_record record;
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT(field_is(&record, 0, "id"));
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT(field_is(&record, 1, "\xEF\xBB\xBFx"));
    close_text(&in);
}

static void bom_only_file_is_empty(void)
{
    static const char text[] = "\xEF\xBB\xBF";
    text_reader in = open_text(text, sizeof(text) - 1, NULL);
    csv_record record;
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_EOF);
    close_text(&in);
}

static void crlf_line_ends(void)
{
    static const char text[] = "a,\"b\"\r\n1,2\r\n\"x\r\ny\",z\r\n";
    text_reader in = open_text(text, sizeof(text) - 1, NULL);
    csv_record record;
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT(field_is(&record, 0, "a") && field_is(&record, 1, "b"));
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT(field_is(&record, 1, "2"));
    CU_ASSERT_EQUAL(record.line, 2);
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT(field_is(&record, 0, "x\r\ny") && field_is(&record, 1, "z"));
    CU_ASSERT_EQUAL(record.line, 3);
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_EOF);
    close_text(&in);
}

static void truncated_last_line_is_a_record(void)
{
    static const char text[] = "a,b\n1,2";
    text_reader in = open_text(text, sizeof(text) - 1, NULL);
    csv_record record;
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT_EQUAL(record.error, KG_OK);
    CU_ASSERT(field_is(&record, 0, "1") && field_is(&record, 1, "2"));
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_EOF);
    close_text(&in);
}

static void unterminated_quote_at_end_is_an_error(void)
{
    static const char text[] = "a,b\n1,\"open\n";
    text_reader in = open_text(text, sizeof(text) - 1, NULL);
    csv_record record;
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT_EQUAL(record.error, KG_ERR_CSV_UNTERMINATED);
    CU_ASSERT_EQUAL(record.field_count, 0);
    CU_ASSERT_EQUAL(record.line, 2);
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_EOF);
    close_text(&in);
}

static void stray_quotes_spoil_only_their_record(void)
{
    static const char text[] = "ab\"c,d\n\"x\"y,z\nok,1\n";
    text_reader in = open_text(text, sizeof(text) - 1, NULL);
    csv_record record;
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT_EQUAL(record.error, KG_ERR_CSV_QUOTE);
    CU_ASSERT_EQUAL(record.line, 1);
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT_EQUAL(record.error, KG_ERR_CSV_QUOTE);
    CU_ASSERT_EQUAL(record.line, 2);
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT_EQUAL(record.error, KG_OK);
    CU_ASSERT(field_is(&record, 0, "ok"));
    CU_ASSERT_EQUAL(record.line, 3);
    close_text(&in);
}

static void overlong_record_is_an_error_and_reading_goes_on(void)
{
    csv_limits limits = {.max_record_bytes = 8, .max_fields = 4};
    static const char text[] = "short,1\n\"a very long\nquoted field\",2\n1,2,3,4,5\nlast,3\n";
    text_reader in = open_text(text, sizeof(text) - 1, &limits);
    csv_record record;
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT_EQUAL(record.error, KG_OK);
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT_EQUAL(record.error, KG_ERR_CSV_TOO_LONG);
    CU_ASSERT_EQUAL(record.line, 2);
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT_EQUAL(record.error, KG_ERR_CSV_TOO_MANY_FIELDS);
    CU_ASSERT_EQUAL(record.line, 4);
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT_EQUAL(record.error, KG_OK);
    CU_ASSERT(field_is(&record, 0, "last"));
    CU_ASSERT_EQUAL(record.line, 5);
    close_text(&in);
}

static void blank_line_is_one_empty_field(void)
{
    static const char text[] = "a\n\nb\n";
    text_reader in = open_text(text, sizeof(text) - 1, NULL);
    csv_record record;
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT_EQUAL(record.field_count, 1);
    CU_ASSERT(field_is(&record, 0, ""));
    CU_ASSERT_EQUAL(record.line, 2);
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT(field_is(&record, 0, "b"));
    CU_ASSERT_EQUAL(record.line, 3);
    close_text(&in);
}

static void trailing_comma_gives_empty_last_field(void)
{
    static const char text[] = "a,b,\n";
    text_reader in = open_text(text, sizeof(text) - 1, NULL);
    csv_record record;
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT_EQUAL(record.field_count, 3);
    CU_ASSERT(field_is(&record, 2, ""));
    close_text(&in);
}

static void bytes_pass_through_untouched(void)
{
    /* CP932 "表" is 0x95 0x5C (a backslash trail byte); UTF-8 and NUL bytes pass too. */
    static const char text[] = "\x95\x5C,\xE8\xA1\xA8,a\0b\n";
    text_reader in = open_text(text, sizeof(text) - 1, NULL);
    csv_record record;
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    CU_ASSERT_EQUAL(record.field_count, 3);
    CU_ASSERT(field_is(&record, 0, "\x95\x5C"));
    CU_ASSERT_EQUAL(record.fields[2].len, 3);
    close_text(&in);
}

static void records_across_read_blocks(void)
{
    /* 20,000 records of ~30 bytes cross many 64 KiB blocks, some inside quotes. */
    enum { ROWS = 20000 };
    static char text[ROWS * 40];
    size_t len = 0;
    for (int row_idx = 0; row_idx < ROWS; row_idx++)
        len += (size_t)snprintf(text + len, sizeof(text) - len, "%d,\"q,%d\nx\",tail\n", row_idx,
                                row_idx);
    text_reader in = open_text(text, len, NULL);
    csv_record record;
    long bad = 0;
    for (int row_idx = 0; row_idx < ROWS; row_idx++) {
        char expected[32];
        snprintf(expected, sizeof(expected), "q,%d\nx", row_idx);
        if (csv_read(in.reader, &record) != KG_OK || record.field_count != 3 ||
            !field_is(&record, 1, expected) || record.line != 1 + 2L * row_idx)
            bad++;
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_EOF);
    close_text(&in);
}

/* Every record of text, fields joined by '|', records by '\n' with line and error. */
static void transcript(const char *text, size_t len, const csv_limits *limits, char *out,
                       size_t cap)
{
    text_reader in = open_text(text, len, limits);
    csv_record record;
    size_t used = 0;
    out[0] = '\0';
    while (csv_read(in.reader, &record) == KG_OK && used < cap) {
        used += (size_t)snprintf(out + used, cap - used, "%ld+%ld e%d:", record.line,
                                 record.line_count, (int)record.error);
        for (size_t field_idx = 0; field_idx < record.field_count && used < cap; field_idx++)
            used +=
                (size_t)snprintf(out + used, cap - used, "|%.*s", (int)record.fields[field_idx].len,
                                 record.fields[field_idx].data);
        if (used < cap)
            used += (size_t)snprintf(out + used, cap - used, "\n");
    }
    close_text(&in);
}

/* Blocks of a few bytes (the fuzz target's second reading) give what one block gives: a
 * BOM, CRLF and quotes split across block edges; a block under 3 bytes counts as 3. */
static void small_blocks_read_as_one_block(void)
{
    static const char text[] = "\xEF\xBB\xBFid,name\r\n1,\"a,\"\"b\"\"\r\nc\"\r\n\r\n2,x\"y\r"
                               "3,\"open\r\n";
    char whole[1024], small[1024];
    transcript(text, sizeof(text) - 1, NULL, whole, sizeof(whole));
    CU_ASSERT_STRING_EQUAL(whole, "1+1 e0:|id|name\n"
                                  "2+2 e0:|1|a,\"b\"\r\nc\n"
                                  "4+1 e0:|\n"
                                  "5+1 e25:\n"
                                  "6+1 e26:\n");
    for (size_t block = 1; block <= 12; block++) {
        csv_limits limits = {.block_bytes = block};
        transcript(text, sizeof(text) - 1, &limits, small, sizeof(small));
        CU_ASSERT_STRING_EQUAL(small, whole);
    }
}

static void header_mapping_finds_columns_in_any_order(void)
{
    static const char text[] = "issued_on,extra,type\n";
    text_reader in = open_text(text, sizeof(text) - 1, NULL);
    csv_record record;
    CU_ASSERT_EQUAL(csv_read(in.reader, &record), KG_OK);
    static const char *const names[] = {"type", "issued_on", "birth_date"};
    size_t positions[3];
    CU_ASSERT_EQUAL(csv_map_header(&record, names, 3, 2, positions), 3);
    CU_ASSERT_EQUAL(positions[0], 2);
    CU_ASSERT_EQUAL(positions[1], 0);
    CU_ASSERT_EQUAL(positions[2], CSV_COLUMN_ABSENT);
    CU_ASSERT_EQUAL(csv_map_header(&record, names, 3, 3, positions), 2);
    csv_field absent = csv_record_field(&record, CSV_COLUMN_ABSENT);
    CU_ASSERT_EQUAL(absent.len, 0);
    csv_field past_end = csv_record_field(&record, 7);
    CU_ASSERT_EQUAL(past_end.len, 0);
    close_text(&in);
}

int tests_register_csv(void)
{
    static const test_case cases[] = {
        {"plain_fields_and_lf", plain_fields_and_lf},
        {"quoted_fields_hold_commas_quotes_and_newlines",
         quoted_fields_hold_commas_quotes_and_newlines},
        {"bom_is_skipped_only_at_start", bom_is_skipped_only_at_start},
        {"bom_only_file_is_empty", bom_only_file_is_empty},
        {"crlf_line_ends", crlf_line_ends},
        {"truncated_last_line_is_a_record", truncated_last_line_is_a_record},
        {"unterminated_quote_at_end_is_an_error", unterminated_quote_at_end_is_an_error},
        {"stray_quotes_spoil_only_their_record", stray_quotes_spoil_only_their_record},
        {"overlong_record_is_an_error_and_reading_goes_on",
         overlong_record_is_an_error_and_reading_goes_on},
        {"blank_line_is_one_empty_field", blank_line_is_one_empty_field},
        {"trailing_comma_gives_empty_last_field", trailing_comma_gives_empty_last_field},
        {"bytes_pass_through_untouched", bytes_pass_through_untouched},
        {"records_across_read_blocks", records_across_read_blocks},
        {"small_blocks_read_as_one_block", small_blocks_read_as_one_block},
        {"header_mapping_finds_columns_in_any_order", header_mapping_finds_columns_in_any_order},
        {NULL, NULL},
    };
    return tests_add_suite("csv", cases);
}
