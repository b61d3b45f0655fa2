/*
 * text_table.c - the counter's tables: display widths, the aligned screen and the CSV
 * (text_table.h).
 */
#include "text_table.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "strbuf.h"

typedef struct width_range {
    uint32_t first, last;
} width_range;

/* Zero width: combining marks, zero-width space and joiners, the kana voicing marks,
 * variation selectors. */
static const width_range zero_width[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A}, {0x064B, 0x065F},
    {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064}, {0x20D0, 0x20F0}, {0x302A, 0x302D},
    {0x3099, 0x309A}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF},
};

/* East Asian Wide (W) and Fullwidth (F), Unicode 15 (EastAsianWidth.txt), merged. */
static const width_range wide[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
    {0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
    {0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
    {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
    {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},
    {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
    {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
    {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
    {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x16FE4},
    {0x17000, 0x18CFF}, {0x1AFF0, 0x1B2FF}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF},
    {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F202}, {0x1F210, 0x1F23B},
    {0x1F240, 0x1F248}, {0x1F250, 0x1F251}, {0x1F260, 0x1F265}, {0x1F300, 0x1F320},
    {0x1F32D, 0x1F335}, {0x1F337, 0x1F37C}, {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA},
    {0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F43E},
    {0x1F440, 0x1F440}, {0x1F442, 0x1F4FC}, {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E},
    {0x1F550, 0x1F567}, {0x1F57A, 0x1F57A}, {0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4},
    {0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2},
    {0x1F6D5, 0x1F6D7}, {0x1F6DC, 0x1F6DF}, {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC},
    {0x1F7E0, 0x1F7EB}, {0x1F7F0, 0x1F7F0}, {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945},
    {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

static bool in_ranges(uint32_t code_point, const width_range *ranges, size_t count)
{
    size_t low = 0, high = count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (code_point < ranges[mid].first)
            high = mid;
        else if (code_point > ranges[mid].last)
            low = mid + 1;
        else
            return true;
    }
    return false;
}

int text_char_width(uint32_t code_point)
{
    if (code_point < 0x20 || (code_point >= 0x7F && code_point < 0xA0))
        return 0;
    if (in_ranges(code_point, zero_width, sizeof(zero_width) / sizeof(zero_width[0])))
        return 0;
    return in_ranges(code_point, wide, sizeof(wide) / sizeof(wide[0])) ? 2 : 1;
}

size_t text_display_width(const char *text)
{
    const unsigned char *at = (const unsigned char *)text;
    size_t width = 0;
    while (*at != '\0') {
        size_t count = *at < 0x80 ? 1 : *at >= 0xF0 ? 4 : *at >= 0xE0 ? 3 : *at >= 0xC0 ? 2 : 0;
        uint32_t code_point = count == 1 ? *at : count == 0 ? 0xFFFD : *at & (0x7Fu >> count);
        size_t taken = 1;
        for (; taken < count && (at[taken] & 0xC0) == 0x80; taken++)
            code_point = (code_point << 6) | (at[taken] & 0x3Fu);
        if (count > 1 && taken < count) { /* cut short: not UTF-8 */
            code_point = 0xFFFD;
            taken = 1;
        }
        width += (size_t)text_char_width(code_point);
        at += count == 0 ? 1 : taken;
    }
    return width;
}

static char *copy_text(const char *text)
{
    size_t len = strlen(text != NULL ? text : "");
    char *copy = malloc(len + 1);
    if (copy != NULL)
        memcpy(copy, text != NULL ? text : "", len + 1);
    return copy;
}

kg_err text_table_init(text_table *table, const text_column *columns, size_t column_count)
{
    memset(table, 0, sizeof(*table));
    if (column_count == 0 || column_count > TEXT_TABLE_COLUMNS_MAX)
        return KG_ERR_INTERNAL;
    const char *headers[TEXT_TABLE_COLUMNS_MAX];
    table->column_count = column_count;
    for (size_t col = 0; col < column_count; col++) {
        headers[col] = columns[col].header;
        table->min_width[col] = columns[col].min_width;
        table->right[col] = columns[col].right;
    }
    return text_table_add(table, headers);
}

kg_err text_table_add(text_table *table, const char *const *cells)
{
    if (table->row_count == table->row_cap) {
        size_t cap = table->row_cap == 0 ? 16 : table->row_cap * 2;
        char **grown = realloc(table->cells, cap * table->column_count * sizeof(*grown));
        if (grown == NULL)
            return KG_ERR_NOMEM;
        table->cells = grown;
        table->row_cap = cap;
    }
    char **row = table->cells + table->row_count * table->column_count;
    for (size_t col = 0; col < table->column_count; col++) {
        row[col] = copy_text(cells[col]);
        if (row[col] == NULL) {
            while (col > 0)
                free(row[--col]);
            return KG_ERR_NOMEM;
        }
    }
    table->row_count++;
    return KG_OK;
}

void text_table_free(text_table *table)
{
    for (size_t idx = 0; idx < table->row_count * table->column_count; idx++)
        free(table->cells[idx]);
    free(table->cells);
    memset(table, 0, sizeof(*table));
}

static int pad(FILE *out, size_t count)
{
    for (size_t idx = 0; idx < count; idx++)
        if (fputc(' ', out) == EOF)
            return -1;
    return 0;
}

int text_table_print(const text_table *table, FILE *out)
{
    size_t widths[TEXT_TABLE_COLUMNS_MAX];
    memcpy(widths, table->min_width, sizeof(widths));
    for (size_t idx = 0; idx < table->row_count * table->column_count; idx++) {
        size_t width = text_display_width(table->cells[idx]);
        size_t col = idx % table->column_count;
        if (width > widths[col])
            widths[col] = width;
    }
    int status = 0;
    for (size_t row = 0; row < table->row_count && status >= 0; row++) {
        char *const *cells = table->cells + row * table->column_count;
        for (size_t col = 0; col < table->column_count && status >= 0; col++) {
            size_t room = widths[col] - text_display_width(cells[col]);
            bool last = col + 1 == table->column_count;
            if (col > 0)
                status = pad(out, 2);
            if (status >= 0 && table->right[col])
                status = pad(out, room);
            if (status >= 0)
                status = fputs(cells[col], out) == EOF ? -1 : 0;
            if (status >= 0 && !table->right[col] && !last)
                status = pad(out, room);
        }
        if (status >= 0)
            status = fputc('\n', out) == EOF ? -1 : 0;
    }
    return status;
}

typedef struct csv_warnings {
    const log_sink *log;
} csv_warnings;

static void warn_unencodable(void *state, const csv_unencodable *where)
{
    const csv_warnings *warnings = state;
    log_line(warnings->log, LOG_WARN,
             _("standard output row %ld, column %zu: U+%04X (%s) has no CP932 form; written as "
               "〓 (U+3013)"),
             where->row, where->column, (unsigned)where->code_point, where->utf8);
}

kg_err text_table_write_csv(const text_table *table, const csv_format *format, FILE *out,
                            const log_sink *log, kg_errbuf *errbuf)
{
    csv_encoder *encoder = NULL;
    kg_err err = csv_encoder_new(format, &encoder, errbuf);
    if (err != KG_OK)
        return err;
    strbuf row, cells, bytes;
    strbuf_init(&row, 1024 * 1024);
    strbuf_init(&cells, 1024 * 1024);
    strbuf_init(&bytes, 2 * 1024 * 1024);
    csv_warnings warnings = {log};
    err = csv_encoder_start(encoder, &bytes);
    for (size_t idx = 0; err == KG_OK && idx < table->row_count; idx++) {
        strbuf_reset(&row);
        strbuf_reset(&cells);
        err = strbuf_append_csv_row(&row,
                                    (const char *const *)(table->cells + idx * table->column_count),
                                    table->column_count);
        if (err == KG_OK)
            err = strbuf_append_csv_neutralized(&cells, row.data, row.len);
        if (err == KG_OK)
            err = csv_encoder_row(encoder, cells.data, cells.len, (long)idx + 1, &bytes,
                                  log != NULL ? warn_unencodable : NULL, &warnings);
    }
    if (err != KG_OK)
        err = kg_fail(errbuf, KG_ERR_NOMEM, _("unable to write the table as CSV: out of memory"));
    else if (fwrite(bytes.data, 1, bytes.len, out) != bytes.len || fflush(out) != 0)
        err = kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to write standard output"));
    strbuf_free(&row);
    strbuf_free(&cells);
    strbuf_free(&bytes);
    csv_encoder_free(encoder);
    return err;
}
