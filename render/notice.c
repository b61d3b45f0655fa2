/*
 * notice.c - the notice page (see notice.h): placeholders, the office layer, texts,
 * boxes, lines and the certificate table. The address block is notice_address.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bars.h"
#include "code128.h"
#include "sheet_code.h"
#include "common/wareki.h"
#include "draw_status.h"
#include "notice_internal.h"
#include "common/i18n.h"

#define CELL_PAD_MM 2.0
#define CELL_MIN_SIZE 6.0
#define SHRINK_STEP 0.5
#define BOTTOM_MARGIN_MM 5.0

typedef enum level { LEVEL_FIXED = 0, LEVEL_OFFICE, LEVEL_NOTICE } level;

const char *notice_type_text(const char *type)
{
    if (strcmp(type, "sign") == 0)
        return "署名用電子証明書";
    if (strcmp(type, "auth") == 0)
        return "利用者証明用電子証明書";
    return "";
}

const char *notice_cause_text(const char *cause)
{
    static const char *const names[][2] = {{"birthday", "発行後5回目の誕生日"},
                                           {"card", "マイナンバーカードの有効期限"},
                                           {"auth_cert", "利用者証明用電子証明書の期限"},
                                           {"stay_period", "在留期間の満了日"},
                                           {"recorded", "記録された有効期限"},
                                           {"term", "有効期間の満了"}};
    for (size_t idx = 0; idx < sizeof(names) / sizeof(names[0]); idx++)
        if (strcmp(cause, names[idx][0]) == 0)
            return names[idx][1];
    return "";
}

const char *notice_procedure_text(const char *procedure)
{
    static const char *const names[][2] = {{"issue", "電子証明書の発行"},
                                           {"renew", "電子証明書の更新"},
                                           {"pin_reset", "暗証番号の再設定"},
                                           {"unlock", "暗証番号のロック解除"}};
    for (size_t idx = 0; procedure != NULL && idx < sizeof(names) / sizeof(names[0]); idx++)
        if (strcmp(procedure, names[idx][0]) == 0)
            return names[idx][1];
    return "";
}

/* Which layer a text belongs to: fixed, the office's (date and office fields), or the
 * notice's own. */
static level text_level(const char *text)
{
    level found = LEVEL_FIXED;
    for (const char *pos = strchr(text, '{'); pos != NULL; pos = strchr(pos + 1, '{')) {
        if (strncmp(pos, "{office_", 8) == 0 || strncmp(pos, "{date}", 6) == 0)
            found = found > LEVEL_OFFICE ? found : LEVEL_OFFICE;
        else
            return LEVEL_NOTICE;
    }
    return found;
}

static bool when_holds(template_when when, const notice_data *data)
{
    bool card = false;
    for (size_t idx = 0; idx < data->cert_count; idx++)
        card = card || strcmp(data->certs[idx].cause, "card") == 0;
    switch (when) {
    case WHEN_ALWAYS:
        return true;
    case WHEN_CARD:
        return card;
    case WHEN_NOT_CARD:
        return !card;
    case WHEN_REPRESENTATIVE:
        return data->to_representative;
    case WHEN_HOLDER:
        return !data->to_representative;
    }
    return true;
}

kg_err notice_append_name(strbuf *out, const notice_data *data)
{
    kg_err err = strbuf_append_str(out, data->family_name);
    if (err == KG_OK && data->given_name[0] != '\0')
        err = strbuf_append_str(out, "　");
    return err != KG_OK ? err : strbuf_append_str(out, data->given_name);
}

kg_err notice_append_address(strbuf *out, const notice_data *data)
{
    kg_err err = strbuf_append_str(out, data->address);
    if (err == KG_OK)
        err = strbuf_append_str(out, data->banchi);
    if (err == KG_OK && data->address2[0] != '\0')
        err = strbuf_append_str(out, "　");
    return err != KG_OK ? err : strbuf_append_str(out, data->address2);
}

static kg_err append_wareki(strbuf *out, kdate day)
{
    if (day == KDATE_NONE)
        return KG_OK;
    char text[WAREKI_BUF_SIZE];
    kg_err err = wareki_format(day, text, sizeof(text));
    return err != KG_OK ? err : strbuf_append_str(out, text);
}

