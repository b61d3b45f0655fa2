/*
 * xlsx_audit.c - the auditor workbook with libxlsxwriter (see xlsx_audit.h).
 *
 * Each data sheet is one COPY query streamed row by row into a constant-memory
 * worksheet, its columns typed by a small table (text, number, date, postal code).
 * lxw_error is translated in exactly one place, xlsx_fail. Not a general spreadsheet
 * layer: the sheets and their queries are the audit's.
 */
#include "xlsx_audit.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "common/control_no.h"
#include "common/out_file.h"
#include "common/strbuf.h"
#include "run/outputs.h"
#include "run/run_config.h"
#include "run/select.h"

#define TITLE_ROW 0
#define NOTE_ROW 1
#define HEADER_ROW 3
#define FIRST_DATA_ROW 4
#define MAX_COLUMNS 16
#define ROW_BUF_MAX (1024 * 1024)
#define EXCEL_DAY_OFFSET 25569 /* 1970-01-01 as an Excel serial day */
#define CHART_MAX_SERIES 32

typedef enum column_kind {
    COL_TEXT = 0,      /* a string (Japanese intact) */
    COL_NUMBER = 1,    /* an id, count or page: a number cell */
    COL_DATE = 2,      /* YYYY-MM-DD: an Excel date with the date format */
    COL_CODE = 3,      /* digits that are a code (postal code): text, leading zeros kept */
    COL_CONTROL_NO = 4 /* a form's control number: text as printed, XXXX-XXXX-XXXX */
} column_kind;

typedef struct column_spec {
    const char *header;
    column_kind kind;
    double width;
} column_spec;

typedef enum tally_kind { TALLY_NONE = 0, TALLY_NOTICES = 1, TALLY_EXCLUDED = 2 } tally_kind;

typedef struct sheet_spec {
    const char *name;
    tally_kind tally;        /* what its rows add to the Summary */
    const char *note;        /* second row: what the sheet holds */
    const char *empty;       /* the row written when the period has none */
    const char *query;       /* COPY text rows, columns as below (a period of days) */
    const char *night_query; /* the same for a period of one run date; NULL: query */
    const column_spec *columns;
    int column_count;
} sheet_spec;

typedef struct audit_formats {
    lxw_format *title, *header, *date, *decimal;
} audit_formats;

/* The one translation of lxw_error into kigen's errors. A failed file operation names
 * the OS error first: libxlsxwriter leaves it in errno (its caller clears errno before
 * the call). */
static kg_err xlsx_fail(lxw_error lxw_err, const char *what, const char *path, kg_errbuf *errbuf)
{
    int os_errno = errno;
    bool file_operation =
        lxw_err == LXW_ERROR_CREATING_XLSX_FILE || lxw_err == LXW_ERROR_CREATING_TMPFILE ||
        lxw_err == LXW_ERROR_READING_TMPFILE || lxw_err == LXW_ERROR_ZIP_FILE_OPERATION ||
        lxw_err == LXW_ERROR_ZIP_FILE_ADD || lxw_err == LXW_ERROR_ZIP_CLOSE;
    if (file_operation && os_errno != 0)
        return kg_fail(errbuf, KG_ERR_IO_WRITE, "unable to %s '%s': %s (libxlsxwriter: %s)", what,
                       path, strerror(os_errno), lxw_strerror(lxw_err));
    return kg_fail(errbuf, KG_ERR_IO_WRITE, "unable to %s '%s': %s", what, path,
                   lxw_strerror(lxw_err));
}

/* ---- the queries: every one reads the period from pg_temp.export_params ----------- */

/* Two forms of each query. A period of one run date (a run's workbook, a one-day export)
 * reads the period as two one-row subqueries (init plans): the planner then takes the run
 * date index and index lookups (30 ms instead of 1.4 s for a night on a city of
 * 1,000,000). A longer period joins the period's row: hash joins, 20% faster than the
 * lookups for a year of 1,000,000 rows. */
#define IN_PERIOD(column)                                                                          \
    column " BETWEEN (SELECT p.from_date FROM pg_temp.export_params p) AND (SELECT p.to_date "     \
           "FROM pg_temp.export_params p) "
#define JOIN_PERIOD(column)                                                                        \
    "JOIN pg_temp.export_params p ON " column " BETWEEN p.from_date AND p.to_date "

#define NOTICES_FROM                                                                               \
    "SELECT n.notice_no, n.run_date, n.resident_id, coalesce(n.family_name, r.family_name) || "    \
    "'　' || coalesce(n.given_name, r.given_name), coalesce(n.postal_code, r.postal_code), "      \
    "n.office_code, nc.certificate_id, c.type, nc.expiry, nc.window_open, "                        \
    "nc.cause, n.file, n.page FROM kigen.notices n "                                               \
    "JOIN kigen.notice_certificates nc ON nc.notice_no = n.notice_no "                             \
    "JOIN kigen.certificates c ON c.certificate_id = nc.certificate_id "                           \
    "JOIN kigen.residents r ON r.resident_id = n.resident_id "
#define NOTICES_ORDER "ORDER BY n.notice_no, nc.certificate_id"
static const char notices_sql[] = NOTICES_FROM JOIN_PERIOD("n.run_date") NOTICES_ORDER;
static const char notices_night_sql[] = NOTICES_FROM "WHERE " IN_PERIOD("n.run_date") NOTICES_ORDER;

#define RUNS_OF(period)                                                                            \
    "JOIN kigen.runs ru ON ru.run_id = e.run_id AND ru.status IN ('recorded', 'done') " period

