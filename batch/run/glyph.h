/*
 * glyph.h - can the notice fonts print this text? (docs/rules.md N4 glyph_missing)
 *
 * A character is unprintable when it is in a private-use area (U+E000-U+F8FF, planes 15
 * and 16: how 外字 travel in extracts; a font's glyph there would be some other
 * character), is U+FFFD (a character lost in conversion), a control (C0, DEL, C1), a
 * surrogate or a noncharacter (U+FDD0-U+FDEF, U+xxFFFE, U+xxFFFF: the loader refuses
 * them, data loaded before it did is caught here), or is in none of the notice
 * template's fonts (render/text.h, variation sequences included). UTF-8 in, decoded by
 * text_utf8_decode (a byte that is not UTF-8 reads as U+FFFD).
 */
#ifndef KIGEN_GLYPH_H
#define KIGEN_GLYPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render/text.h"

/* True when text (len bytes of UTF-8) holds a character that cannot be printed; its code
 * point goes to *code_point. fonts NULL: only the private-use and U+FFFD test. */
bool glyph_find_missing(const text_fonts *fonts, const char *text, size_t len,
                        uint32_t *code_point);

/* Why code_point cannot be printed and what the clerk does, for a detail:
 * "外字: write by hand", "not a character: the data is damaged, correct it", ... */
const char *glyph_reason(uint32_t code_point);

/* The printed fields of a resident, in this order: family_name, given_name, address,
 * banchi, address2 (NUL-terminated UTF-8). */
#define GLYPH_FIELDS 5

/* True when one of the fields cannot be printed; the clerk's detail ("family_name:
 * U+XXXX cannot be printed (外字: write by hand)") goes to detail (cap bytes). */
bool glyph_check_fields(const text_fonts *fonts, const char *const fields[GLYPH_FIELDS],
                        char *detail, size_t cap);

#endif
