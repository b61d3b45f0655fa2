/*
 * mail_list_file.c - writes registered-mail.pdf (see mail_list_file.h).
 */
#include "mail_list_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/control_no.h"
#include "pdf_file.h"
#include "render/mail_list.h"
#include "../common/i18n.h"

#define A4_WIDTH_PT (210 * 72.0 / 25.4)
#define A4_HEIGHT_PT (297 * 72.0 / 25.4)

/* The list's rows; the control number as the column expression control. */
#define LIST_SQL(control)                                                                          \
    "SELECT " control                                                                              \
    " AS control_no, coalesce(f.office_code, '') AS office_code, coalesce(o.name, "                \
    "f.office_code, '') AS office_name, f.postal_code, f.address || coalesce(f.banchi, '') || "    \
    "CASE WHEN coalesce(f.address2, '') <> '' THEN '　' || f.address2 ELSE '' END AS address, "   \
    "f.family_name || CASE WHEN f.given_name <> '' THEN '　' || f.given_name ELSE '' END || "     \
    "CASE WHEN f.to_representative THEN 'の法定代理人　様' ELSE '　様' END AS name, "    \
    "f.request_id, "                                                                               \
    "f.file, f.page FROM kigen.forms f LEFT JOIN "                                                 \
    "kigen.run_offices o ON o.run_id = f.run_id AND o.office_code = f.office_code WHERE "          \
    "f.run_date "                                                                                  \
    "= (SELECT p.run_date FROM "                                                                   \
    "pg_temp.out_params p) AND f.kind = 'inquiry' AND f.file IS NOT NULL ORDER BY f.file, "        \
    "f.page"
static const char list_sql[] = LIST_SQL("f.control_no");
/* registered-mail.csv: the control number as printed (D118) */
static const char list_csv_sql[] = LIST_SQL(CONTROL_NO_PRINTED_SQL("f.control_no"));

const char *mail_list_sql(void)
{
    return list_sql;
}

const char *mail_list_csv_sql(void)
{
    return list_csv_sql;
}

kg_err mail_list_file_write(db_conn *conn, text_fonts *fonts, const char *dir, kdate run_date,
                            kg_errbuf *errbuf)
{
    db_result *result = NULL;
    kg_err err = db_query(conn, list_sql, 0, NULL, errbuf, &result);
    size_t count = err == KG_OK ? (size_t)db_result_rows(result) : 0;
    mail_entry *entries = count > 0 ? calloc(count, sizeof(*entries)) : NULL;
    if (count > 0 && entries == NULL)
        err = kg_fail(errbuf, KG_ERR_NOMEM, _("unable to list the registered mail: out of memory"));
    for (size_t row = 0; err == KG_OK && row < count; row++) {
        int idx = (int)row;
        entries[row] =
            (mail_entry){db_result_value(result, idx, 2), db_result_value(result, idx, 0),
                         db_result_value(result, idx, 3), db_result_value(result, idx, 4),
                         db_result_value(result, idx, 5)};
    }
    pdf_file *file = err == KG_OK ? malloc(sizeof(*file)) : NULL;
    if (err == KG_OK && file == NULL)
        err =
            kg_fail(errbuf, KG_ERR_NOMEM, _("unable to write the registered mail: out of memory"));
    if (err == KG_OK) {
        err = pdf_file_open(file, dir, MAIL_LIST_FILE, A4_WIDTH_PT, A4_HEIGHT_PT, run_date, errbuf);
        if (err == KG_OK)
            err = mail_list_draw(file->surface, fonts, entries, count, run_date, errbuf);
        err = pdf_file_close(file, err, errbuf);
    }
    free(file);
    free(entries);
    db_result_free(result);
    return err;
}