#define EXCLUDED_SQL(runs)                                                                         \
    "SELECT ru.run_date, e.resident_id, r.family_name || '　' || r.given_name, r.office_code, "   \
    "r.postal_code, e.certificate_id, c.type, e.expiry, e.reason, e.detail "                       \
    "FROM kigen.exclusions e " runs                                                                \
    "JOIN kigen.certificates c ON c.certificate_id = e.certificate_id "                            \
    "JOIN kigen.residents r ON r.resident_id = e.resident_id "                                     \
    "ORDER BY ru.run_date, e.resident_id, e.certificate_id"
static const char excluded_sql[] = EXCLUDED_SQL(RUNS_OF(JOIN_PERIOD("ru.run_date")));
static const char excluded_night_sql[] = EXCLUDED_SQL(RUNS_OF("AND " IN_PERIOD("ru.run_date")));

#define MOVERS_SQL(runs)                                                                           \
    "SELECT ru.run_date, e.resident_id, r.family_name || '　' || r.given_name, r.office_code, "   \
    "r.postal_code, e.certificate_id, c.type, e.expiry, m.moved_on, "                              \
    "CASE m.kind WHEN 'in' THEN 'in (転入)' WHEN 'within' THEN 'within (転居)' END, e.detail " \
    "FROM kigen.exclusions e " runs                                                                \
    "JOIN kigen.certificates c ON c.certificate_id = e.certificate_id "                            \
    "JOIN kigen.residents r ON r.resident_id = e.resident_id "                                     \
    "LEFT JOIN LATERAL (SELECT mv.moved_on, mv.kind FROM kigen.moves mv WHERE mv.resident_id "     \
    "= e.resident_id AND mv.kind <> 'out' AND mv.moved_on <= ru.run_date ORDER BY mv.moved_on "    \
    "DESC, mv.kind LIMIT 1) m ON true WHERE e.reason = 'recent_mover' "                            \
    "ORDER BY ru.run_date, e.resident_id, e.certificate_id"
static const char movers_sql[] = MOVERS_SQL(RUNS_OF(JOIN_PERIOD("ru.run_date")));
static const char movers_night_sql[] = MOVERS_SQL(RUNS_OF("AND " IN_PERIOD("ru.run_date")));

/* The forms of the period's run dates (D44): their state now, and a status as of the
 * period's end (first that applies; overdue after export_params.overdue_days, D58). */
#define PERIOD_END "(SELECT p.to_date FROM pg_temp.export_params p)"
static const char forms_sql[] =
    "SELECT f.control_no, f.kind, f.run_date, f.resident_id, concat_ws('　', f.family_name, "
    "nullif(f.given_name, '')), f.office_code, f.notice_no, f.request_id, f.valid_until, "
    "f.returned_on, f.return_scans, f.undeliverable_on, f.voided_on, f.reissue_of, "
    "CASE WHEN f.voided_on IS NOT NULL THEN 'void (reissued)' "
    "WHEN f.returned_on IS NOT NULL THEN 'returned' "
    "WHEN f.undeliverable_on IS NOT NULL THEN 'undeliverable' "
    "WHEN f.kind = 'enclosed' AND f.valid_until < " PERIOD_END " THEN 'expired' "
    "WHEN f.kind = 'inquiry' AND " PERIOD_END " - f.run_date > (SELECT p.overdue_days FROM "
    "pg_temp.export_params p) THEN 'overdue' ELSE 'outstanding' END "
    "FROM kigen.forms f WHERE " IN_PERIOD("f.run_date") "ORDER BY f.run_date, f.file, f.page, "
                                                        "f.control_no";

const char *xlsx_audit_notices_sql(void)
{
    return notices_sql;
}

static const column_spec notice_columns[] = {
    {"notice_no", COL_TEXT, 17},
    {"run_date", COL_DATE, 11},
    {"resident_id", COL_NUMBER, 12},
    {"name", COL_TEXT, 16},
    {"postal_code", COL_CODE, 10},
    {"office", COL_TEXT, 8},
    {"certificate_id", COL_NUMBER, 14},
    {"type", COL_TEXT, 6},
    {"expiry", COL_DATE, 11},
    {"window_open", COL_DATE, 12},
    {"cause", COL_TEXT, 11},
    {"file", COL_TEXT, 24},
    {"page", COL_NUMBER, 6},
};
static const column_spec excluded_columns[] = {
    {"run_date", COL_DATE, 11}, {"resident_id", COL_NUMBER, 12}, {"name", COL_TEXT, 16},
    {"office", COL_TEXT, 8},    {"postal_code", COL_CODE, 10},   {"certificate_id", COL_NUMBER, 14},
    {"type", COL_TEXT, 6},      {"expiry", COL_DATE, 11},        {"reason", COL_TEXT, 17},
    {"detail", COL_TEXT, 60},
};
static const column_spec mover_columns[] = {
    {"run_date", COL_DATE, 11},    {"resident_id", COL_NUMBER, 12},
    {"name", COL_TEXT, 16},        {"office", COL_TEXT, 8},
    {"postal_code", COL_CODE, 10}, {"certificate_id", COL_NUMBER, 14},
    {"type", COL_TEXT, 6},         {"expiry", COL_DATE, 11},
    {"moved_on", COL_DATE, 11},    {"move_kind", COL_TEXT, 14},
    {"detail", COL_TEXT, 50},
};
static const column_spec form_columns[] = {
    {"control_no", COL_CONTROL_NO, 16},
    {"kind", COL_TEXT, 9},
    {"run_date", COL_DATE, 11},
    {"resident_id", COL_NUMBER, 12},
    {"name", COL_TEXT, 16},
    {"office", COL_TEXT, 8},
    {"notice_no", COL_TEXT, 17},
    {"request_id", COL_NUMBER, 11},
    {"valid_until", COL_DATE, 11},
    {"returned_on", COL_DATE, 11},
    {"return_scans", COL_NUMBER, 12},
    {"undeliverable_on", COL_DATE, 15},
    {"voided_on", COL_DATE, 11},
    {"reissue_of", COL_CONTROL_NO, 16},
    {"status", COL_TEXT, 16},
};

