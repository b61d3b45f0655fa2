/*
 * xlsx_audit.c - the auditor workbook with libxlsxwriter (see xlsx_audit.h).
 *
 * Each data sheet is one COPY query streamed row by row into a constant-memory
 * worksheet, its columns typed by a small table (text, number, date, postal code).
 * lxw_error is translated in exactly one place, xlsx_fail. Not a general spreadsheet
 * layer: the sheets and their queries are the audit's. Every text of a sheet is in the
 * tables below in English and Japanese, the request's language choosing (D113); the codes'
 * labels come from common/reasons.h. Every sheet gets its page setup (print_setup, D114).
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
#include "common/i18n.h"
#include "common/reasons.h"
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
    COL_TEXT = 0,       /* a string (Japanese intact) */
    COL_NUMBER = 1,     /* an id, count or page: a number cell */
    COL_DATE = 2,       /* YYYY-MM-DD: an Excel date with the date format */
    COL_CODE = 3,       /* digits that are a code (postal code): text, leading zeros kept */
    COL_CONTROL_NO = 4, /* a form's control number: text as printed, XXXX-XXXX-XXXX */
    COL_LABEL = 5       /* Japanese workbook only: the label (reasons.h) of the code in the
                           column before it; reads no field of the row (D113) */
} column_kind;

typedef struct column_spec {
    const char *header, *header_ja;
    column_kind kind;
    double width;
    reason_group group; /* COL_LABEL: the table group of the code beside it */
} column_spec;

/* A Japanese workbook's dates: real dates shown in 和暦 (Excel and LibreOffice read the
 * locale 411's era codes: 令和8年11月10日) (D113). */
#define WAREKI_FORMAT "[$-411]ggge\"年\"m\"月\"d\"日\""
#define WAREKI_EXTRA_WIDTH 5

typedef enum tally_kind { TALLY_NONE = 0, TALLY_NOTICES = 1, TALLY_EXCLUDED = 2 } tally_kind;

typedef struct sheet_spec {
    xlsx_audit_sheet sheet; /* which rows the source gives it */
    const char *name, *name_ja;
    tally_kind tally;             /* what its rows add to the Summary */
    const char *note, *note_ja;   /* second row: what the sheet holds */
    const char *empty, *empty_ja; /* the row written when the period has none */
    const column_spec *columns;   /* the Japanese workbook's; COL_LABEL ones skipped in English */
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
    bool adding = strcmp(what, "add a sheet to") == 0; /* else "write" */
    if (file_operation && os_errno != 0)
        return kg_fail(errbuf, KG_ERR_IO_WRITE,
                       adding ? _("unable to add a sheet to '%s': %s (libxlsxwriter: %s)")
                              : _("unable to write '%s': %s (libxlsxwriter: %s)"),
                       path, strerror(os_errno), lxw_strerror(lxw_err));
    return kg_fail(errbuf, KG_ERR_IO_WRITE,
                   adding ? _("unable to add a sheet to '%s': %s") : _("unable to write '%s': %s"),
                   path, lxw_strerror(lxw_err));
}

#define LABEL(group, header_ja, width)                                                             \
    {                                                                                              \
        "", header_ja, COL_LABEL, width, group                                                     \
    }

