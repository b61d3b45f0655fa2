/*
 * text.h - text for the notices: fonts loaded from files (FreeType, never fontconfig),
 * coverage checks, HarfBuzz shaping with font fallback, Cairo drawing and Japanese line
 * breaking (kinsoku shori). Horizontal text only: no vertical writing, no bidi, no
 * hyphenation, no justification. Threads: a text_fonts (FreeType faces are not
 * thread-safe) and every run shaped with it belong to one thread; use one set per thread.
 */
#ifndef KIGEN_TEXT_H
#define KIGEN_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cairo.h>

#include "common/error.h"

#define TEXT_MAX_FONTS 8     /* fonts in one set */
#define TEXT_MAX_BYTES 65536 /* longest text shaped, measured or broken (KG_ERR_TEXT_TOO_LONG) */
#define TEXT_FIT_STEP_PT 0.1 /* text_fit_size returns multiples of this */

/* A font set: faces in fallback order, each with its HarfBuzz font and Cairo font face,
 * a reusable HarfBuzz buffer and scratch memory for measuring. Opaque. */
typedef struct text_fonts text_fonts;

/* Loads count (1..TEXT_MAX_FONTS) font files, in fallback order (the first font that can
 * print a character prints it). paths are read only during the call. On success *out is a
 * new set the caller frees with text_fonts_free. Errors: KG_ERR_FONT_LOAD with
 * "unable to load font '<path>': <cause>" in errbuf (missing or unreadable file, not a
 * font, no Unicode character map), KG_ERR_USAGE for a bad count, KG_ERR_NOMEM; errbuf
 * may be NULL. */
kg_err text_fonts_new(const char *const *paths, size_t count, text_fonts **out, kg_errbuf *errbuf);

/* Releases the set: its HarfBuzz fonts and buffer, FreeType faces and library, scratch
 * memory, and the set's references to its Cairo font faces. Cairo may keep a face alive
 * in its caches (or in an unfinished surface) after this: each Cairo face holds its own
 * FreeType face and library, released by Cairo when it drops the face, from whichever
 * thread does so. NULL is accepted. */
void text_fonts_free(text_fonts *fonts);

/* Number of fonts in the set. */
size_t text_fonts_count(const text_fonts *fonts);

/* The Cairo font face of font font_idx (< count). Borrowed: valid while the set lives;
 * take a reference (cairo_font_face_reference) to keep it longer. */
cairo_font_face_t *text_fonts_cairo_face(const text_fonts *fonts, size_t font_idx);

/* Decodes the code point at bytes[pos] (pos < len): returns its length (1 for an invalid
 * byte, *valid false, *code_point U+FFFD). Rejects overlongs, surrogates, > U+10FFFF. */
size_t text_utf8_decode(const char *utf8, size_t len, size_t pos, uint32_t *code_point,
                        bool *valid);

/* Whether some character of utf8[0..len) cannot be printed by any font of the set. A
 * "character" is a base code point with the variation selectors and combining marks that
 * follow it: a base with a variation selector (IVS or standardized variant) needs a font
 * that has that very sequence. Always missing: control characters (C0, DEL, C1), private
 * use characters (外字 whose meaning is the municipality's own font), U+FFFD,
 * non-characters, a variation selector with no base, invalid UTF-8. When missing,
 * *code_point is the first code point that no font can print (the base, or the selector
 * when fonts have the base but none the sequence; U+FFFD for invalid UTF-8) and *offset
 * the byte offset of that character's start (its base). Both may be NULL. */
bool text_find_missing(const text_fonts *fonts, const char *utf8, size_t len, uint32_t *code_point,
                       size_t *offset);

/* One shaped glyph. Positions are in points, y downwards (Cairo's user space). */
typedef struct text_glyph {
    uint32_t glyph_id; /* glyph index in the face of its segment's font */
    uint32_t cluster;  /* byte offset in the run's text of the character it draws */
    double x_advance;  /* pen advance */
    double x_offset;   /* offset from the pen position */
    double y_offset;   /* offset from the baseline, downwards */
} text_glyph;

/* Consecutive glyphs drawn with one font. */
typedef struct text_segment {
    size_t font_idx;      /* index in the text_fonts */
    size_t glyph_start;   /* first glyph in run.glyphs */
    size_t glyph_count;   /* number of glyphs */
    size_t byte_start;    /* first byte in run.text */
    size_t byte_len;      /* number of bytes */
    size_t cluster_start; /* first entry of run.clusters */
    size_t cluster_count; /* number of clusters */
    double x;             /* pen position at the segment's start, points from the run origin */
    double width;         /* sum of the segment's advances, points */
} text_segment;

/* A shaped text, reusable: text_run_init once, then any number of text_shape calls (each
 * replaces the content; arrays only grow), text_run_free at the end. All arrays are owned
 * by the run and valid until the next text_shape, text_run_reset or text_run_free. */
