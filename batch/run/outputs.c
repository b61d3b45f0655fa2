/*
 * outputs.c - the run's CSV and manifest files, from the ledger (see outputs.h).
 */
#include "outputs.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/control_no.h"
#include "../common/csv_out.h"
#include "../common/i18n.h"
#include "../common/out_file.h"
#include "../common/sha256.h"
#include "../common/strbuf.h"
#include "mail_list_file.h"
#include "render/mail_list.h"

#define PATH_CAP 4096
#define MANIFEST_MAX (1024 * 1024)
#define CSV_ROW_MAX (1024 * 1024)

typedef struct file_summary {
    const char *name;
    long long bytes;
    long rows;
    char sha256[SHA256_HEX_LEN + 1];
} file_summary;

/* The form of the CSV files being written, and where their warnings go. */
typedef struct outputs_csv {
    csv_format format;
    const log_sink *log;
} outputs_csv;

/* Where a file's characters without a form in its encoding are reported (D116): the
 * first OUTPUTS_REPORTED_MAX of a file each on a line (the row as a spreadsheet numbers
 * it: the header is row 1), then their count. */
#define OUTPUTS_REPORTED_MAX 20
typedef struct unencodable_report {
    const log_sink *log;
    const char *path;
    long count;
} unencodable_report;

static void report_unencodable(void *state, const csv_unencodable *where)
{
    unencodable_report *report = state;
    if (++report->count <= OUTPUTS_REPORTED_MAX)
        log_line(report->log, LOG_WARN,
                 _("'%s' row %ld, column %zu: U+%04X (%s) has no CP932 form; written as 〓 "
                   "(U+3013)"),
                 report->path, where->row, where->column, (unsigned)where->code_point, where->utf8);
}

/* Streams `COPY (query) TO STDOUT (FORMAT csv, HEADER)` into dir/name in the night's CSV
 * form (a BOM, or CP932), each row with its would-be formulas neutralized for the
 * spreadsheet that opens it. */
static kg_err write_csv(db_conn *conn, const outputs_csv *csv, const char *dir, const char *name,
                        const char *query, kg_errbuf *errbuf)
{
    csv_encoder *encoder = NULL;
    kg_err err = csv_encoder_new(&csv->format, &encoder, errbuf);
    if (err != KG_OK)
        return err;
    out_file file;
    err = out_file_begin(&file, dir, name, errbuf);
    if (err != KG_OK) {
        csv_encoder_free(encoder);
        return err;
    }
    char copy_sql[2048];
    snprintf(copy_sql, sizeof(copy_sql), "COPY (%s) TO STDOUT (FORMAT csv, HEADER true)", query);
    err = db_copy_out_begin(conn, copy_sql, errbuf);
    strbuf cells, bytes;
    strbuf_init(&cells, CSV_ROW_MAX);
    strbuf_init(&bytes, 2 * CSV_ROW_MAX);
    if (err == KG_OK && csv_encoder_start(encoder, &bytes) != KG_OK)
        err = kg_fail(errbuf, KG_ERR_NOMEM, _("unable to write '%s': out of memory"), file.path);
    if (err == KG_OK)
        err = out_file_write(&file, bytes.data, bytes.len, errbuf);
    unencodable_report report = {csv->log, file.path, 0};
    const char *row = NULL;
    size_t len = 0;
    for (long row_no = 0;
         err == KG_OK && (err = db_copy_out_next(conn, &row, &len, errbuf)) == KG_OK; row_no++) {
        strbuf_reset(&cells);
        strbuf_reset(&bytes);
        kg_err row_err = strbuf_append_csv_neutralized(&cells, row, len);
        bool converted = csv->format.encoding != CSV_UTF8; /* UTF-8 rows go as they are */
        if (row_err == KG_OK && converted)
            row_err = csv_encoder_row(encoder, cells.data, cells.len, row_no + 1, &bytes,
                                      report_unencodable, &report);
        if (row_err != KG_OK)
            err = kg_fail(errbuf, row_err == KG_ERR_NOMEM ? KG_ERR_NOMEM : KG_ERR_INTERNAL,
                          _("unable to write '%s': a row of its query is %s"), file.path,
                          row_err == KG_ERR_NOMEM          ? _("out of memory")
                          : row_err == KG_ERR_CSV_TOO_LONG ? _("too long")
                                                           : _("not CSV"));
        else if (converted)
            err = out_file_write(&file, bytes.data, bytes.len, errbuf);
        else
            err = out_file_write(&file, cells.data, cells.len, errbuf);
    }
    strbuf_free(&cells);
    strbuf_free(&bytes);
    csv_encoder_free(encoder);
    if (err == KG_EOF)
        err = KG_OK;
    if (err == KG_OK && report.count > 0)
        log_line(csv->log, LOG_WARN,
                 _("'%s': %ld character(s) have no CP932 form and are written as 〓 (U+3013)"),
                 file.path, report.count);
    if (err == KG_OK && report.count > 0)
        log_line(csv->log, LOG_WARN,
                 _("HINT: csv_encoding = utf8 writes every character; the print files and "
                   "audit.xlsx hold them all"));
    return out_file_end(&file, err, errbuf); /* KIGEN_CRASH_AT=name: just before the rename */
}

