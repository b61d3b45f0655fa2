/*
 * code128.c - Code 128 through libzint (see code128.h).
 */
#include "code128.h"
#include "common/i18n.h"

#include <string.h>

#include <zint.h>

kg_err code128_encode(const char *text, code128_symbol *out, kg_errbuf *errbuf)
{
    memset(out, 0, sizeof(*out));
    struct zint_symbol *symbol = ZBarcode_Create();
    if (symbol == NULL)
        return kg_fail(errbuf, KG_ERR_NOMEM, _("unable to encode '%s': out of memory"), text);
    symbol->symbology = BARCODE_CODE128;
    symbol->input_mode = DATA_MODE;
    int status = ZBarcode_Encode(symbol, (const unsigned char *)text, (int)strlen(text));
    kg_err err = KG_OK;
    if (status >= ZINT_ERROR || symbol->rows < 1 || symbol->width < 1 ||
        symbol->width > CODE128_MAX_MODULES)
        err = kg_fail(errbuf, KG_ERR_DRAW, _("unable to encode '%s' as Code 128: %s"), text,
                      symbol->errtxt);
    for (int column = 0; err == KG_OK && column < symbol->width; column++)
        out->dark[column] = ((symbol->encoded_data[0][column >> 3] >> (column & 7)) & 1) != 0;
    if (err == KG_OK)
        out->width = (size_t)symbol->width;
    ZBarcode_Delete(symbol);
    return err;
}
