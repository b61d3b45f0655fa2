/*
 * forms_ledger.c - the night's forms into kigen.forms (see forms_ledger.h).
 */
#include "forms_ledger.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "../common/control_no.h"
#include "../common/strbuf.h"
#include "../common/i18n.h"

/* Requests received by the run date with no form in force (never had one, or a clerk
 * voided it: then the new form names the one it replaces). */
static const char pending_sql[] =
    "SELECT q.request_id, r.resident_id, coalesce(r.office_code, ''), r.family_name, "
    "r.given_name, coalesce(r.postal_code, ''), coalesce(r.address, ''), "
    "coalesce(r.banchi, ''), coalesce(r.address2, ''), r.status, coalesce(r.birth_date::text, "
    "''), (SELECT f.control_no FROM kigen.forms f WHERE f.request_id = q.request_id ORDER BY "
    "f.run_date DESC, f.control_no LIMIT 1), q.kind, q.proxy_name, q.received_on::text "
    "FROM kigen.proxy_requests q JOIN kigen.residents r "
    "ON r.resident_id = q.resident_id WHERE q.received_on <= $1::date AND NOT EXISTS (SELECT 1 "
    "FROM kigen.forms f WHERE f.request_id = q.request_id AND f.voided_on IS NULL) ORDER BY "
    "q.request_id";

/* The night's inquiries go in by one COPY (a statement per inquiry cost 0.6 ms each). */
static const char copy_inquiries_sql[] =
    "COPY kigen.forms (control_no, kind, request_id, run_id, run_date, resident_id, "
    "office_code, family_name, given_name, postal_code, address, banchi, address2, "
    "to_representative, reissue_of, problem, request_kind, proxy_name, received_on) FROM STDIN "
    "(FORMAT csv)";

/* A new control number: 55 bits from the kernel's random source (getrandom, the source
 * of /dev/urandom, as PostgreSQL's gen_random_uuid() draws them), nothing from the
 * resident, the date or a sequence (D63). Drawn here rather than by kigen.new_control_no()
 * in SQL: the same number, a twentieth of the cost (26 µs a form in PL/pgSQL). */
kg_err forms_draw_control_no(char *out, kg_errbuf *errbuf)
{
    uint64_t bits = 0;
    unsigned char *bytes = (unsigned char *)&bits;
    size_t got = 0;
    while (got < sizeof(bits)) {
        ssize_t drawn = getrandom(bytes + got, sizeof(bits) - got, 0);
        if (drawn < 0 && errno == EINTR)
            continue;
        if (drawn < 0)
            return kg_fail(errbuf, KG_ERR_INTERNAL,
                           _("unable to draw a control number from the kernel's random source: %s"),
                           strerror(errno));
        got += (size_t)drawn;
    }
    control_no_from_bits(bits, out);
    return KG_OK;
}

/* Print order within an office, as for notices (D52, D83: the resident's address number
 * key, which the run computed before the scan); files of max_pages pages. */
static const char place_inquiries_sql[] =
    "UPDATE kigen.forms f SET file = 'forms-' || coalesce(o.office_code, '_none_') || '-' || "
    "lpad(((o.seq - 1) / $2::int + 1)::text, greatest(3, length(((o.seq - 1) / $2::int + "
    "1)::text)), '0') || '.pdf', page = ((o.seq - 1) % $2::int) + 1 FROM (SELECT control_no, "
    "office_code, row_number() OVER (PARTITION BY office_code ORDER BY coalesce(postal_code, "
    "'') COLLATE \"C\", coalesce(address, '') COLLATE \"C\", coalesce((SELECT r.order_key FROM "
    "kigen.residents r WHERE r.resident_id = i.resident_id), '') COLLATE \"C\", "
    "coalesce(banchi, '') COLLATE \"C\", coalesce(address2, '') COLLATE \"C\", request_id) AS "
    "seq FROM kigen.forms i WHERE run_id = $1::bigint AND kind = 'inquiry' AND problem IS NULL) "
    "o WHERE f.control_no = o.control_no";

/* Why the inquiry for row cannot be mailed, or "" (a clerk's wording, with ids and field
 * names, never the data itself: the problem goes to forms.csv and the log). */
