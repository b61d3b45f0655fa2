/*
 * bars.h - dark modules drawn without a font (no Type 3): the bars of one height of a
 * barcode as one dashed line (bars_draw_row: the dash array holds the runs of dark and
 * light modules, so a row is a line and a list of short lengths in the PDF; D84), a 2D
 * code's matrix as a 1-bit stencil mask scaled without interpolation (bars_draw_matrix: an
 * /ImageMask of side x side bits, sharp at any resolution; D85). Drawing only: encoding and
 * placing are the caller's.
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

/* Draws the dark modules of a side x side matrix (dark[row * side + column], top row
 * first) in black, unit points each, its top-left corner at left, top: one 1-bit stencil
 * mask (CAIRO_FORMAT_A1, nearest filter: /ImageMask with /Interpolate false in a PDF).
 * side at most BARS_MAX_SIDE, else nothing; a surface Cairo cannot make leaves cr in its
 * error state. cr's source and matrix are restored afterwards. */
#define BARS_MAX_SIDE 32
void bars_draw_matrix(cairo_t *cr, double left, double top, double unit, const bool *dark,
                      int side);

#endif
