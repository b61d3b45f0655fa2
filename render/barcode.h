/*
 * barcode.h - Japan Post's customer barcode (カスタマバーコード): data, check, 67 bars.
 *
 * Pure: no I/O, no allocation, no globals. Extracts the address display number
 * (住所表示番号) from the part of the address after the town name, joins it to the postal
 * code, and computes the check character and the bar pattern. It does not draw: the PDF
 * renderer turns `bars` into rectangles with the sizes below.
 */
#ifndef KIGEN_BARCODE_H
#define KIGEN_BARCODE_H

#include <stddef.h>

#include "common/error.h"

#define BARCODE_DATA_LEN 20    /* postal code (7) + address number (13), padded with CC4 */
#define BARCODE_BAR_COUNT 67   /* start (2) + 21 characters x 3 + stop (2) */
#define BARCODE_ADDRESS_LEN 13 /* symbol characters left for the address number */

/*
 * Notation (docs/formats.md): digits, '-', and the control codes CC1..CC8 as 'a'..'h'.
 * Bars: 'F' long, 'A' ascender (upper half), 'D' descender (lower half), 'T' timing.
 */
typedef struct barcode_symbol {
    char data[BARCODE_DATA_LEN + 1];  /* the 20 characters, NUL-terminated */
    char check;                       /* check character, same notation */
    char bars[BARCODE_BAR_COUNT + 1]; /* start, 20 characters, check, stop; NUL-terminated */
} barcode_symbol;

/*
 * Physical sizes (Japan Post 郵便番号・バーコードマニュアル, customer barcode dimensions),
 * in micrometres at the 10 point reference size. A symbol of `a` points (8 <= a <= 11.5)
 * scales every bar length, pitch and width by a/10: at 8 pt the long bar is 2.88 mm, the
 * ascender/descender 1.92 mm, the timing bar 0.96 mm, the pitch 0.96 mm and the bar width
 * 0.48 mm. The three zones of a long bar are equal: an ascender is the upper zone plus the
 * timing zone, a descender the timing zone plus the lower one. The whole symbol is
 * 66 pitches + 1 bar wide (79.8 mm at 10 pt, 63.84 mm at 8 pt). The clear space is not
 * scaled: at least 2 mm on every side (docs/rules.md section 8).
 */
#define BARCODE_POINTS_MIN_TENTHS 80  /* 8 pt */
#define BARCODE_POINTS_REF_TENTHS 100 /* 10 pt: the sizes below */
#define BARCODE_POINTS_MAX_TENTHS 115 /* 11.5 pt */
#define BARCODE_LONG_BAR_UM 3600      /* F: the three zones */
#define BARCODE_HALF_BAR_UM 2400      /* A, D: two zones */
#define BARCODE_TIMING_BAR_UM 1200    /* T: the middle zone */
#define BARCODE_BAR_PITCH_UM 1200     /* left edge to left edge */
#define BARCODE_BAR_WIDTH_UM 600
#define BARCODE_CLEAR_SPACE_UM 2000 /* on every side, whatever the size */

/*
 * The address display number of `address` (the part after the town name: banchi and
 * address2 joined by a space; UTF-8, `len` bytes, no NUL needed), written NUL-terminated
 * to `out` as digits, '-' and the letters A-Z. At most cap-1 characters are written; a
 * longer number is cut (the barcode uses 13 symbol characters at most, so cap 32 is
 * plenty). KG_ERR_ADDRESS_ENCODING when `address` is not valid UTF-8 (out is then "");
 * KG_ERR_INTERNAL when cap is 0.
 */
kg_err barcode_extract(const char *address, size_t len, char *out, size_t cap);

/*
 * The symbol of an already extracted text: 7 postal code digits followed by an address
 * number of digits, '-' and A-Z (the input zint's JAPANPOST encoder takes). Letters become
 * a control code and a digit; the data is padded with CC4 or cut to 20 characters (a
 * letter whose control code falls on the 20th keeps only its control code).
 * KG_ERR_INTERNAL for any other character or fewer than 7 leading digits.
 */
kg_err barcode_from_text(const char *text, size_t len, barcode_symbol *out);

/*
 * The symbol for a postal code ("2630023" or "263-0023", `postal_len` bytes) and the
 * address after the town name. KG_ERR_POSTAL_CODE for any other postal code form,
 * KG_ERR_POSTAL_CODE_NO_BARCODE for one ending in 00 (a representative code: no barcode
 * is printed), KG_ERR_ADDRESS_ENCODING for an address that is not UTF-8. On error *out
 * is zeroed.
 */
kg_err barcode_encode_n(const char *postal_code, size_t postal_len, const char *address,
                        size_t address_len, barcode_symbol *out);

/* barcode_encode_n on NUL-terminated strings; address may be NULL (no address number). */
kg_err barcode_encode(const char *postal_code, const char *address, barcode_symbol *out);

/* Value of a character in the notation above for the check (0-9, '-' 10, 'a'..'h'
 * 11..18), or -1 for any other character. */
int barcode_char_value(char symbol_char);

#endif
