/*
 * glyph.c - the printable-character test of glyph.h.
 */
#include "glyph.h"

#include <stdio.h>
#include <string.h>

#include "common/i18n.h"

/* A control (C0, DEL, C1), a surrogate or a noncharacter: nothing a name is made of. */
static bool not_a_character(uint32_t code_point)
{
    return code_point < 0x20 || (code_point >= 0x7F && code_point <= 0x9F) ||
           (code_point >= 0xD800 && code_point <= 0xDFFF) ||
           (code_point >= 0xFDD0 && code_point <= 0xFDEF) || (code_point & 0xFFFE) == 0xFFFE;
}

static bool unprintable(uint32_t code_point)
{
    return (code_point >= 0xE000 && code_point <= 0xF8FF) || code_point >= 0xF0000 ||
           code_point == 0xFFFD || not_a_character(code_point);
}

const char *glyph_reason(uint32_t code_point)
{
    /* the process's language: the run speaks its configured one (D112) */
    if (code_point == 0xFFFD)
        return _("a character lost in conversion: check the extract");
    if (not_a_character(code_point))
        return _("not a character: the data is damaged, correct it");
    return _("外字: write by hand");
}

bool glyph_find_missing(const text_fonts *fonts, const char *text, size_t len, uint32_t *code_point)
{
    for (size_t pos = 0; pos < len;) {
        uint32_t value = 0;
        bool valid = false;
        pos += text_utf8_decode(text, len, pos, &value, &valid); /* invalid: U+FFFD */
        if (unprintable(value)) {
            *code_point = value;
            return true;
        }
    }
    size_t offset = 0;
    return fonts != NULL && text_find_missing(fonts, text, len, code_point, &offset);
}

bool glyph_check_fields(const text_fonts *fonts, const char *const fields[GLYPH_FIELDS],
                        char *detail, size_t cap)
{
    for (int idx = 0; idx < GLYPH_FIELDS; idx++) {
        uint32_t code_point = 0;
        if (glyph_find_missing(fonts, fields[idx], strlen(fields[idx]), &code_point)) {
            unsigned value = (unsigned)code_point;
            const char *why = glyph_reason(code_point);
            if (idx == 0)
                snprintf(detail, cap, _("family_name: U+%04X cannot be printed (%s)"), value, why);
            else if (idx == 1)
                snprintf(detail, cap, _("given_name: U+%04X cannot be printed (%s)"), value, why);
            else if (idx == 2)
                snprintf(detail, cap, _("address: U+%04X cannot be printed (%s)"), value, why);
            else if (idx == 3)
                snprintf(detail, cap, _("banchi: U+%04X cannot be printed (%s)"), value, why);
            else
                snprintf(detail, cap, _("address2: U+%04X cannot be printed (%s)"), value, why);
            return true;
        }
    }
    return false;
}
