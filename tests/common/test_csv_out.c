/*
 * test_csv_out.c - the CSV files a person opens (common/csv_out.h: the UTF-8 BOM, CP932
 * with 〓 and a report for a character it lacks) and the counter's tables
 * (common/text_table.h: display widths against glibc's wcwidth, columns that line up with
 * Japanese names, the same table as CSV read back by kigen's own reader).
 */
#define _XOPEN_SOURCE 700 /* wcwidth */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "common/csv.h"
#include "common/csv_out.h"
#include "common/text_table.h"
#include "test.h"

/* The bytes of rows (each with its line end) in format, and what was reported. */
typedef struct reported {
    csv_unencodable where[8];
    int count;
} reported;

static void remember(void *state, const csv_unencodable *where)
{
    reported *seen = state;
    if (seen->count < 8)
        seen->where[seen->count] = *where;
    seen->count++;
}

static char *encoded(const csv_format *format, const char *const *rows, reported *seen, size_t *len)
{
    csv_encoder *encoder = NULL;
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL_FATAL(csv_encoder_new(format, &encoder, &errbuf), KG_OK);
    strbuf out;
    strbuf_init(&out, 1 << 20);
    CU_ASSERT_EQUAL(csv_encoder_start(encoder, &out), KG_OK);
    for (long row = 0; rows[row] != NULL; row++)
        CU_ASSERT_EQUAL(
            csv_encoder_row(encoder, rows[row], strlen(rows[row]), row, &out, remember, seen),
            KG_OK);
    csv_encoder_free(encoder);
    *len = out.len;
    char *bytes = malloc(out.len + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bytes);
    if (out.len > 0)
        memcpy(bytes, out.data, out.len);
    bytes[out.len] = '\0';
    strbuf_free(&out);
    return bytes;
}

static void a_bom_starts_the_file_and_the_rows_are_copied(void)
{
    const char *rows[] = {"control_no,name\n", "ABCD-EFGH-JKMN,佐藤　一郎\n", NULL};
    csv_format format = {true, CSV_UTF8};
    reported seen = {.count = 0};
    size_t len = 0;
    char *bytes = encoded(&format, rows, &seen, &len);
    const char expected[] = "\xEF\xBB\xBF"
                            "control_no,name\nABCD-EFGH-JKMN,佐藤　一郎\n";
    CU_ASSERT_EQUAL(len, sizeof(expected) - 1);
    CU_ASSERT_EQUAL(memcmp(bytes, expected, sizeof(expected) - 1), 0);
    CU_ASSERT_EQUAL(seen.count, 0);
    free(bytes);
    /* without the BOM: the rows alone, byte for byte */
    format.bom = false;
    bytes = encoded(&format, rows, &seen, &len);
    CU_ASSERT_EQUAL(len, sizeof(expected) - 4);
    CU_ASSERT_EQUAL(memcmp(bytes, expected + 3, len), 0);
    free(bytes);
}

static void cp932_writes_shift_jis_and_never_a_bom(void)
{
    /* 佐藤 一郎 and 髙橋 (an IBM extension), a full-width space, a wave dash */
    const char *rows[] = {"name,kana\n", "佐藤　一郎,髙橋～\n", NULL};
    csv_format format = {true, CSV_CP932};
    reported seen = {.count = 0};
    size_t len = 0;
    char *bytes = encoded(&format, rows, &seen, &len);
    const char expected[] = "name,kana\n\x8D\xB2\x93\xA1\x81\x40\x88\xEA\x98\x59,\xFB\xFC\x8B\xB4"
                            "\x81\x60\n";
    CU_ASSERT_EQUAL(len, sizeof(expected) - 1);
    CU_ASSERT_EQUAL(memcmp(bytes, expected, sizeof(expected) - 1), 0);
    CU_ASSERT_EQUAL(seen.count, 0);
    free(bytes);
}