static const column_spec notice_columns[] = {
    {"notice_no", "通知番号", COL_TEXT, 17, 0},
    {"run_date", "処理日", COL_DATE, 11, 0},
    {"resident_id", "宛名番号", COL_NUMBER, 12, 0},
    {"name", "氏名", COL_TEXT, 16, 0},
    {"postal_code", "郵便番号", COL_CODE, 10, 0},
    {"office", "窓口", COL_TEXT, 8, 0},
    {"certificate_id", "証明書番号", COL_NUMBER, 14, 0},
    {"type", "種別コード", COL_TEXT, 10, 0},
    LABEL(REASON_GROUP_CERT_TYPE, "種別", 20),
    {"expiry", "有効期限", COL_DATE, 11, 0},
    {"window_open", "更新開始日", COL_DATE, 12, 0},
    {"cause", "期限の根拠", COL_TEXT, 11, 0},
    LABEL(REASON_GROUP_CAUSE, "期限の根拠（説明）", 22),
    {"file", "印刷ファイル", COL_TEXT, 24, 0},
    {"page", "ページ", COL_NUMBER, 6, 0},
};
static const column_spec excluded_columns[] = {
    {"run_date", "処理日", COL_DATE, 11, 0},
    {"resident_id", "宛名番号", COL_NUMBER, 12, 0},
    {"name", "氏名", COL_TEXT, 16, 0},
    {"office", "窓口", COL_TEXT, 8, 0},
    {"postal_code", "郵便番号", COL_CODE, 10, 0},
    {"certificate_id", "証明書番号", COL_NUMBER, 14, 0},
    {"type", "種別コード", COL_TEXT, 10, 0},
    LABEL(REASON_GROUP_CERT_TYPE, "種別", 20),
    {"expiry", "有効期限", COL_DATE, 11, 0},
    {"reason", "除外理由コード", COL_TEXT, 17, 0},
    LABEL(REASON_GROUP_EXCLUSION, "除外理由", 24),
    {"detail", "詳細", COL_TEXT, 60, 0},
};
static const column_spec mover_columns[] = {
    {"run_date", "処理日", COL_DATE, 11, 0},
    {"resident_id", "宛名番号", COL_NUMBER, 12, 0},
    {"name", "氏名", COL_TEXT, 16, 0},
    {"office", "窓口", COL_TEXT, 8, 0},
    {"postal_code", "郵便番号", COL_CODE, 10, 0},
    {"certificate_id", "証明書番号", COL_NUMBER, 14, 0},
    {"type", "種別コード", COL_TEXT, 10, 0},
    LABEL(REASON_GROUP_CERT_TYPE, "種別", 20),
    {"expiry", "有効期限", COL_DATE, 11, 0},
    {"moved_on", "異動日", COL_DATE, 11, 0},
    {"move_kind", "異動コード", COL_TEXT, 10, 0},
    LABEL(REASON_GROUP_MOVE, "異動の種別", 10),
    {"detail", "詳細", COL_TEXT, 50, 0},
};
static const column_spec form_columns[] = {
    {"control_no", "照会番号", COL_CONTROL_NO, 16, 0},
    {"kind", "種類", COL_TEXT, 9, 0},
    {"run_date", "処理日", COL_DATE, 11, 0},
    {"resident_id", "宛名番号", COL_NUMBER, 12, 0},
    {"name", "氏名", COL_TEXT, 16, 0},
    {"office", "窓口", COL_TEXT, 8, 0},
    {"notice_no", "通知番号", COL_TEXT, 17, 0},
    {"request_id", "申請番号", COL_NUMBER, 11, 0},
    {"valid_until", "有効期限", COL_DATE, 11, 0},
    {"returned_on", "回答の返送日", COL_DATE, 11, 0},
    {"return_scans", "読取回数", COL_NUMBER, 12, 0},
    {"undeliverable_on", "不達日", COL_DATE, 15, 0},
    {"voided_on", "無効日", COL_DATE, 11, 0},
    {"reissue_of", "再発行元", COL_CONTROL_NO, 16, 0},
    {"status", "状況コード", COL_TEXT, 16, 0},
    LABEL(REASON_GROUP_FORM_STATUS, "状況", 14),
};

static const column_spec return_columns[] = {
    {"notice_no", "通知番号", COL_TEXT, 17, 0},
    {"run_date", "処理日", COL_DATE, 11, 0},
    {"resident_id", "宛名番号", COL_NUMBER, 12, 0},
    {"name", "氏名", COL_TEXT, 16, 0},
    {"postal_code", "郵便番号", COL_CODE, 10, 0},
    {"office", "窓口", COL_TEXT, 8, 0},
    {"certificate_id", "証明書番号", COL_NUMBER, 14, 0},
    {"type", "種別コード", COL_TEXT, 10, 0},
    LABEL(REASON_GROUP_CERT_TYPE, "種別", 20),
    {"expiry", "有効期限", COL_DATE, 11, 0},
    {"returned_on", "返戻日", COL_DATE, 11, 0},
    {"reason", "返戻の理由", COL_TEXT, 40, 0},
    {"recorded_by", "記録者", COL_TEXT, 12, 0},
    {"address_changed", "住所の変更", COL_TEXT, 30, 0},
    {"as_of", "判定日", COL_DATE, 11, 0},
};

#define COUNT_OF(array) ((int)(sizeof(array) / sizeof((array)[0])))

