/*
 * mail_list.h - the list of registered items (簡易書留) for the post office: one line per
 * inquiry form (number, control number, postal code, address and name), one section per
 * sending office, A4 portrait, page numbers. Drawing only; the caller owns the surface.
 */
#ifndef KIGEN_MAIL_LIST_H
#define KIGEN_MAIL_LIST_H

#include <stddef.h>

#include <cairo.h>

#include "common/error.h"
#include "common/kdate.h"
#include "text.h"

typedef struct mail_entry {
    const char *office;      /* the sending office's name ("" when unknown) */
    const char *control_no;  /* 12 characters */
    const char *postal_code; /* 7 digits */
    const char *address;     /* as printed */
    const char *name;        /* as printed */
} mail_entry;

/* The rows of a page: an office's entries take ceil(n / MAIL_LIST_ROWS_PER_PAGE) pages
 * (none at all: one page saying so). */
#define MAIL_LIST_ROWS_PER_PAGE 24

/* Draws the entries (grouped by office: a new office starts a new page) on a PDF surface
 * of A4 pages. KG_ERR_LAYOUT for a character no font has, KG_ERR_DRAW. */
kg_err mail_list_draw(cairo_surface_t *surface, text_fonts *fonts, const mail_entry *entries,
                      size_t count, kdate run_date, kg_errbuf *errbuf);

#endif
