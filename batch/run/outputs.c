/*
 * outputs.c - atomic CSV and manifest files of a run (see outputs.h).
 */
#include "outputs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/crash.h"
#include "../common/sha256.h"
#include "../common/strbuf.h"

#define PATH_CAP 4096
#define MANIFEST_MAX (1024 * 1024)

typedef struct out_file {
    char final_path[PATH_CAP];
    char temp_path[PATH_CAP];
    int fd;
    long long bytes;
    long rows;
    sha256_ctx hash;
} out_file;

typedef struct file_summary {
    const char *name;
    long long bytes;
    long rows;
    char sha256[SHA256_HEX_LEN + 1];
} file_summary;

static kg_err file_open(out_file *file, const char *dir, const char *name, kg_errbuf *errbuf)
{
    snprintf(file->final_path, sizeof(file->final_path), "%s/%s", dir, name);
    snprintf(file->temp_path, sizeof(file->temp_path), "%s/.%s.tmp", dir, name);
    file->fd = open(file->temp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    file->bytes = 0;
    file->rows = 0;
    sha256_init(&file->hash);
    if (file->fd < 0)
        return kg_fail(errbuf, KG_ERR_IO_WRITE, "unable to create '%s': %s", file->temp_path,
                       strerror(errno));
    return KG_OK;
}

static kg_err file_write(out_file *file, const char *data, size_t len, kg_errbuf *errbuf)
{
    sha256_update(&file->hash, data, len);
    file->bytes += (long long)len;
    while (len > 0) {
        ssize_t written = write(file->fd, data, len);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return kg_fail(errbuf, KG_ERR_IO_WRITE, "unable to write '%s': %s", file->temp_path,
                           written < 0 ? strerror(errno) : "no space written");
        data += written;
        len -= (size_t)written;
    }
    return KG_OK;
}

/* fsync, close, rename into place. On failure the temporary file is removed. */
static kg_err file_commit(out_file *file, kg_err err, kg_errbuf *errbuf)
{
    if (err == KG_OK && fsync(file->fd) != 0)
        err = kg_fail(errbuf, KG_ERR_IO_WRITE, "unable to sync '%s': %s", file->temp_path,
                      strerror(errno));
    if (close(file->fd) != 0 && err == KG_OK)
        err = kg_fail(errbuf, KG_ERR_IO_WRITE, "unable to close '%s': %s", file->temp_path,
                      strerror(errno));
    file->fd = -1;
    if (err == KG_OK && rename(file->temp_path, file->final_path) != 0)
        err = kg_fail(errbuf, KG_ERR_IO_WRITE, "unable to rename '%s': %s", file->temp_path,
                      strerror(errno));
    if (err != KG_OK)
        unlink(file->temp_path);
    return err;
}

static kg_err sync_dir(const char *dir, kg_errbuf *errbuf)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        kg_err err = kg_fail(errbuf, KG_ERR_IO_WRITE, "unable to sync directory '%s': %s", dir,
                             strerror(errno));
        if (fd >= 0)
            close(fd);
        return err;
    }
    close(fd);
    return KG_OK;
}

static kg_err make_dir(const char *path, kg_errbuf *errbuf)
{
    char partial[PATH_CAP];
    snprintf(partial, sizeof(partial), "%s", path);
    for (char *slash = partial + 1; *slash != '\0'; slash++) {
        if (*slash != '/')
            continue;
        *slash = '\0';
        if (mkdir(partial, 0700) != 0 && errno != EEXIST)
            return kg_fail(errbuf, KG_ERR_IO_WRITE, "unable to create '%s': %s", partial,
                           strerror(errno));
        *slash = '/';
    }
    if (mkdir(partial, 0700) != 0 && errno != EEXIST)
        return kg_fail(errbuf, KG_ERR_IO_WRITE, "unable to create '%s': %s", partial,
                       strerror(errno));
    return KG_OK;
}

