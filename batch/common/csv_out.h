/*
 * csv_out.h - the bytes of a CSV file that a person opens in a spreadsheet: a UTF-8 BOM
 * at its start (Excel on a Japanese Windows reads UTF-8 without one as Shift_JIS), or the
 * whole text converted to CP932 (Microsoft's Shift_JIS) with iconv(3) for systems that
 * read nothing else. Formats rows that are already CSV text (UTF-8); does not write files
 * (out_file.h does) and does not quote (strbuf.h does). Rules: docs/decisions.md D115-D116.
 */
#ifndef KIGEN_CSV_OUT_H
#define KIGEN_CSV_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "strbuf.h"

typedef enum csv_encoding {
    CSV_UTF8 = 0, /* UTF-8, the text as kigen holds it */
    CSV_CP932 = 1 /* CP932 (glibc's iconv "CP932"): Shift_JIS with NEC and IBM extensions */
} csv_encoding;

/* How a CSV file a person opens is written. */
typedef struct csv_format {
    bool bom;              /* a UTF-8 BOM (EF BB BF) first; only with CSV_UTF8 */
    csv_encoding encoding; /* of every byte after it */
} csv_format;

/* The UTF-8 BOM. */
#define CSV_BOM "\xEF\xBB\xBF"
#define CSV_BOM_LEN 3

/* What a character with no CP932 form is written as: 〓 (U+3013 GETA MARK, CP932 81 AC),
 * the mark Japanese typesetting and register systems use for a character they cannot
 * show (D116). */
#define CSV_CP932_SUBSTITUTE "\x81\xAC"
#define CSV_SUBSTITUTE_UTF8 "\xE3\x80\x93"

/* "utf8" or "cp932". */
const char *csv_encoding_name(csv_encoding encoding);

/* true with *out set for "utf8" (also "utf-8") or "cp932"; false otherwise. */
bool csv_encoding_parse(const char *text, csv_encoding *out);

/* A character of a row that has no form in the file's encoding: where it is. */
typedef struct csv_unencodable {
    long row;            /* the row as csv_encoder_row was given it (the header is 0) */
    size_t column;       /* 1-based, counting commas outside quotes */
    uint32_t code_point; /* the character */
    char utf8[5];        /* the character as UTF-8, NUL-terminated */
} csv_unencodable;

/* Called once per such character, in the row's order. */
typedef void (*csv_unencodable_fn)(void *state, const csv_unencodable *where);

typedef struct csv_encoder csv_encoder;

/* An encoder for format (the iconv descriptor for CP932 is opened here). KG_ERR_NOMEM,
 * KG_ERR_INTERNAL "unable to convert to CP932: <OS error>" when this iconv lacks CP932. */
kg_err csv_encoder_new(const csv_format *format, csv_encoder **out, kg_errbuf *errbuf);

/* Frees the encoder; accepts NULL. */
void csv_encoder_free(csv_encoder *encoder);

/* Appends what starts the file to out: the BOM when the format asks for it, else nothing.
 * The buffer's errors. */
kg_err csv_encoder_start(const csv_encoder *encoder, strbuf *out);

/* Appends one row (len bytes of UTF-8 CSV text, its line end included) to out in the
 * file's encoding. With CP932, a character that has no CP932 form is written as 〓
 * (CSV_CP932_SUBSTITUTE), never '?' and never dropped, and reported to report(state) (when
 * report is not NULL) with row, column and the character. A byte sequence that is not
 * UTF-8 is reported as U+FFFD and written as 〓 too. The buffer's errors. */
kg_err csv_encoder_row(csv_encoder *encoder, const char *row, size_t len, long row_no, strbuf *out,
                       csv_unencodable_fn report, void *state);

#endif
