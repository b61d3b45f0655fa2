/*
 * template.c - reads and checks a notice template (see template.h).
 */
#include "template.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sha256.h"
#include "common/strbuf.h"
#include "sheet_code.h"
#include "common/i18n.h"

#define TEMPLATE_MAX_BYTES (256 * 1024)
#define TEMPLATE_MAX_ELEMENTS 200
#define PATH_CAP 4096
#define ALL_KINDS ((1u << (TEMPLATE_SHEET_CODE + 1)) - 1)

typedef enum section {
    SECTION_NONE,
    SECTION_PAGE,
    SECTION_WINDOW,
    SECTION_ADDRESS,
    SECTION_ELEMENT
} section;

/* The parser's state: the template being filled and where it is in the file. */
typedef struct parser {
    notice_template *tmpl;
    const char *path;
    int line;
    section current;
    template_element *element; /* SECTION_ELEMENT */
    int seen_page, seen_window, seen_address, seen_table, seen_sheet_code;
    unsigned set;     /* SET_* bits of the current section */
    bool probe_fonts; /* open each font file to check that it is there */
    int window_line;  /* the first line that uses {window} (0: none) */
} parser;

enum {
    SET_X = 1u << 0,
    SET_Y = 1u << 1,
    SET_WIDTH = 1u << 2,
    SET_HEIGHT = 1u << 3,
    SET_X2 = 1u << 4,
    SET_Y2 = 1u << 5,
    SET_SIZE = 1u << 6,
    SET_TEXT = 1u << 7,
    SET_ROW_HEIGHT = 1u << 8,
    SET_MIN_SIZE = 1u << 9,
    SET_TOLERANCE = 1u << 10
};

static const char *const notice_fields[] = {
    "notice_no", "date", "name", "postal_code", "address", "expiry", "window_open", "office_name",
    "office_postal_code", "office_address", "office_phone", "office_hours",
    /* a form's (empty on a notice) */
    "control_no", "procedure", "proxy_name", "received_on", "valid_until",
    /* [page] window_opens or window_is_open, by the run date (README "Templates") */
    "window", NULL};
static const char *const row_fields[] = {"type", "expiry", "window_open", "cause", NULL};

static bool in_list(const char *const *list, const char *name, size_t len)
{
    for (; *list != NULL; list++)
        if (strlen(*list) == len && memcmp(*list, name, len) == 0)
            return true;
    return false;
}

bool template_is_notice_field(const char *name, size_t len)
{
    return in_list(notice_fields, name, len);
}

bool template_is_row_field(const char *name, size_t len)
{
    return in_list(row_fields, name, len);
}

/* reason is a message marked N_() (translated here, on the way out), what the template's
 * text or a detail already in the language of the messages. */
static kg_err fail(const parser *p, kg_errbuf *errbuf, const char *reason, const char *what)
{
    return kg_fail(errbuf, KG_ERR_TEMPLATE, "%s:%d: %s%s", p->path, p->line,
                   reason[0] != '\0' ? _(reason) : "", what);
}

static char *dup_text(const char *text)
{
    size_t len = strlen(text);
    char *copy = malloc(len + 1);
    if (copy != NULL)
        memcpy(copy, text, len + 1);
    return copy;
}

/* Checks the placeholders of text: balanced braces, known names; *dynamic when any. */
static kg_err check_fields(parser *p, const char *text, bool row_allowed, bool *dynamic,
                           kg_errbuf *errbuf)
{
    for (const char *pos = text; *pos != '\0'; pos++) {
        if (*pos == '}')
            return fail(p, errbuf, N_("a '}' without its '{' in: "), text);
        if (*pos != '{')
            continue;
        const char *close = strchr(pos + 1, '}');
        if (close == NULL)
            return fail(p, errbuf, N_("a '{' without its '}' in: "), text);
        size_t len = (size_t)(close - pos - 1);
        if (!template_is_notice_field(pos + 1, len) &&
            !(row_allowed && template_is_row_field(pos + 1, len))) {
            char name[64];
            snprintf(name, sizeof(name), "{%.*s}", (int)(len < 40 ? len : 40), pos + 1);
            return fail(p, errbuf,
                        row_allowed ? N_("unknown placeholder (see the list at the top of the "
                                         "template): ")
                                    : N_("unknown placeholder here ({type} and {cause} only in a "
                                         "table column): "),
                        name);
        }
        if (len == 6 && memcmp(pos + 1, "window", 6) == 0 && p->window_line == 0)
            p->window_line = p->line;
        *dynamic = true;
        pos = close;
    }
    return KG_OK;
}