static void a_character_without_cp932_is_a_geta_and_is_reported(void)
{
    /* 𠮷 (U+20BB7) and 剝 (U+525D, JIS X 0213) have no CP932 form; 吉 has */
    const char *rows[] = {"id,name,address\n", "1,\"𠮷田, 太郎\",剝岡\n", "2,吉田,x\n", NULL};
    csv_format format = {false, CSV_CP932};
    reported seen = {.count = 0};
    size_t len = 0;
    char *bytes = encoded(&format, rows, &seen, &len);
    CU_ASSERT_EQUAL(seen.count, 2);
    CU_ASSERT_EQUAL(seen.where[0].row, 1);
    CU_ASSERT_EQUAL(seen.where[0].column, 2); /* the comma inside quotes is not a column */
    CU_ASSERT_EQUAL(seen.where[0].code_point, 0x20BB7);
    CU_ASSERT_STRING_EQUAL(seen.where[0].utf8, "𠮷");
    CU_ASSERT_EQUAL(seen.where[1].row, 1);
    CU_ASSERT_EQUAL(seen.where[1].column, 3);
    CU_ASSERT_EQUAL(seen.where[1].code_point, 0x525D);
    /* 〓 (81 AC) in its place, never '?', nothing dropped */
    test_contains(bytes, "1,\"\x81\xAC\x93\x63, \x91\xBE\x98\x59\",\x81\xAC\x89\xAA\n");
    test_contains(bytes, "2,\x8B\x67\x93\x63,x\n");
    CU_ASSERT_PTR_NULL(strchr(bytes, '?'));
    free(bytes);
}

static void bytes_that_are_not_utf8_are_reported_as_u_fffd(void)
{
    const char *rows[] = {"a,b\xFF"
                          "c\n",
                          NULL};
    csv_format format = {false, CSV_CP932};
    reported seen = {.count = 0};
    size_t len = 0;
    char *bytes = encoded(&format, rows, &seen, &len);
    CU_ASSERT_EQUAL(seen.count, 1);
    CU_ASSERT_EQUAL(seen.where[0].code_point, 0xFFFD);
    CU_ASSERT_EQUAL(seen.where[0].column, 2);
    CU_ASSERT_STRING_EQUAL(bytes, "a,b\x81\xAC"
                                  "c\n");
    free(bytes);
}

static void encodings_have_a_name(void)
{
    csv_encoding encoding = CSV_UTF8;
    CU_ASSERT_TRUE(csv_encoding_parse("cp932", &encoding));
    CU_ASSERT_EQUAL(encoding, CSV_CP932);
    CU_ASSERT_TRUE(csv_encoding_parse("utf8", &encoding));
    CU_ASSERT_EQUAL(encoding, CSV_UTF8);
    CU_ASSERT_FALSE(csv_encoding_parse("sjis", &encoding));
    CU_ASSERT_FALSE(csv_encoding_parse("CP932", &encoding));
    CU_ASSERT_STRING_EQUAL(csv_encoding_name(CSV_CP932), "cp932");
    CU_ASSERT_STRING_EQUAL(csv_encoding_name(CSV_UTF8), "utf8");
}

/* Our width table against glibc's wcwidth under C.UTF-8, over every character a Japanese
 * name, address or screen uses: ASCII, Latin-1, general punctuation, CJK symbols, kana,
 * the CJK ideographs, compatibility ideographs, full-width and half-width forms, and
 * the supplementary ideographs. */
static void widths_agree_with_wcwidth_where_japanese_lives(void)
{
    char *saved = setlocale(LC_CTYPE, NULL);
    char previous[64];
    snprintf(previous, sizeof(previous), "%s", saved != NULL ? saved : "C");
    if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
        fprintf(stderr, "\n(no C.UTF-8 locale: wcwidth not compared)\n");
        return;
    }
    static const struct {
        uint32_t first, last;
    } ranges[] = {{0x20, 0x7E},     {0xA0, 0xFF},     {0x2010, 0x2027},
                  {0x3000, 0x303E}, {0x3041, 0x30FF}, {0x4E00, 0x9FFF},
                  {0xF900, 0xFA6D}, {0xFF01, 0xFFEE}, {0x20000, 0x2A6DF}};
    long disagreements = 0;
    for (size_t idx = 0; idx < sizeof(ranges) / sizeof(ranges[0]); idx++)
        for (uint32_t cp = ranges[idx].first; cp <= ranges[idx].last; cp++) {
            int expected = wcwidth((wchar_t)cp);
            if (expected < 0)
                continue; /* unassigned in glibc's table */
            if (text_char_width(cp) != expected && disagreements++ < 5)
                fprintf(stderr, "\nU+%04X: ours %d, wcwidth %d\n", (unsigned)cp,
                        text_char_width(cp), expected);
        }
    setlocale(LC_CTYPE, previous);
    CU_ASSERT_EQUAL(disagreements, 0);
}