#define COUNT_OF(array) ((int)(sizeof(array) / sizeof((array)[0])))

static const sheet_spec data_sheets[] = {
    {"Notices", TALLY_NOTICES,
     "One row per noticed certificate, with the print file and page of its notice.",
     "(no notices in this period)", notices_sql, notices_night_sql, notice_columns,
     COUNT_OF(notice_columns)},
    {"Excluded", TALLY_EXCLUDED,
     "One row per due certificate that got no notice, with its reason (domain.md "
     "N4) and the detail for the clerk.",
     "(no exclusions in this period)", excluded_sql, excluded_night_sql, excluded_columns,
     COUNT_OF(excluded_columns)},
    {"Recent movers", TALLY_NONE,
     "recent_mover exclusions for the counter's follow-up (N5): the latest "
     "move in or within the city on or before the run date.",
     "(no recent movers in this period)", movers_sql, movers_night_sql, mover_columns,
     COUNT_OF(mover_columns)},
    {"Forms", TALLY_NONE,
     "One row per proxy form (照会書兼回答書) of the period's runs: enclosed with a notice, "
     "or an inquiry mailed for a proxy request. Returns, scans and voids as the ledger holds "
     "them when written; the status as of the period's end (an inquiry form is overdue when "
     "not answered more than form_overdue_days days after its run date; an enclosed form "
     "is never overdue, it expires).",
     "(no forms in this period)", forms_sql, NULL, form_columns, COUNT_OF(form_columns)},
};

typedef struct summary_tally summary_tally;
static void tally_add(summary_tally *sum, tally_kind kind, char **fields);

/* ---- streaming a COPY text row into cells ------------------------------------------ */

/* Splits one COPY text row (without its newline) in place into NUL-terminated fields,
 * undoing COPY's backslash escapes; fields[i] is NULL for \N. Returns the field count. */
static int split_copy_row(char *row, size_t len, char **fields, int max_fields)
{
    int count = 0;
    size_t read_idx = 0, write_idx = 0;
    while (count < max_fields) {
        char *field = row + write_idx;
        int is_null = len - read_idx >= 2 && row[read_idx] == '\\' && row[read_idx + 1] == 'N' &&
                      (read_idx + 2 == len || row[read_idx + 2] == '\t');
        if (is_null)
            read_idx += 2;
        while (!is_null && read_idx < len && row[read_idx] != '\t') {
            char ch = row[read_idx++];
            if (ch == '\\' && read_idx < len) {
                char esc = row[read_idx++];
                ch = esc == 'n'   ? '\n'
                     : esc == 't' ? '\t'
                     : esc == 'r' ? '\r'
                     : esc == 'b' ? '\b'
                     : esc == 'f' ? '\f'
                     : esc == 'v' ? '\v'
                                  : esc;
            }
            row[write_idx++] = ch;
        }
        if (!is_null)
            row[write_idx++] = '\0';
        fields[count++] = is_null ? NULL : field;
        if (read_idx >= len)
            break;
        read_idx++; /* the tab */
        if (is_null)
            write_idx = read_idx; /* nothing was written: keep the indices together */
    }
    return count;
}

static lxw_error write_cell(lxw_worksheet *sheet, lxw_row_t row, lxw_col_t col,
                            const column_spec *spec, const char *value,
                            const audit_formats *formats)
{
    if (value == NULL || value[0] == '\0')
        return LXW_NO_ERROR; /* SQL NULL: an empty cell */
    if (spec->kind == COL_NUMBER) {
        char *end = NULL;
        double number = strtod(value, &end);
        if (end != NULL && *end == '\0')
            return worksheet_write_number(sheet, row, col, number, NULL);
    } else if (spec->kind == COL_CONTROL_NO) {
        char printed[CONTROL_NO_PRINT_SIZE];
        return worksheet_write_string(sheet, row, col, control_no_format(value, printed), NULL);
    } else if (spec->kind == COL_DATE) {
        kdate day;
        if (kdate_parse(value, strlen(value), &day) == KG_OK)
            return worksheet_write_number(sheet, row, col, (double)day + EXCEL_DAY_OFFSET,
                                          formats->date);
    }
    return worksheet_write_string(sheet, row, col, value, NULL);
}

typedef struct sheet_writer {
    lxw_workbook *workbook;
    const char *path;
    const audit_formats *formats;
    const xlsx_audit_request *request;
} sheet_writer;

/* Title, note, header, column widths, frozen header; the sheet's next free row is
 * FIRST_DATA_ROW. */
