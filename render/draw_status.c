/*
 * draw_status.c - cairo_status_t to kg_err (see draw_status.h).
 */
#include "draw_status.h"

#include <stdarg.h>
#include <stdio.h>

#include "common/i18n.h"

kg_err draw_status_error(cairo_status_t status)
{
    switch (status) {
    case CAIRO_STATUS_SUCCESS:
        return KG_OK;
    case CAIRO_STATUS_NO_MEMORY:
        return KG_ERR_NOMEM;
    case CAIRO_STATUS_WRITE_ERROR:
        return KG_ERR_IO_WRITE;
    default:
        return KG_ERR_DRAW;
    }
}

kg_err draw_status_fail(cairo_status_t status, kg_errbuf *errbuf, const char *fmt, ...)
{
    kg_err err = draw_status_error(status);
    if (err == KG_OK || errbuf == NULL)
        return err;
    char context[KG_ERRBUF_SIZE];
    va_list args;
    va_start(args, fmt);
    vsnprintf(context, sizeof(context), _(fmt), args);
    va_end(args);
    return kg_fail(errbuf, err, "%s: %s", context, cairo_status_to_string(status));
}