static void display_width_counts_wide_characters_twice(void)
{
    CU_ASSERT_EQUAL(text_display_width("ABCD-EFGH-JKMN"), 14);
    CU_ASSERT_EQUAL(text_display_width("佐藤　一郎"), 10);
    CU_ASSERT_EQUAL(text_display_width("ｻﾄｳ"), 3); /* half-width kana */
    CU_ASSERT_EQUAL(text_display_width("𠮷田"), 4);
    CU_ASSERT_EQUAL(text_display_width("か\xE3\x82\x99"), 2); /* か and a combining voicing mark */
    CU_ASSERT_EQUAL(text_display_width("A\xFF"), 2);          /* a stray byte counts 1 */
    CU_ASSERT_EQUAL(text_display_width(""), 0);
}

/* The table printed into a string the caller frees. */
static char *printed(const text_table *table)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_EQUAL(text_table_print(table, out), 0);
    fclose(out);
    return text;
}

/* The display columns at which each cell of a printed line starts and ends (cells are
 * separated by two spaces or more), into starts and ends; how many cells. */
static int cells_of(const char *line, size_t *starts, size_t *ends, int cap)
{
    int count = 0;
    size_t column = 0;
    int spaces = 2;
    for (const char *at = line; *at != '\0' && *at != '\n';) {
        unsigned char lead = (unsigned char)*at;
        size_t bytes = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        char one[5] = {0};
        memcpy(one, at, bytes);
        size_t width = text_display_width(one);
        if (*at == ' ') {
            spaces++;
        } else {
            if (spaces >= 2 && count < cap)
                starts[count++] = column;
            spaces = 0;
            if (count > 0)
                ends[count - 1] = column + width;
        }
        column += width;
        at += bytes;
    }
    return count;
}

static void japanese_columns_line_up_by_display_width(void)
{
    const text_column columns[] = {
        {"照会番号", 0, false}, {"種類", 0, false}, {"経過日数", 0, true}, {"氏名", 0, false}};
    text_table table;
    CU_ASSERT_EQUAL_FATAL(text_table_init(&table, columns, 4), KG_OK);
    const char *rows[][4] = {{"ABCD-EFGH-JKMN", "照会", "31", "佐藤　一郎"},
                             {"0123-4567-89AB", "同封", "5", "Smith John"},
                             {"ZZZZ-ZZZZ-ZZZZ", "inquiry", "120", "𠮷田 ｻﾄｳ"}};
    for (int row = 0; row < 3; row++)
        CU_ASSERT_EQUAL(text_table_add(&table, rows[row]), KG_OK);
    char *text = printed(&table);
    /* on every line, in display columns: the kind starts at 16 (照会番号 is 8 wide, the
     * numbers 14), the days end at 33 (種類 4, inquiry 7; 経過日数 8, right-aligned), the
     * name starts at 35 */
    int lines = 0;
    for (char *line = text; line != NULL && *line != '\0'; lines++) {
        size_t starts[8] = {0}, ends[8] = {0};
        int count = cells_of(line, starts, ends, 8);
        CU_ASSERT_EQUAL(count, 4);
        CU_ASSERT_EQUAL(starts[0], 0);
        CU_ASSERT_EQUAL(starts[1], 16);
        CU_ASSERT_EQUAL(ends[2], 33);
        CU_ASSERT_EQUAL(starts[3], 35);
        char *end = strchr(line, '\n');
        CU_ASSERT_PTR_NOT_NULL_FATAL(end);
        CU_ASSERT_NOT_EQUAL(end[-1], ' '); /* no trailing spaces */
        line = end + 1;
    }
    CU_ASSERT_EQUAL(lines, 4);
    char expected[128];
    snprintf(expected, sizeof(expected), "ABCD-EFGH-JKMN  照会%*s31  佐藤　一郎\n", 11, "");
    test_contains(text, expected);
    free(text);
    text_table_free(&table);
}

