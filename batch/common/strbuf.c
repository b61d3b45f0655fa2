/*
 * strbuf.c - growable buffer with a ceiling (see strbuf.h).
 */
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

void strbuf_init(strbuf *buf, size_t max)
{
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    buf->max = max;
}

void strbuf_free(strbuf *buf)
{
    if (buf == NULL)
        return;
    free(buf->data);
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
}

void strbuf_reset(strbuf *buf)
{
    buf->len = 0;
}

static kg_err reserve(strbuf *buf, size_t extra)
{
    if (extra > buf->max || buf->len > buf->max - extra)
        return KG_ERR_CSV_TOO_LONG;
    size_t need = buf->len + extra;
    if (need <= buf->cap)
        return KG_OK;
    size_t cap = buf->cap == 0 ? 256 : buf->cap;
    while (cap < need)
        cap *= 2;
    if (cap > buf->max + 1)
        cap = buf->max + 1;
    char *grown = realloc(buf->data, cap);
    if (grown == NULL)
        return KG_ERR_NOMEM;
    buf->data = grown;
    buf->cap = cap;
    return KG_OK;
}

kg_err strbuf_append(strbuf *buf, const char *data, size_t len)
{
    kg_err err = reserve(buf, len);
    if (err != KG_OK)
        return err;
    if (len > 0)
        memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    return KG_OK;
}

kg_err strbuf_append_str(strbuf *buf, const char *text)
{
    return strbuf_append(buf, text, strlen(text));
}

kg_err strbuf_append_char(strbuf *buf, char ch)
{
    return strbuf_append(buf, &ch, 1);
}

kg_err strbuf_append_csv_quoted(strbuf *buf, const char *text, size_t len)
{
    kg_err err = strbuf_append_char(buf, '"');
    for (size_t pos = 0; pos < len && err == KG_OK; pos++) {
        if (text[pos] == '"')
            err = strbuf_append_char(buf, '"');
        if (err == KG_OK)
            err = strbuf_append_char(buf, text[pos]);
    }
    if (err == KG_OK)
        err = strbuf_append_char(buf, '"');
    return err;
}

kg_err strbuf_append_csv_row(strbuf *buf, const char *const *columns, size_t count)
{
    kg_err err = KG_OK;
    for (size_t idx = 0; idx < count && err == KG_OK; idx++) {
        if (idx > 0)
            err = strbuf_append_char(buf, ',');
        if (err == KG_OK && columns[idx] != NULL)
            err = strbuf_append_csv_quoted(buf, columns[idx], strlen(columns[idx]));
    }
    return err == KG_OK ? strbuf_append_char(buf, '\n') : err;
}

/* A field a spreadsheet would read as a formula (OWASP, CSV injection). */
static int starts_formula(char first)
{
    return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' ||
           first == '\r';
}

/* One field at row[*pos] (quoted or not) appended, neutralized when it starts a formula;
 * *pos moves past it. */
static kg_err append_neutralized_field(strbuf *buf, const char *row, size_t len, size_t *pos)
{
    size_t start = *pos, text_start, text_end; /* the text as written, quotes still doubled */
    if (start < len && row[start] == '"') {
        size_t idx = start + 1;
        for (;;) {
            if (idx >= len)
                return KG_ERR_CSV_UNTERMINATED;
            if (row[idx] == '"' && idx + 1 < len && row[idx + 1] == '"') {
                idx += 2;
                continue;
            }
            if (row[idx] == '"')
                break;
            idx++;
        }
        text_start = start + 1;
        text_end = idx;
        *pos = idx + 1;
        if (*pos < len && row[*pos] != ',' && row[*pos] != '\n' && row[*pos] != '\r')
            return KG_ERR_CSV_QUOTE;
    } else {
        size_t idx = start;
        while (idx < len && row[idx] != ',' && row[idx] != '\n' && row[idx] != '\r') {
            if (row[idx] == '"')
                return KG_ERR_CSV_QUOTE;
            idx++;
        }
        text_start = start;
        text_end = idx;
        *pos = idx;
    }
    if (text_start == text_end || !starts_formula(row[text_start]))
        return strbuf_append(buf, row + start, *pos - start);
    /* an unquoted text holds no quote: both are copied as they are, inside "'..." */
    kg_err err = strbuf_append(buf, "\"'", 2);
    if (err == KG_OK)
        err = strbuf_append(buf, row + text_start, text_end - text_start);
    return err == KG_OK ? strbuf_append_char(buf, '"') : err;
}

kg_err strbuf_append_csv_neutralized(strbuf *buf, const char *row, size_t len)
{
    size_t pos = 0;
    kg_err err = append_neutralized_field(buf, row, len, &pos);
    while (err == KG_OK && pos < len && row[pos] == ',') {
        err = strbuf_append_char(buf, ',');
        pos++;
        if (err == KG_OK)
            err = append_neutralized_field(buf, row, len, &pos);
    }
    if (err != KG_OK)
        return err;
    /* what is left is the line end: \n, \r\n, or nothing */
    size_t rest = len - pos;
    if (!(rest == 0 || (rest == 1 && row[pos] == '\n') ||
          (rest == 2 && row[pos] == '\r' && row[pos + 1] == '\n')))
        return KG_ERR_CSV_QUOTE;
    return strbuf_append(buf, row + pos, rest);
}

const char *strbuf_cstr(strbuf *buf)
{
    /* The terminator may use the one byte past the ceiling that reserve() allows for. */
    if (buf->len + 1 > buf->cap) {
        char *grown = realloc(buf->data, buf->len + 1);
        if (grown == NULL)
            return NULL;
        buf->data = grown;
        buf->cap = buf->len + 1;
    }
    buf->data[buf->len] = '\0';
    return buf->data;
}