static const sheet_spec data_sheets[] = {
    {XLSX_SHEET_NOTICES, "Notices", "通知", TALLY_NOTICES,
     "One row per noticed certificate, with the print file and page of its notice.",
     "通知した電子証明書ごとに1行。通知書の印刷ファイルとページを示します。",
     "(no notices in this period)", "（この期間の通知はありません）", notice_columns,
     COUNT_OF(notice_columns)},
    {XLSX_SHEET_EXCLUDED, "Excluded", "除外", TALLY_EXCLUDED,
     "One row per due certificate that got no notice, with its reason (docs/rules.md "
     "N4) and the detail for the clerk.",
     "期限が近いのに通知しなかった電子証明書ごとに1行。除外理由（docs/rules.md N4）と窓口向けの"
     "詳細を示します。詳細は処理した夜の言語で記録されたままです。",
     "(no exclusions in this period)", "（この期間の除外はありません）", excluded_columns,
     COUNT_OF(excluded_columns)},
    {XLSX_SHEET_MOVERS, "Recent movers", "転入・転居", TALLY_NONE,
     "recent_mover exclusions for the counter's follow-up (N5): the latest "
     "move in or within the city on or before the run date.",
     "窓口で確認する転入・転居による除外（recent_mover、N5）。処理日までの最新の転入・転居を"
     "示します。",
     "(no recent movers in this period)", "（この期間の転入・転居による除外はありません）",
     mover_columns, COUNT_OF(mover_columns)},
    {XLSX_SHEET_FORMS, "Forms", "照会書", TALLY_NONE,
     "One row per proxy form (照会書兼回答書) of the period's runs: enclosed with a notice, "
     "or an inquiry mailed for a proxy request. Returns, scans and voids as the ledger holds "
     "them when written; the status as of the period's end (an inquiry form is overdue when "
     "not answered more than form_overdue_days days after its run date; an enclosed form "
     "is never overdue, it expires).",
     "期間内の処理で作成した照会書兼回答書ごとに1行（通知書に同封したもの、代理人の申請により"
     "郵送したもの）。状況は期間の末日時点です（郵送した照会書は処理日から form_overdue_days "
     "日を過ぎても回答がなければ回答遅延、同封したものは有効期限切れになります）。",
     "(no forms in this period)", "（この期間の照会書はありません）", form_columns,
     COUNT_OF(form_columns)},
    {XLSX_SHEET_RETURNS, "Returned mail", "返戻", TALLY_NONE,
     "Notices the post office brought back (転送不要, 還付), one row per certificate of the "
     "notice, as the last run of the period judged them (as_of): address_changed is \"no\" "
     "while the resident's next letters are held back (returned_mail), else what lifted it "
     "(D90, D91).",
     "郵便局から返戻された通知書（転送不要・還付）。通知書の電子証明書ごとに1行、期間の最後の"
     "処理の判定（判定日）によります。住所の変更が no の間は次の通知を止めています"
     "（returned_mail）。",
     "(no returned notices in this period)", "（この期間の返戻はありません）", return_columns,
     COUNT_OF(return_columns)},
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
    bool ja;            /* a Japanese workbook */
    const char *footer; /* every sheet's footer: sheet, page of pages, period */
    const char *period; /* the period's text in the titles */
} sheet_writer;

/* The text of language: English or Japanese. */
static const char *in_language(const sheet_writer *writer, const char *en, const char *ja)
    __attribute__((format_arg(2))) __attribute__((format_arg(3)));
static const char *in_language(const sheet_writer *writer, const char *en, const char *ja)
{
    return writer->ja ? ja : en;
}

/* Whether the workbook has spec's column: label columns are the Japanese workbook's. */
static bool has_column(const sheet_writer *writer, const column_spec *spec)
{
    return spec->kind != COL_LABEL || writer->ja;
}

/* The fields the source gives a row of spec: its columns but the labels. */
static int field_count(const sheet_spec *spec)
{
    int fields = 0;
    for (int col = 0; col < spec->column_count; col++)
        fields += spec->columns[col].kind != COL_LABEL;
    return fields;
}

/* Every sheet prints (D114): A4 landscape, one page wide, the header row on every page
 * (header_row < 0: none), the footer. */