static kg_err parse_number(const parser *p, const char *key, const char *value, double low,
                           double high, double *out, kg_errbuf *errbuf)
{
    char *end = NULL;
    errno = 0;
    double number = strtod(value, &end);
    if (errno != 0 || end == value || *end != '\0' || !isfinite(number) || number < low ||
        number > high) {
        char what[160];
        snprintf(what, sizeof(what), _("%s = '%.40s': a number from %g to %g is needed"), key,
                 value, low, high);
        return fail(p, errbuf, "", what);
    }
    *out = number;
    return KG_OK;
}

static kg_err set_owned(const parser *p, char **slot, const char *value, kg_errbuf *errbuf)
{
    char *copy = dup_text(value);
    if (copy == NULL)
        return fail(p, errbuf, N_("out of memory"), "");
    free(*slot);
    *slot = copy;
    return KG_OK;
}

/* Appends one paragraph to element->text. */
static kg_err add_paragraph(const parser *p, template_element *element, const char *value,
                            kg_errbuf *errbuf)
{
    size_t old_len = element->text != NULL ? strlen(element->text) : 0;
    size_t add = strlen(value);
    char *grown = realloc(element->text, old_len + add + 2);
    if (grown == NULL)
        return fail(p, errbuf, N_("out of memory"), "");
    if (old_len > 0)
        grown[old_len++] = '\n';
    memcpy(grown + old_len, value, add + 1);
    element->text = grown;
    return KG_OK;
}

static kg_err resolve_font(parser *p, const char *value, kg_errbuf *errbuf)
{
    notice_template *tmpl = p->tmpl;
    if (tmpl->font_count == TEXT_MAX_FONTS)
        return fail(p, errbuf, N_("too many fonts (at most 8)"), "");
    char full[PATH_CAP];
    const char *slash = strrchr(p->path, '/');
    if (value[0] == '/' || slash == NULL)
        snprintf(full, sizeof(full), "%s", value);
    else
        snprintf(full, sizeof(full), "%.*s/%s", (int)(slash - p->path), p->path, value);
    if (p->probe_fonts) {
        FILE *probe = fopen(full, "rb");
        if (probe == NULL)
            return fail(p, errbuf, N_("font file cannot be opened: "), full);
        fclose(probe);
    }
    char *copy = dup_text(full);
    if (copy == NULL)
        return fail(p, errbuf, N_("out of memory"), "");
    tmpl->fonts[tmpl->font_count++] = copy;
    return KG_OK;
}

static kg_err page_key(parser *p, const char *key, const char *value, kg_errbuf *errbuf)
{
    notice_template *tmpl = p->tmpl;
    if (strcmp(key, "width") == 0)
        return parse_number(p, key, value, 50, 1000, &tmpl->page_width, errbuf);
    if (strcmp(key, "height") == 0)
        return parse_number(p, key, value, 50, 1000, &tmpl->page_height, errbuf);
    if (strcmp(key, "font") == 0)
        return resolve_font(p, value, errbuf);
    if (strcmp(key, "window_opens") == 0 || strcmp(key, "window_is_open") == 0) {
        bool dynamic = false;
        int before = p->window_line;
        kg_err err = check_fields(p, value, true, &dynamic, errbuf);
        if (err == KG_OK && p->window_line != before)
            return fail(p, errbuf, N_("{window} cannot be used inside its own wording: "), value);
        return err != KG_OK
                   ? err
                   : set_owned(p, key[7] == 'o' ? &tmpl->window_opens : &tmpl->window_is_open,
                               value, errbuf);
    }
    return fail(p, errbuf,
                N_("unknown key in [page] (width, height, font, window_opens, window_is_open): "),
                key);
}

static kg_err window_key(parser *p, const char *key, const char *value, kg_errbuf *errbuf)
{
    template_window *win = &p->tmpl->window;
    struct {
        const char *name;
        double *slot;
        unsigned bit;
        double low, high;
    } const keys[] = {{"x", &win->x, SET_X, 0, 1000},
                      {"y", &win->y, SET_Y, 0, 1000},
                      {"width", &win->width, SET_WIDTH, 10, 1000},
                      {"height", &win->height, SET_HEIGHT, 10, 1000},
                      {"tolerance", &win->tolerance, SET_TOLERANCE, 0, 20}};
    for (size_t idx = 0; idx < sizeof(keys) / sizeof(keys[0]); idx++)
        if (strcmp(key, keys[idx].name) == 0) {
            p->set |= keys[idx].bit;
            return parse_number(p, key, value, keys[idx].low, keys[idx].high, keys[idx].slot,
                                errbuf);
        }
    return fail(p, errbuf, N_("unknown key in [window] (x, y, width, height, tolerance): "), key);
}

