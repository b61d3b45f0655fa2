/*
 * draw_status.h - the one translation of cairo's status codes into kigen errors (house style:
 * each dependency's errors are translated in exactly one function).
 *
 * Not a drawing helper: each caller says what it was drawing or writing. A PDF stream's
 * write error is only a code here; the stream's writer knows the file and the errno
 * (batch/run/pdf_file.c).
 */
#ifndef KIGEN_DRAW_STATUS_H
#define KIGEN_DRAW_STATUS_H

#include <cairo.h>

#include "common/error.h"

/* KG_OK for CAIRO_STATUS_SUCCESS, KG_ERR_NOMEM for CAIRO_STATUS_NO_MEMORY,
 * KG_ERR_IO_WRITE for CAIRO_STATUS_WRITE_ERROR, KG_ERR_DRAW for every other status. */
kg_err draw_status_error(cairo_status_t status);

/* draw_status_error(status); when that is not KG_OK, errbuf (may be NULL) also gets
 * "<context>: <cairo's description>", the context formatted from fmt. fmt is a message
 * marked N_("...") by the caller and translated here, only when there is an error: the
 * call is made for every page drawn (D109). */
kg_err draw_status_fail(cairo_status_t status, kg_errbuf *errbuf, const char *fmt, ...)
    KG_ERR_PRINTF(3, 4);

#endif
