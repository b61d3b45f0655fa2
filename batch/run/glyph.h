/*
 * glyph.h - can the notice fonts print this text? (domain.md N4 glyph_missing)
 *
 * Until the renderer brings real font coverage, a character is unprintable when it is
 * in a private-use area (U+E000-U+F8FF, planes 15 and 16: how 外字 travel in extracts)
 * or is U+FFFD (a character lost in conversion). Pure; UTF-8 in.
 */
#ifndef KIGEN_GLYPH_H
#define KIGEN_GLYPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when text (len bytes of UTF-8) holds a character the fonts cannot print; its
 * code point goes to *code_point. */
bool glyph_find_missing(const char *text, size_t len, uint32_t *code_point);

#endif
