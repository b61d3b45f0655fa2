/*
 * text_table.h - a small table for the counter's screens: columns aligned by display
 * width (an East Asian wide or full-width character takes two columns of a terminal, as
 * wcwidth(3) counts them under a UTF-8 locale), or the same table as CSV for a
 * spreadsheet (csv_out.h: the BOM or CP932). Holds a copy of its cells; a screen's worth,
 * not a city's. Rules: docs/decisions.md D119.
 */
#ifndef KIGEN_TEXT_TABLE_H
#define KIGEN_TEXT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "csv_out.h"
#include "error.h"
#include "log.h"

#define TEXT_TABLE_COLUMNS_MAX 16

/* The columns a terminal gives code_point: 0 for combining marks, zero-width characters
 * and controls; 2 for East Asian Wide (W) and Fullwidth (F) characters (Unicode 15's
 * EastAsianWidth.txt: Hangul Jamo, CJK and kana, Hangul syllables, CJK compatibility,
 * full-width forms, emoji and the supplementary ideographic planes); 1 otherwise,
 * Ambiguous (A) included, as glibc's wcwidth counts them. Our own table: the answer does
 * not depend on the machine's locales. */
int text_char_width(uint32_t code_point);

/* The display width of a UTF-8 text (a byte that is not UTF-8 counts 1). */
size_t text_display_width(const char *text);

/* A column: its header (copied), its least width in display columns, its alignment. */
typedef struct text_column {
    const char *header;
    size_t min_width;
    bool right; /* numbers */
} text_column;

typedef struct text_table {
    size_t column_count;
    size_t min_width[TEXT_TABLE_COLUMNS_MAX];
    bool right[TEXT_TABLE_COLUMNS_MAX]; /* right-aligned columns (numbers) */
    char **cells;                       /* owned; row-major, row 0 the header */
    size_t row_count;                   /* the header included */
    size_t row_cap;
} text_table;

/* A table of these columns. KG_ERR_NOMEM, KG_ERR_INTERNAL for none or more than
 * TEXT_TABLE_COLUMNS_MAX. */
kg_err text_table_init(text_table *table, const text_column *columns, size_t column_count);

/* Adds a row of column_count cells (copied; NULL is empty). KG_ERR_NOMEM. */
kg_err text_table_add(text_table *table, const char *const *cells);

/* Frees the cells; accepts a zeroed or freed table. */
void text_table_free(text_table *table);

/* The table on out: each column as wide as its widest cell in display columns, two spaces
 * between columns, the last column not padded (no trailing spaces). A negative value when
 * writing fails. A column is at least its min_width wide. */
int text_table_print(const text_table *table, FILE *out);

/* The table (its header first) as CSV on out in format: fields quoted where RFC 4180
 * needs it, formulas neutralized (strbuf_append_csv_neutralized), LF line ends as the
 * run's CSV files; a character with no CP932 form is written as 〓 and reported on log as a
 * warning naming the row (as a spreadsheet numbers it: the header is row 1), the column
 * and the character. KG_ERR_IO_WRITE "unable to write
 * standard output", KG_ERR_NOMEM. */
kg_err text_table_write_csv(const text_table *table, const csv_format *format, FILE *out,
                            const log_sink *log, kg_errbuf *errbuf);

#endif
