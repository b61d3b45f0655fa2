/*
 * notice_address.c - the address block in the envelope's window: 〒 and postal code, the
 * mark (転送不要), the address wrapped, the name line shrunk to fit, the customer barcode
 * with its clear space (docs/rules.md section 8). Also the scan's "does it fit" check.
 *
 * Layout, top to bottom, inside the window less its tolerance on every side:
 *   postal code line (size) with the mark at its right, in a thin frame
 *   address lines (size, at most `lines`)
 *   1 mm, the name line (name_size, shrunk down to name_min_size)
 *   2 mm clear space, the barcode (bars 3.6 mm high at 10 pt), 2 mm clear space
 */
#include <stdio.h>
#include <string.h>

#include "barcode.h"
#include "draw_status.h"
#include "notice_internal.h"

#define LINE_ADVANCE 1.35 /* em: postal code and address lines */
#define NAME_ADVANCE 1.3  /* em */
#define NAME_GAP_MM 1.0
#define BARCODE_CLEAR_MM (BARCODE_CLEAR_SPACE_UM / 1000.0)
#define BARCODE_REF_SCALE 1.0 /* 10 pt */
#define BARCODE_MIN_SCALE (BARCODE_POINTS_MIN_TENTHS / (double)BARCODE_POINTS_REF_TENTHS)

typedef struct block {
    double x, y, width, height; /* points: the window less its tolerance */
} block;

static block inner_block(const notice_template *tmpl)
{
    const template_window *win = &tmpl->window;
    block b = {notice_pt(win->x + win->tolerance), notice_pt(win->y + win->tolerance),
               notice_pt(win->width - 2 * win->tolerance),
               notice_pt(win->height - 2 * win->tolerance)};
    return b;
}

/* The barcode's scale (1.0 = 10 pt) that fits the block's width with its clear space. */
static double barcode_scale(const block *b)
{
    double bars_pt = notice_pt(BARCODE_BAR_COUNT * BARCODE_BAR_PITCH_UM / 1000.0);
    double room = b->width - 2 * notice_pt(BARCODE_CLEAR_MM);
    double scale = room / bars_pt;
    return scale > BARCODE_REF_SCALE ? BARCODE_REF_SCALE : scale;
}

static double barcode_height_pt(double scale)
{
    return notice_pt(BARCODE_LONG_BAR_UM / 1000.0) * scale + 2 * notice_pt(BARCODE_CLEAR_MM);
}

static double block_height_pt(const template_address *addr, double scale)
{
    double height = addr->size * LINE_ADVANCE * (1 + addr->lines) + notice_pt(NAME_GAP_MM) +
                    addr->name_size * NAME_ADVANCE;
    if (addr->barcode)
        height += barcode_height_pt(scale);
    return height;
}

kg_err notice_check_address_block(const notice_template *tmpl, kg_errbuf *errbuf)
{
    block b = inner_block(tmpl);
    const template_address *addr = &tmpl->address;
    double scale = barcode_scale(&b);
    if (addr->barcode && scale < BARCODE_MIN_SCALE)
        return kg_fail(errbuf, KG_ERR_TEMPLATE,
                       "%s: the window is too narrow for the customer barcode: %.1f mm inside "
                       "the tolerance, %.1f mm needed with its clear space",
                       tmpl->path, b.width / NOTICE_PT_PER_MM,
                       (BARCODE_BAR_COUNT * BARCODE_BAR_PITCH_UM / 1000.0) * BARCODE_MIN_SCALE +
                           2 * BARCODE_CLEAR_MM);
    double needed = block_height_pt(addr, scale);
    if (needed > b.height + 1e-6)
        return kg_fail(errbuf, KG_ERR_TEMPLATE,
                       "%s: the address block needs %.1f mm of height and the window gives "
                       "%.1f mm inside its tolerance: fewer address lines, smaller sizes or a "
                       "taller window",
                       tmpl->path, needed / NOTICE_PT_PER_MM, b.height / NOTICE_PT_PER_MM);
    return KG_OK;
}

/* The name line (holder's or representative's pattern) into painter->expanded. */
static kg_err name_line(notice_painter *painter, const notice_data *data)
{
    const template_address *addr = &painter->tmpl->address;
    return notice_expand(data->to_representative ? addr->representative : addr->holder,
                         painter->tmpl, data, NULL, &painter->expanded);
}