static lxw_error print_setup(const sheet_writer *writer, lxw_worksheet *sheet, int header_row)
{
    worksheet_set_landscape(sheet);
    worksheet_set_paper(sheet, 9); /* A4 */
    worksheet_fit_to_pages(sheet, 1, 0);
    worksheet_set_margins(sheet, 0.4, 0.4, 0.5, 0.6);
    lxw_error lxw_err = LXW_NO_ERROR;
    if (header_row >= 0)
        lxw_err = worksheet_repeat_rows(sheet, (lxw_row_t)header_row, (lxw_row_t)header_row);
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = worksheet_set_footer(sheet, writer->footer);
    return lxw_err;
}

/* Title, note, header, column widths, frozen header; the sheet's next free row is
 * FIRST_DATA_ROW. */
static kg_err sheet_start(const sheet_writer *writer, const sheet_spec *spec, const char *name,
                          lxw_worksheet **out, kg_errbuf *errbuf)
{
    lxw_worksheet *sheet = workbook_add_worksheet(writer->workbook, name);
    if (sheet == NULL)
        return xlsx_fail(LXW_ERROR_MEMORY_MALLOC_FAILED, "add a sheet to", writer->path, errbuf);
    char title[512];
    snprintf(title, sizeof(title),
             in_language(writer, "kigen audit: %s, %s (written %s)",
                         "kigen 監査資料：%s、%s（作成 %s）"),
             in_language(writer, spec->name, spec->name_ja), writer->period,
             writer->request->written_at);
    lxw_error lxw_err = LXW_NO_ERROR;
    lxw_col_t out_col = 0;
    for (int col = 0; col < spec->column_count && lxw_err == LXW_NO_ERROR; col++) {
        const column_spec *column = &spec->columns[col];
        if (!has_column(writer, column))
            continue;
        double width = column->width;
        if (writer->ja && column->kind == COL_DATE)
            width += WAREKI_EXTRA_WIDTH;
        lxw_err = worksheet_set_column(sheet, out_col, out_col, width, NULL);
        out_col++;
    }
    /* rows in order: constant memory flushes a row once a later one is written */
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = worksheet_write_string(sheet, TITLE_ROW, 0, title, writer->formats->title);
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = worksheet_write_string(sheet, NOTE_ROW, 0,
                                         in_language(writer, spec->note, spec->note_ja), NULL);
    out_col = 0;
    for (int col = 0; col < spec->column_count && lxw_err == LXW_NO_ERROR; col++) {
        const column_spec *column = &spec->columns[col];
        if (!has_column(writer, column))
            continue;
        lxw_err = worksheet_write_string(sheet, HEADER_ROW, out_col++,
                                         in_language(writer, column->header, column->header_ja),
                                         writer->formats->header);
    }
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = print_setup(writer, sheet, HEADER_ROW);
    worksheet_freeze_panes(sheet, FIRST_DATA_ROW, 0);
    *out = sheet;
    return lxw_err == LXW_NO_ERROR ? KG_OK : xlsx_fail(lxw_err, "write", writer->path, errbuf);
}

static kg_err sheet_finish(const sheet_writer *writer, lxw_worksheet *sheet, const sheet_spec *spec,
                           lxw_row_t next_row, long rows, kg_errbuf *errbuf)
{
    lxw_error lxw_err = LXW_NO_ERROR;
    if (rows == 0)
        lxw_err = worksheet_write_string(sheet, FIRST_DATA_ROW, 0,
                                         in_language(writer, spec->empty, spec->empty_ja), NULL);
    lxw_row_t last = rows == 0 ? FIRST_DATA_ROW : next_row - 1;
    int columns = 0;
    for (int col = 0; col < spec->column_count; col++)
        columns += has_column(writer, &spec->columns[col]);
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = worksheet_autofilter(sheet, HEADER_ROW, 0, last, (lxw_col_t)(columns - 1));
    return lxw_err == LXW_NO_ERROR ? KG_OK : xlsx_fail(lxw_err, "write", writer->path, errbuf);
}

/* Streams the source's rows of spec->sheet into the sheet (and continuation sheets
 * "Name 2"... past Excel's 1,048,576 rows). */
