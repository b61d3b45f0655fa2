/*
 * bars.c - a barcode's rows of modules as dashed strokes, a 2D code's matrix as a 1-bit
 * stencil mask (see bars.h). Why a dash array rather than a rectangle per bar, a form
 * XObject per bar shape or a user font: D84; why a stencil for the matrix: D85. Both
 * measured.
 */
#include "bars.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

double bars_unit(double points)
{
    double unit = floor(points * 100.0 + 1e-6) / 100.0;
    return unit < 0.01 ? 0.01 : unit;
}

void bars_draw_row(cairo_t *cr, double left, double top, double unit, double height,
                   const bool *dark, size_t count)
{
    if (count > BARS_MAX_MODULES)
        count = BARS_MAX_MODULES;
    size_t first = count, last = 0;
    for (size_t idx = 0; idx < count; idx++)
        if (dark[idx]) {
            first = first < count ? first : idx;
            last = idx;
        }
    if (first == count)
        return;
    /* dark run, light run, ...: at most one pair for every two modules, and a last light
     * one that the line's end never reaches (an odd array would repeat itself) */
    double dashes[BARS_MAX_MODULES + 2];
    int dash_count = 0;
    for (size_t idx = first; idx <= last;) {
        size_t run = 0;
        while (idx + run <= last && dark[idx + run])
            run++;
        dashes[dash_count++] = (double)run * unit;
        idx += run;
        size_t gap = 0;
        while (idx + gap <= last && !dark[idx + gap])
            gap++;
        dashes[dash_count++] = (double)(gap > 0 ? gap : 1) * unit;
        idx += gap;
    }
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_set_line_width(cr, height);
    cairo_set_dash(cr, dashes, dash_count, 0);
    cairo_move_to(cr, left + (double)first * unit, top + height / 2);
    cairo_line_to(cr, left + (double)(last + 1) * unit, top + height / 2);
    cairo_stroke(cr);
    cairo_restore(cr);
}

void bars_draw_matrix(cairo_t *cr, double left, double top, double unit, const bool *dark, int side)
{
    if (side < 1 || side > BARS_MAX_SIDE)
        return;
    /* a surface Cairo could not make is an error surface: the mask below puts cr in its
     * error state, which the page's caller reports */
    cairo_surface_t *mask = cairo_image_surface_create(CAIRO_FORMAT_A1, side, side);
    cairo_surface_flush(mask);
    unsigned char *bits = cairo_image_surface_get_data(mask);
    int stride = cairo_image_surface_get_stride(mask);
    /* A1 pixels are bits of 32-bit words in the machine's order: the first pixel is the
     * least significant bit on a little-endian machine, the most significant on a big one */
    const uint32_t one = 1;
    const bool little = *(const unsigned char *)&one == 1;
    for (int row = 0; bits != NULL && row < side; row++) {
        uint32_t word[BARS_MAX_SIDE / 32 + 1] = {0};
        for (int column = 0; column < side; column++)
            if (dark[row * side + column])
                word[column / 32] |=
                    little ? (uint32_t)1 << (column % 32) : (uint32_t)0x80000000u >> (column % 32);
        memcpy(bits + (size_t)row * (size_t)stride, word, (size_t)((side + 31) / 32) * 4);
    }
    cairo_surface_mark_dirty(mask);
    cairo_pattern_t *pattern = cairo_pattern_create_for_surface(mask);
    cairo_pattern_set_filter(pattern, CAIRO_FILTER_NEAREST); /* /Interpolate false */
    cairo_save(cr);
    cairo_translate(cr, left, top);
    cairo_scale(cr, unit, unit);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_mask(cr, pattern);
    cairo_restore(cr);
    cairo_pattern_destroy(pattern);
    cairo_surface_destroy(mask);
}
