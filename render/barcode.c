/*
 * barcode.c - Japan Post's customer barcode: address number extraction, check, bars.
 *
 * One pass over the UTF-8 address with a small writer that places hyphens lazily (so
 * runs collapse and leading/trailing ones vanish), then the 20 symbol characters, the
 * modulus 19 check and the bar table. No I/O, no allocation, no state between calls.
 * The rules and the cases the manual leaves open are in docs/decisions.md (D30-D38).
 */
#include "barcode.h"

#include <stdint.h>
#include <string.h>

/* Bars of each character value: 0-9, '-' (10), CC1..CC8 (11..18). */
static const char *const bar_table[19] = {
    "FTT", "FFT", "FDA", "DFA", "FAD", "FTF", "DAF", "AFD", "ADF", "TFF",
    "TFT", "DAT", "DTA", "ADT", "TDA", "ATD", "TAD", "TTF", "FFF",
};

#define BAR_START "FD"
#define BAR_STOP "DF"
#define VALUE_HYPHEN 10
#define VALUE_CC1 11
#define CHAR_CC4 'd' /* padding */
#define POSTAL_DIGITS 7

/* ---- UTF-8 ------------------------------------------------------------------------- */

/* Decodes the code point at s[pos]; the caller has validated the string. */
static uint32_t decode_at(const unsigned char *s, size_t pos, size_t *advance)
{
    unsigned char lead = s[pos];
    if (lead < 0x80) {
        *advance = 1;
        return lead;
    }
    size_t extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1;
    uint32_t cp = lead & (0x3Fu >> extra);
    for (size_t idx = 1; idx <= extra; idx++)
        cp = (cp << 6) | (s[pos + idx] & 0x3Fu);
    *advance = extra + 1;
    return cp;
}

/* True when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
static int utf8_valid(const unsigned char *s, size_t len)
{
    size_t pos = 0;
    while (pos < len) {
        unsigned char lead = s[pos];
        size_t extra;
        uint32_t min;
        if (lead < 0x80) {
            pos++;
            continue;
        } else if (lead >= 0xC2 && lead <= 0xDF) {
            extra = 1;
            min = 0x80;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            extra = 2;
            min = 0x800;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            extra = 3;
            min = 0x10000;
        } else {
            return 0;
        }
        if (len - pos <= extra)
            return 0;
        for (size_t idx = 1; idx <= extra; idx++)
            if ((s[pos + idx] & 0xC0) != 0x80)
                return 0;
        size_t advance;
        uint32_t cp = decode_at(s, pos, &advance);
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        pos += advance;
    }
    return 1;
}

/* ---- character classes ------------------------------------------------------------- */

/* 0-9 for a half- or full-width digit, else -1. */
static int digit_of(uint32_t cp)
{
    if (cp >= '0' && cp <= '9')
        return (int)(cp - '0');
    if (cp >= 0xFF10 && cp <= 0xFF19)
        return (int)(cp - 0xFF10);
    return -1;
}

/* 'A'-'Z' for a half- or full-width letter of either case, else 0. */
static char letter_of(uint32_t cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return (char)cp;
    if (cp >= 'a' && cp <= 'z')
        return (char)(cp - 'a' + 'A');
    if (cp >= 0xFF21 && cp <= 0xFF3A)
        return (char)(cp - 0xFF21 + 'A');
    if (cp >= 0xFF41 && cp <= 0xFF5A)
        return (char)(cp - 0xFF41 + 'A');
    return 0;
}

/* Characters the manual removes before anything else: & / ・ . (half and full width). */
static int is_removed(uint32_t cp)
{
    switch (cp) {
    case '&':
    case '/':
    case '.':
    case 0x30FB: /* ・ */
    case 0xFF65: /* ･ */
    case 0xFF06: /* ＆ */
    case 0xFF0F: /* ／ */
    case 0xFF0E: /* ． */
        return 1;
    default:
        return 0;
    }
}

/* Kanji numerals: 0-9 for a digit, 10/100/1000 for a unit, -1 for anything else. */
static int kanji_value(uint32_t cp)
{
    switch (cp) {
    case 0x3007: /* 〇 */
    case 0x96F6: /* 零 */
        return 0;
    case 0x4E00: /* 一 */
    case 0x58F1: /* 壱 */
        return 1;
    case 0x4E8C: /* 二 */
    case 0x5F10: /* 弐 */
        return 2;
    case 0x4E09: /* 三 */
    case 0x53C2: /* 参 */
        return 3;
    case 0x56DB: /* 四 */
        return 4;
    case 0x4E94: /* 五 */
        return 5;
    case 0x516D: /* 六 */
        return 6;
    case 0x4E03: /* 七 */
        return 7;
    case 0x516B: /* 八 */
        return 8;
    case 0x4E5D: /* 九 */
        return 9;
    case 0x5341: /* 十 */
        return 10;
    case 0x767E: /* 百 */
        return 100;
    case 0x5343: /* 千 */
        return 1000;
    default:
        return -1;
    }
}

/* True when the text at pos starts with a word after which kanji numerals are converted:
 * 丁目 丁 番地 番 号 地割 線 の ノ. */