static kg_err address_key(parser *p, const char *key, const char *value, kg_errbuf *errbuf)
{
    template_address *addr = &p->tmpl->address;
    bool dynamic = false;
    if (strcmp(key, "size") == 0)
        return parse_number(p, key, value, 6, 24, &addr->size, errbuf);
    if (strcmp(key, "name_size") == 0)
        return parse_number(p, key, value, 6, 36, &addr->name_size, errbuf);
    if (strcmp(key, "name_min_size") == 0)
        return parse_number(p, key, value, 6, 36, &addr->name_min_size, errbuf);
    if (strcmp(key, "mark_size") == 0)
        return parse_number(p, key, value, 6, 24, &addr->mark_size, errbuf);
    if (strcmp(key, "lines") == 0) {
        double lines = 0;
        kg_err err = parse_number(p, key, value, 1, 6, &lines, errbuf);
        if (err == KG_OK && lines != floor(lines))
            return fail(p, errbuf, N_("lines must be a whole number: "), value);
        addr->lines = (int)lines;
        return err;
    }
    if (strcmp(key, "holder") == 0 || strcmp(key, "representative") == 0) {
        kg_err err = check_fields(p, value, false, &dynamic, errbuf);
        if (err == KG_OK && strstr(value, "{name}") == NULL)
            return fail(p, errbuf, N_("the name line must hold {name}: "), value);
        return err != KG_OK ? err
                            : set_owned(p, key[0] == 'h' ? &addr->holder : &addr->representative,
                                        value, errbuf);
    }
    if (strcmp(key, "mark") == 0)
        return strchr(value, '{') != NULL
                   ? fail(p, errbuf, N_("the mark is fixed text, no placeholders: "), value)
                   : set_owned(p, &addr->mark, value, errbuf);
    if (strcmp(key, "barcode") == 0) {
        if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
            return fail(p, errbuf, N_("barcode is yes or no, not: "), value);
        addr->barcode = value[0] == 'y';
        return KG_OK;
    }
    return fail(p, errbuf,
                N_("unknown key in [address] (size, lines, name_size, name_min_size, holder, "
                   "representative, mark, mark_size, barcode): "),
                key);
}

static kg_err parse_when(const parser *p, const char *value, template_when *out, kg_errbuf *errbuf)
{
    static const char *const names[] = {"always", "card", "not_card", "representative", "holder"};
    for (size_t idx = 0; idx < sizeof(names) / sizeof(names[0]); idx++)
        if (strcmp(value, names[idx]) == 0) {
            *out = (template_when)idx;
            return KG_OK;
        }
    return fail(p, errbuf, N_("when is always, card, not_card, representative or holder, not: "),
                value);
}

/* column = header | width mm | text */
static kg_err parse_column(parser *p, const char *value, kg_errbuf *errbuf)
{
    template_element *table = p->element;
    if (table->column_count == TEMPLATE_MAX_COLUMNS)
        return fail(p, errbuf, N_("too many columns (at most 8)"), "");
    const char *bar1 = strchr(value, '|');
    const char *bar2 = bar1 != NULL ? strchr(bar1 + 1, '|') : NULL;
    if (bar2 == NULL)
        return fail(p, errbuf, N_("a column is `header | width | text`, not: "), value);
    char header[512], width[64], text[512];
    snprintf(header, sizeof(header), "%.*s", (int)(bar1 - value), value);
    snprintf(width, sizeof(width), "%.*s", (int)(bar2 - bar1 - 1), bar1 + 1);
    snprintf(text, sizeof(text), "%s", bar2 + 1);
    char *parts[] = {header, width, text};
    for (size_t idx = 0; idx < 3; idx++) { /* trim */
        char *start = parts[idx];
        while (*start == ' ')
            start++;
        size_t len = strlen(start);
        while (len > 0 && start[len - 1] == ' ')
            len--;
        memmove(parts[idx], start, len);
        parts[idx][len] = '\0';
    }
    template_column *column = &table->columns[table->column_count];
    bool dynamic = false;
    kg_err err = parse_number(p, "column width", width, 5, 1000, &column->width, errbuf);
    if (err == KG_OK)
        err = check_fields(p, header, false, &dynamic, errbuf);
    if (err == KG_OK && dynamic)
        err = fail(p, errbuf, N_("a column header is fixed text: "), header);
    if (err == KG_OK)
        err = check_fields(p, text, true, &dynamic, errbuf);
    if (err == KG_OK)
        err = set_owned(p, &column->header, header, errbuf);
    if (err == KG_OK)
        err = set_owned(p, &column->text, text, errbuf);
    if (err == KG_OK)
        table->column_count++;
    return err;
}