/* The night's CSV form, as its run stored it (D117): a run recorded before the keys
 * existed wrote UTF-8 without a BOM. */
static kg_err read_csv_format(db_conn *conn, long run_id, csv_format *format, kg_errbuf *errbuf)
{
    char run_text[32];
    snprintf(run_text, sizeof(run_text), "%ld", run_id);
    const char *params[] = {run_text};
    db_result *result = NULL;
    *format = (csv_format){false, CSV_UTF8};
    kg_err err = db_query(conn,
                          "SELECT coalesce(r.config->>'csv_bom', 'false'), "
                          "coalesce(r.config->>'csv_encoding', 'utf8') FROM kigen.runs r "
                          "WHERE r.run_id = $1",
                          1, params, errbuf, &result);
    if (err == KG_OK && db_result_rows(result) == 1) {
        format->bom = strcmp(db_result_value(result, 0, 0), "true") == 0;
        if (!csv_encoding_parse(db_result_value(result, 0, 1), &format->encoding))
            err = kg_fail(errbuf, KG_ERR_INTERNAL,
                          _("unable to write the files of run %ld: its csv_encoding '%s' is "
                            "unknown"),
                          run_id, db_result_value(result, 0, 1));
    }
    db_result_free(result);
    return err;
}

/* The certificate's type as the ledger kept it (D72). */
#define CERT_TYPE_OF(alias) alias ".type"
/* The notice's certificates by the notice number's index (LATERAL ... OFFSET 0 keeps the
 * planner from hashing the whole of notice_certificates, which grows with every night). */
static const char notices_sql[] =
    "SELECT n.notice_no, n.resident_id, nc.certificate_id, " CERT_TYPE_OF(
        "nc") ", nc.expiry, nc.window_open, nc.cause, n.file, n.page FROM kigen.notices n "
              "CROSS JOIN LATERAL (SELECT x.certificate_id, x.type, x.expiry, x.window_open, "
              "x.cause "
              "FROM kigen.notice_certificates x WHERE x.notice_no = n.notice_no OFFSET 0) nc "
              "WHERE n.run_date = (SELECT p.run_date FROM pg_temp.out_params p) "
              "ORDER BY n.notice_no, nc.certificate_id";
static const char excluded_sql[] = "SELECT e.resident_id, e.certificate_id, " CERT_TYPE_OF(
    "e") ", e.expiry, e.reason, "
         "e.detail FROM kigen.exclusions e WHERE e.run_id = (SELECT p.run_id FROM "
         "pg_temp.out_params p) "
         "ORDER BY e.resident_id, e.certificate_id";
static const char findings_sql[] =
    "SELECT f.resident_id, f.certificate_id, f.kind, f.detail FROM kigen.findings f "
    "WHERE f.run_id = (SELECT p.run_id FROM pg_temp.out_params p) "
    "ORDER BY f.resident_id, f.certificate_id";

/* Pieces per office and postal district (the first three digits of the postal code),
 * for the bulk-mail discount (docs/rules.md section 8), with the first file and page of each
 * district's run of notices. */
static const char districts_sql[] =
    "SELECT coalesce(n.office_code, '') AS office_code, left(n.postal_code, 3) AS district, "
    "count(*) AS pieces, min(n.file || ':' || lpad(n.page::text, 6, '0')) AS first_file_page "
    "FROM kigen.notices n WHERE n.run_date = (SELECT p.run_date FROM pg_temp.out_params p) "
    "AND n.postal_code IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2";