static kg_err sheet_start(const sheet_writer *writer, const sheet_spec *spec, const char *name,
                          lxw_worksheet **out, kg_errbuf *errbuf)
{
    lxw_worksheet *sheet = workbook_add_worksheet(writer->workbook, name);
    if (sheet == NULL)
        return xlsx_fail(LXW_ERROR_MEMORY_MALLOC_FAILED, "add a sheet to", writer->path, errbuf);
    char title[256], from[KDATE_ISO_LEN + 1], to[KDATE_ISO_LEN + 1];
    snprintf(title, sizeof(title), "kigen audit: %s, run dates %s to %s (written %s)", spec->name,
             kdate_format(writer->request->from, from), kdate_format(writer->request->to, to),
             writer->request->written_at);
    lxw_error lxw_err = LXW_NO_ERROR;
    for (int col = 0; col < spec->column_count && lxw_err == LXW_NO_ERROR; col++)
        lxw_err = worksheet_set_column(sheet, (lxw_col_t)col, (lxw_col_t)col,
                                       spec->columns[col].width, NULL);
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = worksheet_write_string(sheet, TITLE_ROW, 0, title, writer->formats->title);
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = worksheet_write_string(sheet, NOTE_ROW, 0, spec->note, NULL);
    for (int col = 0; col < spec->column_count && lxw_err == LXW_NO_ERROR; col++)
        lxw_err = worksheet_write_string(sheet, HEADER_ROW, (lxw_col_t)col,
                                         spec->columns[col].header, writer->formats->header);
    worksheet_freeze_panes(sheet, FIRST_DATA_ROW, 0);
    *out = sheet;
    return lxw_err == LXW_NO_ERROR ? KG_OK : xlsx_fail(lxw_err, "write", writer->path, errbuf);
}

static kg_err sheet_finish(const sheet_writer *writer, lxw_worksheet *sheet, const sheet_spec *spec,
                           lxw_row_t next_row, long rows, kg_errbuf *errbuf)
{
    lxw_error lxw_err = LXW_NO_ERROR;
    if (rows == 0)
        lxw_err = worksheet_write_string(sheet, FIRST_DATA_ROW, 0, spec->empty, NULL);
    lxw_row_t last = rows == 0 ? FIRST_DATA_ROW : next_row - 1;
    if (lxw_err == LXW_NO_ERROR)
        lxw_err =
            worksheet_autofilter(sheet, HEADER_ROW, 0, last, (lxw_col_t)(spec->column_count - 1));
    return lxw_err == LXW_NO_ERROR ? KG_OK : xlsx_fail(lxw_err, "write", writer->path, errbuf);
}

/* Streams spec->query into the sheet (and continuation sheets "Name 2"... past Excel's
 * 1,048,576 rows). */
static kg_err write_data_sheet(db_conn *conn, const sheet_writer *writer, const sheet_spec *spec,
                               summary_tally *sum, long *rows_out, kg_errbuf *errbuf)
{
    lxw_worksheet *sheet = NULL;
    kg_err err = sheet_start(writer, spec, spec->name, &sheet, errbuf);
    char copy_sql[4096];
    const xlsx_audit_request *request = writer->request;
    const char *query =
        request->from == request->to && spec->night_query != NULL ? spec->night_query : spec->query;
    snprintf(copy_sql, sizeof(copy_sql), "COPY (%s) TO STDOUT", query);
    if (err == KG_OK)
        err = db_copy_out_begin(conn, copy_sql, errbuf);
    strbuf row_buf;
    strbuf_init(&row_buf, ROW_BUF_MAX);
    lxw_row_t next_row = FIRST_DATA_ROW;
    long rows = 0, sheet_rows = 0;
    int part = 1;
    const char *row = NULL;
    size_t len = 0;
    while (err == KG_OK && (err = db_copy_out_next(conn, &row, &len, errbuf)) == KG_OK) {
        if (next_row >= LXW_ROW_MAX) {
            err = sheet_finish(writer, sheet, spec, next_row, sheet_rows, errbuf);
            char name[32];
            snprintf(name, sizeof(name), "%s %d", spec->name, ++part);
            if (err == KG_OK)
                err = sheet_start(writer, spec, name, &sheet, errbuf);
            next_row = FIRST_DATA_ROW;
            sheet_rows = 0;
        }
        strbuf_reset(&row_buf);
        if (err == KG_OK)
            err = strbuf_append(&row_buf, row, len > 0 && row[len - 1] == '\n' ? len - 1 : len);
        if (err == KG_OK)
            err = strbuf_append_char(&row_buf, '\0');
        if (err != KG_OK) {
            err = kg_fail(errbuf, KG_ERR_INTERNAL, "unable to read a row of sheet '%s': too long",
                          spec->name);
            break;
        }
        char *fields[MAX_COLUMNS];
        int count = split_copy_row(row_buf.data, row_buf.len - 1, fields, MAX_COLUMNS);
        if (count != spec->column_count) {
            err = kg_fail(errbuf, KG_ERR_INTERNAL,
                          "unable to read a row of sheet '%s': %d fields, expected %d", spec->name,
                          count, spec->column_count);
            break;
        }
        tally_add(sum, spec->tally, fields);
        lxw_error lxw_err = LXW_NO_ERROR;
        for (int col = 0; col < count && lxw_err == LXW_NO_ERROR; col++)
            lxw_err = write_cell(sheet, next_row, (lxw_col_t)col, &spec->columns[col], fields[col],
                                 writer->formats);
        if (lxw_err != LXW_NO_ERROR)
            err = xlsx_fail(lxw_err, "write", writer->path, errbuf);
        next_row++;
        rows++;
        sheet_rows++;
    }
    if (err == KG_EOF)
        err = sheet_finish(writer, sheet, spec, next_row, sheet_rows, errbuf);
    strbuf_free(&row_buf);
    *rows_out = rows;
    return err;
}

/* ---- Summary: tallied while the data sheets stream, written last ----------------- */

typedef struct tally_row {
    char key[24]; /* office code, or run date as YYYY-MM-DD (sorts by date) */
    char name[104];
    long notices, certificates, excluded;
} tally_row;

typedef struct tally {
    tally_row *rows; /* owned, sorted by key */
    size_t count, cap;
} tally;