/* Streams `COPY (query) TO STDOUT (FORMAT csv, HEADER)` into dir/name. */
static kg_err write_csv(db_conn *conn, const char *dir, const char *name, const char *query,
                        file_summary *summary, kg_errbuf *errbuf)
{
    out_file file;
    kg_err err = file_open(&file, dir, name, errbuf);
    if (err != KG_OK)
        return err;
    char copy_sql[2048];
    snprintf(copy_sql, sizeof(copy_sql), "COPY (%s) TO STDOUT (FORMAT csv, HEADER true)", query);
    err = db_copy_out_begin(conn, copy_sql, errbuf);
    const char *row = NULL;
    size_t len = 0;
    while (err == KG_OK && (err = db_copy_out_next(conn, &row, &len, errbuf)) == KG_OK) {
        err = file_write(&file, row, len, errbuf);
        file.rows++;
    }
    if (err == KG_EOF)
        err = KG_OK;
    crash_point(name); /* the file is complete under its temporary name only */
    err = file_commit(&file, err, errbuf);
    if (err == KG_OK) {
        summary->name = name;
        summary->bytes = file.bytes;
        summary->rows = file.rows - 1; /* the header */
        sha256_final_hex(&file.hash, summary->sha256);
    }
    return err;
}

/* The certificate's type by its primary key: a night's rows are few, and a join would let
 * the planner hash the whole certificates table. */
#define CERT_TYPE_OF(alias)                                                                        \
    "(SELECT c.type FROM kigen.certificates c WHERE c.certificate_id = " alias ".certificate_id)"
static const char notices_sql[] =
    "SELECT n.notice_no, n.resident_id, nc.certificate_id, " CERT_TYPE_OF(
        "nc") ", nc.expiry, "
              "nc.window_open, nc.cause, n.file, n.page FROM kigen.notices n JOIN "
              "kigen.notice_certificates nc ON nc.notice_no = n.notice_no WHERE n.run_date = "
              "(SELECT p.run_date FROM pg_temp.out_params p) "
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
        "n.run_date = (SELECT p.run_date FROM pg_temp.out_params p) GROUP BY 1) o), '{}')",
        0, NULL, errbuf, &result);
    if (err == KG_OK) {
        const char *const pieces[] = {
            ",\n  \"excluded_per_reason\": ", db_result_value(result, 0, 0),
            ",\n  \"notices_per_office\": ", db_result_value(result, 0, 1), NULL};
        for (const char *const *piece = pieces; *piece != NULL && err == KG_OK; piece++)
            err = strbuf_append_str(json, *piece);
    }
    db_result_free(result);
    return err;
}

static kg_err write_manifest(db_conn *conn, const char *dir, kdate run_date, long run_id,
                             const file_summary *files, size_t file_count, kg_errbuf *errbuf)
{
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
    if (err == KG_OK)
        err = strbuf_append_str(&json, "\n  ]");
    if (err == KG_OK)
        err = append_counts(conn, &json, errbuf);
    if (err == KG_OK)
        err = strbuf_append_str(&json, "\n}\n");
    out_file file;
    if (err == KG_OK)
        err = file_open(&file, dir, "manifest.json", errbuf);
    if (err == KG_OK) {
        err = file_write(&file, json.data, json.len, errbuf);
        crash_point("manifest.json");
        err = file_commit(&file, err, errbuf);
    }
    strbuf_free(&json);
    return err;
}

kg_err outputs_write(db_conn *conn, const char *out_dir, kdate run_date, long run_id,
                     kg_errbuf *errbuf)
{
    char dir[PATH_CAP], date[KDATE_ISO_LEN + 1], run_text[32];
    snprintf(dir, sizeof(dir), "%s/%s", out_dir, kdate_format(run_date, date));
    snprintf(run_text, sizeof(run_text), "%ld", run_id);
    kg_err err = make_dir(dir, errbuf);
    const char *params[] = {run_text, date};
    if (err == KG_OK)
        err = db_exec(conn,
                      "CREATE TEMP TABLE IF NOT EXISTS out_params (run_id bigint, run_date "
                      "date); TRUNCATE pg_temp.out_params",
                      errbuf);
    if (err == KG_OK)
        err = db_query(conn, "INSERT INTO pg_temp.out_params VALUES ($1, $2)", 2, params, errbuf,
                       NULL);
    file_summary files[3];
    memset(files, 0, sizeof(files));
    if (err == KG_OK)
        err = write_csv(conn, dir, "notices.csv", notices_sql, &files[0], errbuf);
    if (err == KG_OK)
        err = write_csv(conn, dir, "excluded.csv", excluded_sql, &files[1], errbuf);
    if (err == KG_OK)
        err = write_csv(conn, dir, "findings.csv", findings_sql, &files[2], errbuf);
    if (err == KG_OK)
        err = write_manifest(conn, dir, run_date, run_id, files, 3, errbuf);
    if (err == KG_OK)
        err = sync_dir(dir, errbuf);
    return err;
}