/* The earliest expiry and window opening of the notice's certificates. */
static void earliest(const notice_data *data, kdate *expiry, kdate *window_open)
{
    *expiry = data->certs[0].expiry;
    *window_open = data->certs[0].window_open;
    for (size_t idx = 1; idx < data->cert_count; idx++) {
        if (data->certs[idx].expiry < *expiry)
            *expiry = data->certs[idx].expiry;
        if (data->certs[idx].window_open < *window_open)
            *window_open = data->certs[idx].window_open;
    }
}

static kg_err expand_into(const char *text, const notice_template *tmpl, const notice_data *data,
                          const notice_cert *row, strbuf *out);

/* {window}: the template's window_is_open once the renewal window (the row's, else the
 * earliest of the notice) has opened on the run date (a catch-up night), else its
 * window_opens. A notice without certificates (a form) has no window: nothing. */
static kg_err append_window(strbuf *out, const notice_template *tmpl, const notice_data *data,
                            const notice_cert *row)
{
    kdate expiry = 0, window_open = 0;
    if (row != NULL)
        window_open = row->window_open;
    else if (data->cert_count > 0)
        earliest(data, &expiry, &window_open);
    else
        return KG_OK;
    if (window_open == KDATE_NONE || tmpl->window_opens == NULL || tmpl->window_is_open == NULL)
        return KG_OK; /* template.c requires both wordings when {window} is used */
    return expand_into(window_open <= data->run_date ? tmpl->window_is_open : tmpl->window_opens,
                       tmpl, data, row, out);
}

static kg_err append_field(strbuf *out, const char *name, size_t len, const notice_template *tmpl,
                           const notice_data *data, const notice_cert *row)
{
#define IS(field) (len == sizeof(field) - 1 && memcmp(name, field, len) == 0)
    if (IS("window"))
        return append_window(out, tmpl, data, row);
    if (row != NULL && IS("type"))
        return strbuf_append_str(out, notice_type_text(row->type));
    if (row != NULL && IS("cause"))
        return strbuf_append_str(out, notice_cause_text(row->cause));
    if (row != NULL && IS("expiry"))
        return append_wareki(out, row->expiry);
    if (row != NULL && IS("window_open"))
        return append_wareki(out, row->window_open);
    if (IS("expiry") || IS("window_open")) {
        kdate expiry = 0, window_open = 0;
        if (data->cert_count == 0)
            return KG_OK;
        earliest(data, &expiry, &window_open);
        return append_wareki(out, IS("expiry") ? expiry : window_open);
    }
    if (IS("notice_no"))
        return strbuf_append_str(out, data->notice_no);
    if (IS("control_no")) {
        const char *no = data->form.control_no != NULL ? data->form.control_no : "";
        char text[20] = "";
        if (strlen(no) == 12)
            snprintf(text, sizeof(text), "%.4s-%.4s-%.4s", no, no + 4, no + 8);
        return strbuf_append_str(out, text);
    }
    if (IS("procedure"))
        return strbuf_append_str(out, notice_procedure_text(data->form.procedure));
    if (IS("proxy_name"))
        return strbuf_append_str(out, data->form.proxy_name != NULL ? data->form.proxy_name : "");
    bool form = data->form.control_no != NULL && data->form.control_no[0] != '\0';
    if (IS("received_on"))
        return form ? append_wareki(out, data->form.received_on) : KG_OK;
    if (IS("valid_until"))
        return form ? append_wareki(out, data->form.valid_until) : KG_OK;
    if (IS("date"))
        return append_wareki(out, data->run_date);
    if (IS("name"))
        return notice_append_name(out, data);
    if (IS("postal_code") || IS("office_postal_code")) {
        const char *code = IS("postal_code") ? data->postal_code : data->office.postal_code;
        char text[16] = "";
        if (strlen(code) == 7)
            snprintf(text, sizeof(text), "%.3s-%.4s", code, code + 3);
        return strbuf_append_str(out, text);
    }
    if (IS("address"))
        return notice_append_address(out, data);
    const struct {
        const char *field;
        const char *value;
    } office[] = {{"office_name", data->office.name},
                  {"office_address", data->office.address},
                  {"office_phone", data->office.phone},
                  {"office_hours", data->office.hours}};
    for (size_t idx = 0; idx < sizeof(office) / sizeof(office[0]); idx++)
        if (strlen(office[idx].field) == len && memcmp(office[idx].field, name, len) == 0)
            return strbuf_append_str(out, office[idx].value);
#undef IS
    return KG_ERR_INTERNAL; /* template.c accepts only the fields above */
}

