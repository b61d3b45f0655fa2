/*
 * csv_out.c - the BOM and the CP932 conversion of the CSV files a person opens
 * (csv_out.h). iconv(3) of glibc converts; this file only finds where it stopped.
 */
#include "csv_out.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

struct csv_encoder {
    csv_format format;
    iconv_t to_cp932; /* (iconv_t)-1 for UTF-8 */
};

const char *csv_encoding_name(csv_encoding encoding)
{
    return encoding == CSV_CP932 ? "cp932" : "utf8";
}

bool csv_encoding_parse(const char *text, csv_encoding *out)
{
    if (strcmp(text, "utf8") == 0 || strcmp(text, "utf-8") == 0) {
        *out = CSV_UTF8;
        return true;
    }
    if (strcmp(text, "cp932") == 0) {
        *out = CSV_CP932;
        return true;
    }
    return false;
}

kg_err csv_encoder_new(const csv_format *format, csv_encoder **out, kg_errbuf *errbuf)
{
    *out = NULL;
    csv_encoder *encoder = calloc(1, sizeof(*encoder));
    if (encoder == NULL)
        return kg_fail(errbuf, KG_ERR_NOMEM, _("unable to write a CSV file: out of memory"));
    encoder->format = *format;
    encoder->format.bom = format->bom && format->encoding == CSV_UTF8;
    encoder->to_cp932 = (iconv_t)-1;
    if (format->encoding == CSV_CP932) {
        encoder->to_cp932 = iconv_open("CP932", "UTF-8");
        if (encoder->to_cp932 == (iconv_t)-1) {
            int open_errno = errno;
            free(encoder);
            return kg_fail(errbuf, KG_ERR_INTERNAL, _("unable to convert to CP932: %s"),
                           strerror(open_errno));
        }
    }
    *out = encoder;
    return KG_OK;
}

void csv_encoder_free(csv_encoder *encoder)
{
    if (encoder == NULL)
        return;
    if (encoder->to_cp932 != (iconv_t)-1)
        iconv_close(encoder->to_cp932);
    free(encoder);
}

kg_err csv_encoder_start(const csv_encoder *encoder, strbuf *out)
{
    return encoder->format.bom ? strbuf_append(out, CSV_BOM, CSV_BOM_LEN) : KG_OK;
}

/* The UTF-8 character at text[0..len): its code point and byte count; U+FFFD and 1 for
 * bytes that are not one. */
static uint32_t decode_utf8(const unsigned char *text, size_t len, size_t *bytes)
{
    static const unsigned char lead_mask[] = {0, 0, 0x1F, 0x0F, 0x07};
    size_t count = text[0] < 0x80                      ? 1
                   : text[0] >= 0xF0 && text[0] < 0xF5 ? 4
                   : text[0] >= 0xE0                   ? 3
                   : text[0] >= 0xC2                   ? 2
                                                       : 0;
    *bytes = 1;
    if (count == 1)
        return text[0];
    if (count == 0 || count > len)
        return 0xFFFD;
    uint32_t code_point = text[0] & lead_mask[count];
    for (size_t idx = 1; idx < count; idx++) {
        if ((text[idx] & 0xC0) != 0x80)
            return 0xFFFD;
        code_point = (code_point << 6) | (text[idx] & 0x3Fu);
    }
    static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < least[count] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF))
        return 0xFFFD;
    *bytes = count;
    return code_point;
}

/* The 1-based column of byte offset within a CSV row: commas outside quotes before it. */
static size_t column_at(const char *row, size_t offset)
{
    size_t column = 1;
    bool in_quotes = false;
    for (size_t idx = 0; idx < offset; idx++) {
        in_quotes ^= row[idx] == '"';
        column += row[idx] == ',' && !in_quotes;
    }
    return column;
}

kg_err csv_encoder_row(csv_encoder *encoder, const char *row, size_t len, long row_no, strbuf *out,
                       csv_unencodable_fn report, void *state)
{
    if (encoder->to_cp932 == (iconv_t)-1)
        return strbuf_append(out, row, len);
    char chunk[4096];
    char *in = (char *)(uintptr_t)row; /* iconv's prototype; it does not write the input */
    size_t in_left = len;
    kg_err err = KG_OK;
    iconv(encoder->to_cp932, NULL, NULL, NULL, NULL); /* the initial state */
    while (err == KG_OK && in_left > 0) {
        char *chunk_end = chunk;
        size_t chunk_left = sizeof(chunk);
        size_t done = iconv(encoder->to_cp932, &in, &in_left, &chunk_end, &chunk_left);
        int stop = done == (size_t)-1 ? errno : 0;
        err = strbuf_append(out, chunk, (size_t)(chunk_end - chunk));
        if (err != KG_OK || stop == 0 || stop == E2BIG)
            continue;
        /* EILSEQ: no CP932 form (or not UTF-8); EINVAL: a character cut at the end */
        size_t bytes = 1;
        csv_unencodable where = {row_no, column_at(row, (size_t)(in - row)), 0, ""};
        where.code_point = decode_utf8((const unsigned char *)in, in_left, &bytes);
        if (where.code_point == 0xFFFD && !(bytes == 3 && memcmp(in, "\xEF\xBF\xBD", 3) == 0))
            memcpy(where.utf8, "\xEF\xBF\xBD", 4);
        else
            memcpy(where.utf8, in, bytes);
        if (report != NULL)
            report(state, &where);
        err = strbuf_append(out, CSV_CP932_SUBSTITUTE, 2);
        in += bytes;
        in_left -= bytes;
    }
    return err;
}
