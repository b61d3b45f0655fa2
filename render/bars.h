/*
 * bars.h - a row of dark modules (the bars of one height of a barcode, one row of a 2D
 * code) drawn as one dashed stroke: the dash array holds the runs of dark and light
 * modules, so a row is a line and a list of short lengths in the PDF, with no font (no
 * Type 3) and no image (D84). Drawing only: encoding and placing are the caller's.
 */
#ifndef KIGEN_BARS_H
#define KIGEN_BARS_H

#include <stdbool.h>
#include <stddef.h>

#include <cairo.h>

#define BARS_MAX_MODULES 1152

/* points rounded down to a hundredth of a point (at least 0.01): a module of such a width
 * makes every dash length a short decimal in the PDF, and never wider than asked. */
double bars_unit(double points);

/* Draws the dark modules of dark[0..count) in black, left to right from left, unit points
 * each, as one stroke height points high whose top is at top (points, origin top-left).
 * Nothing when no module is dark; count above BARS_MAX_MODULES is cut there. cr's dash,
 * line width, cap and source are restored afterwards. */
void bars_draw_row(cairo_t *cr, double left, double top, double unit, double height,
                   const bool *dark, size_t count);

#endif