kg_err notice_expand(const char *text, const notice_template *tmpl, const notice_data *data,
                     const notice_cert *row, strbuf *out)
{
    strbuf_reset(out);
    return expand_into(text, tmpl, data, row, out);
}

static kg_err expand_into(const char *text, const notice_template *tmpl, const notice_data *data,
                          const notice_cert *row, strbuf *out)
{
    kg_err err = KG_OK;
    const char *pos = text;
    while (err == KG_OK && *pos != '\0') {
        const char *open = strchr(pos, '{');
        const char *close = open != NULL ? strchr(open, '}') : NULL;
        if (open == NULL || close == NULL) {
            err = strbuf_append_str(out, pos);
            break;
        }
        err = strbuf_append(out, pos, (size_t)(open - pos));
        if (err == KG_OK)
            err = append_field(out, open + 1, (size_t)(close - open - 1), tmpl, data, row);
        pos = close + 1;
    }
    return err;
}

size_t notice_code_points(const char *utf8, size_t len)
{
    size_t count = 0;
    for (size_t idx = 0; idx < len; idx++)
        count += ((unsigned char)utf8[idx] & 0xC0) != 0x80;
    return count;
}

kg_err notice_draw_line(notice_painter *painter, cairo_t *cr, const char *text, size_t len,
                        double size, double x, double top, kg_errbuf *errbuf)
{
    while (len > 0 && text[len - 1] == '\n')
        len--;
    if (len == 0)
        return KG_OK;
    kg_err err = text_shape(painter->fonts, text, len, size, &painter->run);
    if (err == KG_OK && painter->run.missing > 0) {
        uint32_t code_point = 0;
        size_t offset = 0;
        text_find_missing(painter->fonts, text, len, &code_point, &offset);
        return kg_fail(errbuf, KG_ERR_LAYOUT,
                       _("U+%04X (character %zu of a text) is in none of the template's fonts: "
                         "it would print as a box"),
                       (unsigned)code_point, notice_code_points(text, offset) + 1);
    }
    if (err == KG_OK)
        err = text_draw(cr, painter->fonts, &painter->run, x, top + size * NOTICE_ASCENT);
    if (err != KG_OK)
        return kg_fail(errbuf, err, _("unable to draw a text of %zu characters"),
                       notice_code_points(text, len));
    return KG_OK;
}

/* A text element: its paragraphs broken into lines at its width, shrunk (down to
 * min_size) to fit its height when it has one. */
static kg_err draw_text(notice_painter *painter, cairo_t *cr, const template_element *element,
                        const char *text, size_t len, kg_errbuf *errbuf)
{
    const notice_template *tmpl = painter->tmpl;
    double width = notice_pt(element->width);
    double limit = element->height > 0
                       ? notice_pt(element->height)
                       : notice_pt(tmpl->page_height - BOTTOM_MARGIN_MM - element->y);
    double size = element->size;
    kg_err err = KG_OK;
    for (;;) {
        err = text_break_lines(painter->fonts, text, len, size, width, 0, &painter->lines);
        if (err != KG_OK)
            return kg_fail(errbuf, err, _("%s:%d: unable to lay out the text"), tmpl->path,
                           element->line);
        double needed = size * element->line_height * (double)(painter->lines.count - 1) + size;
        if (needed <= limit + 1e-6)
            break;
        if (size - SHRINK_STEP < element->min_size - 1e-9)
            return kg_fail(
                errbuf, KG_ERR_LAYOUT,
                _("%s:%d: the text needs %.1f mm and has %.1f mm (%s): shorten it, "
                  "move it or give it a min_size"),
                tmpl->path, element->line, needed / NOTICE_PT_PER_MM, limit / NOTICE_PT_PER_MM,
                element->height > 0 ? _("its height") : _("to the page's bottom margin"));
        size -= SHRINK_STEP;
    }
    double x = notice_pt(element->x), top = notice_pt(element->y);
    for (size_t idx = 0; err == KG_OK && idx < painter->lines.count; idx++) {
        const text_line *line = &painter->lines.lines[idx];
        double offset = element->align == ALIGN_LEFT     ? 0
                        : element->align == ALIGN_CENTER ? (width - line->width) / 2
                                                         : width - line->width;
        err = notice_draw_line(painter, cr, text + line->start, line->end - line->start, size,
                               x + offset, top + size * element->line_height * (double)idx, errbuf);
    }
    return err;
}