static kg_err element_key(parser *p, const char *key, const char *value, kg_errbuf *errbuf)
{
    template_element *element = p->element;
    template_kind kind = element->kind;
    struct {
        const char *name;
        double *slot;
        unsigned bit;
        double low, high;
        unsigned kinds; /* 1 << template_kind */
    } const keys[] = {
        {"x", &element->x, SET_X, 0, 1000, ALL_KINDS},
        {"y", &element->y, SET_Y, 0, 1000, ALL_KINDS},
        {"width", &element->width, SET_WIDTH, 1, 1000,
         1u << TEMPLATE_TEXT | 1u << TEMPLATE_BOX | 1u << TEMPLATE_BARCODE},
        {"height", &element->height, SET_HEIGHT, 1, 1000,
         1u << TEMPLATE_TEXT | 1u << TEMPLATE_BOX | 1u << TEMPLATE_BARCODE},
        {"box", &element->size, SET_SIZE, 3, 30, 1u << TEMPLATE_BOXES},
        {"gap", &element->gap, 0, 0, 20, 1u << TEMPLATE_BOXES},
        {"x2", &element->x2, SET_X2, 0, 1000, 1u << TEMPLATE_LINE},
        {"y2", &element->y2, SET_Y2, 0, 1000, 1u << TEMPLATE_LINE},
        {"size", &element->size, SET_SIZE, 4, 72, 1u << TEMPLATE_TEXT | 1u << TEMPLATE_TABLE},
        {"min_size", &element->min_size, SET_MIN_SIZE, 4, 72, 1u << TEMPLATE_TEXT},
        {"line_height", &element->line_height, 0, 1, 3, 1u << TEMPLATE_TEXT},
        {"line", &element->stroke, 0, 0, 5,
         1u << TEMPLATE_BOX | 1u << TEMPLATE_LINE | 1u << TEMPLATE_TABLE | 1u << TEMPLATE_BOXES},
        {"gray", &element->gray, 0, 0, 1, 1u << TEMPLATE_BOX},
        {"header_gray", &element->gray, 0, 0, 1, 1u << TEMPLATE_TABLE},
        {"row_height", &element->row_height, SET_ROW_HEIGHT, 3, 50, 1u << TEMPLATE_TABLE},
        {"module", &element->module, 0, 0.3, 1.0, 1u << TEMPLATE_SHEET_CODE},
    };
    for (size_t idx = 0; idx < sizeof(keys) / sizeof(keys[0]); idx++)
        if (strcmp(key, keys[idx].name) == 0 && (keys[idx].kinds & (1u << kind)) != 0) {
            p->set |= keys[idx].bit;
            return parse_number(p, key, value, keys[idx].low, keys[idx].high, keys[idx].slot,
                                errbuf);
        }
    if (strcmp(key, "when") == 0 && kind == TEMPLATE_TEXT)
        return parse_when(p, value, &element->when, errbuf);
    if (strcmp(key, "align") == 0 && kind == TEMPLATE_TEXT) {
        if (strcmp(value, "left") == 0 || strcmp(value, "center") == 0 ||
            strcmp(value, "right") == 0) {
            element->align = value[0] == 'l'   ? ALIGN_LEFT
                             : value[0] == 'c' ? ALIGN_CENTER
                                               : ALIGN_RIGHT;
            return KG_OK;
        }
        return fail(p, errbuf, N_("align is left, center or right, not: "), value);
    }
    if (strcmp(key, "text") == 0 && kind == TEMPLATE_TEXT) {
        p->set |= SET_TEXT;
        kg_err err = check_fields(p, value, false, &element->dynamic, errbuf);
        return err != KG_OK ? err : add_paragraph(p, element, value, errbuf);
    }
    if (strcmp(key, "column") == 0 && kind == TEMPLATE_TABLE)
        return parse_column(p, value, errbuf);
    if (strcmp(key, "count") == 0 && kind == TEMPLATE_BOXES) {
        double count = 0;
        kg_err err = parse_number(p, key, value, 1, 32, &count, errbuf);
        if (err == KG_OK && count != floor(count))
            return fail(p, errbuf, N_("count must be a whole number: "), value);
        element->count = (int)count;
        p->set |= SET_TEXT; /* the count is what a [boxes] must have */
        return err;
    }
    if (strcmp(key, "max_rows") == 0 && kind == TEMPLATE_TABLE) {
        double rows = 0;
        kg_err err = parse_number(p, key, value, 1, 20, &rows, errbuf);
        element->max_rows = (int)rows;
        return err;
    }
    static const char *const known[] = {
        [TEMPLATE_TEXT] = "x, y, width, height, size, min_size, line_height, align, when, text",
        [TEMPLATE_BOX] = "x, y, width, height, line, gray",
        [TEMPLATE_LINE] = "x, y, x2, y2, line",
        [TEMPLATE_TABLE] = "x, y, size, row_height, max_rows, line, header_gray, column",
        [TEMPLATE_BOXES] = "x, y, count, box, gap, line",
        [TEMPLATE_BARCODE] = "x, y, width, height",
        [TEMPLATE_SHEET_CODE] = "x, y, module"};
    char what[200];
    snprintf(what, sizeof(what), _("%.40s (this section knows %s)"), key, known[kind]);
    return fail(p, errbuf, N_("unknown key: "), what);
}

