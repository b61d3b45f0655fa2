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
#include "bars.h"
#include "draw_status.h"
#include "notice_internal.h"
#include "common/i18n.h"

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
                       _("%s: the window is too narrow for the customer barcode: %.1f mm inside "
                         "the tolerance, %.1f mm needed with its clear space"),
                       tmpl->path, b.width / NOTICE_PT_PER_MM,
                       (BARCODE_BAR_COUNT * BARCODE_BAR_PITCH_UM / 1000.0) * BARCODE_MIN_SCALE +
                           2 * BARCODE_CLEAR_MM);
    double needed = block_height_pt(addr, scale);
    if (needed > b.height + 1e-6)
        return kg_fail(errbuf, KG_ERR_TEMPLATE,
                       _("%s: the address block needs %.1f mm of height and the window gives "
                         "%.1f mm inside its tolerance: fewer address lines, smaller sizes or a "
                         "taller window"),
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
                 _("the name line does not fit the envelope window at %.1f pt (%zu "
                   "characters): address it by hand"),
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
                 _("the address does not fit the envelope window in %d lines (%zu characters): "
                   "address it by hand"),
                 addr->lines, chars);
        return false;
    }
    return true;
}

/* The bars, one dashed stroke per bar shape (bars.c, D84): bar i is module 2i of a row of
 * half-pitch modules. The module is rounded down to 0.01 pt and every length is a multiple
 * of it (bar width 1, pitch 2, a zone 2), so the symbol keeps its proportions at a scale
 * less than 1 % below the one asked (0.05 % at 10 pt: 1.70 pt for 1.7008). Shapes: F the
 * three zones, A the upper two, D the lower two, T the middle one. */
static void draw_bars(cairo_t *cr, const barcode_symbol *symbol, double x, double y, double scale)
{
    static const struct {
        char bar;
        int top, zones; /* in zones from the bars' top */
    } shapes[] = {{'F', 0, 3}, {'A', 0, 2}, {'D', 1, 2}, {'T', 1, 1}};
    _Static_assert(BARCODE_BAR_PITCH_UM == 2 * BARCODE_BAR_WIDTH_UM &&
                       BARCODE_TIMING_BAR_UM == 2 * BARCODE_BAR_WIDTH_UM &&
                       BARCODE_LONG_BAR_UM == 3 * BARCODE_TIMING_BAR_UM,
                   "the bars are drawn in half-pitch modules");
    double unit = bars_unit(notice_pt(BARCODE_BAR_WIDTH_UM / 1000.0) * scale);
    bool dark[2 * BARCODE_BAR_COUNT - 1];
    for (size_t shape = 0; shape < sizeof(shapes) / sizeof(shapes[0]); shape++) {
        for (int idx = 0; idx < 2 * BARCODE_BAR_COUNT - 1; idx++)
            dark[idx] = idx % 2 == 0 && symbol->bars[idx / 2] == shapes[shape].bar;
        bars_draw_row(cr, x, y + 2 * unit * shapes[shape].top, unit, 2 * unit * shapes[shape].zones,
                      dark, 2 * BARCODE_BAR_COUNT - 1);
    }
}

/* The barcode's address part: banchi and address2 joined with a space (D38). */
static void draw_barcode(cairo_t *cr, const notice_data *data, const block *b, double top)
{
    char address[512];
    snprintf(address, sizeof(address), "%s%s%s", data->banchi, data->address2[0] ? " " : "",
             data->address2);
    barcode_symbol symbol;
    /* No barcode when the postal code cannot have one (ends in 00: D34) or the address
     * number cannot be read: the notice still goes, without the discount's bars. */
    if (barcode_encode(data->postal_code, address, &symbol) != KG_OK)
        return;
    draw_bars(cr, &symbol, b->x + notice_pt(BARCODE_CLEAR_MM), top + notice_pt(BARCODE_CLEAR_MM),
              barcode_scale(b));
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
        return kg_fail(errbuf, err, _("unable to draw the mark '%s'"), addr->mark);
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
                      _("notice %s: the address does not fit the window in %d lines"),
                      data->notice_no, addr->lines);
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
        err = kg_fail(errbuf, KG_ERR_LAYOUT, _("notice %s: the name does not fit the window"),
                      data->notice_no);
    /* the name keeps its baseline whatever size it shrank to */
    if (err == KG_OK)
        err = notice_draw_line(painter, cr, painter->expanded.data, painter->expanded.len, size,
                               b.x, top + (addr->name_size - size) * NOTICE_ASCENT, errbuf);
    top += addr->name_size * NAME_ADVANCE;
    if (err == KG_OK && addr->barcode)
        draw_barcode(cr, data, &b, top);
    if (err == KG_OK)
        err = draw_status_fail(cairo_status(cr), errbuf, N_("notice %s"), data->notice_no);
    return err;
}
