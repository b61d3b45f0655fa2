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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "common/control_no.h"
#include "render/text.h"
#include "run/select.h"

#define TITLE_ROW 0
#define NOTE_ROW 1
#define HEADER_ROW 3
#define FIRST_DATA_ROW 4
#define MAX_COLUMNS 16
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
    xlsx_audit_sheet sheet; /* which rows the source gives it */
    const char *name;
    tally_kind tally;  /* what its rows add to the Summary */
    const char *note;  /* second row: what the sheet holds */
    const char *empty; /* the row written when the period has none */
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

static const column_spec return_columns[] = {
    {"notice_no", COL_TEXT, 17},        {"run_date", COL_DATE, 11},
    {"resident_id", COL_NUMBER, 12},    {"name", COL_TEXT, 16},
    {"postal_code", COL_CODE, 10},      {"office", COL_TEXT, 8},
    {"certificate_id", COL_NUMBER, 14}, {"type", COL_TEXT, 6},
    {"expiry", COL_DATE, 11},           {"returned_on", COL_DATE, 11},
    {"reason", COL_TEXT, 40},           {"recorded_by", COL_TEXT, 12},
    {"address_changed", COL_TEXT, 30},  {"as_of", COL_DATE, 11},
};

#define COUNT_OF(array) ((int)(sizeof(array) / sizeof((array)[0])))

static const sheet_spec data_sheets[] = {
    {XLSX_SHEET_NOTICES, "Notices", TALLY_NOTICES,
     "One row per noticed certificate, with the print file and page of its notice.",
     "(no notices in this period)", notice_columns, COUNT_OF(notice_columns)},
    {XLSX_SHEET_EXCLUDED, "Excluded", TALLY_EXCLUDED,
     "One row per due certificate that got no notice, with its reason (docs/rules.md "
     "N4) and the detail for the clerk.",
     "(no exclusions in this period)", excluded_columns, COUNT_OF(excluded_columns)},
    {XLSX_SHEET_MOVERS, "Recent movers", TALLY_NONE,
     "recent_mover exclusions for the counter's follow-up (N5): the latest "
     "move in or within the city on or before the run date.",
     "(no recent movers in this period)", mover_columns, COUNT_OF(mover_columns)},
    {XLSX_SHEET_FORMS, "Forms", TALLY_NONE,
     "One row per proxy form (照会書兼回答書) of the period's runs: enclosed with a notice, "
     "or an inquiry mailed for a proxy request. Returns, scans and voids as the ledger holds "
     "them when written; the status as of the period's end (an inquiry form is overdue when "
     "not answered more than form_overdue_days days after its run date; an enclosed form "
     "is never overdue, it expires).",
     "(no forms in this period)", form_columns, COUNT_OF(form_columns)},
    {XLSX_SHEET_RETURNS, "Returned mail", TALLY_NONE,
     "Notices the post office brought back (転送不要, 還付), one row per certificate of the "
     "notice, as the last run of the period judged them (as_of): address_changed is \"no\" "
     "while the resident's next letters are held back (returned_mail), else what lifted it "
     "(D90, D91).",
     "(no returned notices in this period)", return_columns, COUNT_OF(return_columns)},
};

typedef struct summary_tally summary_tally;
static void tally_add(summary_tally *sum, tally_kind kind, char **fields);

/* ---- rows into cells ------------------------------------------------------------ */

/* Whether code_point may stand in an XML 1.0 document (the sheet's XML): tab, newline and
 * carriage return, and everything from U+0020 but surrogates, U+FFFE and U+FFFF. */
static bool xml_char(uint32_t code_point)
{
    return code_point == 0x9 || code_point == 0xA || code_point == 0xD ||
           (code_point >= 0x20 && code_point <= 0xD7FF) ||
           (code_point >= 0xE000 && code_point <= 0xFFFD) ||
           (code_point >= 0x10000 && code_point <= 0x10FFFF);
}

#define CELL_TEXT_MAX 32767 /* Excel's limit of characters in a cell */

/* A data text as a string cell (never a formula), every character XML cannot hold (and
 * every byte that is not UTF-8) written as U+FFFD, so that a bad value in the ledger can
 * never make the workbook unreadable. */