typedef struct area {
    double left, top, right, bottom;
} area;

static area area_of(const template_element *element)
{
    area a = {element->x, element->y, element->x + element->width, element->y + element->height};
    if (element->kind == TEMPLATE_TABLE) {
        a.right = element->x;
        for (size_t idx = 0; idx < element->column_count; idx++)
            a.right += element->columns[idx].width;
        a.bottom = element->y + element->row_height * (element->max_rows + 1);
    } else if (element->kind == TEMPLATE_BOXES) {
        a.right = element->x + element->count * element->size + (element->count - 1) * element->gap;
        a.bottom = element->y + element->size;
    } else if (element->kind == TEMPLATE_LINE) {
        a = (area){fmin(element->x, element->x2), fmin(element->y, element->y2),
                   fmax(element->x, element->x2), fmax(element->y, element->y2)};
    } else if (element->kind == TEMPLATE_SHEET_CODE) { /* with its quiet zone */
        double quiet = SHEET_CODE_QUIET * element->module;
        a = (area){element->x - quiet, element->y - quiet, element->x + element->width + quiet,
                   element->y + element->height + quiet};
    }
    return a;
}

static bool overlap(area one, area two)
{
    const double slack = 0.01; /* touching edges are fine */
    return one.left < two.right - slack && two.left < one.right - slack &&
           one.top < two.bottom - slack && two.top < one.bottom - slack;
}

/* Two conditions that never hold together (their texts may share a place). */
static bool exclusive(template_when one, template_when two)
{
    return (one == WHEN_CARD && two == WHEN_NOT_CARD) ||
           (one == WHEN_NOT_CARD && two == WHEN_CARD) ||
           (one == WHEN_REPRESENTATIVE && two == WHEN_HOLDER) ||
           (one == WHEN_HOLDER && two == WHEN_REPRESENTATIVE);
}

/* Checks that the finished section has what it needs and fits the page. */
static kg_err finish_section(parser *p, kg_errbuf *errbuf)
{
    const notice_template *tmpl = p->tmpl;
    unsigned need = 0;
    const char *what = "";
    if (p->current == SECTION_WINDOW) {
        need = SET_X | SET_Y | SET_WIDTH | SET_HEIGHT;
        what = N_("[window] needs x, y, width and height");
    } else if (p->current == SECTION_ELEMENT) {
        template_kind kind = p->element->kind;
        need = kind == TEMPLATE_TEXT  ? SET_X | SET_Y | SET_WIDTH | SET_HEIGHT | SET_SIZE | SET_TEXT
               : kind == TEMPLATE_BOX ? SET_X | SET_Y | SET_WIDTH | SET_HEIGHT
               : kind == TEMPLATE_BARCODE    ? SET_X | SET_Y | SET_WIDTH | SET_HEIGHT
               : kind == TEMPLATE_LINE       ? SET_X | SET_Y | SET_X2 | SET_Y2
               : kind == TEMPLATE_BOXES      ? SET_X | SET_Y | SET_SIZE | SET_TEXT
               : kind == TEMPLATE_SHEET_CODE ? SET_X | SET_Y
                                             : SET_X | SET_Y | SET_SIZE | SET_ROW_HEIGHT;
        what = kind == TEMPLATE_TEXT      ? N_("[text] needs x, y, width, height, size and text")
               : kind == TEMPLATE_BOX     ? N_("[box] needs x, y, width and height")
               : kind == TEMPLATE_BARCODE ? N_("[barcode] needs x, y, width and height")
               : kind == TEMPLATE_LINE    ? N_("[line] needs x, y, x2 and y2")
               : kind == TEMPLATE_BOXES   ? N_("[boxes] needs x, y, count and box")
               : kind == TEMPLATE_SHEET_CODE
                   ? N_("[sheet_code] needs x and y")
                   : N_("[table] needs x, y, size, row_height and columns");
        if (kind == TEMPLATE_TABLE && p->element->column_count == 0)
            return fail(p, errbuf, what, "");
    }
    if ((p->set & need) != need)
        return fail(p, errbuf, what, "");
    if (p->current == SECTION_ELEMENT) {
        template_element *element = p->element;
        if ((p->set & SET_MIN_SIZE) == 0)
            element->min_size = element->size;
        if (element->min_size > element->size)
            return fail(p, errbuf, N_("min_size is larger than size"), "");
        if (element->kind == TEMPLATE_SHEET_CODE)
            element->width = element->height = SHEET_CODE_SIDE * element->module;
        area a = area_of(element);
        if (element->kind == TEMPLATE_SHEET_CODE && (a.left < -1e-9 || a.top < -1e-9))
            return fail(p, errbuf,
                        N_("the sheet code's quiet zone (4 modules) reaches outside the page"), "");
        if (a.right > tmpl->page_width + 1e-9 || a.bottom > tmpl->page_height + 1e-9)
            return fail(p, errbuf,
                        element->kind == TEMPLATE_SHEET_CODE
                            ? N_("the sheet code's quiet zone (4 modules) reaches outside the page")
                            : N_("the element reaches outside the page"),
                        "");
    }
    return KG_OK;
}