/* Size for the name line, or false when even name_min_size is too wide. */
static kg_err fit_name(notice_painter *painter, double width, double *size, bool *fits)
{
    const template_address *addr = &painter->tmpl->address;
    const strbuf *name = &painter->expanded;
    *size = addr->name_size;
    *fits = true;
    /* every character is at most 1 em wide: most names need no shaping to know */
    if ((double)notice_code_points(name->data, name->len) * addr->name_size <= width)
        return KG_OK;
    return text_fit_size(painter->fonts, name->data, name->len, addr->name_size,
                         addr->name_min_size, width, size, fits);
}

/* The address in painter->joined, broken into painter->lines for the block: on one line
 * when it fits there; otherwise with the building and room (address2) starting a line of
 * their own when that fits the block's lines (a line break inside a building's name reads
 * badly); otherwise wrapped where the line breaking rules allow. *fits: within `lines`. */
static kg_err address_lines(notice_painter *painter, const notice_data *data, double width,
                            bool *fits)
{
    const template_address *addr = &painter->tmpl->address;
    strbuf_reset(&painter->joined);
    kg_err err = notice_append_address(&painter->joined, data);
    if (err == KG_OK)
        err = text_break_lines(painter->fonts, painter->joined.data, painter->joined.len,
                               addr->size, width, (size_t)addr->lines, &painter->lines);
    if (err != KG_OK)
        return err;
    *fits = !painter->lines.overflow;
    if (painter->lines.count <= 1 || data->address2[0] == '\0')
        return KG_OK;
    strbuf_reset(&painter->joined); /* address and banchi, then address2 on a new line */
    err = strbuf_append_str(&painter->joined, data->address);
    if (err == KG_OK)
        err = strbuf_append_str(&painter->joined, data->banchi);
    if (err == KG_OK)
        err = strbuf_append_char(&painter->joined, '\n');
    if (err == KG_OK)
        err = strbuf_append_str(&painter->joined, data->address2);
    if (err == KG_OK)
        err = text_break_lines(painter->fonts, painter->joined.data, painter->joined.len,
                               addr->size, width, (size_t)addr->lines, &painter->lines);
    if (err == KG_OK && !painter->lines.overflow) {
        *fits = true;
        return KG_OK;
    }
    strbuf_reset(&painter->joined); /* back to the joined form */
    err = notice_append_address(&painter->joined, data);
    if (err == KG_OK)
        err = text_break_lines(painter->fonts, painter->joined.data, painter->joined.len,
                               addr->size, width, (size_t)addr->lines, &painter->lines);
    *fits = err == KG_OK && !painter->lines.overflow;
    return err;
}

bool notice_address_fits(notice_painter *painter, const notice_data *data, char *problem,
                         size_t cap)
{
    if (!painter->tmpl->has_address)
        return true;
    const template_address *addr = &painter->tmpl->address;
    block b = inner_block(painter->tmpl);
    double size = 0;
    bool fits = true;
    kg_err err = name_line(painter, data);
    if (err == KG_OK)
        err = fit_name(painter, b.width, &size, &fits);
    if (err != KG_OK || !fits) {
        snprintf(problem, cap,
                 "the name line does not fit the envelope window at %.1f pt (%zu "
                 "characters): address it by hand",
                 addr->name_min_size,
                 notice_code_points(painter->expanded.data, painter->expanded.len));
        return false;
    }
    strbuf_reset(&painter->joined);
    err = notice_append_address(&painter->joined, data);
    size_t chars = notice_code_points(painter->joined.data, painter->joined.len);
    size_t per_line = (size_t)(b.width / addr->size);
    if (err == KG_OK && per_line > 1 && chars <= (per_line - 1) * (size_t)addr->lines)
        return true;
    bool fits_lines = false;
    if (err == KG_OK)
        err = address_lines(painter, data, b.width, &fits_lines);
    if (err != KG_OK || !fits_lines) {
        snprintf(problem, cap,
                 "the address does not fit the envelope window in %d lines (%zu characters): "
                 "address it by hand",
                 addr->lines, chars);
        return false;
    }
    return true;
}

