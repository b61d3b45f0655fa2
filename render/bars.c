/*
 * bars.c - rows of modules as dashed strokes (see bars.h). Why a dash array rather than a
 * rectangle per bar, a form XObject per bar shape or a user font: D84, measured.
 */
#include "bars.h"

#include <math.h>

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
