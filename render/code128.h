/*
 * code128.h - the modules of a Code 128 symbol (the form's control number, for the
 * counter's scanner), encoded by libzint; the drawing is the caller's.
 */
#ifndef KIGEN_CODE128_H
#define KIGEN_CODE128_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

#define CODE128_MAX_MODULES 1152

typedef struct code128_symbol {
    bool dark[CODE128_MAX_MODULES]; /* one entry per module, left to right */
    size_t width;                   /* modules, quiet zones not included */
} code128_symbol;

/* Encodes text (printable ASCII). KG_ERR_DRAW with libzint's message on failure. */
kg_err code128_encode(const char *text, code128_symbol *out, kg_errbuf *errbuf);

#endif