static void draw_rule(cairo_t *cr, double stroke, double x1, double y1, double x2, double y2)
{
    cairo_set_line_width(cr, stroke);
    cairo_move_to(cr, x1, y1);
    cairo_line_to(cr, x2, y2);
    cairo_stroke(cr);
}

/* One table row (header when row is NULL) at the given top, in points. */
static kg_err draw_table_row(notice_painter *painter, cairo_t *cr, const template_element *table,
                             const notice_data *data, const notice_cert *row, double top,
                             kg_errbuf *errbuf)
{
    double x = notice_pt(table->x), height = notice_pt(table->row_height);
    double pad = notice_pt(CELL_PAD_MM);
    kg_err err = KG_OK;
    for (size_t col = 0; err == KG_OK && col < table->column_count; col++) {
        const template_column *column = &table->columns[col];
        double width = notice_pt(column->width);
        if (row == NULL && table->gray >= 0) {
            cairo_set_source_rgb(cr, table->gray, table->gray, table->gray);
            cairo_rectangle(cr, x, top, width, height);
            cairo_fill(cr);
            cairo_set_source_rgb(cr, 0, 0, 0);
        }
        if (table->stroke > 0) {
            cairo_set_line_width(cr, table->stroke);
            cairo_rectangle(cr, x, top, width, height);
            cairo_stroke(cr);
        }
        if (row == NULL) {
            strbuf_reset(&painter->expanded);
            err = strbuf_append_str(&painter->expanded, column->header);
        } else
            err = notice_expand(column->text, painter->tmpl, data, row, &painter->expanded);
        double size = table->size;
        bool fits = true;
        /* at most 1 em a character: most cells need no shaping to know that they fit */
        if (err == KG_OK &&
            (double)notice_code_points(painter->expanded.data, painter->expanded.len) *
                    table->size >
                width - 2 * pad)
            err = text_fit_size(painter->fonts, painter->expanded.data, painter->expanded.len,
                                table->size, CELL_MIN_SIZE, width - 2 * pad, &size, &fits);
        if (err == KG_OK && !fits)
            err = kg_fail(errbuf, KG_ERR_LAYOUT, _("%s:%d: column %zu's text does not fit"),
                          painter->tmpl->path, table->line, col + 1);
        if (err == KG_OK)
            err = notice_draw_line(painter, cr, painter->expanded.data, painter->expanded.len, size,
                                   x + pad, top + (height - size) / 2, errbuf);
        x += width;
    }
    return err;
}

static kg_err draw_table_rows(notice_painter *painter, cairo_t *cr, const template_element *table,
                              const notice_data *data, kg_errbuf *errbuf)
{
    if (data->cert_count > (size_t)table->max_rows)
        return kg_fail(errbuf, KG_ERR_LAYOUT,
                       _("notice %s lists %zu certificates and the table (%s:%d) has %d rows"),
                       data->notice_no, data->cert_count, painter->tmpl->path, table->line,
                       table->max_rows);
    kg_err err = KG_OK;
    double top = notice_pt(table->y + table->row_height);
    for (size_t idx = 0; err == KG_OK && idx < data->cert_count; idx++) {
        err = draw_table_row(painter, cr, table, data, &data->certs[idx], top, errbuf);
        top += notice_pt(table->row_height);
    }
    return err;
}

/* The form's control number as Code 128 in the element's box, centred (no quiet zone is
 * drawn: the template keeps the box clear around it), one dashed stroke (bars.c, D84).
 * Nothing on a page without one. */
static kg_err draw_control_barcode(cairo_t *cr, const template_element *element,
                                   const notice_data *data, kg_errbuf *errbuf)
{
    if (data->form.control_no == NULL || data->form.control_no[0] == '\0')
        return KG_OK;
    code128_symbol symbol;
    kg_err err = code128_encode(data->form.control_no, &symbol, errbuf);
    if (err != KG_OK)
        return err;
    double width = notice_pt(element->width);
    double module = bars_unit(width / (double)symbol.width);
    bars_draw_row(cr, notice_pt(element->x) + (width - module * (double)symbol.width) / 2,
                  notice_pt(element->y), module, notice_pt(element->height), symbol.dark,
                  symbol.width);
    return KG_OK;
}