static kg_err open_section(parser *p, const char *name, kg_errbuf *errbuf)
{
    kg_err err = p->current != SECTION_NONE ? finish_section(p, errbuf) : KG_OK;
    if (err != KG_OK)
        return err;
    p->set = 0;
    p->element = NULL;
    notice_template *tmpl = p->tmpl;
    if (strcmp(name, "page") == 0) {
        p->current = SECTION_PAGE;
        return p->seen_page++ ? fail(p, errbuf, N_("a second [page]"), "") : KG_OK;
    }
    if (!p->seen_page)
        return fail(p, errbuf, N_("[page] must come first"), "");
    if (strcmp(name, "window") == 0) {
        p->current = SECTION_WINDOW;
        return p->seen_window++ ? fail(p, errbuf, N_("a second [window]"), "") : KG_OK;
    }
    if (strcmp(name, "address") == 0) {
        p->current = SECTION_ADDRESS;
        return p->seen_address++ ? fail(p, errbuf, N_("a second [address]"), "") : KG_OK;
    }
    template_kind kind;
    if (strcmp(name, "text") == 0)
        kind = TEMPLATE_TEXT;
    else if (strcmp(name, "box") == 0)
        kind = TEMPLATE_BOX;
    else if (strcmp(name, "line") == 0)
        kind = TEMPLATE_LINE;
    else if (strcmp(name, "table") == 0)
        kind = TEMPLATE_TABLE;
    else if (strcmp(name, "boxes") == 0)
        kind = TEMPLATE_BOXES;
    else if (strcmp(name, "barcode") == 0)
        kind = TEMPLATE_BARCODE;
    else if (strcmp(name, "sheet_code") == 0)
        kind = TEMPLATE_SHEET_CODE;
    else
        return fail(p, errbuf,
                    N_("unknown section (page, window, address, text, box, line, table, boxes, "
                       "barcode, sheet_code): "),
                    name);
    if (kind == TEMPLATE_TABLE && p->seen_table++)
        return fail(p, errbuf, N_("a second [table]"), "");
    if (kind == TEMPLATE_SHEET_CODE && p->seen_sheet_code++)
        return fail(p, errbuf, N_("a second [sheet_code]"), "");
    if (tmpl->element_count == TEMPLATE_MAX_ELEMENTS)
        return fail(p, errbuf, N_("too many sections"), "");
    template_element *grown = realloc(tmpl->elements, sizeof(*grown) * (tmpl->element_count + 1));
    if (grown == NULL)
        return fail(p, errbuf, N_("out of memory"), "");
    tmpl->elements = grown;
    p->element = &grown[tmpl->element_count++];
    memset(p->element, 0, sizeof(*p->element));
    p->element->kind = kind;
    p->element->line = p->line;
    p->element->line_height = 1.5;
    p->element->stroke = kind == TEMPLATE_TEXT ? 0 : 0.5;
    p->element->gray = -1;
    p->element->max_rows = 4;
    p->element->module = SHEET_CODE_MODULE_MM;
    p->current = SECTION_ELEMENT;
    return KG_OK;
}

static char *trim(char *text)
{
    while (*text == ' ' || *text == '\t')
        text++;
    size_t len = strlen(text);
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t' || text[len - 1] == '\r'))
        text[--len] = '\0';
    return text;
}

static kg_err parse_line(parser *p, char *line, kg_errbuf *errbuf)
{
    char *text = trim(line);
    if (*text == '\0' || *text == '#')
        return KG_OK;
    if (*text == '[') {
        size_t len = strlen(text);
        if (text[len - 1] != ']')
            return fail(p, errbuf, N_("a section header is [name]: "), text);
        text[len - 1] = '\0';
        return open_section(p, trim(text + 1), errbuf);
    }
    char *equals = strchr(text, '=');
    if (equals == NULL)
        return fail(p, errbuf, N_("expected `key = value`, [section] or # comment: "), text);
    *equals = '\0';
    char *key = trim(text), *value = trim(equals + 1);
    switch (p->current) {
    case SECTION_NONE:
        return fail(p, errbuf, N_("a key before the first [section]: "), key);
    case SECTION_PAGE:
        return page_key(p, key, value, errbuf);
    case SECTION_WINDOW:
        return window_key(p, key, value, errbuf);
    case SECTION_ADDRESS:
        return address_key(p, key, value, errbuf);
    case SECTION_ELEMENT:
        return element_key(p, key, value, errbuf);
    }
    return fail(p, errbuf, N_("internal parser state"), "");
}