/* The print files of the run with their pages: notices (with their enclosed forms) and
 * inquiries. */
static const char print_files_sql[] =
    "SELECT x.file, sum(x.pages) FROM (SELECT n.file, n.pages FROM kigen.notices n WHERE "
    "n.run_date = (SELECT p.run_date FROM pg_temp.out_params p) AND n.file IS NOT NULL "
    "UNION ALL SELECT f.file, 1 FROM kigen.forms f WHERE f.run_date = (SELECT p.run_date FROM "
    "pg_temp.out_params p) AND f.kind = 'inquiry' AND f.file IS NOT NULL) x GROUP BY x.file "
    "ORDER BY x.file";

/* Every form of the run: enclosed and inquiries, those that cannot be mailed with why. */
static const char forms_sql[] = "SELECT " CONTROL_NO_PRINTED_SQL(
    "f.control_no") " AS control_no, f.kind, f.notice_no, "
                    "f.request_id, f.resident_id, f.valid_until, " CONTROL_NO_PRINTED_SQL(
                        "f.reissue_of") " AS reissue_of, f.file, f.page, f.problem FROM "
                                        "kigen.forms f WHERE f.run_date = (SELECT "
                                        "p.run_date FROM pg_temp.out_params p) ORDER BY f.kind, "
                                        "f.file, f.page, f.control_no";

/* The envelopes of each print file in print order, for the inserting machine (D85): a
 * notice's envelope holds the notice and its enclosed form (pages, from the ledger), an
 * inquiry's its one page. The sheets' codes carry the same id, number and count: the
 * envelope is the code's text, so an inquiry's control number stays unhyphenated here and
 * the file has no BOM (D118: a machine's file, matched byte for byte). */
static const char inserts_sql[] =
    "SELECT x.file, x.envelope, x.kind, x.sheets, x.first_page, x.first_page + x.sheets - 1 "
    "AS last_page FROM (SELECT n.file, n.notice_no AS envelope, 'notice' AS kind, n.pages AS "
    "sheets, n.page AS first_page FROM kigen.notices n WHERE n.run_date = (SELECT p.run_date "
    "FROM pg_temp.out_params p) AND n.file IS NOT NULL UNION ALL SELECT f.file, f.control_no, "
    "'inquiry', 1, f.page FROM kigen.forms f WHERE f.run_date = (SELECT p.run_date FROM "
    "pg_temp.out_params p) AND f.kind = 'inquiry' AND f.file IS NOT NULL) x "
    "ORDER BY x.file, x.first_page";

/* {"reason": count, ...} and {"office": notices, ...} from the ledger. */
static kg_err append_counts(db_conn *conn, strbuf *json, kg_errbuf *errbuf)
{
    db_result *result = NULL;
    kg_err err = db_query(
        conn,
        "SELECT coalesce((SELECT json_object_agg(reason, n ORDER BY reason) FROM (SELECT "
        "e.reason, count(*) AS n FROM kigen.exclusions e WHERE "
        "e.run_id = (SELECT p.run_id FROM pg_temp.out_params p) GROUP BY e.reason) r), '{}'), "
        "coalesce((SELECT "
        "json_object_agg(office, n ORDER BY office) FROM (SELECT coalesce(n.office_code, '') "
        "AS office, count(*) AS n FROM kigen.notices n WHERE "
        "n.run_date = (SELECT p.run_date FROM pg_temp.out_params p) GROUP BY 1) o), '{}'), "
        "coalesce((SELECT json_object_agg(district, n ORDER BY district) FROM (SELECT "
        "left(n.postal_code, 3) AS district, count(*) AS n FROM kigen.notices n WHERE "
        "n.run_date = (SELECT p.run_date FROM pg_temp.out_params p) AND n.postal_code IS NOT "
        "NULL GROUP BY 1) d), '{}')",
        0, NULL, errbuf, &result);
    if (err == KG_OK) {
        const char *const pieces[] = {",\n  \"excluded_per_reason\": ",
                                      db_result_value(result, 0, 0),
                                      ",\n  \"notices_per_office\": ",
                                      db_result_value(result, 0, 1),
                                      ",\n  \"pieces_per_district\": ",
                                      db_result_value(result, 0, 2),
                                      NULL};
        for (const char *const *piece = pieces; *piece != NULL && err == KG_OK; piece++)
            err = strbuf_append_str(json, *piece);
    }
    db_result_free(result);
    return err;
}

