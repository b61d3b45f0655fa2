/*
 * notice.h - draws one expiry notice page from a template (template.h) and a notice's
 * data, and checks before the run records a notice that its address block can be printed.
 *
 * A notice_painter belongs to one thread: it owns its fonts, its scratch buffers and the
 * layer of everything that is the same on every page of an office (fixed text, the run
 * date, the office's name, address and hours, the envelope's mark), drawn once into a Cairo
 * recording surface and painted on each page, which Cairo's PDF backend writes once per
 * file as a shared form. Only the resident's own fields are shaped per page.
 */
#ifndef KIGEN_NOTICE_H
#define KIGEN_NOTICE_H

#include <stdbool.h>
#include <stddef.h>

#include <cairo.h>

#include "common/error.h"
#include "common/kdate.h"
#include "template.h"
#include "text.h"

#define NOTICE_MAX_CERTS 8
#define NOTICE_PT_PER_MM (72.0 / 25.4)

typedef struct notice_cert {
    const char *type; /* "sign", "auth" */
    kdate expiry;
    kdate window_open;
    const char *cause; /* rules_cause_name(): "birthday", "card", ... */
} notice_cert;

typedef struct notice_office {
    const char *name, *postal_code, *address, *phone, *hours; /* "" when unknown */
} notice_office;

/* A form's own fields (docs/rules.md section 5); all "" / KDATE_NONE on a notice. */
typedef struct notice_form {
    const char *control_no; /* 12 characters, printed as XXXX-XXXX-XXXX */
    const char *procedure;  /* proxy_requests.kind: issue, renew, pin_reset, unlock */
    const char *proxy_name; /* who applied (inquiry); "" on an enclosed form */
    kdate received_on;      /* when the request was received (inquiry) */
    kdate valid_until;      /* the enclosed form's validity: the notice's expiry */
} notice_form;

typedef struct notice_data {
    const char *notice_no;
    kdate run_date;
    const char *family_name, *given_name;
    const char *postal_code;                 /* 7 digits */
    const char *address, *banchi, *address2; /* "" when none */
    bool to_representative;                  /* under 15 on the run date */
    notice_office office;
    const notice_cert *certs; /* 0..NOTICE_MAX_CERTS, by expiry (a notice has one at least;
                                 an inquiry form none) */
    size_t cert_count;
    notice_form form; /* a form's fields (zeroed on a notice) */
    /* The sheet's place in its envelope, for the template's [sheet_code] (D85): the
     * envelope's id (the notice number, or an inquiry's control number; NULL or "": no code
     * is printed), this sheet's number 1..sheets and the envelope's sheet count. */
    const char *envelope;
    int sheet, sheets;
} notice_data;

typedef struct notice_painter notice_painter;

/* A painter for tmpl (borrowed: it must outlive the painter), loading the template's
 * fonts. Checks what needs the fonts: the address block fits the window, fixed texts fit.
 * KG_ERR_FONT_LOAD, KG_ERR_TEMPLATE (file:line), KG_ERR_NOMEM. */
kg_err notice_painter_new(const notice_template *tmpl, notice_painter **out, kg_errbuf *errbuf);

void notice_painter_free(notice_painter *painter); /* NULL accepted */

/* The painter's fonts (for the glyph coverage check of the scan). */
text_fonts *notice_painter_fonts(notice_painter *painter);

/* Draws the notice on the current page of cr (points, origin top-left), without showing
 * the page. KG_ERR_LAYOUT (a text that does not fit, a character no font has: never a
 * box on paper), KG_ERR_DRAW, KG_ERR_NOMEM, with the notice number in errbuf. */
kg_err notice_paint(notice_painter *painter, cairo_t *cr, const notice_data *data,
                    kg_errbuf *errbuf);

/* Whether the name line and the address fit the address block (the scan's check before
 * a notice is recorded; certs and office are not used). When not, a clerk's reason goes
 * to problem (cap bytes). */
bool notice_address_fits(notice_painter *painter, const notice_data *data, char *problem,
                         size_t cap);

/* A fictitious letter of run_date: every field filled with text the default fonts print,
 * from office (NULL: a sample office), listing certs[0..count) (borrowed) and a form's
 * fields. For `kigen template preview` and the run's checks of the offices' texts. */
notice_data notice_sample(kdate run_date, const notice_office *office, const notice_cert *certs,
                          size_t count);

/* Whether the whole page of data can be printed by painter: paints it on a scratch
 * surface (nothing is written). When not, the reason goes to problem (cap bytes). The
 * run's check, before the ledger commit, of a page whose fields are not all checked
 * otherwise (an inquiry's proxy, an office's sender block: D72). Error messages never
 * quote the data, only where it goes (template line, column, character position). */
bool notice_page_printable(notice_painter *painter, const notice_data *data, char *problem,
                           size_t cap);

/* The Japanese name of a certificate type, an expiry cause, a procedure ("" if unknown). */
const char *notice_type_text(const char *type);
const char *notice_cause_text(const char *cause);
const char *notice_procedure_text(const char *procedure);

#endif
