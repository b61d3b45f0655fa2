/*
 * control_no.h - the control number (照会番号) of a proxy form: check, read, print.
 *
 * 12 characters of Crockford's base 32 (0-9 and A-Z without I, L, O, U): 11 random ones
 * and a Luhn mod 32 check character, computed exactly as kigen.new_control_no()
 * (sql/007_forms.sql) does. Pure: no I/O, no allocation, no globals. The random bits come
 * from the caller (the run draws them from the kernel: batch/run/forms_ledger.c).
 */
#ifndef KIGEN_CONTROL_NO_H
#define KIGEN_CONTROL_NO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define CONTROL_NO_ALPHABET "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#define CONTROL_NO_LEN 12        /* canonical characters, check character included */
#define CONTROL_NO_BODY_LEN 11   /* random characters */
#define CONTROL_NO_SIZE 13       /* a canonical number and its NUL */
#define CONTROL_NO_PRINT_SIZE 15 /* "XXXX-XXXX-XXXX" and its NUL */

/* The value 0..31 of a canonical character, -1 for any other byte (lower case and the
 * aliases included: only control_no_parse reads those). */
int control_no_digit(char ch);

/* The check character of a canonical body of len (1..64) characters: Luhn mod 32 from
 * the right, factor 2 on the rightmost body character, then 1, 2, ...; each product
 * counts as product / 32 + product % 32; the check is what brings the sum to 0 mod 32.
 * KG_ERR_CONTROL_NO (*out untouched) for a length out of range or a byte that is not
 * canonical. */
kg_err control_no_check_char(const char *body, size_t len, char *out);

/* The number whose 11 body characters are the low 55 bits of bits, 5 at a time from the
 * lowest (the first character is bits & 31, as kigen.new_control_no() orders them), and
 * its check character, into out (CONTROL_NO_SIZE bytes). Distinct 55-bit values give
 * distinct numbers; the bits above 55 are ignored. */
void control_no_from_bits(uint64_t bits, char *out);

/* true when number is exactly 12 canonical characters (a NUL after them) whose check
 * character is right. NULL is false. */
bool control_no_is_valid(const char *number);

/* Reads a number as typed or scanned at the counter (len bytes, no NUL needed) into its
 * canonical form: lower case is upper case; O is 0, I and L are 1 (Crockford); hyphens
 * and spaces anywhere are ignored, as are their full-width and Japanese-keyboard forms
 * (U+3000, U+2010-U+2015, U+2212, U+30FC, U+FF70); full-width letters and digits
 * (U+FF10-U+FF5A) read as their ASCII forms. Anything else is refused.
 * KG_ERR_CONTROL_NO with "unable to read control number '<text>': <cause>" in errbuf
 * (when not NULL), the cause naming the first character that is not allowed (and its
 * position), a count other than 12, or a wrong check character (never which one would
 * be right); out is then the empty string. out holds CONTROL_NO_SIZE bytes. */
kg_err control_no_parse(const char *text, size_t len, char *out, kg_errbuf *errbuf);

/* "XXXX-XXXX-XXXX" of a canonical number into out (CONTROL_NO_PRINT_SIZE bytes); any
 * text that is not 12 characters long is copied as it is (cut to fit). Returns out. */
char *control_no_format(const char *number, char *out);

/* control_no_format in SQL, for the CSV files written by COPY: the expression of the text
 * column `column` (a string literal) as XXXX-XXXX-XXXX when it is 12 characters long, as it
 * is otherwise (NULL stays NULL). Every file and screen writes a control number this way
 * (D118); the ledger keeps the 12 characters. */
#define CONTROL_NO_PRINTED_SQL(column)                                                             \
    "CASE WHEN length(" column ") = 12 THEN substr(" column ", 1, 4) || '-' || substr(" column     \
    ", 5, 4) || '-' || substr(" column ", 9, 4) ELSE " column " END"

#endif