static lxw_error write_text(lxw_worksheet *sheet, lxw_row_t row, lxw_col_t col, const char *value,
                            lxw_format *format)
{
    size_t len = strlen(value);
    bool clean = true;
    for (size_t pos = 0; pos < len && clean;) {
        uint32_t code_point = 0;
        bool valid = false;
        pos += text_utf8_decode(value, len, pos, &code_point, &valid);
        clean = valid && xml_char(code_point);
    }
    if (clean)
        return worksheet_write_string(sheet, row, col, value, format);
    char *safe = malloc(len * 3 + 1); /* U+FFFD is 3 bytes, a replaced sequence at least 1 */
    if (safe == NULL)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    size_t out = 0, chars = 0;
    for (size_t pos = 0; pos < len && chars < CELL_TEXT_MAX; chars++) {
        uint32_t code_point = 0;
        bool valid = false;
        size_t step = text_utf8_decode(value, len, pos, &code_point, &valid);
        if (valid && xml_char(code_point)) {
            memcpy(safe + out, value + pos, step);
            out += step;
        } else {
            memcpy(safe + out, "\xEF\xBF\xBD", 3);
            out += 3;
        }
        pos += step;
    }
    safe[out] = '\0';
    lxw_error lxw_err = worksheet_write_string(sheet, row, col, safe, format);
    free(safe);
    return lxw_err;
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
    return write_text(sheet, row, col, value, NULL);
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

/* Streams the source's rows of spec->sheet into the sheet (and continuation sheets
 * "Name 2"... past Excel's 1,048,576 rows). */
static kg_err write_data_sheet(const xlsx_audit_rows *source, const sheet_writer *writer,
                               const sheet_spec *spec, summary_tally *sum, long *rows_out,
                               kg_errbuf *errbuf)
{
    lxw_worksheet *sheet = NULL;
    kg_err err = sheet_start(writer, spec, spec->name, &sheet, errbuf);
    if (err == KG_OK)
        err = source->begin(source->state, spec->sheet, errbuf);
    lxw_row_t next_row = FIRST_DATA_ROW;
    long rows = 0, sheet_rows = 0;
    int part = 1;
    char *fields[MAX_COLUMNS];
    int count = 0;
    while (err == KG_OK &&
           (err = source->next(source->state, fields, MAX_COLUMNS, &count, errbuf)) == KG_OK) {
        if (next_row >= LXW_ROW_MAX) {
            err = sheet_finish(writer, sheet, spec, next_row, sheet_rows, errbuf);
            char name[32];
            snprintf(name, sizeof(name), "%s %d", spec->name, ++part);
            if (err == KG_OK)
                err = sheet_start(writer, spec, name, &sheet, errbuf);
            next_row = FIRST_DATA_ROW;
            sheet_rows = 0;
        }
        if (err == KG_OK && count != spec->column_count)
            err = kg_fail(errbuf, KG_ERR_INTERNAL,
                          "unable to read a row of sheet '%s': %d fields, expected %d", spec->name,
                          count, spec->column_count);
        if (err != KG_OK)
            break;
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

static kg_err write_summary(const sheet_writer *writer, lxw_worksheet *sheet, summary_tally *sum,
                            kg_errbuf *errbuf)
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
    const xlsx_audit_request *request = writer->request;
    for (size_t idx = 0; idx < request->office_count; idx++)
        for (size_t row_idx = 0; row_idx < sum->offices.count; row_idx++)
            if (strcmp(sum->offices.rows[row_idx].key, request->offices[idx].office_code) == 0)
                snprintf(sum->offices.rows[row_idx].name, sizeof(sum->offices.rows[0].name), "%s",
                         request->offices[idx].name);
    long run_count = request->run_count;

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
                lxw_err = write_text(sheet, row, 1, entry->name, NULL);
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

kg_err xlsx_audit_write(const xlsx_audit_request *request, const xlsx_audit_rows *source,
                        xlsx_audit_counts *counts, kg_errbuf *errbuf)
{
    kg_err err = KG_OK;
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
    xlsx_audit_counts got = {0, 0, 0, 0, 0};
    long *sheet_counts[] = {&got.notices, &got.excluded, &got.movers, &got.forms, &got.returns};
    summary_tally sum;
    memset(&sum, 0, sizeof(sum));
    /* the Summary sheet comes first in the workbook but is written last, from the tallies
     * of the streamed sheets (constant-memory mode orders rows within a sheet only) */
    lxw_worksheet *summary = workbook_add_worksheet(workbook, "Summary");
    if (summary == NULL)
        err = xlsx_fail(LXW_ERROR_MEMORY_MALLOC_FAILED, "add a sheet to", request->path, errbuf);
    for (int idx = 0; idx < COUNT_OF(data_sheets) && err == KG_OK; idx++)
        err = write_data_sheet(source, &writer, &data_sheets[idx], &sum, sheet_counts[idx], errbuf);
    if (err == KG_OK)
        err = write_forecast(&writer, errbuf);
    if (err == KG_OK)
        err = write_summary(&writer, summary, &sum, errbuf);
    summary_tally_free(&sum);
    errno = 0; /* what workbook_close leaves there is its file operation's (xlsx_fail) */
    lxw_error lxw_err = workbook_close(workbook); /* frees it in every case */
    if (err == KG_OK && lxw_err != LXW_NO_ERROR)
        err = xlsx_fail(lxw_err, "write", request->path, errbuf);
    if (err == KG_OK && counts != NULL)
        *counts = got;
    return err;
}
