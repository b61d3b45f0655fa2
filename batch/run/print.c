/*
 * print.c - renders the run's print files from the ledger on worker threads (print.h).
 */
#include "print.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>

#include "../common/progress.h"
#include "../db/db.h"
#include "pdf_file.h"
#include "render/notice.h"
#include "../common/i18n.h"

#define PATH_CAP 4096
#define MAX_THREADS 64

/* One notice's row of the file query; columns in this order. Everything comes from the
 * ledger (D51, D72): the names and address as printed, the certificates' types, the
 * offices' sender blocks of the run. */
static const char file_rows_sql[] =
    "SELECT n.notice_no, n.page, coalesce(n.family_name, ''), coalesce(n.given_name, ''), "
    "coalesce(n.postal_code, ''), coalesce(n.address, ''), coalesce(n.banchi, ''), "
    "coalesce(n.address2, ''), n.to_representative::int, coalesce(o.name, ''), "
    "coalesce(o.postal_code, ''), coalesce(o.address, ''), coalesce(o.phone, ''), "
    "coalesce(o.hours, ''), (SELECT string_agg(coalesce(nc.type, '') || ',' || nc.expiry || "
    "',' || nc.window_open || ',' || nc.cause, ';' ORDER BY nc.expiry, nc.certificate_id) FROM "
    "kigen.notice_certificates nc WHERE nc.notice_no = n.notice_no), coalesce(f.control_no, ''), "
    "coalesce(f.valid_until::text, '') "
    "FROM kigen.notices n LEFT JOIN kigen.run_offices o ON o.run_id = n.run_id AND "
    "o.office_code = n.office_code LEFT JOIN kigen.forms f ON f.notice_no = n.notice_no "
    "WHERE n.run_date = $1::date AND n.file = $2 ORDER BY n.page";

/* One inquiry's row of a forms file; the columns of file_rows_sql up to 13, then the
 * request's kind, proxy and date as the ledger kept them. */
static const char form_rows_sql[] =
    "SELECT f.control_no, f.page, f.family_name, f.given_name, coalesce(f.postal_code, ''), "
    "coalesce(f.address, ''), coalesce(f.banchi, ''), coalesce(f.address2, ''), "
    "f.to_representative::int, coalesce(o.name, ''), coalesce(o.postal_code, ''), "
    "coalesce(o.address, ''), coalesce(o.phone, ''), coalesce(o.hours, ''), "
    "coalesce(f.request_kind, ''), coalesce(f.proxy_name, ''), coalesce(f.received_on::text, '') "
    "FROM kigen.forms f LEFT JOIN kigen.run_offices o ON o.run_id = f.run_id AND "
    "o.office_code = f.office_code "
    "WHERE f.run_date = $1::date AND f.file = $2 AND f.kind = 'inquiry' ORDER BY f.page";

/* What the workers share: the job, the list of files, the next one to take, the first
 * error. Everything else is a worker's own. */
typedef struct print_shared {
    const print_job *job;
    char **files;   /* file names, in order */
    bool *is_forms; /* files[i] holds inquiries (forms-*.pdf), not notices */
    size_t file_count;
    size_t next;        /* guarded by lock */
    kg_err err;         /* guarded by lock: the first failure */
    kg_errbuf errbuf;   /* guarded by lock */
    long pages;         /* guarded by lock */
    double cpu_seconds; /* guarded by lock: the workers' CPU time, added as each ends */
    size_t files_done;  /* guarded by lock */
    progress line;      /* guarded by lock: the live line on a terminal (D96) */
    pthread_mutex_t lock;
} print_shared;

typedef struct print_worker {
    print_shared *shared;
    pthread_t thread;
} print_worker;

/* "type,expiry,window,cause;..." into certs (type and cause point into text, which is
 * modified). False when malformed. */