struct summary_tally {
    tally offices, days;
    long per_reason[REASON__COUNT];
    char last_notice[24]; /* notices stream in notice_no order: a new one counts once */
    int failed;           /* out of memory or room: the summary cannot be trusted */
};

#define TALLY_MAX_ROWS 100000

/* The row of key, inserted in order when new (searched from the end: keys mostly arrive
 * in order). NULL when out of memory or room. */
static tally_row *tally_row_of(tally *table, const char *key)
{
    size_t pos = table->count;
    while (pos > 0 && strcmp(table->rows[pos - 1].key, key) > 0)
        pos--;
    if (pos > 0 && strcmp(table->rows[pos - 1].key, key) == 0)
        return &table->rows[pos - 1];
    if (table->count >= TALLY_MAX_ROWS)
        return NULL;
    if (table->count == table->cap) {
        size_t cap = table->cap == 0 ? 64 : table->cap * 2;
        tally_row *grown = realloc(table->rows, cap * sizeof(*grown));
        if (grown == NULL)
            return NULL;
        table->rows = grown;
        table->cap = cap;
    }
    memmove(&table->rows[pos + 1], &table->rows[pos], (table->count - pos) * sizeof(tally_row));
    table->count++;
    tally_row *row = &table->rows[pos];
    memset(row, 0, sizeof(*row));
    snprintf(row->key, sizeof(row->key), "%s", key);
    return row;
}

static void tally_add(summary_tally *sum, tally_kind kind, char **fields)
{
    if (kind == TALLY_NONE)
        return;
    /* notices: 0 notice_no, 1 run_date, 5 office; exclusions: 0 run_date, 3 office, 8 reason */
    const char *day_key = fields[kind == TALLY_NOTICES ? 1 : 0];
    const char *office_key = fields[kind == TALLY_NOTICES ? 5 : 3];
    tally_row *day = tally_row_of(&sum->days, day_key != NULL ? day_key : "");
    tally_row *office = tally_row_of(&sum->offices, office_key != NULL ? office_key : "");
    if (day == NULL || office == NULL) {
        sum->failed = 1;
        return;
    }
    if (kind == TALLY_NOTICES) {
        int new_notice = strcmp(sum->last_notice, fields[0]) != 0;
        snprintf(sum->last_notice, sizeof(sum->last_notice), "%s", fields[0]);
        day->certificates++;
        office->certificates++;
        day->notices += new_notice;
        office->notices += new_notice;
        return;
    }
    day->excluded++;
    office->excluded++;
    for (int reason = 0; reason < REASON__COUNT; reason++)
        if (fields[8] != NULL && strcmp(fields[8], select_reason_name((select_reason)reason)) == 0)
            sum->per_reason[reason]++;
}

static void summary_tally_free(summary_tally *sum)
{
    free(sum->offices.rows);
    free(sum->days.rows);
}

static lxw_error write_typed(lxw_worksheet *sheet, lxw_row_t row, lxw_col_t col, column_kind kind,
                             const char *value, const audit_formats *formats)
{
    column_spec spec = {"", kind, 0};
    return write_cell(sheet, row, col, &spec, value, formats);
}

/* A chart of one column of the Summary, its categories from category_col. */
static void add_chart(lxw_workbook *workbook, lxw_worksheet *sheet, uint8_t type, const char *title,
                      lxw_row_t first, lxw_row_t last, lxw_col_t value_col, lxw_row_t at_row,
                      lxw_col_t category_col)
{
    lxw_chart *chart = workbook_add_chart(workbook, type);
    if (chart == NULL)
        return;
    lxw_chart_series *series = chart_add_series(chart, NULL, NULL);
    if (series != NULL) {
        chart_series_set_categories(series, "Summary", first, category_col, last, category_col);
        chart_series_set_values(series, "Summary", first, value_col, last, value_col);
    }
    chart_title_set_name(chart, title);
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    worksheet_insert_chart(sheet, at_row, 6, chart);
}

/* A header row of texts at row. */
static lxw_error write_headers(lxw_worksheet *sheet, lxw_row_t row, const char *const *headers,
                               int count, const audit_formats *formats)
{
    lxw_error lxw_err = LXW_NO_ERROR;
    for (int col = 0; col < count && lxw_err == LXW_NO_ERROR; col++)
        lxw_err = worksheet_write_string(sheet, row, (lxw_col_t)col, headers[col], formats->header);
    return lxw_err;
}

