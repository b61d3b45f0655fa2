/*
 * load_field.c - decoding and validation of extract fields (see load_field.h).
 *
 * Its own small UTF-8 decoder: the loader does not depend on render/'s text module.
 */
#include "load_field.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <string.h>

#include "../common/i18n.h"
#include "../common/kdate.h"

#define DECODE_SCRATCH 4096 /* UTF-8 of a CP932 field is at most 1.5 x its bytes */
#define ID_MAX_DIGITS 18

struct load_decoder {
    int cp932;
    iconv_t handle;
    char scratch[DECODE_SCRATCH];
    load_reason reason; /* load_decode's reason for bytes that are not UTF-8 */
};

kg_err load_decoder_new(int cp932, load_decoder **out)
{
    load_decoder *decoder = calloc(1, sizeof(*decoder));
    if (decoder == NULL)
        return KG_ERR_NOMEM;
    decoder->cp932 = cp932;
    decoder->handle = (iconv_t)-1;
    if (cp932) {
        decoder->handle = iconv_open("UTF-8", "CP932");
        if (decoder->handle == (iconv_t)-1) {
            free(decoder);
            return KG_ERR_CONFIG;
        }
    }
    *out = decoder;
    return KG_OK;
}

void load_decoder_free(load_decoder *decoder)
{
    if (decoder == NULL)
        return;
    if (decoder->handle != (iconv_t)-1)
        iconv_close(decoder->handle);
    free(decoder);
}

/* Decodes the sequence at bytes[pos] (pos < len) into *value; returns its length, or 0 when
 * the bytes are no UTF-8 (bad lead or continuation, truncated, overlong, past U+10FFFF).
 * A surrogate (U+D800-U+DFFF, CESU-8 style) decodes but is not valid: the caller checks. */
static size_t utf8_decode(const unsigned char *bytes, size_t len, size_t pos, uint32_t *value)
{
    unsigned lead = bytes[pos];
    size_t extra;
    uint32_t min_value;
    if (lead < 0x80) {
        *value = lead;
        return 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
        extra = 1;
        min_value = 0x80;
        *value = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        extra = 2;
        min_value = 0x800;
        *value = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        extra = 3;
        min_value = 0x10000;
        *value = lead & 0x07;
    } else {
        return 0;
    }
    if (len - pos <= extra)
        return 0;
    for (size_t cont = 1; cont <= extra; cont++) {
        unsigned byte = bytes[pos + cont];
        if ((byte & 0xC0) != 0x80)
            return 0;
        *value = (*value << 6) | (byte & 0x3F);
    }
    if (*value < min_value || *value > 0x10FFFF)
        return 0;
    return extra + 1;
}

static bool is_surrogate(uint32_t value)
{
    return value >= 0xD800 && value <= 0xDFFF;
}

/* C0 (tab and line breaks included), DEL and C1. */
static bool is_control(uint32_t value)
{
    return value < 0x20 || (value >= 0x7F && value <= 0x9F);
}

/* The 66 noncharacters of Unicode: U+FDD0-U+FDEF and the last two of each plane. */
static bool is_noncharacter(uint32_t value)
{
    return (value >= 0xFDD0 && value <= 0xFDEF) || (value & 0xFFFE) == 0xFFFE;
}

long load_utf8_chars(const char *text, size_t len)
{
    const unsigned char *bytes = (const unsigned char *)text;
    long chars = 0;
    size_t pos = 0;
    while (pos < len) {
        uint32_t value;
        size_t step = utf8_decode(bytes, len, pos, &value);
        if (step == 0 || is_surrogate(value))
            return -1;
        pos += step;
        chars++;
    }
    return chars;
}