static void find_problem(const forms_setup *setup, const db_result *result, int row, kdate run_date,
                         bool minor, char *problem, size_t cap)
{
    problem[0] = '\0';
    if (strcmp(db_result_value(result, row, 9), "current") != 0) {
        snprintf(problem, cap, _("the holder is no longer registered (除票): no inquiry mailed"));
        return;
    }
    if (db_result_value(result, row, 5)[0] == '\0' || db_result_value(result, row, 6)[0] == '\0') {
        snprintf(problem, cap, _("no postal code or address: the inquiry cannot be mailed"));
        return;
    }
    kdate received_on = KDATE_NONE;
    const char *received = db_result_value(result, row, 14);
    kdate_parse(received, strlen(received), &received_on);
    notice_data data = {.notice_no = "",
                        .run_date = run_date,
                        .family_name = db_result_value(result, row, 3),
                        .given_name = db_result_value(result, row, 4),
                        .postal_code = db_result_value(result, row, 5),
                        .address = db_result_value(result, row, 6),
                        .banchi = db_result_value(result, row, 7),
                        .address2 = db_result_value(result, row, 8),
                        .to_representative = minor,
                        .office = {"", "", "", "", ""},
                        .form = {.control_no = "000000000000",
                                 .procedure = db_result_value(result, row, 12),
                                 .proxy_name = db_result_value(result, row, 13),
                                 .received_on = received_on}};
    const char *office_code = db_result_value(result, row, 2);
    const char *office_problem = printable_office_problem(setup->offices, office_code);
    char reason[SELECT_DETAIL_MAX - 32];
    if (printable_addressee(setup->inquiry, &data, problem, cap) != PRINTABLE_OK ||
        printable_text(setup->inquiry, "proxy_name", data.form.proxy_name, problem, cap) !=
            PRINTABLE_OK)
        return;
    if (office_problem != NULL) {
        snprintf(problem, cap, _("office %s: %s"), office_code, office_problem);
        return;
    }
    /* the whole page, with a control number of the printed width: a proxy name too long
     * for its box, say (the office block is checked above, so a blank one serves) */
    if (printable_page(setup->inquiry, &data, reason, sizeof(reason)) != PRINTABLE_OK)
        snprintf(problem, cap, _("the inquiry cannot be printed: %s"), reason);
}

static bool under_age(const char *birth, kdate run_date, const select_config *select)
{
    kdate born = KDATE_NONE;
    return birth[0] != '\0' && kdate_parse(birth, strlen(birth), &born) == KG_OK &&
           select_to_representative(born, run_date, select);
}

/* The COPY row (copy_inquiries_sql's columns) of the inquiry for pending's row. An empty
 * office code, postal code or address is NULL, as the data has them. */
static kg_err inquiry_row(const db_result *pending, int row, const char *control_no,
                          const char *run_text, const char *date, bool minor, const char *problem,
                          strbuf *out)
{
    const char *office = db_result_value(pending, row, 2),
               *postal = db_result_value(pending, row, 5),
               *address = db_result_value(pending, row, 6);
    const char *const columns[] = {control_no,
                                   "inquiry",
                                   db_result_value(pending, row, 0),
                                   run_text,
                                   date,
                                   db_result_value(pending, row, 1),
                                   office != NULL && office[0] != '\0' ? office : NULL,
                                   db_result_value(pending, row, 3),
                                   db_result_value(pending, row, 4),
                                   postal != NULL && postal[0] != '\0' ? postal : NULL,
                                   address != NULL && address[0] != '\0' ? address : NULL,
                                   db_result_value(pending, row, 7),
                                   db_result_value(pending, row, 8),
                                   minor ? "t" : "f",
                                   db_result_value(pending, row, 11),
                                   problem[0] != '\0' ? problem : NULL,
                                   db_result_value(pending, row, 12),
                                   db_result_value(pending, row, 13),
                                   db_result_value(pending, row, 14)};
    strbuf_reset(out);
    return strbuf_append_csv_row(out, columns, sizeof(columns) / sizeof(columns[0]));
}

kg_err forms_record_inquiries(db_conn *conn, long run_id, kdate run_date, const forms_setup *setup,
                              kg_errbuf *errbuf)
{
    char run_text[32], date[KDATE_ISO_LEN + 1];
    snprintf(run_text, sizeof(run_text), "%ld", run_id);
    const char *params[] = {kdate_format(run_date, date)};
    db_result *pending = NULL;
    kg_err err = db_query(conn, pending_sql, 1, params, errbuf, &pending);
    int rows = err == KG_OK ? db_result_rows(pending) : 0;
    if (rows > 0) /* most nights have no request */
        err = db_copy_begin(conn, copy_inquiries_sql, errbuf);
    strbuf line;
    strbuf_init(&line, 64 * 1024);
    bool copying = rows > 0 && err == KG_OK;
    for (int row = 0; err == KG_OK && row < rows; row++) {
        char problem[SELECT_DETAIL_MAX], control_no[CONTROL_NO_SIZE];
        err = forms_draw_control_no(control_no, errbuf);
        if (err != KG_OK)
            break;
        bool minor = under_age(db_result_value(pending, row, 10), run_date, setup->select);
        find_problem(setup, pending, row, run_date, minor, problem, sizeof(problem));
        if (inquiry_row(pending, row, control_no, run_text, date, minor, problem, &line) != KG_OK)
            err = kg_fail(errbuf, KG_ERR_NOMEM, _("unable to record the inquiry of request %s"),
                          db_result_value(pending, row, 0));
        if (err == KG_OK)
            err = db_copy_put(conn, line.data, line.len, errbuf);
    }
    strbuf_free(&line);
    if (copying) { /* ends the COPY; on an error it aborts it, keeping the first error */
        kg_err end_err = db_copy_end(conn, err == KG_OK ? errbuf : NULL);
        if (err == KG_OK)
            err = end_err;
    }
    char per_file[16];
    snprintf(per_file, sizeof(per_file), "%d", setup->max_pages > 0 ? setup->max_pages : 1);
    const char *place_params[] = {run_text, per_file};
    if (err == KG_OK && rows > 0)
        err = db_query(conn, place_inquiries_sql, 2, place_params, errbuf, NULL);
    db_result_free(pending);
    return err;
}