static kg_err write_summary(db_conn *conn, const sheet_writer *writer, lxw_worksheet *sheet,
                            summary_tally *sum, kg_errbuf *errbuf)
{
    if (sum->failed)
        return kg_fail(errbuf, KG_ERR_NOMEM,
                       "unable to tally the summary of '%s': more than "
                       "%d offices or run dates, or out of memory",
                       writer->path, TALLY_MAX_ROWS);
    const audit_formats *formats = writer->formats;
    static const double widths[] = {22, 26, 12, 14, 12};
    for (int col = 0; col < 5; col++)
        worksheet_set_column(sheet, (lxw_col_t)col, (lxw_col_t)col, widths[col], NULL);
    db_result *runs = NULL, *offices = NULL;
    kg_err err = db_query(conn,
                          "SELECT count(*) FROM kigen.runs ru JOIN pg_temp.export_params p ON "
                          "ru.run_date BETWEEN p.from_date AND p.to_date WHERE ru.status IN "
                          "('recorded', 'done')",
                          0, NULL, errbuf, &runs);
    if (err == KG_OK)
        err = db_query(conn, "SELECT office_code, name FROM kigen.offices", 0, NULL, errbuf,
                       &offices);
    if (err != KG_OK) {
        db_result_free(runs);
        return err;
    }
    for (int idx = 0; idx < db_result_rows(offices); idx++)
        for (size_t row_idx = 0; row_idx < sum->offices.count; row_idx++)
            if (strcmp(sum->offices.rows[row_idx].key, db_result_value(offices, idx, 0)) == 0)
                snprintf(sum->offices.rows[row_idx].name, sizeof(sum->offices.rows[0].name), "%s",
                         db_result_value(offices, idx, 1));
    db_result_free(offices);
    long run_count = strtol(db_result_value(runs, 0, 0), NULL, 10);
    db_result_free(runs);

    char title[256], from[KDATE_ISO_LEN + 1], to[KDATE_ISO_LEN + 1];
    snprintf(title, sizeof(title), "kigen audit: run dates %s to %s (written %s)",
             kdate_format(writer->request->from, from), kdate_format(writer->request->to, to),
             writer->request->written_at);
    lxw_error lxw_err = worksheet_write_string(sheet, TITLE_ROW, 0, title, formats->title);
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = worksheet_write_string(
            sheet, NOTE_ROW, 0,
            run_count == 0 ? "This period has no recorded run: the workbook is empty."
                           : "Counts from the ledger (kigen.runs, notices, exclusions).",
            NULL);
    long totals[4] = {run_count, 0, 0, 0};
    for (size_t idx = 0; idx < sum->days.count; idx++) {
        totals[1] += sum->days.rows[idx].notices;
        totals[2] += sum->days.rows[idx].certificates;
        totals[3] += sum->days.rows[idx].excluded;
    }
    static const char *const total_names[] = {"runs in the period", "notices (residents)",
                                              "certificates noticed", "certificates excluded"};
    lxw_row_t row = HEADER_ROW;
    for (int idx = 0; idx < 4 && lxw_err == LXW_NO_ERROR; idx++, row++) {
        lxw_err = worksheet_write_string(sheet, row, 0, total_names[idx], NULL);
        if (lxw_err == LXW_NO_ERROR)
            lxw_err = worksheet_write_number(sheet, row, 1, (double)totals[idx], NULL);
    }

    /* exclusions per reason, every reason in the N4 order */
    row++;
    lxw_row_t reason_header = row;
    static const char *const reason_headers[] = {"exclusion reason", "certificates"};
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = write_headers(sheet, row++, reason_headers, 2, formats);
    for (int reason = 0; reason < REASON__COUNT && lxw_err == LXW_NO_ERROR; reason++, row++) {
        lxw_err =
            worksheet_write_string(sheet, row, 0, select_reason_name((select_reason)reason), NULL);
        if (lxw_err == LXW_NO_ERROR)
            lxw_err = worksheet_write_number(sheet, row, 1, (double)sum->per_reason[reason], NULL);
    }
    add_chart(writer->workbook, sheet, LXW_CHART_BAR, "Exclusions per reason", reason_header + 1,
              row - 1, 1, reason_header, 0);

    /* per office, then per run date */
    static const char *const office_headers[] = {"office", "name", "notices", "certificates",
                                                 "excluded"};
    static const char *const day_headers[] = {"run date", "label", "notices", "certificates",
                                              "excluded"};
    const tally *tables[] = {&sum->offices, &sum->days};
    const char *const *headers[] = {office_headers, day_headers};
    const char *chart_titles[] = {"Notices per office", "Notices per run date"};
    lxw_row_t chart_row = reason_header + 16;
    for (int table_idx = 0; table_idx < 2 && lxw_err == LXW_NO_ERROR; table_idx++) {
        row++;
        lxw_row_t header = row;
        lxw_err = write_headers(sheet, row++, headers[table_idx], 5, formats);
        const tally *table = tables[table_idx];
        for (size_t idx = 0; idx < table->count && lxw_err == LXW_NO_ERROR; idx++, row++) {
            const tally_row *entry = &table->rows[idx];
            lxw_err = write_typed(sheet, row, 0, table_idx == 0 ? COL_TEXT : COL_DATE,
                                  entry->key[0] != '\0' ? entry->key : "(none)", formats);
            if (lxw_err == LXW_NO_ERROR && entry->name[0] != '\0')
                lxw_err = worksheet_write_string(sheet, row, 1, entry->name, NULL);
            /* the day's chart labels: the date as text (a date axis would be bucketed by
             * LibreOffice into months or years) */
            if (lxw_err == LXW_NO_ERROR && table_idx == 1)
                lxw_err = worksheet_write_string(sheet, row, 1, entry->key, NULL);
            const long values[] = {entry->notices, entry->certificates, entry->excluded};
            for (int col = 0; col < 3 && lxw_err == LXW_NO_ERROR; col++)
                lxw_err = worksheet_write_number(sheet, row, (lxw_col_t)(col + 2),
                                                 (double)values[col], NULL);
        }
        if (table->count > 0) {
            if (chart_row < header)
                chart_row = header;
            add_chart(writer->workbook, sheet, LXW_CHART_COLUMN, chart_titles[table_idx],
                      header + 1, row - 1, 2, chart_row, table_idx == 1 ? 1 : 0);
            chart_row += 16;
        }
    }
    return lxw_err == LXW_NO_ERROR ? KG_OK : xlsx_fail(lxw_err, "write", writer->path, errbuf);
}

/* ---- Forecast ------------------------------------------------------------------- */

