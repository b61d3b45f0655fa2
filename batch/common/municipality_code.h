/*
 * municipality_code.h - the municipality code (全国地方公共団体コード, JIS X 0402) that
 * names a municipality in kigen's tables, roles and output folders: check and explain.
 *
 * Six ASCII digits: the first two a prefecture 01..47, the next three the municipality,
 * the sixth a check digit over the first five (weights 6, 5, 4, 3, 2; check = (11 - sum
 * mod 11) mod 10). Source: 総務省「全国地方公共団体コード」
 * (https://www.soumu.go.jp/denshijiti/code.html). The default municipality 000000 of a
 * deployment that never names one (D120) is not a valid code: prefecture 00 does not
 * exist. Pure: no I/O, no allocation, no globals.
 */
#ifndef KIGEN_MUNICIPALITY_CODE_H
#define KIGEN_MUNICIPALITY_CODE_H

#include <stdbool.h>

#include "error.h"

#define MUNICIPALITY_CODE_LEN 6  /* digits, check digit included */
#define MUNICIPALITY_CODE_SIZE 7 /* a code and its NUL */
#define MUNICIPALITY_DEFAULT "000000"
#define MUNICIPALITY_PREFECTURES 47

/* The check digit ('0'..'9') of the first five characters of prefix, or -1 when they are
 * not five ASCII digits. */
int municipality_check_digit(const char *prefix);

/* true when code is the default municipality's "000000". NULL is false. */
bool municipality_is_default(const char *code);

/* KG_OK when text is a valid code. Otherwise KG_ERR_USAGE with "unable to use municipality
 * code '<text>': <cause>" in errbuf (when not NULL), the cause naming the first thing wrong:
 * empty; a character that is not an ASCII digit (and its position); not six digits; a
 * prefecture outside 01..47 (000000: the default, which is never named); a check digit
 * that does not match the first five (never which one would: the code is to be copied from
 * the official list, not repaired). */
kg_err municipality_code_check(const char *text, kg_errbuf *errbuf);

#endif
