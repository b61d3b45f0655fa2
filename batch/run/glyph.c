/*
 * glyph.c - the printable-character test of glyph.h.
 */
#include "glyph.h"

#include <stdio.h>
#include <string.h>

static bool unprintable(uint32_t code_point)
{
    return (code_point >= 0xE000 && code_point <= 0xF8FF) || code_point >= 0xF0000 ||
           code_point == 0xFFFD;
}

bool glyph_find_missing(const text_fonts *fonts, const char *text, size_t len, uint32_t *code_point)
{
    const unsigned char *bytes = (const unsigned char *)text;
    size_t pos = 0;
    while (pos < len) {
        unsigned char lead = bytes[pos];
        uint32_t value;
        size_t extra;
        if (lead < 0x80) {
            pos++;
            continue;
        } else if ((lead & 0xE0) == 0xC0) {
            value = lead & 0x1F;
            extra = 1;
        } else if ((lead & 0xF0) == 0xE0) {
            value = lead & 0x0F;
            extra = 2;
        } else {
            value = lead & 0x07;
            extra = 3;
        }
        if (pos + extra >= len)
            return false; /* truncated: the loader only stores valid UTF-8 */
        for (size_t idx = 1; idx <= extra; idx++)
            value = (value << 6) | (bytes[pos + idx] & 0x3F);
        if (unprintable(value)) {
            *code_point = value;
            return true;
        }
        pos += extra + 1;
    }
    size_t offset = 0;
    return fonts != NULL && text_find_missing(fonts, text, len, code_point, &offset);
}

bool glyph_check_fields(const text_fonts *fonts, const char *const fields[GLYPH_FIELDS],
                        char *detail, size_t cap)
{
    static const char *const names[GLYPH_FIELDS] = {"family_name", "given_name", "address",
                                                    "banchi", "address2"};
    for (int idx = 0; idx < GLYPH_FIELDS; idx++) {
        uint32_t code_point = 0;
        if (glyph_find_missing(fonts, fields[idx], strlen(fields[idx]), &code_point)) {
            snprintf(detail, cap, "%s: U+%04X cannot be printed (外字): write by hand", names[idx],
                     (unsigned)code_point);
            return true;
        }
    }
    return false;
}