static int marker_at(const unsigned char *s, size_t len, size_t pos)
{
    if (pos >= len)
        return 0;
    size_t advance;
    uint32_t cp = decode_at(s, pos, &advance);
    switch (cp) {
    case 0x4E01: /* 丁 (丁目) */
    case 0x756A: /* 番 (番地) */
    case 0x53F7: /* 号 */
    case 0x7DDA: /* 線 */
    case 0x306E: /* の */
    case 0x30CE: /* ノ */
    case 0xFF89: /* ﾉ */
        return 1;
    case 0x5730: /* 地, only as 地割 */
        return pos + advance < len && decode_at(s, pos + advance, &advance) == 0x5272;
    default:
        return 0;
    }
}

/* ---- the address number writer ----------------------------------------------------- */

typedef struct number_writer {
    char *out;
    size_t cap; /* out holds cap-1 characters and the NUL */
    size_t len;
    int pending_hyphen; /* a separator was seen since the last character written */
    int last_is_letter;
} number_writer;

static void writer_put(number_writer *writer, char symbol_char)
{
    if (writer->len + 1 < writer->cap)
        writer->out[writer->len++] = symbol_char;
}

/* A digit: preceded by one hyphen when a separator came after an earlier digit. */
static void writer_digit(number_writer *writer, char digit)
{
    if (writer->pending_hyphen && writer->len > 0 && !writer->last_is_letter)
        writer_put(writer, '-');
    writer->pending_hyphen = 0;
    writer_put(writer, digit);
    writer->last_is_letter = 0;
}

/* A letter: the hyphens around it are dropped (3-20-5 B604 -> 3-20-5B604). */
static void writer_letter(number_writer *writer, char letter)
{
    writer->pending_hyphen = 0;
    writer_put(writer, letter);
    writer->last_is_letter = 1;
}

static void writer_separator(number_writer *writer)
{
    writer->pending_hyphen = 1;
}

/* Writes the decimal digits of value. */
static void writer_number(number_writer *writer, unsigned long value)
{
    char digits[24];
    size_t count = 0;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0 && count < sizeof(digits));
    while (count > 0)
        writer_digit(writer, digits[--count]);
}

/* ---- extraction -------------------------------------------------------------------- */

#define KANJI_VALUE_MAX 99999999UL /* a longer numeral saturates (no address has one) */

/* Reads the run of kanji numerals at *pos and returns its value (二十一 21, 百一 101,
 * 二〇五 205); *pos moves past the run. */
static unsigned long read_kanji_number(const unsigned char *s, size_t len, size_t *pos)
{
    unsigned long total = 0;
    unsigned long current = 0;
    while (*pos < len) {
        size_t advance;
        int value = kanji_value(decode_at(s, *pos, &advance));
        if (value < 0)
            break;
        if (value >= 10) {
            total += (current == 0 ? 1 : current) * (unsigned long)value;
            current = 0;
        } else if (current <= KANJI_VALUE_MAX) {
            current = current * 10 + (unsigned long)value;
        }
        if (total > KANJI_VALUE_MAX)
            total = KANJI_VALUE_MAX;
        *pos += advance;
    }
    total += current;
    return total > KANJI_VALUE_MAX ? KANJI_VALUE_MAX : total;
}

/* Reads the run of letters at *pos (removed characters inside it are skipped: A&b is
 * one run of two) and returns its length; *first is its first letter. */
static size_t read_letter_run(const unsigned char *s, size_t len, size_t *pos, char *first)
{
    size_t count = 0;
    while (*pos < len) {
        size_t advance;
        uint32_t cp = decode_at(s, *pos, &advance);
        char letter = letter_of(cp);
        if (letter != 0) {
            if (count == 0)
                *first = letter;
            count++;
        } else if (!is_removed(cp)) {
            break;
        }
        *pos += advance;
    }
    return count;
}

kg_err barcode_extract(const char *address, size_t len, char *out, size_t cap)
{
    if (cap == 0)
        return KG_ERR_INTERNAL;
    out[0] = '\0';
    const unsigned char *s = (const unsigned char *)address;
    if (len > 0 && !utf8_valid(s, len))
        return KG_ERR_ADDRESS_ENCODING;

    number_writer writer = {out, cap, 0, 0, 0};
    int after_digit = 0; /* the previous kept source character was a digit */
    size_t pos = 0;
    while (pos < len) {
        size_t advance;
        uint32_t cp = decode_at(s, pos, &advance);
        int digit = digit_of(cp);
        if (digit >= 0) {
            writer_digit(&writer, (char)('0' + digit));
            after_digit = 1;
            pos += advance;
        } else if (letter_of(cp) != 0) {
            char letter = 0;
            size_t run = read_letter_run(s, len, &pos, &letter);
            if (run == 1 && !(letter == 'F' && after_digit))
                writer_letter(&writer, letter);
            else
                writer_separator(&writer); /* a word (ABC), or F for a floor (10F) */
            after_digit = 0;
        } else if (kanji_value(cp) >= 0) {
            unsigned long value = read_kanji_number(s, len, &pos);
            if (marker_at(s, len, pos)) {
                writer_number(&writer, value);
                after_digit = 1;
            } else {
                writer_separator(&writer);
                after_digit = 0;
            }
        } else if (is_removed(cp)) {
            pos += advance;
        } else {
            writer_separator(&writer); /* kanji, kana, blanks, 丁目/番地/号, hyphens */
            after_digit = 0;
            pos += advance;
        }
    }
    out[writer.len] = '\0';
    return KG_OK;
}