/* What holds text or marks (boxes and lines frame them and may lie under them). */
static bool takes_place(const template_element *element)
{
    return element->kind == TEMPLATE_TEXT || element->kind == TEMPLATE_TABLE ||
           element->kind == TEMPLATE_BOXES || element->kind == TEMPLATE_BARCODE ||
           element->kind == TEMPLATE_SHEET_CODE;
}

/* Texts and the table must not overlap each other or the envelope window: a longer
 * wording then fails here, with both places named, instead of printing over. The sheet
 * code's quiet zone must be clear of everything, boxes and lines too (D85). */
static kg_err check_overlaps(parser *p, kg_errbuf *errbuf)
{
    const notice_template *tmpl = p->tmpl;
    const template_window *win = &tmpl->window;
    area window = {win->x, win->y, win->x + win->width, win->y + win->height};
    for (size_t one = 0; one < tmpl->element_count; one++) {
        const template_element *first = &tmpl->elements[one];
        char what[96];
        p->line = first->line;
        if (takes_place(first) && tmpl->has_address && overlap(area_of(first), window))
            return fail(p, errbuf, N_("this section overlaps the envelope window ([window])"), "");
        for (size_t two = one + 1; two < tmpl->element_count; two++) {
            const template_element *second = &tmpl->elements[two];
            bool code = first->kind == TEMPLATE_SHEET_CODE || second->kind == TEMPLATE_SHEET_CODE;
            if ((!takes_place(second) && !code) || (!takes_place(first) && !code) ||
                exclusive(first->when, second->when) || !overlap(area_of(first), area_of(second)))
                continue;
            snprintf(what, sizeof(what), _("the section at line %d"), second->line);
            return fail(p, errbuf, N_("this section overlaps "), what);
        }
    }
    return KG_OK;
}

/* The whole-template checks, at the end of the file. */
static kg_err finish_template(parser *p, kg_errbuf *errbuf)
{
    notice_template *tmpl = p->tmpl;
    if (!p->seen_page)
        return fail(p, errbuf, N_("a template needs [page]"), "");
    if (p->seen_window != p->seen_address)
        return fail(p, errbuf,
                    N_("[window] and [address] go together (a page that is mailed has both, an "
                       "enclosure neither)"),
                    "");
    if (tmpl->page_width <= 0 || tmpl->page_height <= 0)
        return fail(p, errbuf, N_("[page] needs width and height"), "");
    if (tmpl->font_count == 0)
        return fail(p, errbuf, N_("[page] needs at least one font"), "");
    if (p->window_line != 0 && (tmpl->window_opens == NULL || tmpl->window_is_open == NULL)) {
        p->line = p->window_line;
        return fail(p, errbuf, N_("{window} needs window_opens and window_is_open in [page]"), "");
    }
    tmpl->has_address = p->seen_window;
    if (!tmpl->has_address) {
        if (set_owned(p, &tmpl->address.mark, "", errbuf) != KG_OK)
            return KG_ERR_TEMPLATE;
        return check_overlaps(p, errbuf);
    }
    const template_window *win = &tmpl->window;
    if (win->x + win->width > tmpl->page_width || win->y + win->height > tmpl->page_height)
        return fail(p, errbuf, N_("the window reaches outside the page"), "");
    if (2 * win->tolerance >= win->width || 2 * win->tolerance >= win->height)
        return fail(p, errbuf, N_("the window's tolerance leaves no room for the address"), "");
    template_address *addr = &tmpl->address;
    if (addr->holder == NULL || addr->representative == NULL)
        return fail(p, errbuf, N_("[address] needs holder and representative"), "");
    if (addr->name_min_size > addr->name_size)
        return fail(p, errbuf, N_("[address] name_min_size is larger than name_size"), "");
    if (addr->mark == NULL && set_owned(p, &addr->mark, "", errbuf) != KG_OK)
        return KG_ERR_TEMPLATE;
    return check_overlaps(p, errbuf);
}

