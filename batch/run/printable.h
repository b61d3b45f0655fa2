/*
 * printable.h - can it be printed? The run's one check, before the ledger commit, of what
 * a page prints from data: the addressee block (the holder's name, or the legal
 * representative's line, and the address) on every page that carries it, an inquiry's
 * proxy name, and each office's sender block (D72). A page that cannot be printed becomes
 * an exclusion or a form's problem; it never stops a night after the ledger is recorded.
 *
 * Uses the run's painters (borrowed); reads nothing but kigen.offices; writes nothing.
 */
#ifndef KIGEN_PRINTABLE_H
#define KIGEN_PRINTABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/error.h"
#include "../common/kdate.h"
#include "../db/db.h"
#include "render/notice.h"

#define PRINTABLE_MAX_PAGES 3

typedef enum printable_verdict {
    PRINTABLE_OK = 0,    /* every page can print it */
    PRINTABLE_GLYPH = 1, /* a character no font has (or one never printed: 外字, controls) */
    PRINTABLE_LAYOUT = 2 /* it does not fit its place */
} printable_verdict;

/* The pages a letter is made of: the notice and its enclosure, or the inquiry. */
typedef struct printable_pages {
    notice_painter *painters[PRINTABLE_MAX_PAGES]; /* borrowed */
    size_t count;
} printable_pages;

/* The addressee block of data (family_name, given_name, address, banchi, address2,
 * to_representative) on every page: glyphs with each page's fonts (glyph.h), then the
 * envelope window's fit. The clerk's reason goes to problem (cap bytes); it names the
 * field and the character, never the text. */
printable_verdict printable_addressee(const printable_pages *pages, const notice_data *data,
                                      char *problem, size_t cap);

/* One more text of the letter (field names it for the clerk, e.g. "proxy_name"). */
printable_verdict printable_text(const printable_pages *pages, const char *field, const char *text,
                                 char *problem, size_t cap);

/* The whole page of data on every page (notice_page_printable): what no field check
 * covers, such as a proxy name too long for its box. */
printable_verdict printable_page(const printable_pages *pages, const notice_data *data,
                                 char *problem, size_t cap);

/* The offices' sender blocks, checked once a run. */
typedef struct printable_office {
    char office_code[17];
    char problem[256]; /* "" when its sender block prints */
} printable_office;

typedef struct printable_offices {
    printable_office *offices; /* owned, in office_code order */
    size_t count;
} printable_offices;

/* Draws a fictitious letter of run_date with each office of kigen.offices on every page
 * of every set (a notice with its enclosure, an inquiry). KG_ERR_DB_QUERY, KG_ERR_NOMEM;
 * an office that cannot be printed is not an error: its problem says why. */
kg_err printable_offices_check(db_conn *conn, const printable_pages *const *sets, size_t set_count,
                               kdate run_date, printable_offices *out, kg_errbuf *errbuf);

/* The problem of office_code's sender block, or NULL when it prints (or is unknown: an
 * unknown office prints a blank sender block). */
const char *printable_office_problem(const printable_offices *offices, const char *office_code);

void printable_offices_free(printable_offices *offices); /* a zeroed one is fine */

#endif
