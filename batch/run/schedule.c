/*
 * schedule.c - the schedule refresh (see schedule.h).
 *
 * The stale list is moved into the scan's set first, then the scan reads those residents
 * (its snapshot is taken after the move, so a change committed meanwhile is either seen or
 * marked stale again), their rows go to a temporary file, and COPY replaces them.
 */
#include "schedule.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/db_indexes.h"
#include "../db/db_tenancy.h"
#include "scan.h"
#include "schedule_city.h"
#include "select.h"
#include "../common/i18n.h"

static kg_err write_rows(FILE *rows, const scan_resident *scanned, const select_schedule *schedules,
                         kg_errbuf *errbuf)
{
    for (size_t idx = 0; idx < scanned->res.cert_count; idx++) {
        const select_schedule *schedule = &schedules[idx];
        char row[SCHEDULE_ROW_MAX];
        size_t len = schedule_row_format(row, scanned->certs[idx].certificate_id,
                                         scanned->res.resident_id, scanned->certs[idx].issued_on,
                                         schedule->always, schedule->due_from, schedule->due_until);
        if (fwrite(row, 1, len, rows) != len)
            return kg_fail(errbuf, KG_ERR_IO_WRITE,
                           _("unable to write the schedule's temporary file: %s"), strerror(errno));
    }
    return KG_OK;
}

/* Scans the set into rows; *scanned_count residents. */
static kg_err compute(db_conn *conn, FILE *rows, long *scanned_count, kg_errbuf *errbuf)
{
    scan_resident *scanned = malloc(sizeof(*scanned));
    select_schedule *schedules = malloc(sizeof(*schedules) * SELECT_MAX_CERTS);
    kg_err err = KG_OK;
    if (scanned == NULL || schedules == NULL)
        err = kg_fail(errbuf, KG_ERR_NOMEM, _("unable to refresh the schedule: out of memory"));
    if (err == KG_OK)
        err = scan_begin(conn, false, errbuf);
    while (err == KG_OK && (err = scan_next(conn, NULL, scanned, errbuf)) == KG_OK) {
        err = select_resident_schedule(&scanned->res, schedules);
        if (err != KG_OK) {
            kg_fail(errbuf, err, _("unable to schedule resident %lld"), scanned->res.resident_id);
            break;
        }
        err = write_rows(rows, scanned, schedules, errbuf);
        (*scanned_count)++;
    }
    if (err == KG_EOF)
        err = KG_OK;
    free(scanned);
    free(schedules);
    return err;
}

static kg_err copy_rows(db_conn *conn, FILE *rows, kg_errbuf *errbuf)
{
    if (fflush(rows) != 0 || fseek(rows, 0, SEEK_SET) != 0)
        return kg_fail(errbuf, KG_ERR_IO_WRITE,
                       _("unable to write the schedule's temporary file: %s"), strerror(errno));
    kg_err err = db_copy_begin(conn,
                               "COPY kigen.cert_schedule (certificate_id, resident_id, issued_on, "
                               "due_from, due_until, always) FROM STDIN",
                               errbuf);
    char chunk[1 << 16];
    size_t got;
    while (err == KG_OK && (got = fread(chunk, 1, sizeof(chunk), rows)) > 0)
        err = db_copy_put(conn, chunk, got, errbuf);
    if (err == KG_OK && ferror(rows))
        err = kg_fail(errbuf, KG_ERR_IO_READ, _("unable to read the schedule's temporary file"));
    kg_err end_err = db_copy_end(conn, err == KG_OK ? errbuf : NULL);
    return err != KG_OK ? err : end_err;
}

kg_err schedule_refresh(db_conn *conn, const log_sink *log, long *residents, kg_errbuf *errbuf)
{
    *residents = 0;
    long listed = 0;
    bool whole_city = false;
    FILE *rows = NULL;
    kg_err err = db_exec(conn, "BEGIN; " SCHEDULE_LOCK_SQL, errbuf);
    if (err == KG_OK)
        err = scan_prepare_stale(conn, &listed, &whole_city, errbuf);
    if (err == KG_OK && listed == 0)
        return db_exec(conn, "COMMIT", errbuf);
    if (err == KG_OK) {
        log_line(log, LOG_DETAIL, _("schedule: refreshing %s%ld residents"),
                 whole_city ? _("the whole city, ") : "", listed);
        rows = tmpfile();
        if (rows == NULL)
            err = kg_fail(errbuf, KG_ERR_IO_WRITE,
                          _("unable to create the schedule's temporary file: %s"), strerror(errno));
    }
    if (err == KG_OK)
        err = compute(conn, rows, residents, errbuf);
    if (err == KG_OK)
        err =
            db_exec(conn,
                    whole_city ? "SELECT kigen.truncate_own('cert_schedule')"
                               : "DELETE FROM kigen.cert_schedule c USING pg_temp.scan_residents s "
                                 "WHERE c.resident_id = s.resident_id",
                    errbuf);
    /* the whole city: its secondary indexes built once after the COPY (D94) */
    db_result *indexes = NULL;
    int sole = 0;
    if (err == KG_OK && whole_city)
        err = db_sole_municipality(conn, &sole, errbuf);
    if (err == KG_OK && whole_city && sole) /* the indexes of every municipality (D126) */
        err = db_indexes_drop(conn, "{cert_schedule}", &indexes, errbuf);
    if (err == KG_OK)
        err = copy_rows(conn, rows, errbuf);
    if (err == KG_OK)
        err = db_indexes_build(conn, indexes, errbuf);
    db_result_free(indexes);
    if (err == KG_OK)
        err = db_exec(conn, "COMMIT", errbuf);
    if (err != KG_OK)
        db_exec(conn, "ROLLBACK", NULL);
    if (rows != NULL)
        fclose(rows);
    if (err == KG_OK)
        log_line(log, LOG_DETAIL, _("schedule: %ld residents refreshed"), *residents);
    return err;
}

kg_err schedule_unsettle_if_changed(db_conn *conn, const char *version, const char *config_json,
                                    const log_sink *log, kg_errbuf *errbuf)
{
    const char *params[] = {config_json, version};
    db_result *result = NULL;
    kg_err err = db_query(conn,
                          /* the CSV form and the language decide nothing (D117, D110) */
                          "SELECT coalesce((SELECT config - 'csv_bom' - 'csv_encoding' - "
                          "'language' = $1::jsonb - 'csv_bom' - 'csv_encoding' - 'language' "
                          "AND software_version = $2 "
                          "FROM kigen.runs WHERE status IN ('recorded', 'done') "
                          "ORDER BY run_id DESC LIMIT 1), true)",
                          2, params, errbuf, &result);
    bool same = err == KG_OK && db_result_value(result, 0, 0)[0] == 't';
    db_result_free(result);
    if (err != KG_OK || same)
        return err;
    log_line(log, LOG_INFO,
             _("configuration or version differs from the last run: every certificate is "
               "decided afresh"));
    return db_exec(conn, "UPDATE kigen.cert_schedule SET settled = false WHERE settled", errbuf);
}
