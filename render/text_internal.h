/*
 * text_internal.h - what the files of the text module share and nobody else sees: the
 * font set's layout, UTF-8 decoding and the splitting of text into characters (a base
 * with its variation selectors and combining marks). Not part of the module's contract.
 */
#ifndef KIGEN_TEXT_INTERNAL_H
#define KIGEN_TEXT_INTERNAL_H

#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb.h>

#include "text.h"

typedef struct text_font {
    FT_Face face;                  /* HarfBuzz's face, sized to one pixel per font unit */
    hb_font_t *hb_font;            /* hb_ft font on face (holds its own face reference) */
    double units_per_em;           /* HarfBuzz scale of one em */
    cairo_font_face_t *cairo_face; /* one reference; owns a second FT_Face and library */
} text_font;

/* One character for coverage, fallback and line breaking. */
typedef struct text_unit {
    size_t start;  /* first byte */
    size_t end;    /* one past the last byte (base, selectors, marks) */
    uint32_t base; /* base code point; U+FFFD for an invalid byte */
    bool valid;    /* well-formed UTF-8 throughout */
    double width;  /* advance in points (line breaking only) */
    bool compound; /* part of a word or address number (line breaking only) */
} text_unit;

struct text_fonts {
    FT_Library library; /* HarfBuzz faces' library */
    size_t count;
    text_font fonts[TEXT_MAX_FONTS];
    hb_buffer_t *buffer;    /* reused by every text_shape */
    hb_language_t language; /* ja */
    text_run measure;       /* scratch run of text_break_lines and text_fit_size */
    text_unit *units;       /* scratch characters of text_break_lines */
    size_t unit_cap;
};

/* Variation selectors (U+FE00..FE0F, U+E0100..E01EF). */
bool text_is_selector(uint32_t code_point);

/* The character starting at byte pos (< len). */
void text_unit_next(const char *utf8, size_t len, size_t pos, text_unit *unit);

/* The first font of the set that prints unit; false when none does (then *missing_cp is
 * the first code point no font prints, see text_find_missing). */
bool text_unit_font(const text_fonts *fonts, const char *utf8, const text_unit *unit,
                    size_t *font_idx, uint32_t *missing_cp);

/* The capacity to grow to for need elements (doubling from 64); need <= the limit. */
size_t text_grow_cap(size_t cap, size_t need);

/* realloc of count elements of elem_size, overflow-checked; NULL (array untouched) on
 * failure. */
void *text_realloc_array(void *array, size_t count, size_t elem_size);

#endif
