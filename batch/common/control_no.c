/*
 * control_no.c - Luhn mod 32 over Crockford's base 32, and the counter's reading of a
 * typed or scanned control number (control_no.h).
 *
 * The check is the same arithmetic as kigen.new_control_no() in sql/007_forms.sql; the
 * control_no suite holds the two together on numbers drawn by the database, and checks
 * the numbers built here from random bits (the run's numbers).
 */
#include "control_no.h"
#include "i18n.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "i18n.h"

#define CONTROL_NO_BASE 32
#define BODY_MAX 64
#define ECHO_MAX_BYTES 48 /* of the input quoted back in a message */

int control_no_digit(char ch)
{
    if (ch == '\0')
        return -1;
    const char *found = strchr(CONTROL_NO_ALPHABET, ch);
    return found != NULL ? (int)(found - CONTROL_NO_ALPHABET) : -1;
}

/* One Luhn addend: the product's base-32 digits summed. */
static int luhn_addend(int digit, int factor)
{
    int product = digit * factor;
    return product / CONTROL_NO_BASE + product % CONTROL_NO_BASE;
}

kg_err control_no_check_char(const char *body, size_t len, char *out)
{
    if (body == NULL || len == 0 || len > BODY_MAX)
        return KG_ERR_CONTROL_NO;
    int total = 0, factor = 2;
    for (size_t pos = len; pos > 0; pos--) {
        int digit = control_no_digit(body[pos - 1]);
        if (digit < 0)
            return KG_ERR_CONTROL_NO;
        total += luhn_addend(digit, factor);
        factor = factor == 2 ? 1 : 2;
    }
    *out = CONTROL_NO_ALPHABET[(CONTROL_NO_BASE - total % CONTROL_NO_BASE) % CONTROL_NO_BASE];
    return KG_OK;
}

void control_no_from_bits(uint64_t bits, char *out)
{
    for (int pos = 0; pos < CONTROL_NO_BODY_LEN; pos++) {
        out[pos] = CONTROL_NO_ALPHABET[bits & (CONTROL_NO_BASE - 1)];
        bits >>= 5;
    }
    control_no_check_char(out, CONTROL_NO_BODY_LEN, &out[CONTROL_NO_BODY_LEN]);
    out[CONTROL_NO_LEN] = '\0';
}

bool control_no_is_valid(const char *number)
{
    if (number == NULL)
        return false;
    /* from the right: factor 1 on the check character, then 2, 1, ... */
    int total = 0, factor = 1;
    for (int pos = CONTROL_NO_LEN; pos > 0; pos--) {
        int digit = control_no_digit(number[pos - 1]);
        if (digit < 0)
            return false;
        total += luhn_addend(digit, factor);
        factor = factor == 2 ? 1 : 2;
    }
    return number[CONTROL_NO_LEN] == '\0' && total % CONTROL_NO_BASE == 0;
}

/* The code point of the UTF-8 sequence at text (avail bytes); its length, or 0 when the
 * bytes there are not UTF-8 (overlong forms and surrogates included). */