kg_err load_text_check(const char *text, size_t len, size_t *chars, load_text_fault *fault)
{
    const unsigned char *bytes = (const unsigned char *)text;
    size_t character = 0;
    for (size_t pos = 0; pos < len;) {
        uint32_t value = 0;
        size_t step = utf8_decode(bytes, len, pos, &value);
        character++;
        kg_err err = KG_OK;
        if (step == 0 || is_surrogate(value))
            err = KG_ERR_TEXT_ENCODING;
        else if (is_control(value))
            err = KG_ERR_TEXT_CONTROL;
        else if (is_noncharacter(value))
            err = KG_ERR_TEXT_NONCHARACTER;
        if (err != KG_OK) {
            fault->err = err;
            fault->code_point = step == 0 ? 0 : value;
            fault->byte = bytes[pos];
            fault->character = character;
            return err;
        }
        pos += step;
    }
    *chars = character;
    return KG_OK;
}

const char *load_text_reason(const load_text_fault *fault, load_reason *reason)
{
    const char *what = fault->err == KG_ERR_TEXT_CONTROL        ? _("control character")
                       : fault->err == KG_ERR_TEXT_NONCHARACTER ? _("noncharacter")
                                                                : _("not valid UTF-8: surrogate");
    if (fault->err == KG_ERR_TEXT_ENCODING && !is_surrogate(fault->code_point))
        snprintf(reason->text, sizeof(reason->text),
                 _("not valid UTF-8: byte 0x%02X (character %zu)"), (unsigned)fault->byte,
                 fault->character);
    else
        snprintf(reason->text, sizeof(reason->text), _("%s U+%04X (character %zu)"), what,
                 (unsigned)fault->code_point, fault->character);
    return reason->text;
}

const char *load_decode(load_decoder *decoder, const char *field, size_t len, const char **utf8,
                        size_t *utf8_len)
{
    if (!decoder->cp932) {
        size_t chars;
        load_text_fault fault;
        if (load_text_check(field, len, &chars, &fault) == KG_ERR_TEXT_ENCODING)
            return load_text_reason(&fault, &decoder->reason);
        *utf8 = field;
        *utf8_len = len;
        return NULL;
    }
    if (len * 2 > DECODE_SCRATCH)
        return _("too long");
    iconv(decoder->handle, NULL, NULL, NULL, NULL); /* reset the shift state */
    char *in = (char *)(uintptr_t)field;
    size_t in_left = len;
    char *out = decoder->scratch;
    size_t out_left = DECODE_SCRATCH;
    if (iconv(decoder->handle, &in, &in_left, &out, &out_left) == (size_t)-1 || in_left != 0)
        return _("not valid CP932");
    *utf8 = decoder->scratch;
    *utf8_len = DECODE_SCRATCH - out_left;
    return NULL;
}

bool load_bytes_are_cp932(FILE *file)
{
    iconv_t handle = iconv_open("UTF-8", "CP932");
    if (handle == (iconv_t)-1)
        return false;
    bool utf8 = true, cp932 = true;
    char *line = NULL, converted[4096];
    size_t cap = 0;
    ssize_t got;
    while (cp932 && (got = getline(&line, &cap, file)) > 0) {
        if (utf8 && load_utf8_chars(line, (size_t)got) < 0)
            utf8 = false;
        iconv(handle, NULL, NULL, NULL, NULL); /* reset the shift state */
        char *in = line;
        size_t in_left = (size_t)got;
        while (cp932 && in_left > 0) {
            char *out = converted;
            size_t out_left = sizeof(converted);
            if (iconv(handle, &in, &in_left, &out, &out_left) == (size_t)-1 && errno != E2BIG)
                cp932 = false;
        }
    }
    free(line);
    iconv_close(handle);
    return cp932 && !utf8;
}

static const char *check_id(const char *text, size_t len)
{
    if (len == 0)
        return _("missing");
    if (len > ID_MAX_DIGITS)
        return _("id too long");
    int nonzero = 0;
    for (size_t pos = 0; pos < len; pos++) {
        if (text[pos] < '0' || text[pos] > '9')
            return _("not a positive integer");
        nonzero |= text[pos] != '0';
    }
    return nonzero ? NULL : _("not a positive integer");
}

static const char *check_date(const char *text, size_t len)
{
    kdate day;
    kg_err err = kdate_parse(text, len, &day);
    if (err == KG_ERR_DATE_INVALID || err == KG_ERR_DATE_RANGE)
        return _("no such day");
    if (err != KG_OK)
        return _("not a date of the form YYYY-MM-DD");
    return NULL;
}