/* ---- symbol ------------------------------------------------------------------------ */

int barcode_char_value(char symbol_char)
{
    if (symbol_char >= '0' && symbol_char <= '9')
        return symbol_char - '0';
    if (symbol_char == '-')
        return VALUE_HYPHEN;
    if (symbol_char >= 'a' && symbol_char <= 'h')
        return VALUE_CC1 + (symbol_char - 'a');
    return -1;
}

static char char_of_value(int value)
{
    if (value < 10)
        return (char)('0' + value);
    if (value == VALUE_HYPHEN)
        return '-';
    return (char)('a' + (value - VALUE_CC1));
}

kg_err barcode_from_text(const char *text, size_t len, barcode_symbol *out)
{
    memset(out, 0, sizeof(*out));
    if (len < POSTAL_DIGITS)
        return KG_ERR_INTERNAL;
    for (size_t idx = 0; idx < len; idx++) {
        char symbol_char = text[idx];
        int allowed = (symbol_char >= '0' && symbol_char <= '9') ||
                      (idx >= POSTAL_DIGITS &&
                       (symbol_char == '-' || (symbol_char >= 'A' && symbol_char <= 'Z')));
        if (!allowed)
            return KG_ERR_INTERNAL;
    }

    size_t count = 0;
    for (size_t idx = 0; idx < len && count < BARCODE_DATA_LEN; idx++) {
        char symbol_char = text[idx];
        if (symbol_char >= 'A' && symbol_char <= 'Z') {
            int letter_idx = symbol_char - 'A'; /* A-J CC1, K-T CC2, U-Z CC3, then 0-9 */
            out->data[count++] = (char)('a' + letter_idx / 10);
            if (count < BARCODE_DATA_LEN) /* a control code on the 20th keeps only itself */
                out->data[count++] = (char)('0' + letter_idx % 10);
        } else {
            out->data[count++] = symbol_char;
        }
    }
    while (count < BARCODE_DATA_LEN)
        out->data[count++] = CHAR_CC4;
    out->data[BARCODE_DATA_LEN] = '\0';

    int sum = 0;
    for (size_t idx = 0; idx < BARCODE_DATA_LEN; idx++)
        sum += barcode_char_value(out->data[idx]);
    int check_value = (19 - sum % 19) % 19;
    out->check = char_of_value(check_value);

    char *bar = out->bars;
    memcpy(bar, BAR_START, 2);
    bar += 2;
    for (size_t idx = 0; idx <= BARCODE_DATA_LEN; idx++) {
        int value = idx < BARCODE_DATA_LEN ? barcode_char_value(out->data[idx]) : check_value;
        memcpy(bar, bar_table[value], 3);
        bar += 3;
    }
    memcpy(bar, BAR_STOP, 2);
    out->bars[BARCODE_BAR_COUNT] = '\0';
    return KG_OK;
}

/* 7 digits, or 3 digits, '-' and 4 digits, into digits[7]. */
static kg_err parse_postal_code(const char *postal_code, size_t len, char *digits)
{
    size_t count = 0;
    for (size_t idx = 0; idx < len; idx++) {
        char symbol_char = postal_code[idx];
        if (symbol_char == '-' && idx == 3 && len == POSTAL_DIGITS + 1)
            continue;
        if (symbol_char < '0' || symbol_char > '9' || count == POSTAL_DIGITS)
            return KG_ERR_POSTAL_CODE;
        digits[count++] = symbol_char;
    }
    return count == POSTAL_DIGITS ? KG_OK : KG_ERR_POSTAL_CODE;
}

kg_err barcode_encode_n(const char *postal_code, size_t postal_len, const char *address,
                        size_t address_len, barcode_symbol *out)
{
    memset(out, 0, sizeof(*out));
    /* 7 postal digits and an address number; 13 symbol characters need at most 13 of its
     * characters, a few more are kept so that nothing depends on the exact bound. */
    char text[POSTAL_DIGITS + 32];
    kg_err err = parse_postal_code(postal_code, postal_len, text);
    if (err != KG_OK)
        return err;
    if (text[5] == '0' && text[6] == '0')
        return KG_ERR_POSTAL_CODE_NO_BARCODE;
    err = barcode_extract(address, address_len, text + POSTAL_DIGITS, sizeof(text) - POSTAL_DIGITS);
    if (err != KG_OK)
        return err;
    return barcode_from_text(text, strlen(text), out);
}

kg_err barcode_encode(const char *postal_code, const char *address, barcode_symbol *out)
{
    return barcode_encode_n(postal_code, strlen(postal_code), address != NULL ? address : "",
                            address != NULL ? strlen(address) : 0, out);
}