static size_t utf8_decode(const unsigned char *text, size_t avail, uint32_t *cp)
{
    unsigned char lead = text[0];
    size_t len = lead < 0x80                    ? 1
                 : lead >= 0xC2 && lead <= 0xDF ? 2
                 : (lead & 0xF0) == 0xE0        ? 3
                 : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                : 0;
    if (len == 0 || len > avail)
        return 0;
    uint32_t value = len == 1   ? lead
                     : len == 2 ? lead & 0x1Fu
                     : len == 3 ? lead & 0x0Fu
                                : lead & 0x07u;
    for (size_t idx = 1; idx < len; idx++) {
        if ((text[idx] & 0xC0) != 0x80)
            return 0;
        value = (value << 6) | (text[idx] & 0x3Fu);
    }
    static const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (value < smallest[len] || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        return 0;
    *cp = value;
    return len;
}

/* What a code point reads as: its canonical character, ' ' for a separator, or '\0'
 * when it is not allowed. */
static char canonical_of(uint32_t cp)
{
    if (cp >= 0xFF01 && cp <= 0xFF5E)
        cp -= 0xFEE0; /* full-width ASCII */
    if (cp == 0x3000 || cp == 0x2212 || cp == 0x30FC || cp == 0xFF70 ||
        (cp >= 0x2010 && cp <= 0x2015))
        return ' ';
    if (cp == ' ' || cp == '-')
        return ' ';
    if (cp >= 'a' && cp <= 'z')
        cp -= 'a' - 'A';
    if (cp == 'O')
        return '0';
    if (cp == 'I' || cp == 'L')
        return '1';
    if (cp >= 0x80 || control_no_digit((char)cp) < 0)
        return '\0';
    return (char)cp;
}

/* The input as it can be quoted in a message: at most ECHO_MAX_BYTES of it, whole
 * characters only, control characters and bytes that are not UTF-8 as '?'. */
static void echo_input(const char *text, size_t len, char *out, size_t cap)
{
    size_t read_idx = 0, write_idx = 0;
    while (read_idx < len && write_idx + 8 < cap) {
        uint32_t cp = 0;
        size_t step = utf8_decode((const unsigned char *)text + read_idx, len - read_idx, &cp);
        if (read_idx + (step == 0 ? 1 : step) > ECHO_MAX_BYTES)
            break;
        if (step == 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
            out[write_idx++] = '?';
            read_idx += step == 0 ? 1 : step;
            continue;
        }
        memcpy(out + write_idx, text + read_idx, step);
        write_idx += step;
        read_idx += step;
    }
    if (read_idx < len && write_idx + 4 <= cap) {
        memcpy(out + write_idx, "...", 3);
        write_idx += 3;
    }
    out[write_idx] = '\0';
}

/* "'x'", "'ア' (U+30A2)" or "byte 0xE3 (not UTF-8)" for a refused character. */
static void describe_char(const char *text, size_t step, uint32_t cp, char *out, size_t cap)
{
    if (step == 0)
        snprintf(out, cap, _("byte 0x%02X (not UTF-8)"), (unsigned)(unsigned char)text[0]);
    else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
        snprintf(out, cap, _("control character U+%04X"), (unsigned)cp);
    else if (cp < 0x80)
        snprintf(out, cap, "'%c'", (char)cp);
    else
        snprintf(out, cap, "'%.*s' (U+%04X)", (int)step, text, (unsigned)cp);
}

kg_err control_no_parse(const char *text, size_t len, char *out, kg_errbuf *errbuf)
{
    char echo[ECHO_MAX_BYTES + 16];
    out[0] = '\0';
    if (text == NULL)
        text = "";
    echo_input(text, len, echo, sizeof(echo));
    char canonical[CONTROL_NO_SIZE];
    size_t count = 0, position = 0;
    for (size_t read_idx = 0; read_idx < len;) {
        uint32_t cp = 0;
        size_t step = utf8_decode((const unsigned char *)text + read_idx, len - read_idx, &cp);
        char ch = step == 0 ? '\0' : canonical_of(cp);
        position++;
        if (ch == '\0') {
            char what[64];
            describe_char(text + read_idx, step, cp, what, sizeof(what));
            return kg_fail(errbuf, KG_ERR_CONTROL_NO,
                           _("unable to read control number '%s': %s (character %zu) is not in "
                             "a control number, which has 0-9 and A-Z except U"),
                           echo, what, position);
        }
        read_idx += step;
        if (ch == ' ')
            continue;
        if (count < CONTROL_NO_LEN)
            canonical[count] = ch;
        count++;
    }
    if (count != CONTROL_NO_LEN)
        return kg_fail(errbuf, KG_ERR_CONTROL_NO,
                       _("unable to read control number '%s': it has %zu characters, a control "
                         "number has 12 (XXXX-XXXX-XXXX, hyphens and spaces aside)"),
                       echo, count);
    canonical[CONTROL_NO_LEN] = '\0';
    if (!control_no_is_valid(canonical))
        return kg_fail(errbuf, KG_ERR_CONTROL_NO,
                       _("unable to read control number '%s': its check character does not "
                         "match (a character mistyped, or two swapped)"),
                       echo);
    memcpy(out, canonical, CONTROL_NO_SIZE);
    return KG_OK;
}

char *control_no_format(const char *number, char *out)
{
    size_t len = number != NULL ? strnlen(number, CONTROL_NO_PRINT_SIZE) : 0;
    if (len != CONTROL_NO_LEN) {
        snprintf(out, CONTROL_NO_PRINT_SIZE, "%.*s", (int)len, number != NULL ? number : "");
        return out;
    }
    snprintf(out, CONTROL_NO_PRINT_SIZE, "%.4s-%.4s-%.4s", number, number + 4, number + 8);
    return out;
}