static bool parse_certs(char *text, notice_cert *certs, size_t *count)
{
    *count = 0;
    for (char *item = text; item != NULL && *item != '\0';) {
        char *next = strchr(item, ';');
        if (next != NULL)
            *next++ = '\0';
        char *parts[4];
        parts[0] = item;
        for (int idx = 1; idx < 4; idx++) {
            char *comma = parts[idx - 1] != NULL ? strchr(parts[idx - 1], ',') : NULL;
            if (comma == NULL)
                return false;
            *comma = '\0';
            parts[idx] = comma + 1;
        }
        if (*count == NOTICE_MAX_CERTS)
            return false;
        notice_cert *cert = &certs[(*count)++];
        cert->type = parts[0];
        cert->cause = parts[3];
        if (kdate_parse(parts[1], strlen(parts[1]), &cert->expiry) != KG_OK ||
            kdate_parse(parts[2], strlen(parts[2]), &cert->window_open) != KG_OK)
            return false;
        item = next;
    }
    return *count > 0;
}

static const char *value_or_empty(const db_result *result, int row, int column)
{
    const char *value = db_result_value(result, row, column);
    return value != NULL ? value : "";
}

/* A worker's painters (NULL enclosure: notices go alone). */
typedef struct painters {
    notice_painter *notice, *enclosure, *inquiry;
} painters;

static kdate date_or_none(const char *text)
{
    kdate day = KDATE_NONE;
    if (text == NULL || kdate_parse(text, strlen(text), &day) != KG_OK)
        return KDATE_NONE;
    return day;
}

/* The addressee and office of a row: columns 2-13 of both file queries (name, postal
 * code, address parts, to_representative, the office's name, postal code, address, phone
 * and hours). The caller sets the rest. */
static notice_data addressee_of_row(const db_result *result, int row, kdate run_date)
{
    notice_data data = {.notice_no = "",
                        .run_date = run_date,
                        .family_name = value_or_empty(result, row, 2),
                        .given_name = value_or_empty(result, row, 3),
                        .postal_code = value_or_empty(result, row, 4),
                        .address = value_or_empty(result, row, 5),
                        .banchi = value_or_empty(result, row, 6),
                        .address2 = value_or_empty(result, row, 7),
                        .to_representative = strcmp(value_or_empty(result, row, 8), "1") == 0,
                        .office = {value_or_empty(result, row, 9), value_or_empty(result, row, 10),
                                   value_or_empty(result, row, 11), value_or_empty(result, row, 12),
                                   value_or_empty(result, row, 13)}};
    return data;
}

/* Draws every inquiry of result on the surface, one page each. */
static kg_err draw_inquiries(notice_painter *painter, cairo_surface_t *surface,
                             const db_result *result, kdate run_date, kg_errbuf *errbuf)
{
    cairo_t *cr = cairo_create(surface);
    kg_err err = KG_OK;
    for (int row = 0; err == KG_OK && row < db_result_rows(result); row++) {
        notice_data data = addressee_of_row(result, row, run_date);
        data.form = (notice_form){value_or_empty(result, row, 0), value_or_empty(result, row, 14),
                                  value_or_empty(result, row, 15),
                                  date_or_none(db_result_value(result, row, 16)), KDATE_NONE};
        data.envelope = data.form.control_no; /* an envelope of one sheet (inserts.csv) */
        data.sheet = data.sheets = 1;
        err = notice_paint(painter, cr, &data, errbuf);
        if (err == KG_OK)
            cairo_show_page(cr);
    }
    cairo_destroy(cr);
    return err;
}

/* Draws every notice of result on the surface, each followed by its enclosed form. */
static kg_err draw_notices(const painters *with, cairo_surface_t *surface, const db_result *result,
                           kdate run_date, const char *name, kg_errbuf *errbuf)
{
    cairo_t *cr = cairo_create(surface);
    kg_err err = KG_OK;
    for (int row = 0; err == KG_OK && row < db_result_rows(result); row++) {
        char certs_text[2048];
        snprintf(certs_text, sizeof(certs_text), "%s", value_or_empty(result, row, 14));
        notice_cert certs[NOTICE_MAX_CERTS];
        notice_data data = addressee_of_row(result, row, run_date);
        data.notice_no = value_or_empty(result, row, 0);
        data.certs = certs;
        /* the notice's envelope: the notice, then its enclosed form (inserts.csv, D85) */
        data.envelope = data.notice_no;
        data.sheet = 1;
        data.sheets = with->enclosure != NULL ? 2 : 1;
        if (!parse_certs(certs_text, certs, &data.cert_count))
            err = kg_fail(errbuf, KG_ERR_INTERNAL, _("%s: notice %s has no readable certificates"),
                          name, data.notice_no);
        if (err == KG_OK)
            err = notice_paint(with->notice, cr, &data, errbuf);
        if (err == KG_OK)
            cairo_show_page(cr);
        if (err == KG_OK && with->enclosure != NULL) {
            data.form = (notice_form){value_or_empty(result, row, 15), "renew", "", KDATE_NONE,
                                      date_or_none(db_result_value(result, row, 16))};
            if (data.form.control_no[0] == '\0')
                err = kg_fail(errbuf, KG_ERR_INTERNAL, _("%s: notice %s has no enclosed form"),
                              name, data.notice_no);
            data.sheet = 2;
            if (err == KG_OK)
                err = notice_paint(with->enclosure, cr, &data, errbuf);
            if (err == KG_OK)
                cairo_show_page(cr);
        }
    }
    cairo_destroy(cr);
    return err;
}

