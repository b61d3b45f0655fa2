/*
 * pdf_file.h - a run's PDF output file: a Cairo PDF surface streaming through a 64 KiB
 * buffer into a private (0600) temporary file, its metadata fixed by the run date (the
 * same bytes on every re-run), adopted under its final name when complete (outputs.h),
 * removed when not.
 */
#ifndef KIGEN_PDF_FILE_H
#define KIGEN_PDF_FILE_H

#include <stddef.h>

#include <cairo.h>

#include "../common/error.h"
#include "../common/kdate.h"

#define PDF_FILE_BUFFER (64 * 1024)
#define PDF_FILE_PATH_CAP 4096

/* One file being written; the caller owns it (64 KiB: a worker's stack will do). */
typedef struct pdf_file {
    const char *dir;              /* borrowed */
    const char *name;             /* borrowed */
    char temp[PDF_FILE_PATH_CAP]; /* dir/.name.tmp */
    int fd;
    int write_errno; /* the first write error */
    size_t used;     /* bytes waiting in buffer */
    unsigned char buffer[PDF_FILE_BUFFER];
    cairo_surface_t *surface; /* owned until pdf_file_close */
} pdf_file;

/* Creates dir/.name.tmp and the surface (width x height points; title name, creator
 * kigen, creation date run_date 00:00 JST). On failure nothing is left behind. */
kg_err pdf_file_open(pdf_file *file, const char *dir, const char *name, double width_pt,
                     double height_pt, kdate run_date, kg_errbuf *errbuf);

/* Finishes the surface; when err (the drawing's result) is KG_OK and everything reached
 * the disk, fsyncs and renames the file into place; otherwise removes it. Returns the
 * first failure, err included. */
kg_err pdf_file_close(pdf_file *file, kg_err err, kg_errbuf *errbuf);

#endif