static cairo_surface_t *new_layer(const notice_template *tmpl)
{
    cairo_rectangle_t extents = {0, 0, notice_pt(tmpl->page_width), notice_pt(tmpl->page_height)};
    return cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents);
}

static kg_err finish_layer(cairo_t *cr, kg_err err, kg_errbuf *errbuf)
{
    if (err == KG_OK)
        err =
            draw_status_fail(cairo_status(cr), errbuf, N_("unable to draw the page's fixed parts"));
    cairo_destroy(cr);
    return err;
}

/* The sheet's envelope-matching QR Code at the element's place (its quiet zone is the
 * template's clear space around it): one 1-bit stencil mask (bars_draw_matrix: no font,
 * sharp at any resolution; D85). Nothing on a page that names no envelope. */
static kg_err draw_sheet_code(cairo_t *cr, const template_element *element, const notice_data *data,
                              kg_errbuf *errbuf)
{
    if (data->envelope == NULL || data->envelope[0] == '\0')
        return KG_OK;
    sheet_code code;
    kg_err err = sheet_code_encode(data->envelope, data->sheet, data->sheets, &code, errbuf);
    if (err != KG_OK)
        return err;
    bars_draw_matrix(cr, notice_pt(element->x), notice_pt(element->y), notice_pt(element->module),
                     &code.dark[0][0], SHEET_CODE_SIDE);
    return KG_OK;
}

/* Draws one element; a table's header row only (its rows are the notice's). */
static kg_err draw_element(notice_painter *painter, cairo_t *cr, const template_element *element,
                           const notice_data *data, kg_errbuf *errbuf)
{
    cairo_set_source_rgb(cr, 0, 0, 0);
    switch (element->kind) {
    case TEMPLATE_TEXT: {
        kg_err err = notice_expand(element->text, painter->tmpl, data, NULL, &painter->expanded);
        if (err != KG_OK)
            return kg_fail(errbuf, err, _("%s:%d: unable to fill the text"), painter->tmpl->path,
                           element->line);
        /* expanded is reused by the table, not by draw_text: keep it */
        return draw_text(painter, cr, element, painter->expanded.data, painter->expanded.len,
                         errbuf);
    }
    case TEMPLATE_BOX:
        if (element->gray >= 0) {
            cairo_set_source_rgb(cr, element->gray, element->gray, element->gray);
            cairo_rectangle(cr, notice_pt(element->x), notice_pt(element->y),
                            notice_pt(element->width), notice_pt(element->height));
            cairo_fill(cr);
            cairo_set_source_rgb(cr, 0, 0, 0);
        }
        if (element->stroke > 0) {
            cairo_set_line_width(cr, element->stroke);
            cairo_rectangle(cr, notice_pt(element->x), notice_pt(element->y),
                            notice_pt(element->width), notice_pt(element->height));
            cairo_stroke(cr);
        }
        return KG_OK;
    case TEMPLATE_LINE:
        if (element->stroke > 0)
            draw_rule(cr, element->stroke, notice_pt(element->x), notice_pt(element->y),
                      notice_pt(element->x2), notice_pt(element->y2));
        return KG_OK;
    case TEMPLATE_TABLE:
        return draw_table_row(painter, cr, element, data, NULL, notice_pt(element->y), errbuf);
    case TEMPLATE_BOXES:
        cairo_set_line_width(cr, element->stroke > 0 ? element->stroke : 0.5);
        for (int idx = 0; idx < element->count; idx++)
            cairo_rectangle(cr, notice_pt(element->x + idx * (element->size + element->gap)),
                            notice_pt(element->y), notice_pt(element->size),
                            notice_pt(element->size));
        cairo_stroke(cr);
        return KG_OK;
    case TEMPLATE_BARCODE:
        return draw_control_barcode(cr, element, data, errbuf);
    case TEMPLATE_SHEET_CODE:
        return draw_sheet_code(cr, element, data, errbuf);
    }
    return KG_OK;
}

static bool in_office_layer(const template_element *element)
{
    if (element->when != WHEN_ALWAYS || element->kind == TEMPLATE_BARCODE ||
        element->kind == TEMPLATE_SHEET_CODE)
        return false;
    return element->kind != TEMPLATE_TEXT || text_level(element->text) != LEVEL_NOTICE;
}