/* A CSV's records, counted block by block: line feeds outside quotes. */
typedef struct csv_records {
    bool in_quotes;
    long count;
} csv_records;

static void count_records(void *state, const char *block, size_t len)
{
    csv_records *records = state;
    for (size_t idx = 0; idx < len; idx++) {
        records->in_quotes ^= block[idx] == '"';
        records->count += block[idx] == '\n' && !records->in_quotes;
    }
}

/* Bytes and sha256 of dir/name read back from disk; *present = 0 when it does not exist. */
static kg_err summarize_file(const char *dir, const char *name, file_summary *summary, int *present,
                             kg_errbuf *errbuf)
{
    char path[PATH_CAP];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    memset(summary, 0, sizeof(*summary));
    summary->name = name;
    *present = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return KG_OK;
    if (fd < 0)
        return kg_fail(errbuf, KG_ERR_IO_READ, _("unable to open '%s': %s"), path, strerror(errno));
    csv_records records = {false, 0};
    kg_err err =
        sha256_fd(fd, path, count_records, &records, summary->sha256, &summary->bytes, errbuf);
    close(fd);
    if (err != KG_OK)
        return err;
    summary->rows = records.count > 0 ? records.count - 1 : 0; /* a CSV's, without its header */
    *present = 1;
    return KG_OK;
}

/* The manifest's files, in this order, each with the query whose rows it holds (the
 * workbook: its Notices sheet). Files not (yet) on disk are left out. */
typedef struct manifest_entry {
    const char *name;
    const char *rows_sql;
} manifest_entry;
static const manifest_entry manifest_entries[] = {
    {"notices.csv", notices_sql},   {"districts.csv", districts_sql},
    {"excluded.csv", excluded_sql}, {"findings.csv", findings_sql},
    {"forms.csv", forms_sql},       {"registered-mail.csv", NULL},
    {"inserts.csv", inserts_sql},   {"audit.xlsx", notices_sql},
};
#define MANIFEST_ENTRY_COUNT (sizeof(manifest_entries) / sizeof(manifest_entries[0]))

static kg_err count_rows(db_conn *conn, const char *query, long *rows, kg_errbuf *errbuf)
{
    char count_sql[2048];
    snprintf(count_sql, sizeof(count_sql), "SELECT count(*) FROM (%s) q", query);
    db_result *result = NULL;
    kg_err err = db_query(conn, count_sql, 0, NULL, errbuf, &result);
    if (err == KG_OK)
        *rows = strtol(db_result_value(result, 0, 0), NULL, 10);
    db_result_free(result);
    return err;
}

/* The print files as manifest entries: pages (from the ledger), bytes and sha256 (from
 * the disk). A print file that the ledger names and the disk lacks is an error: the
 * manifest never describes a run whose files are not all there. */
static kg_err append_print_files(db_conn *conn, const char *dir, strbuf *json, bool after_other,
                                 kg_errbuf *errbuf)
{
    db_result *result = NULL;
    kg_err err = db_query(conn, print_files_sql, 0, NULL, errbuf, &result);
    for (int row = 0; err == KG_OK && row < db_result_rows(result); row++) {
        const char *name = db_result_value(result, row, 0);
        file_summary summary;
        int present = 0;
        err = summarize_file(dir, name, &summary, &present, errbuf);
        if (err == KG_OK && !present)
            err = kg_fail(errbuf, KG_ERR_IO_READ, _("unable to describe '%s/%s': it is missing"),
                          dir, name);
        char line[512];
        snprintf(line, sizeof(line),
                 "%s\n    {\"name\": \"%s\", \"pages\": %s, \"bytes\": %lld, \"sha256\": \"%s\"}",
                 after_other || row > 0 ? "," : "", name, db_result_value(result, row, 1),
                 summary.bytes, summary.sha256);
        if (err == KG_OK)
            err = strbuf_append_str(json, line);
    }
    db_result_free(result);
    return err;
}

/* The pages of registered-mail.pdf as mail_list_draw lays them out: each office's run of
 * rows (by the office's name, in the list's order) on pages of MAIL_LIST_ROWS_PER_PAGE,
 * one page when the night has none. */
