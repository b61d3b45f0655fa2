/*
 * strbuf.h - a growable byte buffer with a ceiling.
 *
 * Grows by doubling up to `max` bytes; an append past the ceiling fails with
 * KG_ERR_CSV_TOO_LONG and leaves the buffer as it was. The buffer owns its bytes;
 * strbuf_free releases them (and accepts a zeroed or already-freed buffer).
 */
#ifndef KIGEN_STRBUF_H
#define KIGEN_STRBUF_H

#include <stddef.h>

#include "error.h"

typedef struct strbuf {
    char *data; /* owned; not NUL-terminated unless strbuf_cstr was called */
    size_t len;
    size_t cap;
    size_t max; /* ceiling in bytes */
} strbuf;

void strbuf_init(strbuf *buf, size_t max);
void strbuf_free(strbuf *buf);
void strbuf_reset(strbuf *buf);
kg_err strbuf_append(strbuf *buf, const char *data, size_t len);
kg_err strbuf_append_str(strbuf *buf, const char *text);
kg_err strbuf_append_char(strbuf *buf, char ch);
/* NUL-terminates (not counted in len) and returns data; NULL when that fails. */
/* Appends len bytes of text as one RFC 4180 quoted field: in double quotes, each quote
 * doubled (so an empty text is "", which COPY reads as '' and not NULL). */
kg_err strbuf_append_csv_quoted(strbuf *buf, const char *text, size_t len);
/* Appends one CSV row of count columns and its newline: a NULL column is an empty field
 * (COPY reads it as NULL), any text is quoted (so "" stays an empty text). */
kg_err strbuf_append_csv_row(strbuf *buf, const char *const *columns, size_t count);
/* Appends a CSV row as `COPY ... (FORMAT csv)` writes one (len bytes, its line end
 * included or not) for a person's spreadsheet: a field whose text begins with '=', '+',
 * '-', '@', TAB or CR (a formula to Excel, LibreOffice or Google Sheets) is written
 * quoted with a single quote (') before its text, as OWASP recommends against CSV
 * injection; every other field and the line end are copied byte for byte (an empty
 * unquoted field stays empty: COPY's NULL). KG_ERR_CSV_QUOTE for a quote inside an
 * unquoted field or after a closing one, KG_ERR_CSV_UNTERMINATED for a quoted field
 * without its closing quote; the buffer's KG_ERR_CSV_TOO_LONG, KG_ERR_NOMEM. On error the
 * buffer may hold part of the row. */
kg_err strbuf_append_csv_neutralized(strbuf *buf, const char *row, size_t len);

const char *strbuf_cstr(strbuf *buf);

#endif
