/*
 * pdf_file.h - a PDF output file: a Cairo PDF surface streaming into an out_file
 * (private, 64 KiB writes, complete under its final name or absent), its metadata fixed
 * by a date (the same bytes on every re-run). Drawing is the caller's.
 */
#ifndef KIGEN_PDF_FILE_H
#define KIGEN_PDF_FILE_H

#include <cairo.h>

#include "../common/error.h"
#include "../common/kdate.h"
#include "../common/out_file.h"

/* One file being written; the caller owns it (about 72 KiB: a worker's stack will do). */
typedef struct pdf_file {
    out_file out;             /* the file; out.path names it in messages */
    cairo_surface_t *surface; /* owned until pdf_file_close; NULL when open failed */
} pdf_file;

/* Begins dir/name (out_file_begin: its errors) and creates the surface (width x height
 * points; title name, creator kigen, creation date run_date 00:00 JST). On failure
 * nothing is left behind; pdf_file_close may still be called. */
kg_err pdf_file_open(pdf_file *file, const char *dir, const char *name, double width_pt,
                     double height_pt, kdate run_date, kg_errbuf *errbuf);

/* Finishes the surface and ends the file (out_file_end): in place when err (the
 * drawing's result) is KG_OK and everything reached the disk, removed otherwise. Returns
 * the first failure: a failed write (KG_ERR_IO_WRITE "unable to write '<path>': <OS
 * error>") before the drawing or finishing failure it caused (Cairo's "error while
 * writing to output stream"), then err, then KG_ERR_DRAW "unable to write '<path>':
 * <Cairo's status>" when the surface cannot be finished. */
kg_err pdf_file_close(pdf_file *file, kg_err err, kg_errbuf *errbuf);

#endif