static void an_english_table_keeps_its_least_widths(void)
{
    const text_column columns[] = {{"control number", 14, false},
                                   {"kind", 8, false},
                                   {"days", 4, true},
                                   {"resident", 8, true},
                                   {"name", 0, false}};
    text_table table;
    CU_ASSERT_EQUAL_FATAL(text_table_init(&table, columns, 5), KG_OK);
    const char *row[] = {"ABCD-EFGH-JKMN", "inquiry", "31", "9001", "佐藤　一郎"};
    CU_ASSERT_EQUAL(text_table_add(&table, row), KG_OK);
    char *text = printed(&table);
    char expected[256];
    snprintf(expected, sizeof(expected), "%-14s  %-8s  %4s  %8s  %s\n%-14s  %-8s  %4s  %8s  %s\n",
             "control number", "kind", "days", "resident", "name", row[0], row[1], row[2], row[3],
             row[4]);
    CU_ASSERT_STRING_EQUAL(text, expected);
    free(text);
    text_table_free(&table);
}

static void the_table_as_csv_reads_back_with_its_bom(void)
{
    const text_column columns[] = {{"照会番号", 0, false}, {"氏名", 0, false}};
    text_table table;
    CU_ASSERT_EQUAL_FATAL(text_table_init(&table, columns, 2), KG_OK);
    const char *rows[][2] = {{"ABCD-EFGH-JKMN", "佐藤　一郎"},
                             {"0123-4567-89AB", "=HYPERLINK(\"x\"), \"quoted\""}};
    for (int row = 0; row < 2; row++)
        CU_ASSERT_EQUAL(text_table_add(&table, rows[row]), KG_OK);
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    csv_format format = {true, CSV_UTF8};
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL(text_table_write_csv(&table, &format, out, NULL, &errbuf), KG_OK);
    fclose(out);
    CU_ASSERT_EQUAL(memcmp(text, CSV_BOM, CSV_BOM_LEN), 0);
    /* read back: the header and each cell as it was, the formula with its quote (D24) */
    FILE *in = fmemopen(text, size, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(in);
    csv_reader *reader = NULL;
    CU_ASSERT_EQUAL_FATAL(csv_reader_new(in, NULL, &reader), KG_OK);
    const char *expected[][2] = {{"照会番号", "氏名"},
                                 {"ABCD-EFGH-JKMN", "佐藤　一郎"},
                                 {"0123-4567-89AB", "'=HYPERLINK(\"x\"), \"quoted\""}};
    csv_record record;
    int count = 0;
    while (csv_read(reader, &record) == KG_OK && count < 3) {
        CU_ASSERT_EQUAL(record.error, KG_OK);
        CU_ASSERT_EQUAL_FATAL(record.field_count, 2);
        for (int col = 0; col < 2; col++)
            CU_ASSERT_TRUE(csv_field_equals(&record.fields[col], expected[count][col]));
        count++;
    }
    CU_ASSERT_EQUAL(count, 3);
    csv_reader_free(reader);
    fclose(in);
    free(text);
    text_table_free(&table);
}

int tests_register_csv_out(void)
{
    static const test_case cases[] = {
        {"a_bom_starts_the_file_and_the_rows_are_copied",
         a_bom_starts_the_file_and_the_rows_are_copied},
        {"cp932_writes_shift_jis_and_never_a_bom", cp932_writes_shift_jis_and_never_a_bom},
        {"a_character_without_cp932_is_a_geta_and_is_reported",
         a_character_without_cp932_is_a_geta_and_is_reported},
        {"bytes_that_are_not_utf8_are_reported_as_u_fffd",
         bytes_that_are_not_utf8_are_reported_as_u_fffd},
        {"encodings_have_a_name", encodings_have_a_name},
        {"widths_agree_with_wcwidth_where_japanese_lives",
         widths_agree_with_wcwidth_where_japanese_lives},
        {"display_width_counts_wide_characters_twice", display_width_counts_wide_characters_twice},
        {"japanese_columns_line_up_by_display_width", japanese_columns_line_up_by_display_width},
        {"an_english_table_keeps_its_least_widths", an_english_table_keeps_its_least_widths},
        {"the_table_as_csv_reads_back_with_its_bom", the_table_as_csv_reads_back_with_its_bom},
        {NULL, NULL},
    };
    return tests_add_suite("csv_out", cases);
}