static const char *check_text(const char *text, size_t len, size_t max_chars, load_reason *reason)
{
    size_t chars = 0;
    load_text_fault fault;
    if (load_text_check(text, len, &chars, &fault) != KG_OK)
        return load_text_reason(&fault, reason);
    if (chars > max_chars)
        return _("too long");
    return NULL;
}

/* Postal code: 7 digits, or 3 digits, a hyphen and 4 digits; normalised to 7 digits. */
static const char *check_postal(const char *text, size_t len, char *digits)
{
    size_t count = 0;
    for (size_t pos = 0; pos < len; pos++) {
        if (text[pos] == '-' && pos == 3 && len == 8)
            continue;
        if (text[pos] < '0' || text[pos] > '9' || count >= 7)
            return _("not a 7-digit postal code");
        digits[count++] = text[pos];
    }
    return count == 7 ? NULL : _("not a 7-digit postal code");
}

static const char *check_office(const char *text, size_t len)
{
    if (len == 0 || len > 16)
        return _("not an office code (1-16 letters, digits, _ or -)");
    for (size_t pos = 0; pos < len; pos++) {
        char ch = text[pos];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
              ch == '_' || ch == '-'))
            return _("not an office code (1-16 letters, digits, _ or -)");
    }
    return NULL;
}

static const char *check_enum(const load_column *column, const char *text, size_t len)
{
    for (const char *const *value = column->enum_values; *value != NULL; value++)
        if (strlen(*value) == len && memcmp(*value, text, len) == 0)
            return NULL;
    return _("not one of the allowed values");
}

/* Validates; on success *normal and *normal_len are the value to write, *quote whether to
 * quote it, and an empty unquoted value means NULL. */
static const char *validate(const load_column *column, const char *text, size_t len, char *postal,
                            const char **normal, size_t *normal_len, int *quote,
                            load_reason *reason)
{
    *normal = text;
    *normal_len = len;
    *quote = 0;
    int empty = len == 0;
    switch (column->kind) {
    case KIND_ID:
        return check_id(text, len);
    case KIND_ID_OPT:
        return empty ? NULL : check_id(text, len);
    case KIND_DATE:
        return empty ? _("missing") : check_date(text, len);
    case KIND_DATE_OPT:
        return empty ? NULL : check_date(text, len);
    case KIND_TEXT:
        *quote = 1;
        return empty ? _("missing") : check_text(text, len, column->max_chars, reason);
    case KIND_TEXT_EMPTY:
        *quote = 1;
        return check_text(text, len, column->max_chars, reason);
    case KIND_TEXT_OPT:
        *quote = !empty;
        return check_text(text, len, column->max_chars, reason);
    case KIND_POSTAL_OPT:
        if (empty)
            return NULL;
        *normal = postal;
        *normal_len = 7;
        return check_postal(text, len, postal);
    case KIND_OFFICE_OPT:
        return empty ? NULL : check_office(text, len);
    case KIND_OFFICE:
        return check_office(text, len);
    case KIND_SEX:
        return len == 1 && (text[0] == '0' || text[0] == '1' || text[0] == '2' || text[0] == '9')
                   ? NULL
                   : _("not 0, 1, 2 or 9");
    case KIND_FLAG:
        if (empty) {
            *normal = "0";
            *normal_len = 1;
            return NULL;
        }
        return len == 1 && (text[0] == '0' || text[0] == '1') ? NULL : _("not 0 or 1");
    case KIND_ENUM:
        return check_enum(column, text, len);
    }
    return _("unknown column kind");
}

const char *load_field_append(const load_column *column, const char *utf8, size_t len, strbuf *line,
                              load_reason *reason)
{
    char postal[7];
    const char *normal;
    size_t normal_len;
    int quote;
    const char *refusal = validate(column, utf8, len, postal, &normal, &normal_len, &quote, reason);
    if (refusal != NULL)
        return refusal;
    kg_err err = quote ? strbuf_append_csv_quoted(line, normal, normal_len)
                       : strbuf_append(line, normal, normal_len);
    return err == KG_OK ? NULL : _("too long");
}
