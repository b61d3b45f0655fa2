/*
 * linebreak.c - text_break_lines and text_fit_size of text.h: greedy Japanese line
 * breaking with kinsoku shori (push-out only: no hanging punctuation, no justification)
 * and shrinking a one-line text to a width. Widths come from text_shape; no drawing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text_internal.h"

/* 行頭禁則: never at the start of a line (JIS X 4051 cl-02 to cl-11 and postfix units
 * cl-18). Spaces, line feeds and carriage returns are added in code. */
static const char no_start_chars[] =
    ")]}»’”）〕］｝〉》」』】〙〗〟｠｣" /* closing brackets and quotes */
    "‐‑–〜゠～"                         /* hyphens, wave dashes */
    "!?‼⁇⁈⁉！？"                        /* dividing punctuation */
    ":;・：；･"                         /* middle dots, colons */
    ".。．｡,、，､"                      /* full stops, commas */
    "ヽヾゝゞ々〻〃"                    /* iteration marks */
    "ーｰ"                               /* prolonged sound mark */
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
    "ㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿｧｨｩｪｫｬｭｮｯ" /* small kana */
    "゛゜ﾞﾟ"                                    /* spacing sound marks */
    "%％°′″‰℃";                                 /* postfix units */

/* 行末禁則: never at the end of a line (cl-01 opening brackets, cl-19 prefix units). */
static const char no_end_chars[] = "([{«‘“（〔［｛〈《「『【〘〖〝｟｢"
                                   "#$£¥€№＃＄￡￥";

/* Inseparable: two of the same never split (cl-08). */
static const char inseparable_chars[] = "—―‥…";

/* Letters, digits and the connectors inside words, numbers and 30-8 style numbers. */
static const char word_connectors[] = "-./,'&_@+:－．／，＿＆＠＋：‐‑‒−";

/* Counters that continue a number in an address: 3丁目30-8, 12番地, 403号室, 5階, 2条. */
static const char counter_chars[] = "丁目番地号室階棟条";

/* Whether code_point is one of the characters of the UTF-8 string set. */
static bool in_set(const char *set, uint32_t code_point)
{
    char encoded[5];
    size_t len;
    if (code_point < 0x80) {
        encoded[0] = (char)code_point;
        len = 1;
    } else if (code_point < 0x800) {
        encoded[0] = (char)(0xC0 | (code_point >> 6));
        encoded[1] = (char)(0x80 | (code_point & 0x3F));
        len = 2;
    } else if (code_point < 0x10000) {
        encoded[0] = (char)(0xE0 | (code_point >> 12));
        encoded[1] = (char)(0x80 | ((code_point >> 6) & 0x3F));
        encoded[2] = (char)(0x80 | (code_point & 0x3F));
        len = 3;
    } else {
        encoded[0] = (char)(0xF0 | (code_point >> 18));
        encoded[1] = (char)(0x80 | ((code_point >> 12) & 0x3F));
        encoded[2] = (char)(0x80 | ((code_point >> 6) & 0x3F));
        encoded[3] = (char)(0x80 | (code_point & 0x3F));
        len = 4;
    }
    encoded[len] = '\0';
    return code_point != 0 && strstr(set, encoded) != NULL;
}

static bool is_space(uint32_t code_point)
{
    return code_point == 0x20 || code_point == 0x3000 || code_point == 0x0A || code_point == 0x0D;
}

static bool is_digit(uint32_t code_point)
{
    return (code_point >= '0' && code_point <= '9') ||
           (code_point >= 0xFF10 && code_point <= 0xFF19);
}

static bool is_wordish(uint32_t code_point)
{
    return is_digit(code_point) || (code_point >= 'A' && code_point <= 'Z') ||
           (code_point >= 'a' && code_point <= 'z') ||
           (code_point >= 0xFF21 && code_point <= 0xFF3A) ||
           (code_point >= 0xFF41 && code_point <= 0xFF5A) ||
           (code_point >= 0xC0 && code_point <= 0x24F && code_point != 0xD7 &&
            code_point != 0xF7) ||
           in_set(word_connectors, code_point);
}

