/*
 * load_field.h - one extract field: encoding to UTF-8, validation by column kind, and
 * its normalised form appended to a COPY (CSV format) line.
 *
 * A field that fails gives a reason string (no personal data in it: at most the code point
 * of a character that may not be loaded and its position); the caller reports
 * `file:line: column: reason` and drops the row.
 */
#ifndef KIGEN_LOAD_FIELD_H
#define KIGEN_LOAD_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/error.h"
#include "../common/strbuf.h"
#include "load_spec.h"

typedef struct load_decoder load_decoder; /* owns an iconv handle and scratch space */

/* Room for a reason that names a character, e.g. "control character U+0009 (character 12)". */
#define LOAD_REASON_MAX 96
typedef struct load_reason {
    char text[LOAD_REASON_MAX];
} load_reason;

/* What load_text_check found wrong with a text. */
typedef struct load_text_fault {
    kg_err err;          /* KG_ERR_TEXT_ENCODING, KG_ERR_TEXT_CONTROL or KG_ERR_TEXT_NONCHARACTER */
    uint32_t code_point; /* the character; a surrogate's value; 0 for bytes that are no code
                            point at all (then byte says which) */
    unsigned char byte;  /* KG_ERR_TEXT_ENCODING: the first byte of the bad sequence */
    size_t character;    /* 1-based position in the text, counted in characters */
} load_text_fault;

/* A decoder from CP932 (cp932 != 0) or for UTF-8 input (validated, not converted). */
kg_err load_decoder_new(int cp932, load_decoder **out);
void load_decoder_free(load_decoder *decoder);

/* Converts a field to UTF-8. Returns NULL and sets *utf8 and *utf8_len (valid until the next
 * call) on success, or the reason ("not valid CP932", or for UTF-8 input the reason of
 * load_text_reason for bytes that are not UTF-8; valid until the next call). Controls and
 * noncharacters pass here: only text columns refuse them (load_field_append). */
const char *load_decode(load_decoder *decoder, const char *field, size_t len, const char **utf8,
                        size_t *utf8_len);

/* Validates a UTF-8 field for its column and appends its COPY CSV form to line (an
 * unquoted empty value is SQL NULL). Text columns go through load_text_check. Returns
 * NULL, or the reason it is wrong: a static string or reason->text. */
const char *load_field_append(const load_column *column, const char *utf8, size_t len, strbuf *line,
                              load_reason *reason);

/* Checks that text may be loaded into a text column: valid UTF-8 (no overlong form, no
 * surrogate, nothing past U+10FFFF), no control character (C0 U+0000-U+001F, so no tab or
 * line break either; DEL U+007F; C1 U+0080-U+009F) and no noncharacter (U+FDD0-U+FDEF,
 * U+xxFFFE and U+xxFFFF in every plane). KG_OK with *chars the text's length in
 * characters; otherwise the first fault's code, with *fault describing it. */
kg_err load_text_check(const char *text, size_t len, size_t *chars, load_text_fault *fault);

/* The row error for a fault of load_text_check, written into reason: "control character
 * U+0009 (character 3)", "noncharacter U+FFFF (character 1)", "not valid UTF-8: byte 0xC3
 * (character 2)", "not valid UTF-8: surrogate U+D800 (character 1)". Returns
 * reason->text. */
const char *load_text_reason(const load_text_fault *fault, load_reason *reason);

/* Whether the bytes of file (read to its end) are valid CP932 and not valid UTF-8: an
 * extract in CP932 given to a UTF-8 load. Reads line by line (0x0A is never part of a
 * character in either encoding); false when iconv has no CP932. */
bool load_bytes_are_cp932(FILE *file);

/* Characters in valid UTF-8 text, or -1 when the bytes are not valid UTF-8 (overlong
 * forms, surrogates and values past U+10FFFF are invalid). */
long load_utf8_chars(const char *text, size_t len);

#endif