static kg_err write_data_sheet(const xlsx_audit_rows *source, const sheet_writer *writer,
                               const sheet_spec *spec, summary_tally *sum, long *rows_out,
                               kg_errbuf *errbuf)
{
    lxw_worksheet *sheet = NULL;
    const char *sheet_name = in_language(writer, spec->name, spec->name_ja);
    kg_err err = sheet_start(writer, spec, sheet_name, &sheet, errbuf);
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
            snprintf(name, sizeof(name), "%s %d", sheet_name, ++part);
            if (err == KG_OK)
                err = sheet_start(writer, spec, name, &sheet, errbuf);
            next_row = FIRST_DATA_ROW;
            sheet_rows = 0;
        }
        if (err == KG_OK && count != field_count(spec))
            err = kg_fail(errbuf, KG_ERR_INTERNAL,
                          _("unable to read a row of sheet '%s': %d fields, expected %d"),
                          spec->name, count, field_count(spec));
        if (err != KG_OK)
            break;
        tally_add(sum, spec->tally, fields);
        lxw_error lxw_err = LXW_NO_ERROR;
        lxw_col_t out_col = 0;
        for (int col = 0, field = 0; col < spec->column_count && lxw_err == LXW_NO_ERROR; col++) {
            const column_spec *column = &spec->columns[col];
            if (column->kind == COL_LABEL) { /* the code's label, beside it */
                if (writer->ja && field > 0 && fields[field - 1] != NULL)
                    lxw_err = worksheet_write_string(
                        sheet, next_row, out_col,
                        reasons_label(column->group, fields[field - 1], KG_LANG_JA), NULL);
                out_col += writer->ja;
                continue;
            }
            lxw_err =
                write_cell(sheet, next_row, out_col++, column, fields[field++], writer->formats);
        }
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
    column_spec spec = {"", "", kind, 0, REASON_GROUP_EXCLUSION};
    return write_cell(sheet, row, col, &spec, value, formats);
}

/* A chart of one column of the Summary, its categories from category_col, at at_row in the
 * first column: the caller puts a page break above it (D114). */
