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

/* Appends a run of length modules, dark or light, to the dash array: a run of the same kind
 * as the last one lengthens it. */
static void add_run(double *dashes, int *count, bool dark, int length, double unit)
{
    if (length <= 0)
        return;
    bool last_dark = *count % 2 == 1; /* the array alternates: dark, light, dark, ... */
    if (*count > 0 && last_dark == dark)
        dashes[*count - 1] += (double)length * unit;
    else if (*count == 0 && !dark)
        dashes[(*count)++] = 0, dashes[(*count)++] = (double)length * unit;
    else
        dashes[(*count)++] = (double)length * unit;
}

void bars_draw_matrix(cairo_t *cr, double left, double top, double unit, const bool *dark, int side)
{
    if (side < 1 || side > BARS_MAX_SIDE)
        return;
    /* along the path: a row (one module of margin on either side), a turn of one module */
    double dashes[2 * (BARS_MAX_SIDE + 3) * BARS_MAX_SIDE + 4];
    int count = 0;
    bool any = false;
    for (int row = 0; row < side; row++) {
        add_run(dashes, &count, false, row > 0 ? 2 : 1, unit); /* the turn, the margin */
        for (int step = 0; step < side; step++) {
            int column = row % 2 == 0 ? step : side - 1 - step;
            bool on = dark[row * side + column];
            any = any || on;
            add_run(dashes, &count, on, 1, unit);
        }
        add_run(dashes, &count, false, 1, unit); /* the margin */
    }
    if (!any)
        return;
    /* the array begins dark: its leading light run goes to the end, and the phase skips it */
    double lead = dashes[0] == 0 ? dashes[1] : 0;
    double *start = dashes;
    if (lead > 0) {
        start = dashes + 2;
        count -= 2;
        if (count % 2 == 1)
            start[count++] = lead;
        else
            start[count - 1] += lead;
    } else if (count % 2 == 1)
        dashes[count++] = unit;
    double period = 0;
    for (int idx = 0; idx < count; idx++)
        period += start[idx];
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_BEVEL);
    cairo_set_line_width(cr, unit);
    cairo_set_dash(cr, start, count, lead > 0 ? period - lead : 0);
    double west = left - unit, east = left + (double)(side + 1) * unit;
    for (int row = 0; row < side; row++) {
        double y = top + ((double)row + 0.5) * unit;
        if (row == 0)
            cairo_move_to(cr, west, y);
        else
            cairo_line_to(cr, row % 2 == 0 ? west : east, y);
        cairo_line_to(cr, row % 2 == 0 ? east : west, y);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}