/* Renders one print file to its temporary name and adopts it. */
static kg_err render_file(db_conn *conn, const painters *with, const print_job *job,
                          const char *name, bool forms, long *pages, kg_errbuf *errbuf)
{
    char date[KDATE_ISO_LEN + 1];
    const char *params[] = {kdate_format(job->run_date, date), name};
    db_result *result = NULL;
    kg_err err = db_query(conn, forms ? form_rows_sql : file_rows_sql, 2, params, errbuf, &result);
    const notice_template *tmpl = forms ? job->templates->inquiry : job->templates->notice;
    pdf_file file; /* 64 KiB on the worker's stack */
    if (err == KG_OK) {
        err = pdf_file_open(&file, job->dir, name, tmpl->page_width * NOTICE_PT_PER_MM,
                            tmpl->page_height * NOTICE_PT_PER_MM, job->run_date, errbuf);
        if (err == KG_OK)
            err = forms ? draw_inquiries(with->inquiry, file.surface, result, job->run_date, errbuf)
                        : draw_notices(with, file.surface, result, job->run_date, name, errbuf);
        err = pdf_file_close(&file, err, errbuf);
    }
    if (err == KG_OK)
        *pages = db_result_rows(result) * (!forms && with->enclosure != NULL ? 2 : 1);
    db_result_free(result);
    return err;
}

static void record_failure(print_shared *shared, kg_err err, const kg_errbuf *errbuf)
{
    pthread_mutex_lock(&shared->lock);
    if (shared->err == KG_OK) {
        shared->err = err;
        shared->errbuf = *errbuf;
    }
    pthread_mutex_unlock(&shared->lock);
}

static void *worker_main(void *arg)
{
    print_worker *worker = arg;
    print_shared *shared = worker->shared;
    const print_job *job = shared->job;
    kg_errbuf errbuf;
    memset(&errbuf, 0, sizeof(errbuf));
    db_conn *conn = NULL;
    painters with = {NULL, NULL, NULL};
    const run_templates *templates = job->templates;
    kg_err err = db_connect(job->db, &errbuf, &conn);
    if (err == KG_OK)
        err = notice_painter_new(templates->notice, &with.notice, &errbuf);
    if (err == KG_OK && templates->enclosure != NULL)
        err = notice_painter_new(templates->enclosure, &with.enclosure, &errbuf);
    if (err == KG_OK)
        err = notice_painter_new(templates->inquiry, &with.inquiry, &errbuf);
    while (err == KG_OK) {
        pthread_mutex_lock(&shared->lock);
        size_t idx = shared->next++;
        bool stop = shared->err != KG_OK || idx >= shared->file_count;
        pthread_mutex_unlock(&shared->lock);
        if (stop)
            break;
        long pages = 0;
        err = render_file(conn, &with, job, shared->files[idx], shared->is_forms[idx], &pages,
                          &errbuf);
        if (err == KG_OK) {
            pthread_mutex_lock(&shared->lock);
            shared->pages += pages;
            shared->files_done++;
            progress_update(&shared->line, shared->pages, (long long)shared->files_done);
            if (job->log != NULL && job->log->level >= LOG_DETAIL)
                progress_clear(&shared->line);
            pthread_mutex_unlock(&shared->lock);
            log_line(job->log, LOG_DETAIL, _("print: %s, %ld pages"), shared->files[idx], pages);
        }
    }
    if (err != KG_OK)
        record_failure(shared, err, &errbuf);
    notice_painter_free(with.notice);
    notice_painter_free(with.enclosure);
    notice_painter_free(with.inquiry);
    db_close(conn);
    struct timespec cpu;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu) == 0) {
        pthread_mutex_lock(&shared->lock);
        shared->cpu_seconds += (double)cpu.tv_sec + (double)cpu.tv_nsec / 1e9;
        pthread_mutex_unlock(&shared->lock);
    }
    return NULL;
}