static void add_chart(const sheet_writer *writer, lxw_worksheet *sheet, uint8_t type,
                      const char *const texts[3], lxw_row_t first, lxw_row_t last,
                      lxw_col_t value_col, lxw_row_t at_row, lxw_col_t category_col)
{
    lxw_chart *chart = workbook_add_chart(writer->workbook, type);
    if (chart == NULL)
        return;
    const char *sheet_name = in_language(writer, "Summary", "概要");
    lxw_chart_series *series = chart_add_series(chart, NULL, NULL);
    if (series != NULL) {
        chart_series_set_categories(series, sheet_name, first, category_col, last, category_col);
        chart_series_set_values(series, sheet_name, first, value_col, last, value_col);
    }
    chart_title_set_name(chart, texts[0]);
    /* a bar chart's categories are its vertical axis, which libxlsxwriter calls y */
    lxw_chart_axis *category_axis = type == LXW_CHART_BAR ? chart->y_axis : chart->x_axis;
    lxw_chart_axis *value_axis = type == LXW_CHART_BAR ? chart->x_axis : chart->y_axis;
    chart_axis_set_name(category_axis, texts[1]);
    chart_axis_set_name(value_axis, texts[2]);
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    lxw_chart_options options = {.x_scale = 1.5, .y_scale = 1.5};
    worksheet_insert_chart_opt(sheet, at_row, 0, chart, &options);
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

#define CHART_PAGE_ROWS 26 /* rows of a chart's page: the chart (1.5 times 15 rows) and room */

static kg_err write_summary(const sheet_writer *writer, lxw_worksheet *sheet, summary_tally *sum,
                            kg_errbuf *errbuf)
{
    if (sum->failed)
        return kg_fail(errbuf, KG_ERR_NOMEM,
                       _("unable to tally the summary of '%s': more than "
                         "%d offices or run dates, or out of memory"),
                       writer->path, TALLY_MAX_ROWS);
    const audit_formats *formats = writer->formats;
    bool ja = writer->ja;
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

    char title[512];
    snprintf(title, sizeof(title),
             in_language(writer, "kigen audit: %s (written %s)", "kigen 監査資料：%s（作成 %s）"),
             writer->period, request->written_at);
    lxw_error lxw_err = worksheet_write_string(sheet, TITLE_ROW, 0, title, formats->title);
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = worksheet_write_string(
            sheet, NOTE_ROW, 0,
            run_count == 0
                ? in_language(writer, "This period has no recorded run: the workbook is empty.",
                              "この期間に記録された処理はありません。")
                : in_language(writer, "Counts from the ledger (kigen.runs, notices, exclusions).",
                              "件数は台帳（kigen.runs、notices、exclusions）によります。"),
            NULL);
    long totals[4] = {run_count, 0, 0, 0};
    for (size_t idx = 0; idx < sum->days.count; idx++) {
        totals[1] += sum->days.rows[idx].notices;
        totals[2] += sum->days.rows[idx].certificates;
        totals[3] += sum->days.rows[idx].excluded;
    }
    static const char *const total_names[2][4] = {
        {"runs in the period", "notices (residents)", "certificates noticed",
         "certificates excluded"},
        {"期間内の処理回数", "通知書（人）", "通知した電子証明書", "除外した電子証明書"}};
    lxw_row_t row = HEADER_ROW;
    for (int idx = 0; idx < 4 && lxw_err == LXW_NO_ERROR; idx++, row++) {
        lxw_err = worksheet_write_string(sheet, row, 0, total_names[ja][idx], NULL);
        if (lxw_err == LXW_NO_ERROR)
            lxw_err = worksheet_write_number(sheet, row, 1, (double)totals[idx], NULL);
    }

    /* exclusions per reason, every reason in the N4 order; in Japanese with its label
     * beside the code (then the count in the third column) */
    row++;
    lxw_row_t reason_header = row;
    static const char *const reason_headers[2][3] = {{"exclusion reason", "certificates", ""},
                                                     {"除外理由コード", "除外理由", "電子証明書"}};
    lxw_col_t count_col = ja ? 2 : 1;
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = write_headers(sheet, row++, reason_headers[ja], ja ? 3 : 2, formats);
    for (int reason = 0; reason < REASON__COUNT && lxw_err == LXW_NO_ERROR; reason++, row++) {
        const reason_entry *entry = reasons_exclusion(reason);
        lxw_err = worksheet_write_string(sheet, row, 0, entry->code, NULL);
        if (lxw_err == LXW_NO_ERROR && ja)
            lxw_err = worksheet_write_string(sheet, row, 1, entry->label_ja, NULL);
        if (lxw_err == LXW_NO_ERROR)
            lxw_err = worksheet_write_number(sheet, row, count_col, (double)sum->per_reason[reason],
                                             NULL);
    }
    lxw_row_t reason_first = reason_header + 1, reason_last = row - 1;

    /* per office, then per run date */
    static const char *const office_headers[2][5] = {
        {"office", "name", "notices", "certificates", "excluded"},
        {"窓口", "名称", "通知書", "電子証明書", "除外"}};
    static const char *const day_headers[2][5] = {
        {"run date", "label", "notices", "certificates", "excluded"},
        {"処理日", "表示", "通知書", "電子証明書", "除外"}};
    const tally *tables[] = {&sum->offices, &sum->days};
    const char *const *headers[] = {office_headers[ja], day_headers[ja]};
    lxw_row_t table_rows[2][2] = {{0, 0}, {0, 0}};
    for (int table_idx = 0; table_idx < 2 && lxw_err == LXW_NO_ERROR; table_idx++) {
        row++;
        lxw_row_t header = row;
        lxw_err = write_headers(sheet, row++, headers[table_idx], 5, formats);
        const tally *table = tables[table_idx];
        for (size_t idx = 0; idx < table->count && lxw_err == LXW_NO_ERROR; idx++, row++) {
            const tally_row *entry = &table->rows[idx];
            lxw_err = write_typed(sheet, row, 0, table_idx == 0 ? COL_TEXT : COL_DATE,
                                  entry->key[0] != '\0' ? entry->key
                                                        : in_language(writer, "(none)", "（なし）"),
                                  formats);
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
        table_rows[table_idx][0] = header + 1;
        table_rows[table_idx][1] = table->count > 0 ? row - 1 : 0;
    }

    /* the charts below the tables, each on a page of its own (D114) */
    static const char *const chart_texts[3][2][3] = {
        {{"Exclusions per reason", "reason", "certificates"},
         {"除外理由ごとの件数", "除外理由", "電子証明書"}},
        {{"Notices per office", "office", "notices"}, {"窓口ごとの通知書", "窓口", "通知書"}},
        {{"Notices per run date", "run date", "notices"},
         {"処理日ごとの通知書", "処理日", "通知書"}}};
    lxw_row_t breaks[4] = {0, 0, 0, 0};
    int break_count = 0;
    lxw_row_t chart_row = row + 1;
    if (lxw_err == LXW_NO_ERROR) {
        breaks[break_count++] = chart_row;
        add_chart(writer, sheet, LXW_CHART_BAR, chart_texts[0][ja], reason_first, reason_last,
                  count_col, chart_row, ja ? 1 : 0);
        chart_row += CHART_PAGE_ROWS;
    }
    for (int table_idx = 0; table_idx < 2 && lxw_err == LXW_NO_ERROR; table_idx++) {
        if (tables[table_idx]->count == 0)
            continue;
        breaks[break_count++] = chart_row;
        add_chart(writer, sheet, LXW_CHART_COLUMN, chart_texts[table_idx + 1][ja],
                  table_rows[table_idx][0], table_rows[table_idx][1], 2, chart_row,
                  table_idx == 1 ? 1 : 0);
        chart_row += CHART_PAGE_ROWS;
    }
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = worksheet_set_h_pagebreaks(sheet, breaks);
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = print_setup(writer, sheet, -1);
    return lxw_err == LXW_NO_ERROR ? KG_OK : xlsx_fail(lxw_err, "write", writer->path, errbuf);
}

/* ---- Forecast ------------------------------------------------------------------- */

static kg_err write_forecast(const sheet_writer *writer, kg_errbuf *errbuf)
{
    const forecast *fc = writer->request->forecast;
    const audit_formats *formats = writer->formats;
    const char *sheet_name = in_language(writer, "Forecast", "更新予測");
    lxw_worksheet *sheet = workbook_add_worksheet(writer->workbook, sheet_name);
    if (sheet == NULL)
        return xlsx_fail(LXW_ERROR_MEMORY_MALLOC_FAILED, "add a sheet to", writer->path, errbuf);
    if (fc == NULL) {
        lxw_error lxw_err = worksheet_write_string(
            sheet, TITLE_ROW, 0,
            in_language(writer, "kigen renewal-load forecast", "kigen 更新来庁者数の予測"),
            formats->title);
        if (lxw_err == LXW_NO_ERROR)
            lxw_err = worksheet_write_string(
                sheet, NOTE_ROW, 0,
                in_language(writer, "Not computed for this workbook (--no-forecast).",
                            "この資料では予測を計算していません（--no-forecast）。"),
                NULL);
        if (lxw_err == LXW_NO_ERROR)
            lxw_err = print_setup(writer, sheet, -1);
        return lxw_err == LXW_NO_ERROR ? KG_OK : xlsx_fail(lxw_err, "write", writer->path, errbuf);
    }
    size_t offices = fc->office_count;
    lxw_col_t total_col = (lxw_col_t)(offices + 1);
    worksheet_set_column(sheet, 0, 0, writer->ja ? 19 : 14, NULL);
    worksheet_set_column(sheet, 1, total_col, 9, NULL);
    char title[256], note[768], as_of[REASONS_DATE_SIZE];
    kg_language language = writer->ja ? KG_LANG_JA : KG_LANG_EN;
    reasons_date(language, fc->as_of, as_of);
    snprintf(title, sizeof(title),
             in_language(writer,
                         "kigen renewal-load forecast: expected counter visits per week, as of %s",
                         "kigen 更新来庁者数の予測：週ごとの窓口来庁見込み（%s 時点）"),
             as_of);
    snprintf(note, sizeof(note),
             in_language(writer,
                         "Certificates valid on %s, one visit per holder and expiry date, spread "
                         "evenly over the days of its renewal window still ahead, times a take-up "
                         "rate of %.2f (an assumption: kigen export --take-up). Weeks start on "
                         "Monday.",
                         "%s に有効な電子証明書について、所有者と有効期限ごとに1回の来庁を、更新"
                         "期間の残りの日に均等に割り振り、来庁率 %.2f（仮定の値：kigen export "
                         "--take-up）を掛けたものです。週は月曜日に始まります。"),
             as_of, fc->take_up);
    lxw_error lxw_err = worksheet_write_string(sheet, TITLE_ROW, 0, title, formats->title);
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = worksheet_write_string(sheet, NOTE_ROW, 0, note, NULL);
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = worksheet_write_string(sheet, HEADER_ROW, 0,
                                         in_language(writer, "week starting", "週の初日"),
                                         formats->header);
    for (size_t idx = 0; idx < offices && lxw_err == LXW_NO_ERROR; idx++)
        lxw_err = worksheet_write_string(sheet, HEADER_ROW, (lxw_col_t)(idx + 1),
                                         fc->offices[idx].office_code[0] != '\0'
                                             ? fc->offices[idx].office_code
                                             : in_language(writer, "(none)", "（なし）"),
                                         formats->header);
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = worksheet_write_string(sheet, HEADER_ROW, total_col,
                                         in_language(writer, "total", "合計"), formats->header);
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
        chart_series_set_categories(series, sheet_name, FIRST_DATA_ROW, 0, last, 0);
        chart_series_set_values(series, sheet_name, FIRST_DATA_ROW, (lxw_col_t)(idx + 1), last,
                                (lxw_col_t)(idx + 1));
        chart_series_set_name_range(series, sheet_name, HEADER_ROW, (lxw_col_t)(idx + 1));
    }
    if (chart != NULL) {
        chart_axis_set_num_format(chart->x_axis, "yyyy-mm-dd"); /* the weeks' Mondays */
        chart_title_set_name(chart,
                             in_language(writer, "Expected renewal visits per week and office",
                                         "窓口・週ごとの更新来庁見込み"));
        chart_axis_set_name(chart->x_axis, in_language(writer, "week starting", "週の初日"));
        chart_axis_set_name(chart->y_axis, in_language(writer, "expected visits", "来庁見込み"));
        lxw_chart_options options = {.x_scale = 1.5, .y_scale = 1.5};
        worksheet_insert_chart_opt(sheet, last + 2, 0, chart, &options);
    }
    /* the chart on a page of its own, below the table (D114) */
    lxw_row_t breaks[] = {last + 2, 0};
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = worksheet_set_h_pagebreaks(sheet, breaks);
    if (lxw_err == LXW_NO_ERROR)
        lxw_err = print_setup(writer, sheet, HEADER_ROW);
    return lxw_err == LXW_NO_ERROR ? KG_OK : xlsx_fail(lxw_err, "write", writer->path, errbuf);
}

/* ---- the workbook --------------------------------------------------------------- */

/* "run dates 2026-12-01 to 2026-12-31", "処理日 令和8年12月1日～令和8年12月31日". */
static void period_text(const xlsx_audit_request *request, char *buf, size_t cap)
{
    char from[REASONS_DATE_SIZE], to[REASONS_DATE_SIZE];
    reasons_date(request->language, request->from, from);
    reasons_date(request->language, request->to, to);
    if (request->language == KG_LANG_JA)
        snprintf(buf, cap, "処理日 %s～%s", from, to);
    else
        snprintf(buf, cap, "run dates %s to %s", from, to);
}

kg_err xlsx_audit_write(const xlsx_audit_request *request, const xlsx_audit_rows *source,
                        xlsx_audit_counts *counts, kg_errbuf *errbuf)
{
    kg_err err = KG_OK;
    lxw_workbook_options options = {.constant_memory = LXW_TRUE,
                                    .tmpdir = (char *)(uintptr_t)request->tmpdir,
                                    .use_zip64 = LXW_FALSE};
    lxw_workbook *workbook = workbook_new_opt(request->path, &options);
    if (workbook == NULL)
        return kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to create '%s': libxlsxwriter failed"),
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
    bool ja = request->language == KG_LANG_JA;
    formats.date = workbook_add_format(workbook);
    format_set_num_format(formats.date, ja ? WAREKI_FORMAT : "yyyy-mm-dd");
    formats.decimal = workbook_add_format(workbook);
    format_set_num_format(formats.decimal, "0.0");

    char period[256], footer[LXW_HEADER_FOOTER_MAX + 1];
    period_text(request, period, sizeof(period));
    /* left the sheet's name, centre page of pages, right the period ('&' doubled) */
    int used = snprintf(footer, sizeof(footer), "&L&A&C&P / &N&R");
    for (const char *ch = period; *ch != '\0' && used + 2 < (int)sizeof(footer); ch++) {
        if (*ch == '&')
            footer[used++] = '&';
        footer[used++] = *ch;
    }
    footer[used] = '\0';
    sheet_writer writer = {workbook, request->path, &formats, request, ja, footer, period};
    xlsx_audit_counts got = {0, 0, 0, 0, 0};
    long *sheet_counts[] = {&got.notices, &got.excluded, &got.movers, &got.forms, &got.returns};
    summary_tally sum;
    memset(&sum, 0, sizeof(sum));
    /* the Summary sheet comes first in the workbook but is written last, from the tallies
     * of the streamed sheets (constant-memory mode orders rows within a sheet only) */
    lxw_worksheet *summary = workbook_add_worksheet(workbook, ja ? "概要" : "Summary");
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