static kg_err mail_list_pages(db_conn *conn, long *pages, kg_errbuf *errbuf)
{
    db_result *result = NULL;
    kg_err err = db_query(conn, mail_list_sql(), 0, NULL, errbuf, &result);
    *pages = 0;
    int count = err == KG_OK ? db_result_rows(result) : 0;
    for (int first = 0, end = 0; first < count; first = end) {
        const char *office = db_result_value(result, first, 2);
        for (end = first; end < count && strcmp(db_result_value(result, end, 2), office) == 0;)
            end++;
        *pages += (end - first + MAIL_LIST_ROWS_PER_PAGE - 1) / MAIL_LIST_ROWS_PER_PAGE;
    }
    if (err == KG_OK && count == 0)
        *pages = 1;
    db_result_free(result);
    return err;
}

/* registered-mail.pdf, after the other print files: its pages, bytes and sha256. */
static kg_err append_mail_list(db_conn *conn, const char *dir, strbuf *json, kg_errbuf *errbuf)
{
    file_summary summary;
    int present = 0;
    long pages = 0;
    kg_err err = summarize_file(dir, MAIL_LIST_FILE, &summary, &present, errbuf);
    if (err == KG_OK && !present)
        err = kg_fail(errbuf, KG_ERR_IO_READ, _("unable to describe '%s/%s': it is missing"), dir,
                      MAIL_LIST_FILE);
    if (err == KG_OK)
        err = mail_list_pages(conn, &pages, errbuf);
    char line[512];
    snprintf(line, sizeof(line),
             ",\n    {\"name\": \"%s\", \"pages\": %ld, \"bytes\": %lld, \"sha256\": \"%s\"}",
             MAIL_LIST_FILE, pages, summary.bytes, summary.sha256);
    return err == KG_OK ? strbuf_append_str(json, line) : err;
}

static kg_err write_manifest(db_conn *conn, const char *dir, kdate run_date, long run_id,
                             bool with_print_files, kg_errbuf *errbuf)
{
    file_summary files[MANIFEST_ENTRY_COUNT];
    size_t file_count = 0;
    for (size_t idx = 0; idx < MANIFEST_ENTRY_COUNT; idx++) {
        int present = 0;
        kg_err err =
            summarize_file(dir, manifest_entries[idx].name, &files[file_count], &present, errbuf);
        const char *rows_sql = manifest_entries[idx].rows_sql != NULL
                                   ? manifest_entries[idx].rows_sql
                                   : mail_list_sql();
        size_t name_len = strlen(manifest_entries[idx].name);
        bool csv = name_len > 4 && strcmp(manifest_entries[idx].name + name_len - 4, ".csv") == 0;
        if (err == KG_OK && present && !csv) /* a CSV's rows were counted on the disk */
            err = count_rows(conn, rows_sql, &files[file_count].rows, errbuf);
        if (err != KG_OK)
            return err;
        file_count += (size_t)present;
    }
    strbuf json;
    strbuf_init(&json, MANIFEST_MAX);
    char line[512], date[KDATE_ISO_LEN + 1];
    snprintf(line, sizeof(line), "{\n  \"run_date\": \"%s\",\n  \"run_id\": %ld,\n  \"files\": [",
             kdate_format(run_date, date), run_id);
    kg_err err = strbuf_append_str(&json, line);
    for (size_t idx = 0; idx < file_count && err == KG_OK; idx++) {
        snprintf(line, sizeof(line),
                 "%s\n    {\"name\": \"%s\", \"rows\": %ld, \"bytes\": %lld, \"sha256\": \"%s\"}",
                 idx > 0 ? "," : "", files[idx].name, files[idx].rows, files[idx].bytes,
                 files[idx].sha256);
        err = strbuf_append_str(&json, line);
    }
    if (err == KG_OK && with_print_files)
        err = append_print_files(conn, dir, &json, file_count > 0, errbuf);
    if (err == KG_OK && with_print_files) /* the CSV files are always there before it */
        err = append_mail_list(conn, dir, &json, errbuf);
    if (err == KG_OK)
        err = strbuf_append_str(&json, "\n  ]");
    if (err == KG_OK)
        err = append_counts(conn, &json, errbuf);
    if (err == KG_OK)
        err = strbuf_append_str(&json, "\n}\n");
    out_file file;
    if (err == KG_OK)
        err = out_file_begin(&file, dir, "manifest.json", errbuf);
    if (err == KG_OK) {
        err = out_file_write(&file, json.data, json.len, errbuf);
        err = out_file_end(&file, err, errbuf);
    }
    strbuf_free(&json);
    return err;
}

