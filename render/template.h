/*
 * template.h - the notice template (templates/notice.tmpl): a plain text file that a clerk
 * edits, parsed into the page description that render/notice.c draws.
 *
 * Format (README.md "Templates"): `[section]` headers, `key = value` lines, `#` comments.
 * Sections: one [page] (size, fonts), one [window] (the envelope window) and one [address]
 * (the address block) for a page that is mailed in a window envelope, then any number of
 * [text], [box], [line], [boxes], [barcode], at most one [table] and at most one [sheet_code],
 * drawn in file order. Every
 * error names file:line and the reason; nothing is drawn from a template that did not load.
 */
#ifndef KIGEN_TEMPLATE_H
#define KIGEN_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "text.h"

#define TEMPLATE_MAX_COLUMNS 8

typedef enum template_kind {
    TEMPLATE_TEXT,
    TEMPLATE_BOX,
    TEMPLATE_LINE,
    TEMPLATE_TABLE,
    TEMPLATE_BOXES,     /* a row of empty squares for the holder to write in (PINs) */
    TEMPLATE_BARCODE,   /* the form's control number as a Code 128 symbol */
    TEMPLATE_SHEET_CODE /* the envelope-matching QR Code of the sheet (sheet_code.h, D85) */
} template_kind;

/* When an element is drawn. */
typedef enum template_when {
    WHEN_ALWAYS = 0,
    WHEN_CARD,           /* a certificate of the notice expires with the card (cause card) */
    WHEN_NOT_CARD,       /* none does */
    WHEN_REPRESENTATIVE, /* the resident is under 15 on the run date */
    WHEN_HOLDER          /* the resident is 15 or older */
} template_when;

typedef enum template_align { ALIGN_LEFT = 0, ALIGN_CENTER, ALIGN_RIGHT } template_align;

typedef struct template_column {
    char *header; /* owned */
    double width; /* mm */
    char *text;   /* owned, may hold row placeholders */
} template_column;

typedef struct template_element {
    template_kind kind;
    int line; /* where the section starts in the file */
    template_when when;
    double x, y;          /* mm, top-left (line: start) */
    double width, height; /* mm; height 0: text unbounded (up to the page's bottom) */
    double x2, y2;        /* line: end, mm */
    double size;          /* pt */
    double min_size;      /* pt: a dynamic text too long for its height shrinks to this */
    double line_height;   /* multiple of size */
    double stroke;        /* pt, box/line/table rules; 0: none */
    double gray;          /* box/table header fill: 0 black .. 1 white; < 0: none */
    template_align align;
    char *text;   /* owned: paragraphs separated by '\n' (text) */
    bool dynamic; /* the text holds placeholders: drawn per notice */
    template_column columns[TEMPLATE_MAX_COLUMNS];
    size_t column_count;
    double row_height; /* table, mm */
    int max_rows;      /* table: certificate rows (a notice has at most this many) */
    int count;         /* boxes: how many */
    double gap;        /* boxes: mm between two */
    double module;     /* sheet code: mm a module; x, y its top-left corner, width and height
                          the symbol's side (SHEET_CODE_SIDE modules, no quiet zone) */
} template_element;

typedef struct template_window {
    double x, y, width, height; /* mm on the unfolded sheet */
    double tolerance;           /* mm kept free inside the window on every side */
} template_window;

typedef struct template_address {
    double size;          /* pt, postal code and address lines */
    int lines;            /* address lines at most */
    double name_size;     /* pt */
    double name_min_size; /* pt */
    char *holder;         /* owned: the name line, e.g. "{name} 様" */
    char *representative; /* owned: the name line for a resident under 15 */
    char *mark;           /* owned: e.g. 転送不要 ("" for none) */
    double mark_size;     /* pt */
    bool barcode;         /* print the customer barcode */
} template_address;

typedef struct notice_template {
    char *path;                     /* owned: as given */
    double page_width, page_height; /* mm */
    char *fonts[TEXT_MAX_FONTS];    /* owned: absolute paths, in fallback order */
    size_t font_count;
    char *window_opens;   /* owned or NULL: {window} before the renewal window opens */
    char *window_is_open; /* owned or NULL: {window} once it is open on the run date */
    bool has_address;     /* [window] and [address] given (a page that is
                             mailed); an enclosure has neither */
    template_window window;
    template_address address;
    template_element *elements; /* owned, file order */
    size_t element_count;
    char sha256[65]; /* of the file's bytes: stored with the run */
} notice_template;

/* Reads and checks path (template_parse_opt of its bytes, default options).
 * KG_ERR_TEMPLATE: "unable to read the template 'path': <why>" when unreadable, "file:line:
 * reason" otherwise. Font paths that are relative are taken from the template's directory.
 * *out is owned by the caller (template_free). */
kg_err template_load(const char *path, notice_template **out, kg_errbuf *errbuf);

typedef struct template_parse_options {
    bool no_font_probe; /* do not open the font files (they are still resolved and listed):
                           for the fuzz target, which must not touch the file system */
} template_parse_options;

/* Parses and checks a template's text[0..len) (need not be NUL-terminated; len 0 may come
 * with text NULL) as if read from path, which names it in messages and anchors relative
 * font paths; a UTF-8 BOM is skipped, a NUL byte refused. options may be NULL (defaults:
 * fonts probed). Errors and *out as for template_load; the text is read only during the
 * call. */
kg_err template_parse_opt(const char *path, const char *text, size_t len,
                          const template_parse_options *options, notice_template **out,
                          kg_errbuf *errbuf);

void template_free(notice_template *tmpl); /* NULL accepted */

/* The placeholders a notice text may use, and those a table column may use besides. */
bool template_is_notice_field(const char *name, size_t len);
bool template_is_row_field(const char *name, size_t len);

#endif
