/*
 * load_field.h - one extract field: encoding to UTF-8, validation by column kind, and
 * its normalised form appended to a COPY (CSV format) line.
 *
 * A field that fails gives a reason string (static, no personal data in it); the caller
 * reports `file:line: column: reason` and drops the row.
 */
#ifndef KIGEN_LOAD_FIELD_H
#define KIGEN_LOAD_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../common/error.h"
#include "../common/strbuf.h"
#include "load_spec.h"

typedef struct load_decoder load_decoder; /* owns an iconv handle and scratch space */

/* A decoder from CP932 (cp932 != 0) or for UTF-8 input (validated, not converted). */
kg_err load_decoder_new(int cp932, load_decoder **out);
void load_decoder_free(load_decoder *decoder);

/* Converts a field to UTF-8. Returns NULL and sets *utf8 and *utf8_len (valid until the next
 * call) on success, or the reason ("not valid CP932", "not valid UTF-8"). */
const char *load_decode(load_decoder *decoder, const char *field, size_t len, const char **utf8,
                        size_t *utf8_len);

/* Validates a UTF-8 field for its column and appends its COPY CSV form to line (an
 * unquoted empty value is SQL NULL). Returns NULL, or the reason it is wrong. */
const char *load_field_append(const load_column *column, const char *utf8, size_t len,
                              strbuf *line);

/* Whether the bytes of file (read to its end) are valid CP932 and not valid UTF-8: an
 * extract in CP932 given to a UTF-8 load. Reads line by line (0x0A is never part of a
 * character in either encoding); false when iconv has no CP932. */
bool load_bytes_are_cp932(FILE *file);

/* Characters in valid UTF-8 text, or -1 when the bytes are not valid UTF-8 (overlong
 * forms, surrogates and values past U+10FFFF are invalid). */
long load_utf8_chars(const char *text, size_t len);

#endif