kg_err outputs_write(db_conn *conn, const outputs_request *request, kg_errbuf *errbuf)
{
    char dir[PATH_CAP];
    outputs_csv csv = {{false, CSV_UTF8}, request->log};
    kg_err err = outputs_run_dir(request->out_dir, request->run_date, dir, sizeof(dir), errbuf);
    if (err == KG_OK)
        err = outputs_set_params(conn, request->run_id, request->run_date, errbuf);
    if (err == KG_OK)
        err = read_csv_format(conn, request->run_id, &csv.format, errbuf);
    /* for people: the night's CSV form (D115); inserts.csv is the inserting machine's */
    static const struct {
        const char *name;
        bool for_people;
    } files[] = {{"notices.csv", true},   {"excluded.csv", true}, {"findings.csv", true},
                 {"districts.csv", true}, {"forms.csv", true},    {"registered-mail.csv", true},
                 {"inserts.csv", false}};
    const char *queries[] = {notices_sql, excluded_sql,        findings_sql, districts_sql,
                             forms_sql,   mail_list_csv_sql(), inserts_sql};
    outputs_csv machine = {{false, CSV_UTF8}, request->log};
    for (size_t idx = 0; err == KG_OK && idx < sizeof(files) / sizeof(files[0]); idx++)
        err = write_csv(conn, files[idx].for_people ? &csv : &machine, dir, files[idx].name,
                        queries[idx], errbuf);
    if (err == KG_OK)
        err = write_manifest(conn, dir, request->run_date, request->run_id,
                             request->with_print_files, errbuf);
    return err;
}

kg_err outputs_set_params(db_conn *conn, long run_id, kdate run_date, kg_errbuf *errbuf)
{
    char run_text[32], date[KDATE_ISO_LEN + 1];
    snprintf(run_text, sizeof(run_text), "%ld", run_id);
    const char *params[] = {run_id > 0 ? run_text : NULL, kdate_format(run_date, date)};
    kg_err err = db_exec(conn,
                         "CREATE TEMP TABLE IF NOT EXISTS out_params (run_id bigint, run_date "
                         "date); TRUNCATE pg_temp.out_params",
                         errbuf);
    if (err == KG_OK)
        err = db_query(conn, "INSERT INTO pg_temp.out_params VALUES ($1, $2)", 2, params, errbuf,
                       NULL);
    return err;
}

kg_err outputs_run_dir(const char *out_dir, kdate run_date, char *dir, size_t cap,
                       kg_errbuf *errbuf)
{
    char date[KDATE_ISO_LEN + 1];
    int len = snprintf(dir, cap, "%s/%s", out_dir, kdate_format(run_date, date));
    if (len < 0 || (size_t)len >= cap)
        return kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to use '%s': path too long"), out_dir);
    kg_err err = out_file_make_dir(dir, errbuf);
    return err == KG_OK ? out_file_sweep(dir, errbuf) : err;
}

kg_err outputs_check_run_dir(const char *out_dir, kdate run_date, kg_errbuf *errbuf)
{
    char dir[PATH_CAP], probe[PATH_CAP];
    kg_err err = outputs_run_dir(out_dir, run_date, dir, sizeof(dir), errbuf);
    if (err != KG_OK)
        return err;
    int len = snprintf(probe, sizeof(probe), "%s/.probe-%ld.tmp", dir, (long)getpid());
    if (len < 0 || (size_t)len >= sizeof(probe))
        return kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to use '%s': path too long"), dir);
    int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to write in '%s': %s"), dir,
                       strerror(errno));
    ssize_t written = write(fd, "k", 1);
    int write_errno = errno;
    close(fd);
    unlink(probe);
    if (written != 1)
        return kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to write in '%s': %s"), dir,
                       written < 0 ? strerror(write_errno) : _("nothing was written"));
    return KG_OK;
}

kg_err outputs_write_manifest(db_conn *conn, const char *out_dir, kdate run_date, long run_id,
                              kg_errbuf *errbuf)
{
    char dir[PATH_CAP], date[KDATE_ISO_LEN + 1];
    snprintf(dir, sizeof(dir), "%s/%s", out_dir, kdate_format(run_date, date));
    kg_err err = outputs_set_params(conn, run_id, run_date, errbuf);
    if (err == KG_OK)
        err = write_manifest(conn, dir, run_date, run_id, true, errbuf);
    return err;
}
