/*
 * pdf_file.c - PDF files through out_file (see pdf_file.h).
 */
#include "pdf_file.h"

#include <stdio.h>

#include <cairo-pdf.h>

#include "render/draw_status.h"
#include "../common/i18n.h"

/* Cairo hands the stream over a few bytes at a time (dozens of pieces a page); out_file
 * buffers them and keeps the first failure's errno for pdf_file_close. */
static cairo_status_t stream_write(void *closure, const unsigned char *data, unsigned int length)
{
    pdf_file *file = closure;
    return out_file_write(&file->out, data, length, NULL) == KG_OK ? CAIRO_STATUS_SUCCESS
                                                                   : CAIRO_STATUS_WRITE_ERROR;
}

kg_err pdf_file_open(pdf_file *file, const char *dir, const char *name, double width_pt,
                     double height_pt, kdate run_date, kg_errbuf *errbuf)
{
    file->surface = NULL;
    kg_err err = out_file_begin(&file->out, dir, name, errbuf);
    if (err != KG_OK)
        return err;
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
        cairo_surface_finish(file->surface);
        cairo_status_t status = cairo_surface_status(file->surface);
        cairo_surface_destroy(file->surface);
        file->surface = NULL;
        if (err == KG_OK)
            err = draw_status_fail(status, errbuf, N_("unable to finish '%s'"), file->out.path);
    }
    /* the OS error of a failed write, rather than Cairo's account of what it broke */
    if (err == KG_OK || err == KG_ERR_DRAW || err == KG_ERR_IO_WRITE) {
        kg_err write_err = out_file_write_error(&file->out, errbuf);
        if (write_err != KG_OK)
            err = write_err;
    }
    return out_file_end(&file->out, err, errbuf);
}