static kg_err write_forecast(const sheet_writer *writer, kg_errbuf *errbuf)
{
    const forecast *fc = writer->request->forecast;
    const audit_formats *formats = writer->formats;
    lxw_worksheet *sheet = workbook_add_worksheet(writer->workbook, "Forecast");
    if (sheet == NULL)
        return xlsx_fail(LXW_ERROR_MEMORY_MALLOC_FAILED, "add a sheet to", writer->path, errbuf);
    if (fc == NULL) {
        lxw_error lxw_err = worksheet_write_string(sheet, TITLE_ROW, 0,
                                                   "kigen renewal-load forecast", formats->title);
        if (lxw_err == LXW_NO_ERROR)
            lxw_err = worksheet_write_string(
                sheet, NOTE_ROW, 0, "Not computed for this workbook (--no-forecast).", NULL);
        return lxw_err == LXW_NO_ERROR ? KG_OK : xlsx_fail(lxw_err, "write", writer->path, errbuf);
    }
    size_t offices = fc->office_count;
    lxw_col_t total_col = (lxw_col_t)(offices + 1);
    worksheet_set_column(sheet, 0, 0, 14, NULL);
    worksheet_set_column(sheet, 1, total_col, 9, NULL);
    char title[256], note[512], as_of[KDATE_ISO_LEN + 1];
    snprintf(title, sizeof(title),
             "kigen renewal-load forecast: expected counter visits per week, as of %s",
             kdate_format(fc->as_of, as_of));
    snprintf(note, sizeof(note),
             "Certificates valid on %s, one visit per holder and expiry date, spread evenly over "
             "the days of its renewal window still ahead, times a take-up rate of %.2f (an "
             "assumption: kigen export --take-up). Weeks start on Monday.",
             as_of, fc->take_up);
    lxw_error lxw_err = worksheet_write_string(sheet, TITLE_ROW, 0, title, formats->title);
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = worksheet_write_string(sheet, NOTE_ROW, 0, note, NULL);
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = worksheet_write_string(sheet, HEADER_ROW, 0, "week starting", formats->header);
    for (size_t idx = 0; idx < offices && lxw_err == LXW_NO_ERROR; idx++)
        lxw_err = worksheet_write_string(
            sheet, HEADER_ROW, (lxw_col_t)(idx + 1),
            fc->offices[idx].office_code[0] != '\0' ? fc->offices[idx].office_code : "(none)",
            formats->header);
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = worksheet_write_string(sheet, HEADER_ROW, total_col, "total", formats->header);
    for (int week = 0; week < FORECAST_WEEKS && lxw_err == LXW_NO_ERROR; week++) {
        lxw_row_t row = (lxw_row_t)(FIRST_DATA_ROW + week);
        lxw_err = worksheet_write_number(
            sheet, row, 0, (double)(fc->first_week + 7 * week) + EXCEL_DAY_OFFSET, formats->date);
        double total = 0;
        for (size_t idx = 0; idx < offices && lxw_err == LXW_NO_ERROR; idx++) {
            total += fc->offices[idx].visits[week];
            lxw_err = worksheet_write_number(sheet, row, (lxw_col_t)(idx + 1),
                                             fc->offices[idx].visits[week], formats->decimal);
        }
        if (lxw_err == LXW_NO_ERROR)
            lxw_err = worksheet_write_number(sheet, row, total_col, total, formats->decimal);
    }
    lxw_row_t last = FIRST_DATA_ROW + FORECAST_WEEKS - 1;
    worksheet_freeze_panes(sheet, FIRST_DATA_ROW, 1);
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = worksheet_autofilter(sheet, HEADER_ROW, 0, last, total_col);
    lxw_chart *chart = workbook_add_chart(writer->workbook, LXW_CHART_LINE);
    for (size_t idx = 0; chart != NULL && idx < offices && idx < CHART_MAX_SERIES; idx++) {
        lxw_chart_series *series = chart_add_series(chart, NULL, NULL);
        if (series == NULL)
            break;
        chart_series_set_categories(series, "Forecast", FIRST_DATA_ROW, 0, last, 0);
        chart_series_set_values(series, "Forecast", FIRST_DATA_ROW, (lxw_col_t)(idx + 1), last,
                                (lxw_col_t)(idx + 1));
        chart_series_set_name_range(series, "Forecast", HEADER_ROW, (lxw_col_t)(idx + 1));
    }
    if (chart != NULL) {
        chart_axis_set_num_format(chart->x_axis, "yyyy-mm-dd"); /* the weeks' Mondays */
        chart_title_set_name(chart, "Expected renewal visits per week and office");
        worksheet_insert_chart(sheet, last + 2, 0, chart);
    }
    return lxw_err == LXW_NO_ERROR ? KG_OK : xlsx_fail(lxw_err, "write", writer->path, errbuf);
}

/* ---- the workbook --------------------------------------------------------------- */

