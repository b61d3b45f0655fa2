/*
 * mail_list.c - the registered-mail list's pages (see mail_list.h).
 */
#include "mail_list.h"

#include <stdio.h>
#include <string.h>

#include "common/control_no.h"
#include "common/wareki.h"
#include "draw_status.h"
#include "common/i18n.h"

#define PT_PER_MM (72.0 / 25.4)
#define ROWS_PER_PAGE MAIL_LIST_ROWS_PER_PAGE
#define ROW_MM 9.5
#define TOP_MM 40.0
#define LEFT_MM 12.0
#define SIZE 9.0
#define MIN_SIZE 6.0

/* Column left edges and widths, mm: No., 照会番号, 郵便番号, あて先 (address over name). */
static const double column_x[] = {12, 24, 58, 80};
static const double column_w[] = {12, 34, 22, 118};

typedef struct list_state {
    cairo_t *cr;
    text_fonts *fonts;
    text_run run;
    kg_errbuf *errbuf;
} list_state;

static kg_err put_text(list_state *state, const char *text, double x_mm, double baseline_mm,
                       double width_mm, double size)
{
    size_t len = strlen(text);
    if (len == 0)
        return KG_OK;
    double fitted = size;
    bool fits = true;
    kg_err err = text_fit_size(state->fonts, text, len, size, MIN_SIZE, width_mm * PT_PER_MM,
                               &fitted, &fits);
    if (err == KG_OK)
        err = text_shape(state->fonts, text, len, fitted, &state->run);
    if (err == KG_OK && state->run.missing > 0)
        return kg_fail(state->errbuf, KG_ERR_LAYOUT,
                       _("'%.200s' holds a character none of the fonts has"), text);
    if (err == KG_OK)
        err = text_draw(state->cr, state->fonts, &state->run, x_mm * PT_PER_MM,
                        baseline_mm * PT_PER_MM);
    return err != KG_OK ? kg_fail(state->errbuf, err, _("unable to draw '%.200s'"), text) : KG_OK;
}

static void rule(cairo_t *cr, double y_mm)
{
    cairo_set_line_width(cr, 0.4);
    cairo_move_to(cr, LEFT_MM * PT_PER_MM, y_mm * PT_PER_MM);
    cairo_line_to(cr, (210 - LEFT_MM) * PT_PER_MM, y_mm * PT_PER_MM);
    cairo_stroke(cr);
}

static kg_err page_head(list_state *state, const char *office, const char *date, int page,
                        int pages)
{
    char title[512], page_text[128];
    snprintf(title, sizeof(title), "簡易書留（転送不要）差出票　%s", office);
    snprintf(page_text, sizeof(page_text), "%s　%d / %d", date, page, pages);
    static const char *const headers[] = {"番号", "照会番号", "郵便番号", "あて先（住所・氏名）"};
    kg_err err = put_text(state, title, LEFT_MM, 20, 150, 14);
    if (err == KG_OK)
        err = put_text(state, page_text, 150, 20, 48, 9);
    if (err == KG_OK)
        err = put_text(state, "照会書兼回答書（代理人申請の照会）", LEFT_MM, 28, 150, 9);
    for (int col = 0; col < 4 && err == KG_OK; col++)
        err = put_text(state, headers[col], column_x[col], TOP_MM - 2, column_w[col], SIZE);
    rule(state->cr, TOP_MM);
    return err;
}

static kg_err put_row(list_state *state, const mail_entry *entry, long number, double top)
{
    char number_text[24], control[CONTROL_NO_PRINT_SIZE], postal[16];
    snprintf(number_text, sizeof(number_text), "%ld", number);
    control_no_format(entry->control_no, control); /* XXXX-XXXX-XXXX, as everywhere (D118) */
    snprintf(postal, sizeof(postal), "〒%.3s-%.4s", entry->postal_code,
             strlen(entry->postal_code) >= 7 ? entry->postal_code + 3 : "");
    kg_err err = put_text(state, number_text, column_x[0], top + 4, column_w[0], SIZE);
    if (err == KG_OK)
        err = put_text(state, control, column_x[1], top + 4, column_w[1], SIZE);
    if (err == KG_OK)
        err = put_text(state, postal, column_x[2], top + 4, column_w[2], SIZE);
    if (err == KG_OK)
        err = put_text(state, entry->address, column_x[3], top + 4, column_w[3], SIZE);
    if (err == KG_OK)
        err = put_text(state, entry->name, column_x[3] + 4, top + 8, column_w[3] - 4, SIZE);
    rule(state->cr, top + ROW_MM);
    return err;
}

/* Pages the office starting at entries[first] needs; *end is its end. */
static int office_pages(const mail_entry *entries, size_t count, size_t first, size_t *end)
{
    size_t idx = first;
    while (idx < count && strcmp(entries[idx].office, entries[first].office) == 0)
        idx++;
    *end = idx;
    return (int)((idx - first + ROWS_PER_PAGE - 1) / ROWS_PER_PAGE);
}

kg_err mail_list_draw(cairo_surface_t *surface, text_fonts *fonts, const mail_entry *entries,
                      size_t count, kdate run_date, kg_errbuf *errbuf)
{
    char date[WAREKI_BUF_SIZE];
    kg_err err = wareki_format(run_date, date, sizeof(date));
    list_state state;
    state.cr = cairo_create(surface);
    state.fonts = fonts;
    state.errbuf = errbuf;
    text_run_init(&state.run);
    cairo_set_source_rgb(state.cr, 0, 0, 0);
    size_t idx = 0;
    while (err == KG_OK && idx < count) {
        size_t end = 0;
        int pages = office_pages(entries, count, idx, &end);
        long number = 1;
        for (int page = 1; err == KG_OK && page <= pages; page++) {
            err = page_head(&state, entries[idx].office, date, page, pages);
            for (int row = 0; err == KG_OK && row < ROWS_PER_PAGE && idx < end; row++, idx++)
                err = put_row(&state, &entries[idx], number++, TOP_MM + row * ROW_MM);
            if (err == KG_OK && page == pages) {
                char total[64];
                snprintf(total, sizeof(total), "計 %ld 通", number - 1);
                err = put_text(&state, total, 160, 285, 38, SIZE);
            }
            cairo_show_page(state.cr);
        }
    }
    if (err == KG_OK && count == 0) { /* an empty night still gives a readable file */
        err = put_text(&state, "簡易書留（転送不要）差出票", LEFT_MM, 20, 150, 14);
        if (err == KG_OK)
            err = put_text(&state, "この日に郵送する照会書はありません。", LEFT_MM, 40, 150, SIZE);
        cairo_show_page(state.cr);
    }
    if (err == KG_OK)
        err = draw_status_fail(cairo_status(state.cr), errbuf,
                               N_("unable to draw the registered-mail list"));
    text_run_free(&state.run);
    cairo_destroy(state.cr);
    return err;
}