typedef struct text_run {
    double size_pt;              /* font size it was shaped at */
    double width;                /* total advance, points */
    size_t missing;              /* characters no font covers (drawn with font 0's .notdef) */
    char *text;                  /* copy of the shaped text (not NUL-terminated), text_len bytes */
    size_t text_len;             /* bytes in text */
    text_glyph *glyphs;          /* glyph_count glyphs in visual (= logical) order */
    size_t glyph_count;          /* glyphs in the run */
    text_segment *segments;      /* segment_count segments in order */
    size_t segment_count;        /* segments in the run */
    cairo_glyph_t *cairo_glyphs; /* glyph_count glyphs positioned from the run origin */
    cairo_text_cluster_t *clusters; /* per segment, glyph-to-text mapping for the PDF */
    size_t cluster_count;           /* entries in clusters */
    size_t text_cap, glyph_cap, segment_cap, cluster_cap; /* allocated sizes */
} text_run;

/* An empty run (no allocation). */
void text_run_init(text_run *run);

/* Empties the run, keeping its memory for the next text_shape. */
void text_run_reset(text_run *run);

/* Frees the run's arrays and leaves it empty (text_run_init state). NULL is accepted. */
void text_run_free(text_run *run);

/* Shapes utf8[0..len) at size_pt (> 0) into run, left to right. Each character (base plus
 * selectors and marks, as in text_find_missing) goes to the first font that covers it;
 * consecutive characters of one font form a segment shaped in one piece (language ja).
 * A character no font covers joins the segment before it (font 0 at the start) and counts
 * in run->missing: check text_find_missing first, never print such a run. No allocation
 * once the run and the set's buffer have grown to the text's size. Errors:
 * KG_ERR_TEXT_TOO_LONG (len > TEXT_MAX_BYTES), KG_ERR_INTERNAL (size_pt <= 0),
 * KG_ERR_NOMEM; the run is then empty. */
kg_err text_shape(text_fonts *fonts, const char *utf8, size_t len, double size_pt, text_run *run);

/* Draws run with its pen origin at (x, y_baseline) in cr's user space (points on a PDF
 * surface), segment by segment with cairo_show_text_glyphs, so that the PDF maps glyphs
 * back to the text (copy, search, pdftotext). The run's own arrays are used: nothing is
 * allocated per glyph. cr's font face, size and matrix are restored. fonts must be the
 * set that shaped run. KG_ERR_DRAW when cr is (or ends) in an error state. */
kg_err text_draw(cairo_t *cr, const text_fonts *fonts, const text_run *run, double x,
                 double y_baseline);

/* One line of a broken text: bytes [start, end) of the input. */
typedef struct text_line {
    size_t start; /* first byte */
    size_t end;   /* one past the last byte; the next line starts here */
    double width; /* points, without trailing spaces (U+0020, U+3000) and line feeds */
} text_line;

/* The lines of text_break_lines, reusable like text_run. */
typedef struct text_lines {
    text_line *lines; /* count lines, owned, valid until the next call or text_lines_free */
    size_t count;     /* lines produced */
    size_t cap;       /* allocated entries */
    bool overflow;    /* the text needs more than max_lines: bytes from lines[count-1].end
                         on were not placed */
} text_lines;

/* Empty lines (no allocation). */
void text_lines_init(text_lines *lines);
void text_lines_free(text_lines *lines); /* NULL accepted; leaves the text_lines_init state */

/* Breaks utf8[0..len) into lines no wider than max_width_pt at size_pt (greedy, first
 * fit). A line may end between any two characters of Japanese text, except (kinsoku):
 * no line starts with a closing bracket or quote, 、。，．・：；？！ or their ASCII forms,
 * ー, iteration marks, small kana, a space, ％ or ℃; no line ends with an opening bracket
 * or quote or a currency/number prefix (￥＄＃); ……, ―― and ‥‥ stay together; a base
 * and its selectors and marks are never separated. Latin words, digit runs and address
 * numbers (a digit run with the counters 丁目番地号室階棟条 and what follows them, e.g.
 * 3丁目30-8, 403号室) are kept whole when they fit on a line. When no allowed break
 * fits, a word is split, then kinsoku is given up (a line always takes at least one
 * character). A line feed ends its line (and belongs to it). Every byte of the input is
 * in exactly one line unless overflow. max_lines 0 means no limit. Line widths are sums
 * of the advances of the whole text shaped once. Errors as text_shape; lines is then
 * empty. */
kg_err text_break_lines(text_fonts *fonts, const char *utf8, size_t len, double size_pt,
                        double max_width_pt, size_t max_lines, text_lines *lines);

/* The largest size, a multiple of TEXT_FIT_STEP_PT between min_size_pt and size_pt,
 * at which utf8[0..len) fits max_width_pt on one line: *fitted_pt = size_pt when it fits
 * as it is. When even min_size_pt is too wide, *fitted_pt = min_size_pt and *fits is
 * false (the caller decides: break into lines, or report). Errors as text_shape. */
kg_err text_fit_size(text_fonts *fonts, const char *utf8, size_t len, double size_pt,
                     double min_size_pt, double max_width_pt, double *fitted_pt, bool *fits);

#endif
