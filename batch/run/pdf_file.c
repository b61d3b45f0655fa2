/*
 * pdf_file.c - buffered, private, atomic PDF files (see pdf_file.h).
 */
#include "pdf_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>

#include "outputs.h"
#include "render/draw_status.h"

static void write_all(pdf_file *file, const unsigned char *data, size_t length)
{
    while (length > 0 && file->write_errno == 0) {
        ssize_t written = write(file->fd, data, length);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0) {
            file->write_errno = written < 0 ? errno : ENOSPC;
            break;
        }
        data += written;
        length -= (size_t)written;
    }
}

/* Writes what the buffer holds; false (write_errno set) on a write error. */
static bool flush(pdf_file *file)
{
    write_all(file, file->buffer, file->used);
    file->used = 0;
    return file->write_errno == 0;
}

/* Cairo hands the stream over a few bytes at a time (dozens of pieces a page). */
static cairo_status_t stream_write(void *closure, const unsigned char *data, unsigned int length)
{
    pdf_file *file = closure;
    if (file->used + length > PDF_FILE_BUFFER && !flush(file))
        return CAIRO_STATUS_WRITE_ERROR;
    if (length >= PDF_FILE_BUFFER) {
        write_all(file, data, length);
    } else {
        memcpy(file->buffer + file->used, data, length);
        file->used += length;
    }
    return file->write_errno == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

kg_err pdf_file_open(pdf_file *file, const char *dir, const char *name, double width_pt,
                     double height_pt, kdate run_date, kg_errbuf *errbuf)
{
    file->dir = dir;
    file->name = name;
    file->fd = -1;
    file->write_errno = 0;
    file->used = 0;
    file->surface = NULL;
    kg_err err = outputs_temp_path(dir, name, file->temp, sizeof(file->temp), errbuf);
    if (err != KG_OK)
        return err;
    file->fd = open(file->temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (file->fd < 0)
        return kg_fail(errbuf, KG_ERR_IO_WRITE, "unable to create '%s': %s", file->temp,
                       strerror(errno));
    file->surface = cairo_pdf_surface_create_for_stream(stream_write, file, width_pt, height_pt);
    char date[KDATE_ISO_LEN + 1], created[40];
    snprintf(created, sizeof(created), "%sT00:00:00+09:00", kdate_format(run_date, date));
    cairo_pdf_surface_set_metadata(file->surface, CAIRO_PDF_METADATA_CREATE_DATE, created);
    cairo_pdf_surface_set_metadata(file->surface, CAIRO_PDF_METADATA_TITLE, name);
    cairo_pdf_surface_set_metadata(file->surface, CAIRO_PDF_METADATA_CREATOR, "kigen");
    return KG_OK;
}

kg_err pdf_file_close(pdf_file *file, kg_err err, kg_errbuf *errbuf)
{
    if (file->surface != NULL) {
        /* a write that failed while drawing put the surface in error: the drawing's
         * failure is then the write's, reported with the file and its errno */
        bool drawing_hit_write_error = err != KG_OK && file->write_errno != 0;
        cairo_surface_finish(file->surface);
        cairo_status_t status = cairo_surface_status(file->surface);
        cairo_surface_destroy(file->surface);
        file->surface = NULL;
        if (file->fd >= 0)
            flush(file);
        if ((err == KG_OK || drawing_hit_write_error) && file->write_errno != 0)
            err = kg_fail(errbuf, KG_ERR_IO_WRITE, "unable to write '%s': %s", file->temp,
                          strerror(file->write_errno));
        else if (err == KG_OK)
            err = draw_status_fail(status, errbuf, "unable to finish '%s'", file->temp);
    }
    if (file->fd >= 0 && close(file->fd) != 0 && err == KG_OK)
        err = kg_fail(errbuf, KG_ERR_IO_WRITE, "unable to close '%s': %s", file->temp,
                      strerror(errno));
    bool created = file->fd >= 0;
    file->fd = -1;
    if (err == KG_OK)
        return outputs_adopt_file(file->dir, file->name, errbuf); /* fsync, rename */
    if (created)
        unlink(file->temp);
    return err;
}