static kg_err list_files(const print_job *job, print_shared *shared, kg_errbuf *errbuf)
{
    db_conn *conn = NULL;
    db_result *result = NULL;
    char date[KDATE_ISO_LEN + 1];
    const char *params[] = {kdate_format(job->run_date, date)};
    kg_err err = db_connect(job->db, errbuf, &conn);
    if (err == KG_OK)
        err = db_query(conn,
                       "SELECT file, false FROM kigen.notices WHERE run_date = $1::date AND "
                       "file IS NOT NULL GROUP BY file UNION ALL SELECT file, true FROM "
                       "kigen.forms WHERE run_date = $1::date AND kind = 'inquiry' AND file IS "
                       "NOT NULL GROUP BY file ORDER BY 1",
                       1, params, errbuf, &result);
    int rows = err == KG_OK ? db_result_rows(result) : 0;
    if (err == KG_OK && rows > 0 &&
        ((shared->files = calloc((size_t)rows, sizeof(*shared->files))) == NULL ||
         (shared->is_forms = calloc((size_t)rows, sizeof(*shared->is_forms))) == NULL))
        err = kg_fail(errbuf, KG_ERR_NOMEM, _("unable to list the print files: out of memory"));
    for (int row = 0; err == KG_OK && row < rows; row++) {
        const char *name = db_result_value(result, row, 0);
        size_t len = strlen(name);
        if ((shared->files[row] = malloc(len + 1)) == NULL)
            err = kg_fail(errbuf, KG_ERR_NOMEM, _("unable to list the print files: out of memory"));
        else
            memcpy(shared->files[row], name, len + 1);
        if (err == KG_OK)
            shared->is_forms[row] = strcmp(db_result_value(result, row, 1), "t") == 0;
        shared->file_count += err == KG_OK;
    }
    db_result_free(result);
    db_close(conn);
    return err;
}

kg_err print_notices(const print_job *job, print_totals *totals, kg_errbuf *errbuf)
{
    memset(totals, 0, sizeof(*totals));
    print_shared shared = {.job = job};
    kg_err err = list_files(job, &shared, errbuf);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t threads = job->threads > 0 ? (size_t)job->threads : cores > 0 ? (size_t)cores : 1;
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    if (threads > shared.file_count)
        threads = shared.file_count;
    print_worker workers[MAX_THREADS];
    size_t started = 0;
    if (err == KG_OK && pthread_mutex_init(&shared.lock, NULL) != 0)
        err = kg_fail(errbuf, KG_ERR_INTERNAL, _("unable to start the print workers"));
    bool locked = err == KG_OK;
    if (err == KG_OK)
        progress_begin(&shared.line, job->log, _("print"), _("pages"),
                       (long long)shared.file_count);
    while (err == KG_OK && started < threads) {
        workers[started].shared = &shared;
        if (pthread_create(&workers[started].thread, NULL, worker_main, &workers[started]) != 0)
            err = kg_fail(errbuf, KG_ERR_INTERNAL, _("unable to start print worker %zu"), started);
        else
            started++;
    }
    if (err != KG_OK && started > 0) /* let the started ones stop at their next file */
        record_failure(&shared, err, errbuf);
    for (size_t idx = 0; idx < started; idx++)
        pthread_join(workers[idx].thread, NULL);
    progress_end(&shared.line);
    if (err == KG_OK && shared.err != KG_OK) {
        err = shared.err;
        *errbuf = shared.errbuf;
    }
    if (locked)
        pthread_mutex_destroy(&shared.lock);
    totals->files = (long)shared.file_count;
    totals->pages = shared.pages;
    totals->threads = (int)started;
    totals->cpu_seconds = shared.cpu_seconds;
    for (size_t idx = 0; idx < shared.file_count; idx++)
        free(shared.files[idx]);
    free(shared.files);
    free(shared.is_forms);
    return err;
}