/* The layer of data's office and date: rebuilt when they differ from the last page's. */
static kg_err office_layer(notice_painter *painter, const notice_data *data, kg_errbuf *errbuf)
{
    char key[sizeof(painter->layer_key)];
    snprintf(key, sizeof(key), "%d\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s", data->run_date,
             data->office.name, data->office.postal_code, data->office.address, data->office.phone,
             data->office.hours);
    if (painter->layer != NULL && strcmp(key, painter->layer_key) == 0)
        return KG_OK;
    if (painter->layer != NULL)
        cairo_surface_destroy(painter->layer);
    painter->layer = new_layer(painter->tmpl);
    cairo_t *cr = cairo_create(painter->layer);
    kg_err err = KG_OK;
    for (size_t idx = 0; err == KG_OK && idx < painter->tmpl->element_count; idx++) {
        const template_element *element = &painter->tmpl->elements[idx];
        if (in_office_layer(element))
            err = draw_element(painter, cr, element, data, errbuf);
    }
    if (err == KG_OK)
        err = notice_draw_mark(painter, cr, errbuf);
    err = finish_layer(cr, err, errbuf);
    if (err == KG_OK)
        memcpy(painter->layer_key, key, sizeof(key));
    else
        painter->layer_key[0] = '\0';
    return err;
}

