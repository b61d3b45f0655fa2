/*
 * mail_list_file.c - writes registered-mail.pdf (see mail_list_file.h).
 */
#include "mail_list_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>

#include "outputs.h"
#include "render/mail_list.h"

#define PATH_CAP 4096
#define A4_WIDTH_PT (210 * 72.0 / 25.4)
#define A4_HEIGHT_PT (297 * 72.0 / 25.4)

static const char list_sql[] =
    "SELECT f.control_no, coalesce(f.office_code, '') AS office_code, coalesce(o.name, "
    "f.office_code, '') AS office_name, f.postal_code, f.address || coalesce(f.banchi, '') || "
    "CASE WHEN coalesce(f.address2, '') <> '' THEN '　' || f.address2 ELSE '' END AS address, "
    "f.family_name || CASE WHEN f.given_name <> '' THEN '　' || f.given_name ELSE '' END || "
    "' 様' AS name, f.request_id, f.file, f.page FROM kigen.forms f LEFT JOIN kigen.offices o "
    "ON o.office_code = f.office_code WHERE f.run_date = (SELECT p.run_date FROM "
    "pg_temp.out_params p) AND f.kind = 'inquiry' AND f.file IS NOT NULL ORDER BY f.file, "
    "f.page";

const char *mail_list_sql(void)
{
    return list_sql;
}

typedef struct sink {
    int fd;
    int write_errno;
} sink;

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int length)
{
    sink *out = closure;
    while (length > 0 && out->write_errno == 0) {
        ssize_t written = write(out->fd, data, length);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0) {
            out->write_errno = written < 0 ? errno : ENOSPC;
            break;
        }
        data += written;
        length -= (unsigned int)written;
    }
    return out->write_errno == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static kg_err draw_file(const char *temp, text_fonts *fonts, const mail_entry *entries,
                        size_t count, kdate run_date, kg_errbuf *errbuf)
{
    sink out = {open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), 0};
    if (out.fd < 0)
        return kg_fail(errbuf, KG_ERR_IO_WRITE, "unable to create '%s': %s", temp, strerror(errno));
    cairo_surface_t *surface =
        cairo_pdf_surface_create_for_stream(sink_write, &out, A4_WIDTH_PT, A4_HEIGHT_PT);
    char date[KDATE_ISO_LEN + 1], created[40];
    snprintf(created, sizeof(created), "%sT00:00:00+09:00", kdate_format(run_date, date));
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, created);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, MAIL_LIST_FILE);
    kg_err err = mail_list_draw(surface, fonts, entries, count, run_date, errbuf);
    cairo_surface_finish(surface);
    cairo_status_t status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (err == KG_OK && out.write_errno != 0)
        err = kg_fail(errbuf, KG_ERR_IO_WRITE, "unable to write '%s': %s", temp,
                      strerror(out.write_errno));
    else if (err == KG_OK && status != CAIRO_STATUS_SUCCESS)
        err = kg_fail(errbuf, KG_ERR_DRAW, "unable to finish '%s': %s", temp,
                      cairo_status_to_string(status));
    if (close(out.fd) != 0 && err == KG_OK)
        err = kg_fail(errbuf, KG_ERR_IO_WRITE, "unable to close '%s': %s", temp, strerror(errno));
    return err;
}

kg_err mail_list_file_write(db_conn *conn, text_fonts *fonts, const char *dir, kdate run_date,
                            kg_errbuf *errbuf)
{
    char date[KDATE_ISO_LEN + 1], temp[PATH_CAP] = "";
    const char *params[] = {kdate_format(run_date, date)};
    db_result *result = NULL;
    kg_err err = db_exec(conn,
                         "CREATE TEMP TABLE IF NOT EXISTS out_params (run_id bigint, run_date "
                         "date); TRUNCATE pg_temp.out_params",
                         errbuf);
    if (err == KG_OK)
        err = db_query(conn, "INSERT INTO pg_temp.out_params (run_date) VALUES ($1)", 1, params,
                       errbuf, NULL);
    if (err == KG_OK)
        err = db_query(conn, list_sql, 0, NULL, errbuf, &result);
    size_t count = err == KG_OK ? (size_t)db_result_rows(result) : 0;
    mail_entry *entries = count > 0 ? calloc(count, sizeof(*entries)) : NULL;
    if (count > 0 && entries == NULL)
        err = kg_fail(errbuf, KG_ERR_NOMEM, "unable to list the registered mail: out of memory");
    for (size_t row = 0; err == KG_OK && row < count; row++) {
        int idx = (int)row;
        entries[row] =
            (mail_entry){db_result_value(result, idx, 2), db_result_value(result, idx, 0),
                         db_result_value(result, idx, 3), db_result_value(result, idx, 4),
                         db_result_value(result, idx, 5)};
    }
    if (err == KG_OK)
        err = outputs_temp_path(dir, MAIL_LIST_FILE, temp, sizeof(temp), errbuf);
    if (err == KG_OK)
        err = draw_file(temp, fonts, entries, count, run_date, errbuf);
    if (err == KG_OK)
        err = outputs_adopt_file(dir, MAIL_LIST_FILE, errbuf);
    else if (temp[0] != '\0')
        unlink(temp);
    free(entries);
    db_result_free(result);
    return err;
}