/* The bars are the glyphs of a small user font (a Type 3 font in the PDF, its four glyphs
 * written once per file): a page's 67 bars are then one string of glyph codes instead of
 * 67 paths of coordinates, which were the largest part of a page's bytes and of the time
 * Cairo spent writing it. Glyph space: 1 em is a long bar's height, the baseline is at the
 * bars' foot, x from a bar's left edge; the advance is the bar pitch. */
enum { BAR_GLYPH_LONG = 1, BAR_GLYPH_ASCENDER, BAR_GLYPH_DESCENDER, BAR_GLYPH_TIMING };

static cairo_status_t bar_font_init(cairo_scaled_font_t *scaled_font, cairo_t *cr,
                                    cairo_font_extents_t *extents)
{
    (void)scaled_font;
    (void)cr;
    extents->ascent = 1;
    extents->descent = 0;
    extents->height = 1;
    extents->max_x_advance = BARCODE_BAR_PITCH_UM / (double)BARCODE_LONG_BAR_UM;
    extents->max_y_advance = 0;
    return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t bar_font_render(cairo_scaled_font_t *scaled_font, unsigned long glyph,
                                      cairo_t *cr, cairo_text_extents_t *extents)
{
    (void)scaled_font;
    double zone = BARCODE_TIMING_BAR_UM / (double)BARCODE_LONG_BAR_UM; /* a third of an em */
    double top = -3 * zone, foot = 0;
    switch (glyph) {
    case BAR_GLYPH_LONG:
        break;
    case BAR_GLYPH_ASCENDER: /* the upper two zones */
        foot = -zone;
        break;
    case BAR_GLYPH_DESCENDER: /* the lower two zones */
        top = -2 * zone;
        break;
    case BAR_GLYPH_TIMING: /* the middle zone */
        top = -2 * zone;
        foot = -zone;
        break;
    default: /* .notdef: nothing */
        return CAIRO_STATUS_SUCCESS;
    }
    cairo_rectangle(cr, 0, top, BARCODE_BAR_WIDTH_UM / (double)BARCODE_LONG_BAR_UM, foot - top);
    cairo_fill(cr);
    extents->x_advance = BARCODE_BAR_PITCH_UM / (double)BARCODE_LONG_BAR_UM;
    return CAIRO_STATUS_SUCCESS;
}

cairo_font_face_t *notice_bar_font_new(void)
{
    cairo_font_face_t *face = cairo_user_font_face_create();
    cairo_user_font_face_set_init_func(face, bar_font_init);
    cairo_user_font_face_set_render_glyph_func(face, bar_font_render);
    if (cairo_font_face_status(face) == CAIRO_STATUS_SUCCESS)
        return face;
    cairo_font_face_destroy(face);
    return NULL;
}

static void draw_bars(notice_painter *painter, cairo_t *cr, const barcode_symbol *symbol, double x,
                      double y, double scale)
{
    double unit = NOTICE_PT_PER_MM / 1000.0 * scale; /* points per micrometre */
    double pitch = BARCODE_BAR_PITCH_UM * unit, em = BARCODE_LONG_BAR_UM * unit;
    cairo_glyph_t glyphs[BARCODE_BAR_COUNT];
    for (int idx = 0; idx < BARCODE_BAR_COUNT; idx++) {
        char bar = symbol->bars[idx];
        glyphs[idx].index = bar == 'A'   ? BAR_GLYPH_ASCENDER
                            : bar == 'D' ? BAR_GLYPH_DESCENDER
                            : bar == 'T' ? BAR_GLYPH_TIMING
                                         : BAR_GLYPH_LONG;
        glyphs[idx].x = x + idx * pitch;
        glyphs[idx].y = y + em;
    }
    /* one cluster of no text: the bars add nothing to what a reader extracts */
    const cairo_text_cluster_t cluster = {0, BARCODE_BAR_COUNT};
    cairo_save(cr);
    cairo_set_font_face(cr, painter->bar_font);
    cairo_set_font_size(cr, em);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_show_text_glyphs(cr, "", 0, glyphs, BARCODE_BAR_COUNT, &cluster, 1, 0);
    cairo_restore(cr);
}

/* The barcode's address part: banchi and address2 joined with a space (D38). */
static void draw_barcode(notice_painter *painter, cairo_t *cr, const notice_data *data,
                         const block *b, double top)
{
    char address[512];
    snprintf(address, sizeof(address), "%s%s%s", data->banchi, data->address2[0] ? " " : "",
             data->address2);
    barcode_symbol symbol;
    /* No barcode when the postal code cannot have one (ends in 00: D34) or the address
     * number cannot be read: the notice still goes, without the discount's bars. */
    if (barcode_encode(data->postal_code, address, &symbol) != KG_OK)
        return;
    draw_bars(painter, cr, &symbol, b->x + notice_pt(BARCODE_CLEAR_MM),
              top + notice_pt(BARCODE_CLEAR_MM), barcode_scale(b));
}

kg_err notice_draw_mark(notice_painter *painter, cairo_t *cr, kg_errbuf *errbuf)
{
    const template_address *addr = &painter->tmpl->address;
    if (!painter->tmpl->has_address || addr->mark[0] == '\0')
        return KG_OK;
    block b = inner_block(painter->tmpl);
    kg_err err =
        text_shape(painter->fonts, addr->mark, strlen(addr->mark), addr->mark_size, &painter->run);
    double pad = addr->mark_size * 0.2;
    double x = b.x + b.width - painter->run.width - pad;
    if (err == KG_OK)
        err =
            text_draw(cr, painter->fonts, &painter->run, x, b.y + addr->mark_size * NOTICE_ASCENT);
    cairo_rectangle(cr, x - pad, b.y - pad, painter->run.width + 2 * pad,
                    addr->mark_size + 2 * pad);
    cairo_set_line_width(cr, 0.5);
    cairo_stroke(cr);
    if (err != KG_OK)
        return kg_fail(errbuf, err, "unable to draw the mark '%s'", addr->mark);
    return KG_OK;
}

kg_err notice_draw_address(notice_painter *painter, cairo_t *cr, const notice_data *data,
                           kg_errbuf *errbuf)
{
    const template_address *addr = &painter->tmpl->address;
    block b = inner_block(painter->tmpl);
    double top = b.y;
    char postal[32];
    snprintf(postal, sizeof(postal), "〒%.3s-%.4s", data->postal_code,
             strlen(data->postal_code) >= 7 ? data->postal_code + 3 : "");
    kg_err err =
        notice_draw_line(painter, cr, postal, strlen(postal), addr->size, b.x, top, errbuf);
    top += addr->size * LINE_ADVANCE;
    bool address_fits = true;
    if (err == KG_OK)
        err = address_lines(painter, data, b.width, &address_fits);
    if (err == KG_OK && !address_fits)
        err = kg_fail(errbuf, KG_ERR_LAYOUT,
                      "notice %s: the address does not fit the window in %d lines", data->notice_no,
                      addr->lines);
    for (size_t idx = 0; err == KG_OK && idx < painter->lines.count; idx++) {
        const text_line *line = &painter->lines.lines[idx];
        err = notice_draw_line(painter, cr, painter->joined.data + line->start,
                               line->end - line->start, addr->size, b.x, top, errbuf);
        top += addr->size * LINE_ADVANCE;
    }
    top = b.y + addr->size * LINE_ADVANCE * (1 + addr->lines) + notice_pt(NAME_GAP_MM);
    double size = 0;
    bool fits = true;
    if (err == KG_OK)
        err = name_line(painter, data);
    if (err == KG_OK)
        err = fit_name(painter, b.width, &size, &fits);
    if (err == KG_OK && !fits)
        err = kg_fail(errbuf, KG_ERR_LAYOUT, "notice %s: the name does not fit the window",
                      data->notice_no);
    /* the name keeps its baseline whatever size it shrank to */
    if (err == KG_OK)
        err = notice_draw_line(painter, cr, painter->expanded.data, painter->expanded.len, size,
                               b.x, top + (addr->name_size - size) * NOTICE_ASCENT, errbuf);
    top += addr->name_size * NAME_ADVANCE;
    if (err == KG_OK && addr->barcode)
        draw_barcode(painter, cr, data, &b, top);
    if (err == KG_OK)
        err = draw_status_fail(cairo_status(cr), errbuf, "notice %s", data->notice_no);
    return err;
}
