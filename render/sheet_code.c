/*
 * sheet_code.c - the envelope-matching QR Code of a sheet through libzint (see
 * sheet_code.h). Encoding only; notice.c draws it.
 */
#include "sheet_code.h"
#include "common/i18n.h"

#include <stdio.h>
#include <string.h>

#include <zint.h>

#define QR_ECC_M 2

void sheet_code_text(const char *envelope, int sheet, int sheets, char *text, size_t cap)
{
    snprintf(text, cap, "%s/%d/%d", envelope, sheet, sheets);
}

static bool alphanumeric(const char *text)
{
    for (const char *pos = text; *pos != '\0'; pos++)
        if (!((*pos >= '0' && *pos <= '9') || (*pos >= 'A' && *pos <= 'Z') ||
              strchr(" $%*+-./:", *pos) != NULL))
            return false;
    return true;
}

kg_err sheet_code_encode(const char *envelope, int sheet, int sheets, sheet_code *out,
                         kg_errbuf *errbuf)
{
    memset(out, 0, sizeof(*out));
    char text[64];
    sheet_code_text(envelope, sheet, sheets, text, sizeof(text));
    if (sheet < 1 || sheet > sheets || strlen(text) > SHEET_CODE_TEXT_MAX || !alphanumeric(text))
        return kg_fail(errbuf, KG_ERR_DRAW,
                       _("unable to encode '%s' as the sheet's code: not %d QR alphanumeric "
                         "characters at most, or a sheet outside 1..%d"),
                       text, SHEET_CODE_TEXT_MAX, sheets);
    struct zint_symbol *symbol = ZBarcode_Create();
    if (symbol == NULL)
        return kg_fail(errbuf, KG_ERR_NOMEM, _("unable to encode '%s': out of memory"), text);
    symbol->symbology = BARCODE_QRCODE;
    symbol->input_mode = DATA_MODE;
    symbol->option_1 = QR_ECC_M;
    symbol->option_2 = 1; /* version 1: 21 x 21 */
    int status = ZBarcode_Encode(symbol, (const unsigned char *)text, (int)strlen(text));
    kg_err err = KG_OK;
    if (status >= ZINT_ERROR || symbol->rows != SHEET_CODE_SIDE || symbol->width != SHEET_CODE_SIDE)
        err = kg_fail(errbuf, KG_ERR_DRAW, _("unable to encode '%s' as a QR Code version 1: %s"),
                      text, status >= ZINT_ERROR ? symbol->errtxt : _("another size"));
    for (int row = 0; err == KG_OK && row < SHEET_CODE_SIDE; row++)
        for (int column = 0; column < SHEET_CODE_SIDE; column++)
            out->dark[row][column] =
                ((symbol->encoded_data[row][column >> 3] >> (column & 7)) & 1) != 0;
    ZBarcode_Delete(symbol);
    return err;
}
