/*
 * notice_internal.h - what notice.c (page, layers, texts, table) and notice_address.c
 * (address block, barcode) share: the painter and the text helpers. Not for other modules.
 */
#ifndef KIGEN_NOTICE_INTERNAL_H
#define KIGEN_NOTICE_INTERNAL_H

#include "common/strbuf.h"
#include "notice.h"

#define NOTICE_TEXT_MAX 8192 /* one expanded text */
#define NOTICE_ASCENT 0.88   /* baseline below a line's top, in em (IPAex, IPAmj) */

struct notice_painter {
    const notice_template *tmpl; /* borrowed */
    text_fonts *fonts;           /* owned */
    text_run run;                /* scratch: one line shaped at a time */
    text_lines lines;            /* scratch: line breaks */
    strbuf expanded;             /* scratch: a text with its placeholders filled */
    strbuf joined;               /* scratch: name or address joined from parts */
    cairo_surface_t *layer;      /* the office's layer (NULL until the first page) */
    char layer_key[4096];        /* the office and date it was drawn for */
    cairo_surface_t **fixed;     /* per element: a conditional fixed text, drawn once */
};

/* mm to points. */
static inline double notice_pt(double mm)
{
    return mm * NOTICE_PT_PER_MM;
}

/* The code points of utf8[0..len) (selectors and marks included): no character of the
 * template's fonts is wider than 1 em, so a text of n code points needs at most n em. */
size_t notice_code_points(const char *utf8, size_t len);

/* Shapes text and draws it with its left end at x, its line top at top (points). A
 * character no font has is KG_ERR_LAYOUT. */
kg_err notice_draw_line(notice_painter *painter, cairo_t *cr, const char *text, size_t len,
                        double size, double x, double top, kg_errbuf *errbuf);

/* Appends the printed name: family, an ideographic space, given (family alone when no
 * given). */
kg_err notice_append_name(strbuf *out, const notice_data *data);
/* Appends the printed address: address, banchi, an ideographic space, address2. */
kg_err notice_append_address(strbuf *out, const notice_data *data);

/* Fills the placeholders of text (row: the table row's certificate, or NULL) into out;
 * tmpl gives {window}'s wordings. */
kg_err notice_expand(const char *text, const notice_template *tmpl, const notice_data *data,
                     const notice_cert *row, strbuf *out);

/* Draws the address block's mark (転送不要) and its frame: fixed, in the office layer. */
kg_err notice_draw_mark(notice_painter *painter, cairo_t *cr, kg_errbuf *errbuf);

/* Draws the rest of the address block (postal code, address, name, barcode). */
kg_err notice_draw_address(notice_painter *painter, cairo_t *cr, const notice_data *data,
                           kg_errbuf *errbuf);

/* Checks at painter creation that the address block fits the window (file:line). */
kg_err notice_check_address_block(const notice_template *tmpl, kg_errbuf *errbuf);

#endif