kg_err notice_paint(notice_painter *painter, cairo_t *cr, const notice_data *data,
                    kg_errbuf *errbuf)
{
    if (data->cert_count > NOTICE_MAX_CERTS)
        return kg_fail(errbuf, KG_ERR_INTERNAL, _("notice %s with %zu certificates"),
                       data->notice_no, data->cert_count);
    kg_err err = office_layer(painter, data, errbuf);
    if (err == KG_OK) {
        cairo_set_source_surface(cr, painter->layer, 0, 0);
        cairo_paint(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
    }
    for (size_t idx = 0; err == KG_OK && idx < painter->tmpl->element_count; idx++) {
        const template_element *element = &painter->tmpl->elements[idx];
        if (element->kind == TEMPLATE_TABLE)
            err = draw_table_rows(painter, cr, element, data, errbuf);
        if (in_office_layer(element) || !when_holds(element->when, data))
            continue;
        if (element->kind != TEMPLATE_TEXT || element->dynamic) {
            err = draw_element(painter, cr, element, data, errbuf);
            continue;
        }
        if (painter->fixed[idx] == NULL) { /* a conditional fixed text: drawn once */
            painter->fixed[idx] = new_layer(painter->tmpl);
            cairo_t *layer_cr = cairo_create(painter->fixed[idx]);
            err = finish_layer(layer_cr, draw_element(painter, layer_cr, element, data, errbuf),
                               errbuf);
        }
        if (err == KG_OK) {
            cairo_set_source_surface(cr, painter->fixed[idx], 0, 0);
            cairo_paint(cr);
            cairo_set_source_rgb(cr, 0, 0, 0);
        }
    }
    if (err == KG_OK && painter->tmpl->has_address)
        err = notice_draw_address(painter, cr, data, errbuf);
    if (err == KG_OK)
        err = draw_status_fail(cairo_status(cr), errbuf, N_("notice %s"), data->notice_no);
    return err;
}

notice_data notice_sample(kdate run_date, const notice_office *office, const notice_cert *certs,
                          size_t count)
{
    static const notice_office sample_office = {"架空市中央区役所 区民課", "2208501",
                                                "神奈川県架空市中央区役所前一丁目1番1号",
                                                "045-300-1111", "平日 8時45分から17時00分"};
    notice_data data = {.notice_no = "20261201-000001",
                        .run_date = run_date,
                        .family_name = "見本",
                        .given_name = "花子",
                        .postal_code = "2201013",
                        .address = "神奈川県架空市中央区本町",
                        .banchi = "3丁目30-8",
                        .address2 = "郵便ビル403号",
                        .office = office != NULL ? *office : sample_office,
                        .certs = certs,
                        .cert_count = count,
                        .form = {"0123456789AB", "renew", "見本 太郎", run_date,
                                 count > 0 ? certs[0].expiry : run_date},
                        .envelope = "20261201-000001",
                        .sheet = 1,
                        .sheets = 1};
    return data;
}

bool notice_page_printable(notice_painter *painter, const notice_data *data, char *problem,
                           size_t cap)
{
    cairo_surface_t *scratch = new_layer(painter->tmpl);
    cairo_t *cr = cairo_create(scratch);
    kg_errbuf errbuf;
    errbuf.text[0] = '\0';
    kg_err err = notice_paint(painter, cr, data, &errbuf);
    cairo_destroy(cr);
    cairo_surface_destroy(scratch);
    if (err == KG_OK)
        return true;
    /* the template's path once: a message that already starts with it (file:line) is
     * enough, since the clerk's detail is short and an installed template's path long */
    const char *path = painter->tmpl->path;
    const char *why = errbuf.text[0] != '\0' ? errbuf.text : kg_strerror(err);
    if (strncmp(why, path, strlen(path)) == 0)
        snprintf(problem, cap, _("the page cannot be printed (%s)"), why);
    else
        snprintf(problem, cap, _("%s: the page cannot be printed (%s)"), path, why);
    return false;
}

/* Draws every fixed text once on a scratch surface, so that a fixed text too long for its
 * place is a template error (file:line) before any notice is recorded. */
static kg_err check_fixed_texts(notice_painter *painter, kg_errbuf *errbuf)
{
    static const notice_cert cert = {"sign", 0, 0, "birthday"};
    notice_data data = {.notice_no = "",
                        .family_name = "",
                        .given_name = "",
                        .postal_code = "",
                        .address = "",
                        .banchi = "",
                        .address2 = "",
                        .office = {"", "", "", "", ""},
                        .certs = &cert,
                        .cert_count = 1};
    cairo_surface_t *scratch = new_layer(painter->tmpl);
    cairo_t *cr = cairo_create(scratch);
    kg_err err = KG_OK;
    for (size_t idx = 0; err == KG_OK && idx < painter->tmpl->element_count; idx++) {
        const template_element *element = &painter->tmpl->elements[idx];
        if (element->kind == TEMPLATE_TEXT && !element->dynamic)
            err = draw_element(painter, cr, element, &data, errbuf);
        else if (element->kind == TEMPLATE_TABLE)
            err = draw_element(painter, cr, element, &data, errbuf);
    }
    err = finish_layer(cr, err, errbuf);
    cairo_surface_destroy(scratch);
    if (err == KG_ERR_LAYOUT)
        err = KG_ERR_TEMPLATE; /* the message already names file:line */
    return err;
}

kg_err notice_painter_new(const notice_template *tmpl, notice_painter **out, kg_errbuf *errbuf)
{
    *out = NULL;
    kg_err err = tmpl->has_address ? notice_check_address_block(tmpl, errbuf) : KG_OK;
    if (err != KG_OK)
        return err;
    notice_painter *painter = calloc(1, sizeof(*painter));
    cairo_surface_t **fixed = calloc(tmpl->element_count + 1, sizeof(*fixed));
    if (painter == NULL || fixed == NULL) {
        free(painter);
        free(fixed);
        return kg_fail(errbuf, KG_ERR_NOMEM, _("unable to prepare the notice: out of memory"));
    }
    painter->tmpl = tmpl;
    painter->fixed = fixed;
    text_run_init(&painter->run);
    text_lines_init(&painter->lines);
    strbuf_init(&painter->expanded, NOTICE_TEXT_MAX);
    strbuf_init(&painter->joined, NOTICE_TEXT_MAX);
    err =
        text_fonts_new((const char *const *)tmpl->fonts, tmpl->font_count, &painter->fonts, errbuf);
    if (err == KG_OK)
        err = check_fixed_texts(painter, errbuf);
    if (err != KG_OK) {
        notice_painter_free(painter);
        return err;
    }
    *out = painter;
    return KG_OK;
}

void notice_painter_free(notice_painter *painter)
{
    if (painter == NULL)
        return;
    if (painter->layer != NULL)
        cairo_surface_destroy(painter->layer);
    for (size_t idx = 0; idx < painter->tmpl->element_count; idx++)
        if (painter->fixed[idx] != NULL)
            cairo_surface_destroy(painter->fixed[idx]);
    free(painter->fixed);
    text_run_free(&painter->run);
    text_lines_free(&painter->lines);
    strbuf_free(&painter->expanded);
    strbuf_free(&painter->joined);
    text_fonts_free(painter->fonts);
    free(painter);
}

text_fonts *notice_painter_fonts(notice_painter *painter)
{
    return painter->fonts;
}