static bool no_start(uint32_t code_point)
{
    return is_space(code_point) || in_set(no_start_chars, code_point);
}

typedef enum break_kind {
    BREAK_ALLOWED,   /* any two characters of Japanese text */
    BREAK_JOINED,    /* inside a word or an address number: only when it cannot fit */
    BREAK_FORBIDDEN, /* kinsoku: only when nothing else fits */
    BREAK_MANDATORY  /* after a line feed */
} break_kind;

static bool in_compound(const text_unit *units, size_t unit_idx);

/* Splits the text into characters and gives each its advance from one shaping. */
static kg_err measure_units(text_fonts *fonts, const char *utf8, size_t len, double size_pt,
                            size_t *unit_count)
{
    kg_err err = text_shape(fonts, utf8, len, size_pt, &fonts->measure);
    if (err != KG_OK)
        return err;
    size_t count = 0;
    for (size_t pos = 0; pos < len;) {
        if (count == fonts->unit_cap) {
            size_t cap = text_grow_cap(fonts->unit_cap, count + 1);
            text_unit *units = text_realloc_array(fonts->units, cap, sizeof(*units));
            if (units == NULL)
                return KG_ERR_NOMEM;
            fonts->units = units;
            fonts->unit_cap = cap;
        }
        text_unit_next(utf8, len, pos, &fonts->units[count]);
        fonts->units[count].compound = in_compound(fonts->units, count);
        pos = fonts->units[count].end;
        count++;
    }
    /* Each glyph's advance goes to the character holding its cluster's first byte. */
    const text_run *run = &fonts->measure;
    for (size_t glyph_idx = 0; glyph_idx < run->glyph_count; glyph_idx++) {
        size_t low = 0;
        size_t high = count;
        while (high - low > 1) {
            size_t mid = low + (high - low) / 2;
            if (fonts->units[mid].start <= run->glyphs[glyph_idx].cluster)
                low = mid;
            else
                high = mid;
        }
        if (count > 0)
            fonts->units[low].width += run->glyphs[glyph_idx].x_advance;
    }
    *unit_count = count;
    return KG_OK;
}

/* Whether units[unit_idx] continues a word or an address number (3丁目30-8): letters,
 * digits and connectors, or a counter after a digit or counter of a compound. */
static bool in_compound(const text_unit *units, size_t unit_idx)
{
    uint32_t base = units[unit_idx].base;
    if (is_wordish(base))
        return true;
    if (unit_idx == 0 || !units[unit_idx - 1].compound || !in_set(counter_chars, base))
        return false;
    uint32_t previous = units[unit_idx - 1].base;
    return is_digit(previous) || in_set(counter_chars, previous);
}

/* The kind of break between units[unit_idx - 1] and units[unit_idx]. */
static break_kind break_before(const text_unit *units, size_t unit_idx)
{
    uint32_t before = units[unit_idx - 1].base;
    uint32_t after = units[unit_idx].base;
    if (before == 0x0A)
        return BREAK_MANDATORY;
    if (no_start(after) || in_set(no_end_chars, before) ||
        (before == after && in_set(inseparable_chars, before)))
        return BREAK_FORBIDDEN;
    if (units[unit_idx - 1].compound && units[unit_idx].compound)
        return BREAK_JOINED;
    return BREAK_ALLOWED;
}

static kg_err push_line(text_lines *lines, size_t start, size_t end, double width)
{
    if (lines->count == lines->cap) {
        size_t cap = text_grow_cap(lines->cap, lines->count + 1);
        text_line *grown = text_realloc_array(lines->lines, cap, sizeof(*grown));
        if (grown == NULL)
            return KG_ERR_NOMEM;
        lines->lines = grown;
        lines->cap = cap;
    }
    text_line *line = &lines->lines[lines->count++];
    line->start = start;
    line->end = end;
    line->width = width;
    return KG_OK;
}