kg_err xlsx_audit_write(db_conn *conn, const xlsx_audit_request *request, xlsx_audit_counts *counts,
                        kg_errbuf *errbuf)
{
    char from[KDATE_ISO_LEN + 1], to[KDATE_ISO_LEN + 1], overdue_days[16];
    snprintf(overdue_days, sizeof(overdue_days), "%d",
             request->form_overdue_days > 0 ? request->form_overdue_days
                                            : RUN_CONFIG_FORM_OVERDUE_DAYS);
    const char *params[] = {kdate_format(request->from, from), kdate_format(request->to, to),
                            overdue_days};
    kg_err err = db_exec(conn,
                         "CREATE TEMP TABLE IF NOT EXISTS export_params (from_date date, "
                         "to_date date, overdue_days integer); TRUNCATE pg_temp.export_params",
                         errbuf);
    if (err == KG_OK)
        err = db_query(conn,
                       "INSERT INTO pg_temp.export_params (from_date, to_date, overdue_days) "
                       "VALUES ($1, $2, $3)",
                       3, params, errbuf, NULL);
    if (err != KG_OK)
        return err;

    lxw_workbook_options options = {.constant_memory = LXW_TRUE,
                                    .tmpdir = (char *)(uintptr_t)request->tmpdir,
                                    .use_zip64 = LXW_FALSE};
    lxw_workbook *workbook = workbook_new_opt(request->path, &options);
    if (workbook == NULL)
        return kg_fail(errbuf, KG_ERR_IO_WRITE, "unable to create '%s': libxlsxwriter failed",
                       request->path);
    char doc_title[] = "kigen audit workbook", doc_author[] = "kigen",
         doc_comments[] = "written from the notice ledger";
    lxw_doc_properties properties = {
        .title = doc_title,
        .author = doc_author,
        .comments = doc_comments,
        .created = (time_t)((long long)request->to * 86400 - 9 * 3600),
    };
    workbook_set_properties(workbook, &properties);
    audit_formats formats;
    formats.title = workbook_add_format(workbook);
    format_set_bold(formats.title);
    format_set_font_size(formats.title, 13);
    formats.header = workbook_add_format(workbook);
    format_set_bold(formats.header);
    format_set_bottom(formats.header, LXW_BORDER_THIN);
    format_set_bg_color(formats.header, 0xDDEBF7);
    formats.date = workbook_add_format(workbook);
    format_set_num_format(formats.date, "yyyy-mm-dd");
    formats.decimal = workbook_add_format(workbook);
    format_set_num_format(formats.decimal, "0.0");

    sheet_writer writer = {workbook, request->path, &formats, request};
    xlsx_audit_counts got = {0, 0, 0, 0};
    long *sheet_counts[] = {&got.notices, &got.excluded, &got.movers, &got.forms};
    summary_tally sum;
    memset(&sum, 0, sizeof(sum));
    /* the Summary sheet comes first in the workbook but is written last, from the tallies
     * of the streamed sheets (constant-memory mode orders rows within a sheet only) */
    lxw_worksheet *summary = workbook_add_worksheet(workbook, "Summary");
    if (summary == NULL)
        err = xlsx_fail(LXW_ERROR_MEMORY_MALLOC_FAILED, "add a sheet to", request->path, errbuf);
    for (int idx = 0; idx < COUNT_OF(data_sheets) && err == KG_OK; idx++)
        err = write_data_sheet(conn, &writer, &data_sheets[idx], &sum, sheet_counts[idx], errbuf);
    if (err == KG_OK)
        err = write_forecast(&writer, errbuf);
    if (err == KG_OK)
        err = write_summary(conn, &writer, summary, &sum, errbuf);
    summary_tally_free(&sum);
    errno = 0; /* what workbook_close leaves there is its file operation's (xlsx_fail) */
    lxw_error lxw_err = workbook_close(workbook); /* frees it in every case */
    if (err == KG_OK && lxw_err != LXW_NO_ERROR)
        err = xlsx_fail(lxw_err, "write", request->path, errbuf);
    if (err == KG_OK && counts != NULL)
        *counts = got;
    return err;
}

kg_err xlsx_audit_write_atomic(db_conn *conn, const char *dir, const char *name,
                               xlsx_audit_request *request, xlsx_audit_counts *counts,
                               kg_errbuf *errbuf)
{
    out_file file; /* created 0600 and locked here; libxlsxwriter rewrites it by name */
    kg_err err = out_file_begin(&file, dir, name, errbuf);
    if (err == KG_OK) /* its scratch files: in a private directory beside it, never /tmp */
        err = out_file_scratch_dir(&file, errbuf);
    request->path = file.temp_path;
    request->tmpdir = file.scratch_path;
    if (err == KG_OK)
        err = xlsx_audit_write(conn, request, counts, errbuf);
    err = out_file_end(&file, err, errbuf);
    request->path = NULL;
    request->tmpdir = NULL;
    return err;
}

kg_err xlsx_audit_write_run(db_conn *conn, const char *out_dir, kdate run_date, long run_id,
                            const forecast *fc, kg_errbuf *errbuf)
{
    char dir[4096], run_text[32], written_at[96];
    snprintf(run_text, sizeof(run_text), "%ld", run_id);
    const char *params[] = {run_text};
    db_result *result = NULL;
    kg_err err = outputs_run_dir(out_dir, run_date, dir, sizeof(dir), errbuf);
    if (err == KG_OK)
        err = db_query(conn,
                       "SELECT 'run ' || run_id || ' recorded ' || to_char(started_at AT TIME "
                       "ZONE 'Asia/Tokyo', 'YYYY-MM-DD HH24:MI:SS') || ' JST' FROM kigen.runs "
                       "WHERE run_id = $1::bigint",
                       1, params, errbuf, &result);
    if (err == KG_OK)
        snprintf(written_at, sizeof(written_at), "%s",
                 db_result_rows(result) == 1 ? db_result_value(result, 0, 0) : run_text);
    db_result_free(result);
    /* the forms of the run date are 0 days old at its end: never overdue, whatever the
     * configured days, so the default serves */
    xlsx_audit_request request = {NULL, NULL, run_date, run_date, written_at, fc, 0};
    if (err == KG_OK)
        err = xlsx_audit_write_atomic(conn, dir, "audit.xlsx", &request, NULL, errbuf);
    if (err == KG_OK)
        err = outputs_write_manifest(conn, out_dir, run_date, run_id, errbuf);
    return err;
}
