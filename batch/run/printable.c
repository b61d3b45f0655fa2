/*
 * printable.c - the run's printability checks (see printable.h).
 */
#include "printable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glyph.h"
#include "../common/i18n.h"

printable_verdict printable_addressee(const printable_pages *pages, const notice_data *data,
                                      char *problem, size_t cap)
{
    const char *const fields[GLYPH_FIELDS] = {data->family_name, data->given_name, data->address,
                                              data->banchi, data->address2};
    for (size_t idx = 0; idx < pages->count; idx++)
        if (glyph_check_fields(notice_painter_fonts(pages->painters[idx]), fields, problem, cap))
            return PRINTABLE_GLYPH;
    for (size_t idx = 0; idx < pages->count; idx++)
        if (!notice_address_fits(pages->painters[idx], data, problem, cap))
            return PRINTABLE_LAYOUT;
    return PRINTABLE_OK;
}

printable_verdict printable_text(const printable_pages *pages, const char *field, const char *text,
                                 char *problem, size_t cap)
{
    for (size_t idx = 0; idx < pages->count; idx++) {
        uint32_t code_point = 0;
        if (glyph_find_missing(notice_painter_fonts(pages->painters[idx]), text, strlen(text),
                               &code_point)) {
            snprintf(problem, cap, _("%s: U+%04X cannot be printed (%s)"), field,
                     (unsigned)code_point, glyph_reason(code_point));
            return PRINTABLE_GLYPH;
        }
    }
    return PRINTABLE_OK;
}

printable_verdict printable_page(const printable_pages *pages, const notice_data *data,
                                 char *problem, size_t cap)
{
    for (size_t idx = 0; idx < pages->count; idx++)
        if (!notice_page_printable(pages->painters[idx], data, problem, cap))
            return PRINTABLE_LAYOUT;
    return PRINTABLE_OK;
}

/* Why office's sender block cannot be printed on one of the sets, or "" into problem. */
static void check_office(const printable_pages *const *sets, size_t set_count, kdate run_date,
                         const notice_office *office, char *problem, size_t cap)
{
    static const char *const fields[] = {"name", "address", "phone", "hours"};
    const char *const values[] = {office->name, office->address, office->phone, office->hours};
    notice_cert cert = {"sign", run_date + 90, run_date, "birthday"};
    notice_data data = notice_sample(run_date, office, &cert, 1);
    char reason[192];
    problem[0] = '\0';
    for (size_t set = 0; set < set_count; set++) {
        for (size_t idx = 0; idx < sizeof(fields) / sizeof(fields[0]); idx++)
            if (printable_text(sets[set], fields[idx], values[idx], reason, sizeof(reason)) !=
                PRINTABLE_OK) {
                snprintf(problem, cap, _("the office's %s"), reason);
                return;
            }
        if (printable_page(sets[set], &data, reason, sizeof(reason)) != PRINTABLE_OK) {
            snprintf(problem, cap, _("the office's sender block: %s"), reason);
            return;
        }
    }
}

kg_err printable_offices_check(db_conn *conn, const printable_pages *const *sets, size_t set_count,
                               kdate run_date, printable_offices *out, kg_errbuf *errbuf)
{
    memset(out, 0, sizeof(*out));
    db_result *result = NULL;
    kg_err err = db_query(conn,
                          "SELECT office_code, name, coalesce(postal_code, ''), address, phone, "
                          "hours FROM kigen.offices ORDER BY office_code COLLATE \"C\"",
                          0, NULL, errbuf, &result);
    int rows = err == KG_OK ? db_result_rows(result) : 0;
    if (rows > 0) {
        out->offices = calloc((size_t)rows, sizeof(*out->offices));
        if (out->offices == NULL)
            err = kg_fail(errbuf, KG_ERR_NOMEM, _("unable to check the offices: out of memory"));
    }
    for (int row = 0; err == KG_OK && row < rows; row++) {
        printable_office *office = &out->offices[out->count++];
        snprintf(office->office_code, sizeof(office->office_code), "%s",
                 db_result_value(result, row, 0));
        notice_office block = {db_result_value(result, row, 1), db_result_value(result, row, 2),
                               db_result_value(result, row, 3), db_result_value(result, row, 4),
                               db_result_value(result, row, 5)};
        check_office(sets, set_count, run_date, &block, office->problem, sizeof(office->problem));
    }
    db_result_free(result);
    if (err != KG_OK)
        printable_offices_free(out);
    return err;
}

const char *printable_office_problem(const printable_offices *offices, const char *office_code)
{
    size_t low = 0, high = offices->count;
    while (low < high) { /* the offices are in byte order */
        size_t mid = low + (high - low) / 2;
        int order = strcmp(offices->offices[mid].office_code, office_code);
        if (order == 0)
            return offices->offices[mid].problem[0] != '\0' ? offices->offices[mid].problem : NULL;
        if (order < 0)
            low = mid + 1;
        else
            high = mid;
    }
    return NULL;
}

void printable_offices_free(printable_offices *offices)
{
    free(offices->offices);
    offices->offices = NULL;
    offices->count = 0;
}
