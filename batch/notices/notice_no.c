/*
 * notice_no.c - reading a notice number as typed at the counter (notice_no.h).
 */
#include "notice_no.h"

#include <stdio.h>
#include <string.h>

#include "../common/kdate.h"
#include "common/i18n.h"

#define DIGITS_MAX 22 /* of the sequence number: D52 widens it past 999,999 */

/* The next character of text at *pos as a code point; -1 (one byte consumed) for bytes
 * that are not UTF-8. */
static long next_code_point(const char *text, size_t len, size_t *pos)
{
    const unsigned char *bytes = (const unsigned char *)text;
    unsigned char lead = bytes[*pos];
    size_t extra = lead < 0x80             ? 0
                   : (lead & 0xE0) == 0xC0 ? 1
                   : (lead & 0xF0) == 0xE0 ? 2
                   : (lead & 0xF8) == 0xF0 ? 3
                                           : 4;
    if (extra == 4 || extra >= len - *pos) {
        (*pos)++;
        return extra == 0 ? lead : -1;
    }
    long code = lead & (0x7F >> (extra + (extra > 0)));
    for (size_t idx = 1; idx <= extra; idx++) {
        unsigned char cont = bytes[*pos + idx];
        if ((cont & 0xC0) != 0x80) {
            (*pos)++;
            return -1;
        }
        code = (code << 6) | (cont & 0x3F);
    }
    *pos += extra + 1;
    return code;
}

static kg_err refuse(const char *text, size_t len, kg_errbuf *errbuf, const char *cause)
{
    char shown[64];
    size_t out = 0;
    for (size_t idx = 0; idx < len && idx < 48; idx++) {
        unsigned char byte = (unsigned char)text[idx];
        shown[out++] = byte < 0x20 || byte == 0x7F ? '?' : (char)byte;
    }
    /* cut at a character: drop a sequence the 48 bytes split */
    if (out < len && ((unsigned char)text[out] & 0xC0) == 0x80) {
        while (out > 0 && ((unsigned char)shown[out - 1] & 0xC0) == 0x80)
            out--;
        if (out > 0)
            out--;
    }
    shown[out] = '\0';
    return kg_fail(errbuf, KG_ERR_NOTICE_NO, _("unable to read notice number '%s': %s"), shown,
                   cause);
}

kg_err notice_no_parse(const char *text, size_t len, char *out, kg_errbuf *errbuf)
{
    char digits[8 + DIGITS_MAX + 1];
    size_t count = 0, hyphen_at = 0;
    int hyphens = 0;
    size_t pos = 0, character = 0;
    while (pos < len) {
        size_t at = pos;
        long code = next_code_point(text, len, &pos);
        character++;
        if (code >= 0xFF10 && code <= 0xFF19)
            code = '0' + (code - 0xFF10);
        if (code >= '0' && code <= '9') {
            if (count >= sizeof(digits) - 1)
                return refuse(text, len, errbuf, _("more digits than a notice number has"));
            digits[count++] = (char)code;
        } else if (code == '-' || code == 0xFF0D || code == 0x30FC || code == 0x2010 ||
                   code == 0x2212 || code == 0xFF70) {
            hyphens++;
            hyphen_at = count;
        } else if (code != ' ' && code != 0x3000) {
            char cause[96];
            snprintf(cause, sizeof(cause),
                     _("character %zu is not a digit or a hyphen (YYYYMMDD-nnnnnn)"), character);
            if (code < 0)
                snprintf(cause, sizeof(cause), _("byte %zu is not UTF-8"), at + 1);
            return refuse(text, len, errbuf, cause);
        }
    }
    if (hyphens > 1 || (hyphens == 1 && hyphen_at != 8))
        return refuse(text, len, errbuf, _("the hyphen goes after the 8 digits of the run date"));
    if (count < 8 + 6)
        return refuse(text, len, errbuf,
                      _("too few digits: 8 of the run date and at least 6 of the number"));
    kdate day;
    char iso[KDATE_ISO_LEN + 1];
    snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2s", digits, digits + 4, digits + 6);
    if (kdate_parse(iso, strlen(iso), &day) != KG_OK)
        return refuse(text, len, errbuf, _("its first 8 digits are not a day (YYYYMMDD)"));
    int nonzero = 0;
    for (size_t idx = 8; idx < count; idx++)
        nonzero |= digits[idx] != '0';
    if (!nonzero)
        return refuse(text, len, errbuf, _("the number after the date is zero"));
    snprintf(out, NOTICE_NO_SIZE, "%.8s-%.*s", digits, (int)(count - 8), digits + 8);
    return KG_OK;
}