void text_lines_init(text_lines *lines)
{
    memset(lines, 0, sizeof(*lines));
}

void text_lines_free(text_lines *lines)
{
    if (lines == NULL)
        return;
    free(lines->lines);
    text_lines_init(lines);
}

kg_err text_break_lines(text_fonts *fonts, const char *utf8, size_t len, double size_pt,
                        double max_width_pt, size_t max_lines, text_lines *lines)
{
    lines->count = 0;
    lines->overflow = false;
    size_t unit_count;
    kg_err err = measure_units(fonts, utf8, len, size_pt, &unit_count);
    if (err != KG_OK)
        return err;
    const text_unit *units = fonts->units;
    double tolerance = 1e-9 * (fabs(max_width_pt) + 1.0);
    size_t line_start = 0;
    while (line_start < unit_count) {
        if (max_lines != 0 && lines->count == max_lines) {
            lines->overflow = true;
            break;
        }
        size_t last_allowed = 0;
        size_t last_joined = 0;
        size_t last_any = 0;
        size_t line_end = unit_count;
        double width = units[line_start].width; /* a line takes at least one character */
        for (size_t unit_idx = line_start + 1; unit_idx < unit_count; unit_idx++) {
            break_kind kind = break_before(units, unit_idx);
            if (kind == BREAK_MANDATORY) {
                line_end = unit_idx;
                break;
            }
            if (kind == BREAK_ALLOWED)
                last_allowed = unit_idx;
            else if (kind == BREAK_JOINED)
                last_joined = unit_idx;
            last_any = unit_idx;
            /* Spaces may hang past the edge; anything else must fit. */
            if (!is_space(units[unit_idx].base) &&
                width + units[unit_idx].width > max_width_pt + tolerance) {
                line_end = last_allowed != 0  ? last_allowed
                           : last_joined != 0 ? last_joined
                                              : last_any;
                break;
            }
            width += units[unit_idx].width;
        }
        size_t content_end = line_end;
        while (content_end > line_start && is_space(units[content_end - 1].base))
            content_end--;
        double line_width = 0.0;
        for (size_t unit_idx = line_start; unit_idx < content_end; unit_idx++)
            line_width += units[unit_idx].width;
        err = push_line(lines, units[line_start].start,
                        line_end < unit_count ? units[line_end].start : len, line_width);
        if (err != KG_OK) {
            lines->count = 0;
            return err;
        }
        line_start = line_end;
    }
    return KG_OK;
}

kg_err text_fit_size(text_fonts *fonts, const char *utf8, size_t len, double size_pt,
                     double min_size_pt, double max_width_pt, double *fitted_pt, bool *fits)
{
    kg_err err = text_shape(fonts, utf8, len, size_pt, &fonts->measure);
    if (err != KG_OK)
        return err;
    /* Shaping is unhinted: the width is proportional to the size. */
    double width_per_pt = fonts->measure.width / size_pt;
    if (width_per_pt * size_pt <= max_width_pt) {
        *fitted_pt = size_pt;
        *fits = true;
        return KG_OK;
    }
    double steps = floor(max_width_pt / width_per_pt / TEXT_FIT_STEP_PT + 1e-9);
    double candidate = steps * TEXT_FIT_STEP_PT;
    while (candidate > 0.0 && width_per_pt * candidate > max_width_pt) {
        steps -= 1.0;
        candidate = steps * TEXT_FIT_STEP_PT;
    }
    if (candidate >= min_size_pt) {
        *fitted_pt = candidate;
        *fits = true;
    } else {
        *fitted_pt = min_size_pt;
        *fits = width_per_pt * min_size_pt <= max_width_pt;
    }
    return KG_OK;
}