static kg_err read_all(const char *path, strbuf *content, kg_errbuf *errbuf)
{
    FILE *file = fopen(path, "rb"); /* unreadable: a template that cannot be used (D75) */
    if (file == NULL)
        return kg_fail(errbuf, KG_ERR_TEMPLATE, _("unable to read the template '%s': %s"), path,
                       strerror(errno));
    char chunk[8192];
    size_t got;
    kg_err err = KG_OK;
    while (err == KG_OK && (got = fread(chunk, 1, sizeof(chunk), file)) > 0)
        err = strbuf_append(content, chunk, got);
    if (err == KG_OK && ferror(file))
        err = kg_fail(errbuf, KG_ERR_TEMPLATE, _("unable to read the template '%s': %s"), path,
                      strerror(errno));
    else if (err != KG_OK)
        err = kg_fail(errbuf, KG_ERR_TEMPLATE, _("%s: longer than %d bytes"), path,
                      TEMPLATE_MAX_BYTES);
    fclose(file);
    return err;
}

kg_err template_parse_opt(const char *path, const char *text, size_t len,
                          const template_parse_options *options, notice_template **out,
                          kg_errbuf *errbuf)
{
    *out = NULL;
    if (len > TEMPLATE_MAX_BYTES)
        return kg_fail(errbuf, KG_ERR_TEMPLATE, _("%s: longer than %d bytes"), path,
                       TEMPLATE_MAX_BYTES);
    notice_template *tmpl = calloc(1, sizeof(*tmpl));
    if (tmpl == NULL)
        return kg_fail(errbuf, KG_ERR_NOMEM, _("unable to load the template: out of memory"));
    tmpl->address = (template_address){.size = 10,
                                       .lines = 3,
                                       .name_size = 14,
                                       .name_min_size = 9,
                                       .mark_size = 9,
                                       .barcode = true};
    kg_err err = KG_OK;
    if ((tmpl->path = dup_text(path)) == NULL)
        err = kg_fail(errbuf, KG_ERR_NOMEM, _("unable to load the template: out of memory"));
    parser p = {.tmpl = tmpl,
                .path = path,
                .current = SECTION_NONE,
                .probe_fonts = options == NULL || !options->no_font_probe};
    sha256_ctx hash;
    sha256_init(&hash);
    if (len > 0) /* an empty text may have no buffer at all: no pointer arithmetic on NULL */
        sha256_update(&hash, text, len);
    sha256_final_hex(&hash, tmpl->sha256);
    size_t pos = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3; /* a BOM from a Windows editor */
    if (err == KG_OK && len > 0 && memchr(text, '\0', len) != NULL)
        err = kg_fail(errbuf, KG_ERR_TEMPLATE, _("%s: holds a NUL byte (not a text file)"), path);
    while (err == KG_OK && pos < len) {
        const char *newline = memchr(text + pos, '\n', len - pos);
        size_t line_len = newline != NULL ? (size_t)(newline - (text + pos)) : len - pos;
        p.line++;
        char line[4096];
        if (line_len >= sizeof(line))
            err = fail(&p, errbuf, N_("line longer than 4095 bytes"), "");
        else {
            memcpy(line, text + pos, line_len);
            line[line_len] = '\0';
            err = parse_line(&p, line, errbuf);
        }
        pos += line_len + (newline != NULL);
    }
    if (p.line == 0)
        p.line = 1; /* an empty file: its errors are on line 1, as an editor shows it */
    if (err == KG_OK && p.current != SECTION_NONE)
        err = finish_section(&p, errbuf);
    if (err == KG_OK)
        err = finish_template(&p, errbuf);
    if (err != KG_OK) {
        template_free(tmpl);
        return err;
    }
    *out = tmpl;
    return KG_OK;
}

kg_err template_load(const char *path, notice_template **out, kg_errbuf *errbuf)
{
    *out = NULL;
    strbuf content;
    strbuf_init(&content, TEMPLATE_MAX_BYTES);
    kg_err err = read_all(path, &content, errbuf);
    if (err == KG_OK)
        err = template_parse_opt(path, content.data, content.len, NULL, out, errbuf);
    strbuf_free(&content);
    return err;
}

void template_free(notice_template *tmpl)
{
    if (tmpl == NULL)
        return;
    for (size_t idx = 0; idx < tmpl->element_count; idx++) {
        template_element *element = &tmpl->elements[idx];
        free(element->text);
        for (size_t col = 0; col < element->column_count; col++) {
            free(element->columns[col].header);
            free(element->columns[col].text);
        }
    }
    free(tmpl->elements);
    for (size_t idx = 0; idx < tmpl->font_count; idx++)
        free(tmpl->fonts[idx]);
    free(tmpl->address.holder);
    free(tmpl->address.representative);
    free(tmpl->address.mark);
    free(tmpl->window_opens);
    free(tmpl->window_is_open);
    free(tmpl->path);
    free(tmpl);
}
