/*
 * sheet_code.h - the code that matches a sheet to its envelope for the inserting machine's
 * camera (D85): a QR Code, version 1 (21 x 21 modules), error correction level M, in
 * alphanumeric mode, holding "<envelope>/<sheet>/<sheets>" (20270215-000001/2/2: the
 * second of the notice's two sheets; 0123456789AB/1/1: an inquiry). Its modules come from
 * libzint; where and how large it is printed is the template's ([sheet_code]), the drawing
 * the painter's.
 */
#ifndef KIGEN_SHEET_CODE_H
#define KIGEN_SHEET_CODE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

#define SHEET_CODE_SIDE 21        /* modules: version 1 */
#define SHEET_CODE_QUIET 4        /* modules of clear space on every side (ISO/IEC 18004) */
#define SHEET_CODE_TEXT_MAX 20    /* alphanumeric characters version 1-M holds */
#define SHEET_CODE_MODULE_MM 0.62 /* the module when the template does not say (D85) */

typedef struct sheet_code {
    bool dark[SHEET_CODE_SIDE][SHEET_CODE_SIDE]; /* [row][column], top-left first */
} sheet_code;

/* The text of a sheet's code into text (cap bytes): "<envelope>/<sheet>/<sheets>". */
void sheet_code_text(const char *envelope, int sheet, int sheets, char *text, size_t cap);

/* Encodes envelope (an envelope id: a notice number or a control number), sheet (1 to
 * sheets) and sheets. KG_ERR_DRAW when the text is not QR alphanumeric (digits, A-Z, space,
 * $%*+-./:), is longer than SHEET_CODE_TEXT_MAX, or libzint fails (its reason in errbuf). */
kg_err sheet_code_encode(const char *envelope, int sheet, int sheets, sheet_code *out,
                         kg_errbuf *errbuf);

#endif
