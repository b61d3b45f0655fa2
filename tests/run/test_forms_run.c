/*
 * test_forms_run.c - the proxy forms of the nightly run (docs/rules.md section 5, issue 6):
 * one inquiry per proxy request for each procedure, its control number printed and
 * scannable (zbarimg reads the Code 128 back), the form enclosed as every notice's second
 * page, the registered-mail list, forms produced once (a re-run and the next nights add
 * none; a voided form is replaced by a new one), and an inquiry that cannot be mailed.
 * And the envelopes (D85): every sheet of a night's print files carries one QR Code that
 * zbarimg reads back, each envelope's sheets consecutive, complete and in order, as
 * inserts.csv lists them.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "test.h"

#define RUN_DATE "2026-12-01"

static int run_kigen(const char *date, const char *dir)
{
    char command_line[4096];
    snprintf(command_line, sizeof(command_line), "'%s' -q run --date %s --out '%s' >/dev/null 2>&1",
             test_kigen_bin(), date, dir);
    return test_run_shell(command_line, NULL);
}

/* The output of a shell command line; "" when it printed nothing (never NULL). A copy: GCC
 * cannot tell that test_run_shell does not store the address of its own argument. */
static char *shell(const char *command_line)
{
    char *output = NULL;
    test_run_shell(command_line, &output);
    char *copy = strdup(output != NULL ? output : "");
    free(output);
    CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
    return copy;
}

/* The first value of sql as text into out (cap bytes). */
static void query_text(const char *sql, char *out, size_t cap)
{
    db_conn *conn = NULL;
    kg_errbuf errbuf;
    out[0] = '\0';
    CU_ASSERT_EQUAL_FATAL(db_connect(NULL, &errbuf, &conn), KG_OK);
    db_result *result = NULL;
    CU_ASSERT_EQUAL_FATAL(db_query(conn, sql, 0, NULL, &errbuf, &result), KG_OK);
    if (db_result_rows(result) > 0 && db_result_value(result, 0, 0) != NULL)
        snprintf(out, cap, "%s", db_result_value(result, 0, 0));
    db_result_free(result);
    db_close(conn);
}

/* Adds proxy requests (CSV rows after the header) with kigen load. */
static void add_requests(const char *rows)
{
    char dir[] = "/tmp/kigen-test-extract-XXXXXX", path[256], command_line[1024];
    test_make_temp_dir(dir);
    snprintf(path, sizeof(path), "%s/proxy_requests.csv", dir);
    FILE *out = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    fprintf(out, "request_id,resident_id,kind,received_on,proxy_name\n%s", rows);
    fclose(out);
    snprintf(command_line, sizeof(command_line), "'%s' -q load '%s' >/dev/null 2>&1",
             test_kigen_bin(), dir);
    CU_ASSERT_EQUAL(test_run_shell(command_line, NULL), 0);
    test_remove_dir(dir);
}

/* "XXXX-XXXX-XXXX" of a 12-character control number. */
static void formatted(const char *control_no, char *out, size_t cap)
{
    snprintf(out, cap, "%.4s-%.4s-%.4s", control_no, control_no + 4, control_no + 8);
}

static void every_procedure_gets_its_inquiry_with_a_scannable_number(void)
{
    test_loaded_database();
    add_requests("990101,9005,issue,2026-11-26,代理 一郎\n"
                 "990102,9006,renew,2026-11-27,代理 二郎\n"
                 "990103,9007,pin_reset,2026-11-28,代理 三郎\n"
                 "990104,9008,unlock,2026-11-30,代理 四郎\n"
                 "990105,9014,renew,2026-12-02,明日 受付\n"); /* after the run date */
    char dir[] = "/tmp/kigen-test-forms-XXXXXX";
    test_make_temp_dir(dir);
    CU_ASSERT_EQUAL(run_kigen(RUN_DATE, dir), 0);
    /* the sample's two requests and the four above; not the one received after the date */
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.forms WHERE kind = 'inquiry' AND "
                                    "file IS NOT NULL"),
                    6);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.forms WHERE request_id = 990105"),
                    0);
    static const struct {
        long request;
        const char *procedure, *proxy, *received;
    } expected[] = {{990101, "電子証明書の発行", "代理 一郎", "令和8年11月26日"},
                    {990102, "電子証明書の更新", "代理 二郎", "令和8年11月27日"},
                    {990103, "暗証番号の再設定", "代理 三郎", "令和8年11月28日"},
                    {990104, "暗証番号のロック解除", "代理 四郎", "令和8年11月30日"}};
    for (size_t idx = 0; idx < sizeof(expected) / sizeof(expected[0]); idx++) {
        char sql[256], control_no[32], file[64], page[16], shown[20], command_line[2048];
        snprintf(sql, sizeof(sql), "SELECT control_no FROM kigen.forms WHERE request_id = %ld",
                 expected[idx].request);
        query_text(sql, control_no, sizeof(control_no));
        snprintf(sql, sizeof(sql), "SELECT file FROM kigen.forms WHERE request_id = %ld",
                 expected[idx].request);
        query_text(sql, file, sizeof(file));
        snprintf(sql, sizeof(sql), "SELECT page FROM kigen.forms WHERE request_id = %ld",
                 expected[idx].request);
        query_text(sql, page, sizeof(page));
        CU_ASSERT_EQUAL(strlen(control_no), 12);
        snprintf(command_line, sizeof(command_line),
                 "pdftotext -f %s -l %s '%s/%s/%s' - 2>/dev/null", page, page, dir, RUN_DATE, file);
        char *text = shell(command_line);
        test_contains(text, expected[idx].procedure);
        test_contains(text, expected[idx].proxy);
        test_contains(text, expected[idx].received);
        test_contains(text, "簡易書留・転送不要");
        test_contains(text, "照会書兼回答書");
        formatted(control_no, shown, sizeof(shown));
        test_contains(text, shown);
        free(text);
        /* the counter's scanner reads the printed number back */
        snprintf(command_line, sizeof(command_line),
                 "pdftoppm -r 300 -gray -f %s -l %s -singlefile -png '%s/%s/%s' '%s/scan' && "
                 "zbarimg -q -Sdisable -Scode128.enable '%s/scan.png' 2>/dev/null",
                 page, page, dir, RUN_DATE, file, dir, dir);
        char *scanned = shell(command_line);
        char want[64];
        snprintf(want, sizeof(want), "CODE-128:%s\n", control_no);
        CU_ASSERT_STRING_EQUAL(scanned, want);
        free(scanned);
    }
    /* the registered-mail list: one line per inquiry mailed */
    char command_line[1024];
    snprintf(command_line, sizeof(command_line), "tail -n +2 '%s/%s/registered-mail.csv' | wc -l",
             dir, RUN_DATE);
    char *lines = shell(command_line);
    CU_ASSERT_STRING_EQUAL(lines, "6\n");
    free(lines);
    snprintf(command_line, sizeof(command_line),
             "pdftotext '%s/%s/registered-mail.pdf' - 2>/dev/null", dir, RUN_DATE);
    char *list = shell(command_line);
    test_contains(list, "簡易書留（転送不要）差出票");
    test_contains(list, "計"); /* a total per sending office */
    test_contains(list, "代理人申請の照会");
    free(list);
    test_remove_dir(dir);
}

static void every_notice_encloses_its_form(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-forms-XXXXXX";
    test_make_temp_dir(dir);
    CU_ASSERT_EQUAL(run_kigen(RUN_DATE, dir), 0);
    long notices = test_query_long("SELECT count(*) FROM kigen.notices");
    CU_ASSERT(notices > 10);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.forms f JOIN kigen.notices n USING "
                                    "(notice_no) WHERE f.kind = 'enclosed' AND f.file = n.file AND "
                                    "f.page = n.page + 1 AND n.pages = 2"),
                    notices);
    /* valid until the earliest expiry of the notice's certificates */
    CU_ASSERT_EQUAL(
        test_query_long("SELECT count(*) FROM kigen.forms f WHERE f.kind = 'enclosed' "
                        "AND f.valid_until IS DISTINCT FROM (SELECT min(nc.expiry) FROM "
                        "kigen.notice_certificates nc WHERE nc.notice_no = f.notice_no)"),
        0);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(DISTINCT control_no) FROM kigen.forms"),
                    test_query_long("SELECT count(*) FROM kigen.forms"));
    /* page 2 of the first notice file is the first notice's form */
    char control_no[32], shown[20], command_line[1024];
    query_text("SELECT f.control_no FROM kigen.forms f JOIN kigen.notices n USING (notice_no) "
               "WHERE n.file = 'notices-K01-001.pdf' AND n.page = 1",
               control_no, sizeof(control_no));
    formatted(control_no, shown, sizeof(shown));
    snprintf(command_line, sizeof(command_line),
             "pdftotext -f 2 -l 2 '%s/%s/notices-K01-001.pdf' - 2>/dev/null", dir, RUN_DATE);
    char *text = shell(command_line);
    test_contains(text, "照会書兼回答書（代理人による更新用）");
    test_contains(text, shown);
    test_contains(text, "20261201-000001"); /* the notice it goes with */
    test_contains(text, "この用紙は");
    test_contains(text, "署名用電子証明書");
    free(text);
    test_remove_dir(dir);
}

static void forms_are_produced_once_and_a_voided_one_is_replaced(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-forms-XXXXXX";
    test_make_temp_dir(dir);
    CU_ASSERT_EQUAL(run_kigen(RUN_DATE, dir), 0);
    long forms = test_query_long("SELECT count(*) FROM kigen.forms");
    char first_list[1024];
    snprintf(first_list, sizeof(first_list), "cat '%s/%s/registered-mail.csv'", dir, RUN_DATE);
    char *before = shell(first_list);
    CU_ASSERT_EQUAL(run_kigen(RUN_DATE, dir), 0); /* the same night again */
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.forms"), forms);
    char *after = shell(first_list);
    CU_ASSERT_STRING_EQUAL(before, after);
    free(before);
    free(after);
    CU_ASSERT_EQUAL(run_kigen("2026-12-02", dir), 0); /* the next night: no second inquiry */
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.forms WHERE kind = 'inquiry'"), 2);
    /* a clerk voids request 990002's form (kigen forms reissue): the next night replaces it */
    char old[32];
    query_text("SELECT control_no FROM kigen.forms WHERE request_id = 990002", old, sizeof(old));
    CU_ASSERT_EQUAL(test_run_shell("psql -X -q -c \"UPDATE kigen.forms SET voided_on = "
                                   "'2026-12-02' WHERE request_id = 990002\" >/dev/null 2>&1",
                                   NULL),
                    0);
    CU_ASSERT_EQUAL(run_kigen("2026-12-03", dir), 0);
    char sql[256], reissue_of[32];
    snprintf(sql, sizeof(sql),
             "SELECT reissue_of FROM kigen.forms WHERE request_id = 990002 AND voided_on IS NULL "
             "AND run_date = '2026-12-03'");
    query_text(sql, reissue_of, sizeof(reissue_of));
    CU_ASSERT_STRING_EQUAL(reissue_of, old);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.forms WHERE kind = 'inquiry'"), 3);
    test_remove_dir(dir);
}

static void an_inquiry_that_cannot_be_mailed_is_recorded_with_its_problem(void)
{
    test_loaded_database();
    add_requests("990201,41,renew,2026-11-30,代理 花子\n"); /* 41 was removed (除票) */
    char dir[] = "/tmp/kigen-test-forms-XXXXXX";
    test_make_temp_dir(dir);
    CU_ASSERT_EQUAL(run_kigen(RUN_DATE, dir), 0);
    char problem[256];
    query_text("SELECT problem FROM kigen.forms WHERE request_id = 990201", problem,
               sizeof(problem));
    test_contains(problem, "no longer registered");
    CU_ASSERT_EQUAL(
        test_query_long("SELECT count(*) FROM kigen.forms WHERE request_id = 990201 AND "
                        "file IS NULL"),
        1);
    char command_line[1024];
    snprintf(command_line, sizeof(command_line), "cat '%s/%s/forms.csv'", dir, RUN_DATE);
    char *csv = shell(command_line);
    test_contains(csv, ",inquiry,,990201,41,");
    test_contains(csv, "no longer registered");
    free(csv);
    snprintf(command_line, sizeof(command_line), "grep -c 990201 '%s/%s/registered-mail.csv'", dir,
             RUN_DATE);
    char *count = shell(command_line);
    CU_ASSERT_STRING_EQUAL(count, "0\n");
    free(count);
    test_remove_dir(dir);
}

/* The sheet code's corner of the page at 300 dpi: the three templates put the code at x 180,
 * y 274 mm (13 mm a side, 2.5 mm quiet zone); the crop takes 170-210 by 264-297 mm. */
#define CODE_CROP "-r 300 -x 2008 -y 3118 -W 472 -H 390"

/* One envelope of inserts.csv, or one read from the sheets. */
typedef struct envelope_row {
    char file[64], envelope[32], kind[16];
    long sheets, first_page, last_page;
} envelope_row;

#define MAX_ENVELOPES 256

/* The next line of *cursor (its '\n' cut), advancing *cursor past it; NULL at the end or
 * for a last line without its '\n'. */
static char *next_line(char **cursor)
{
    char *line = *cursor;
    char *end = line != NULL ? strchr(line, '\n') : NULL;
    if (end == NULL)
        return NULL;
    *end = '\0';
    *cursor = end + 1;
    return line;
}

/* The fields of one CSV line of plain cells (no quotes) into cells (up to cap). */
static size_t split_cells(char *line, char **cells, size_t cap)
{
    size_t count = 0;
    for (char *pos = line; pos != NULL && count < cap;) {
        cells[count++] = pos;
        pos = strchr(pos, ',');
        if (pos != NULL)
            *pos++ = '\0';
    }
    return count;
}

/* inserts.csv of the run in dir into rows; how many. */
static size_t read_inserts(const char *dir, envelope_row *rows)
{
    char command_line[1024];
    snprintf(command_line, sizeof(command_line), "cat '%s/%s/inserts.csv'", dir, RUN_DATE);
    char *csv = shell(command_line);
    size_t count = 0;
    char *cursor = csv;
    char *line = next_line(&cursor);
    CU_ASSERT_PTR_NOT_NULL(line);
    if (line != NULL)
        CU_ASSERT_STRING_EQUAL(line, "file,envelope,kind,sheets,first_page,last_page");
    while ((line = next_line(&cursor)) != NULL && count < MAX_ENVELOPES) {
        char *cells[8];
        CU_ASSERT(split_cells(line, cells, 8) == 6);
        envelope_row *row = &rows[count++];
        snprintf(row->file, sizeof(row->file), "%s", cells[0]);
        snprintf(row->envelope, sizeof(row->envelope), "%s", cells[1]);
        snprintf(row->kind, sizeof(row->kind), "%s", cells[2]);
        row->sheets = strtol(cells[3], NULL, 10);
        row->first_page = strtol(cells[4], NULL, 10);
        row->last_page = strtol(cells[5], NULL, 10);
    }
    CU_ASSERT_STRING_EQUAL(cursor, ""); /* every line ends with its line feed */
    free(csv);
    return count;
}

/* The codes of every page of dir's print file name, read in their corner, into rows (from
 * *count on): exactly one code a page, each envelope's sheets consecutive and complete. The
 * file's pages into *pages. */
static void read_sheets(const char *dir, const char *name, envelope_row *rows, size_t *count,
                        long *pages)
{
    char command_line[4096];
    snprintf(command_line, sizeof(command_line),
             "rm -rf '%s/scan' && mkdir '%s/scan' && pdftoppm -gray -png " CODE_CROP
             " '%s/%s/%s' '%s/scan/p' && for p in '%s'/scan/p-*.png; do n=${p##*-}; "
             "n=${n%%.png}; zbarimg -q --raw -Sdisable -Sqrcode.enable \"$p\" 2>/dev/null "
             "| sed \"s/^/$n /\"; done",
             dir, dir, dir, RUN_DATE, name, dir, dir);
    char *codes = shell(command_line);
    snprintf(command_line, sizeof(command_line), "ls '%s/scan' | wc -l", dir);
    char *count_text = shell(command_line);
    *pages = strtol(count_text, NULL, 10);
    free(count_text);
    CU_ASSERT(*pages > 0);
    long expected_page = 1;
    envelope_row *open = NULL;
    char *cursor = codes;
    for (char *code = NULL; (code = next_line(&cursor)) != NULL;) {
        /* "NN envelope/sheet/sheets": one code a page, the pages in order */
        char *rest = NULL;
        long page = strtol(code, &rest, 10);
        CU_ASSERT_EQUAL(page, expected_page);
        expected_page = page + 1;
        char *envelope = rest + 1;
        char *slash = strchr(envelope, '/');
        CU_ASSERT_FATAL(slash != NULL);
        *slash = '\0';
        long sheet = strtol(slash + 1, &rest, 10);
        long sheets = strtol(rest + 1, NULL, 10);
        CU_ASSERT(sheet >= 1 && sheet <= sheets);
        if (sheet == 1) { /* a new envelope: the one before is complete */
            CU_ASSERT(open == NULL || open->last_page - open->first_page + 1 == open->sheets);
            CU_ASSERT_FATAL(*count < MAX_ENVELOPES);
            open = &rows[(*count)++];
            snprintf(open->file, sizeof(open->file), "%s", name);
            snprintf(open->envelope, sizeof(open->envelope), "%s", envelope);
            open->sheets = sheets;
            open->first_page = page;
        } else { /* the next sheet of the same envelope */
            CU_ASSERT_FATAL(open != NULL);
            CU_ASSERT_STRING_EQUAL(envelope, open->envelope);
            CU_ASSERT_EQUAL(sheets, open->sheets);
            CU_ASSERT_EQUAL(sheet, page - open->first_page + 1);
        }
        open->last_page = page;
    }
    CU_ASSERT_EQUAL(expected_page, *pages + 1); /* no page without its code */
    CU_ASSERT(open == NULL || open->last_page - open->first_page + 1 == open->sheets);
    free(codes);
}

static void every_sheet_carries_its_envelope_code_in_order(void)
{
    test_loaded_database();
    add_requests("990201,9005,issue,2026-11-26,代理 一郎\n"
                 "990202,9006,renew,2026-11-27,代理 二郎\n");
    char dir[] = "/tmp/kigen-test-inserts-XXXXXX";
    test_make_temp_dir(dir);
    CU_ASSERT_EQUAL_FATAL(run_kigen(RUN_DATE, dir), 0);
    static envelope_row listed[MAX_ENVELOPES], read[MAX_ENVELOPES];
    size_t listed_count = read_inserts(dir, listed), read_count = 0, files = 0;
    /* every notice and every inquiry mailed: one envelope each */
    CU_ASSERT_EQUAL((long)listed_count,
                    test_query_long("SELECT (SELECT count(*) FROM kigen.notices) + (SELECT "
                                    "count(*) FROM kigen.forms WHERE kind = 'inquiry' AND file "
                                    "IS NOT NULL)"));
    char command_line[4096];
    snprintf(command_line, sizeof(command_line), "cd '%s/%s' && ls notices-*.pdf forms-*.pdf", dir,
             RUN_DATE);
    char *names = shell(command_line);
    char *cursor = names;
    long pages_seen = 0;
    for (char *name = NULL; (name = next_line(&cursor)) != NULL;) {
        files++;
        size_t first = read_count;
        long pages = 0;
        read_sheets(dir, name, read, &read_count, &pages);
        pages_seen += pages;
        /* the whole of the file's first page holds that one code and no other QR Code */
        snprintf(command_line, sizeof(command_line),
                 "pdftoppm -r 150 -gray -png -f 1 -l 1 -singlefile '%s/%s/%s' '%s/whole' && "
                 "zbarimg -q -Sdisable -Sqrcode.enable '%s/whole.png' 2>/dev/null",
                 dir, RUN_DATE, name, dir, dir);
        char *whole = shell(command_line);
        char want[96] = "";
        if (first < read_count)
            snprintf(want, sizeof(want), "QR-Code:%s/1/%ld\n", read[first].envelope,
                     read[first].sheets);
        CU_ASSERT_STRING_EQUAL(whole, want);
        free(whole);
    }
    free(names);
    CU_ASSERT(files >= 4); /* the three offices' notices and the inquiries */
    CU_ASSERT_EQUAL(pages_seen, test_query_long("SELECT (SELECT sum(pages) FROM kigen.notices) + "
                                                "(SELECT count(*) FROM kigen.forms WHERE kind = "
                                                "'inquiry' AND file IS NOT NULL)"));
    /* what the sheets say is what inserts.csv lists, envelope by envelope, in order */
    CU_ASSERT_EQUAL(read_count, listed_count);
    for (size_t idx = 0; idx < read_count && idx < listed_count; idx++) {
        CU_ASSERT_STRING_EQUAL(read[idx].file, listed[idx].file);
        CU_ASSERT_STRING_EQUAL(read[idx].envelope, listed[idx].envelope);
        CU_ASSERT_EQUAL(read[idx].sheets, listed[idx].sheets);
        CU_ASSERT_EQUAL(read[idx].first_page, listed[idx].first_page);
        CU_ASSERT_EQUAL(read[idx].last_page, listed[idx].last_page);
        bool inquiry = strncmp(listed[idx].file, "forms-", 6) == 0;
        CU_ASSERT_STRING_EQUAL(listed[idx].kind, inquiry ? "inquiry" : "notice");
        CU_ASSERT_EQUAL(listed[idx].sheets, inquiry ? 1 : 2); /* the notice and its form */
    }
    /* inserts.csv is in the manifest, and kigen verify checks it */
    snprintf(command_line, sizeof(command_line),
             "grep -c '\"name\": \"inserts.csv\", \"rows\": %zu,' '%s/%s/manifest.json' && '%s' "
             "verify '%s/%s' >/dev/null && echo 'x' >>'%s/%s/inserts.csv' && '%s' verify '%s/%s' "
             "2>/dev/null",
             listed_count, dir, RUN_DATE, test_kigen_bin(), dir, RUN_DATE, dir, RUN_DATE,
             test_kigen_bin(), dir, RUN_DATE);
    char *verified = shell(command_line);
    test_contains(verified, "1\n");
    test_contains(verified, "changed: inserts.csv");
    free(verified);
    test_remove_dir(dir);
}

/* Writes text into dir/name. */
static void write_text(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *out = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    fputs(text, out);
    fclose(out);
}

/* Runs `kigen run --date date --out dir/out --config dir/config`; its stderr into *log (the
 * caller frees it) when log is not NULL. The exit status. */
static int run_with_config(const char *date, const char *dir, const char *out, const char *config,
                           char **log)
{
    char command_line[4096];
    snprintf(command_line, sizeof(command_line),
             "'%s' run --date %s --out '%s/%s' --config '%s/%s' 2>&1 >/dev/null", test_kigen_bin(),
             date, dir, out, dir, config);
    char *output = NULL;
    int status = test_run_shell(command_line, &output);
    if (log != NULL)
        *log = output != NULL ? output : strdup("");
    else
        free(output);
    return status;
}

/* The CSV files a person opens (D115-D118): in Japanese, a UTF-8 BOM on each of them but
 * inserts.csv (the inserting machine's, matched byte for byte with the sheets' codes), the
 * control numbers as XXXX-XXXX-XXXX; LibreOffice reads the Japanese back intact; the
 * manifest describes the bytes written, so kigen verify passes; a re-run of the night
 * under another configuration writes the very same bytes (the form is stored with the
 * run); and with csv_encoding = cp932 a name with 𠮷 (U+20BB7, none in CP932) is written
 * as 〓 with a warning naming the file, the row, the column and the character, while the
 * night finishes. */
static void csv_files_open_in_excel_in_the_form_the_night_stored(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-csv-XXXXXX", command_line[4096];
    test_make_temp_dir(dir);
    write_text(dir, "ja.conf", "language = ja\n");
    write_text(dir, "cp932.conf", "language = en\ncsv_encoding = cp932\n");
    CU_ASSERT_EQUAL(run_with_config(RUN_DATE, dir, "out", "ja.conf", NULL), 0);
    static const char *const for_people[] = {"notices.csv",  "excluded.csv",
                                             "findings.csv", "districts.csv",
                                             "forms.csv",    "registered-mail.csv"};
    for (size_t idx = 0; idx < sizeof(for_people) / sizeof(for_people[0]); idx++) {
        snprintf(command_line, sizeof(command_line), "head -c 3 '%s/out/%s/%s' | od -An -tx1", dir,
                 RUN_DATE, for_people[idx]);
        char *start = shell(command_line);
        CU_ASSERT_STRING_EQUAL(start, " ef bb bf\n");
        free(start);
    }
    snprintf(command_line, sizeof(command_line), "head -c 5 '%s/out/%s/inserts.csv'", dir,
             RUN_DATE);
    char *start = shell(command_line);
    CU_ASSERT_STRING_EQUAL(start, "file,");
    free(start);
    /* control numbers as printed in forms.csv and registered-mail.csv (each row); as the
     * sheets' codes carry them in inserts.csv */
    long forms = test_query_long("SELECT count(*) FROM kigen.forms");
    long inquiries = test_query_long(
        "SELECT count(*) FROM kigen.forms WHERE kind = 'inquiry' AND file IS NOT NULL");
    CU_ASSERT_TRUE(inquiries > 0);
    snprintf(command_line, sizeof(command_line),
             "grep -cE '^([^,]*\xEF\xBB\xBF)?[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4},' "
             "'%s/out/%s/forms.csv'; grep -cE '^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4},' "
             "'%s/out/%s/registered-mail.csv'; grep -cE ',[0-9A-Z]{12},inquiry,' "
             "'%s/out/%s/inserts.csv'",
             dir, RUN_DATE, dir, RUN_DATE, dir, RUN_DATE);
    char *counts = shell(command_line), expected[128];
    snprintf(expected, sizeof(expected), "%ld\n%ld\n%ld\n", forms, inquiries, inquiries);
    CU_ASSERT_STRING_EQUAL(counts, expected);
    free(counts);
    snprintf(command_line, sizeof(command_line), "'%s' verify '%s/out/%s' >/dev/null 2>&1",
             test_kigen_bin(), dir, RUN_DATE);
    CU_ASSERT_EQUAL(test_run_shell(command_line, NULL), 0);
    /* LibreOffice (headless) converts registered-mail.csv, read as UTF-8 (CSV filter
     * charset 76: LibreOffice 7.4 takes the charset from its options, not from the BOM, as
     * Excel does), to a workbook: the BOM is consumed (the first header is control_no, not
     * U+FEFF and control_no), the office names, addresses and names read back as the CSV
     * holds them */
    snprintf(command_line, sizeof(command_line),
             "cd '%s' && cp 'out/%s/registered-mail.csv' list.csv && HOME='%s' timeout 120 soffice "
             "-env:UserInstallation=file://%s/lo --headless --infilter=CSV:44,34,76 --convert-to "
             "xlsx --outdir '%s' list.csv >/dev/null 2>&1 && /usr/bin/python3 -c \"\n"
             "import csv, openpyxl\n"
             "rows = list(csv.reader(open('list.csv', encoding='utf-8-sig')))\n"
             "sheet = openpyxl.load_workbook('list.xlsx').active\n"
             "cells = [[str(c.value) for c in row] for row in sheet.iter_rows()]\n"
             "same = all(cells[r][c] == rows[r][c] for r in range(len(rows)) for c in (0, 2, 4, "
             "5))\n"
             "japanese = all('\\u3000' in row[5] for row in rows[1:])\n"
             "print(len(rows), len(cells), repr(cells[0][0]), same, japanese)\"",
             dir, RUN_DATE, dir, dir, dir);
    char *libreoffice = shell(command_line);
    snprintf(expected, sizeof(expected), "%ld %ld 'control_no' True True\n", inquiries + 1,
             inquiries + 1);
    CU_ASSERT_STRING_EQUAL(libreoffice, expected);
    if (strcmp(libreoffice, expected) != 0)
        fprintf(stderr, "\nLibreOffice: %s\n", libreoffice);
    free(libreoffice);
    /* the night again under CP932 and English: the bytes it wrote first */
    CU_ASSERT_EQUAL(run_with_config(RUN_DATE, dir, "again", "cp932.conf", NULL), 0);
    snprintf(command_line, sizeof(command_line),
             "cd '%s' && for f in out/%s/*.csv; do cmp \"$f\" again/%s/$(basename \"$f\") || "
             "echo differs; done",
             dir, RUN_DATE, RUN_DATE);
    char *differs = shell(command_line);
    CU_ASSERT_STRING_EQUAL(differs, "");
    free(differs);
    /* the next night in CP932: resident 9006 is now 𠮷田, with a proxy request */
    CU_ASSERT_EQUAL(test_run_shell("psql -X -q -c \"UPDATE kigen.residents SET family_name = "
                                   "'𠮷田' WHERE resident_id = 9006\" >/dev/null 2>&1",
                                   NULL),
                    0);
    add_requests("990301,9006,renew,2026-12-01,代理 一郎\n");
    char *log = NULL;
    CU_ASSERT_EQUAL(run_with_config("2026-12-02", dir, "out", "cp932.conf", &log), 0);
    char control_no[32];
    query_text("SELECT control_no FROM kigen.forms WHERE request_id = 990301", control_no,
               sizeof(control_no));
    CU_ASSERT_EQUAL(strlen(control_no), 12);
    snprintf(command_line, sizeof(command_line),
             "grep -an '%.4s-%.4s-%.4s' '%s/out/2026-12-02/registered-mail.csv' | cut -d: -f1",
             control_no, control_no + 4, control_no + 8, dir);
    char *row = shell(command_line);
    CU_ASSERT_STRING_NOT_EQUAL(row, "");
    row[strcspn(row, "\n")] = '\0';
    snprintf(expected, sizeof(expected),
             "/out/2026-12-02/registered-mail.csv' row %s, column 6: U+20BB7 (𠮷) has no CP932 "
             "form; written as 〓 (U+3013)\n",
             row);
    test_contains(log, expected);
    test_contains(log, "1 character(s) have no CP932 form and are written as 〓 (U+3013)\n");
    test_contains(log, "HINT: csv_encoding = utf8 writes every character");
    /* a configuration that differs in its CSV form alone decides nothing afresh (D117) */
    test_contains(log, "\"csv_bom\": false, \"csv_encoding\": \"cp932\"}");
    CU_ASSERT_PTR_NULL(strstr(log, "configuration or version differs"));
    free(log);
    /* the file is CP932 (no BOM): 〓田 where 𠮷田 was, never '?' */
    snprintf(command_line, sizeof(command_line),
             "sed -n %sp '%s/out/2026-12-02/registered-mail.csv' | iconv -f CP932 -t UTF-8 | cut "
             "-d, -f6",
             row, dir);
    char *name = shell(command_line);
    CU_ASSERT_EQUAL(strncmp(name, "〓田", strlen("〓田")), 0);
    free(name);
    /* and LibreOffice reads the CP932 file (charset 60, MS 932) as Japanese */
    snprintf(command_line, sizeof(command_line),
             "cd '%s' && cp out/2026-12-02/registered-mail.csv sjis.csv && HOME='%s' timeout 120 "
             "soffice -env:UserInstallation=file://%s/lo --headless --infilter=CSV:44,34,60 "
             "--convert-to xlsx --outdir '%s' sjis.csv >/dev/null 2>&1 && /usr/bin/python3 -c "
             "\"\nimport openpyxl\nsheet = openpyxl.load_workbook('sjis.xlsx').active\n"
             "print(sheet.cell(row=%s, column=6).value)\"",
             dir, dir, dir, dir, row);
    char *read_back = shell(command_line);
    CU_ASSERT_EQUAL(strncmp(read_back, "〓田", strlen("〓田")), 0);
    if (strncmp(read_back, "〓田", strlen("〓田")) != 0)
        fprintf(stderr, "\nLibreOffice read: %s\n", read_back);
    free(read_back);
    free(row);
    snprintf(command_line, sizeof(command_line),
             "head -c 3 '%s/out/2026-12-02/notices.csv' | od -An -tx1; '%s' verify "
             "'%s/out/2026-12-02' >/dev/null 2>&1; echo $?",
             dir, test_kigen_bin(), dir);
    char *checked = shell(command_line);
    test_contains(checked, "\n0\n");
    CU_ASSERT_PTR_NULL(strstr(checked, "ef bb bf"));
    free(checked);
    test_remove_dir(dir);
}

int tests_register_forms_run(void)
{
    static const test_case cases[] = {
        {"csv_files_open_in_excel_in_the_form_the_night_stored",
         csv_files_open_in_excel_in_the_form_the_night_stored},
        {"every_procedure_gets_its_inquiry_with_a_scannable_number",
         every_procedure_gets_its_inquiry_with_a_scannable_number},
        {"every_notice_encloses_its_form", every_notice_encloses_its_form},
        {"forms_are_produced_once_and_a_voided_one_is_replaced",
         forms_are_produced_once_and_a_voided_one_is_replaced},
        {"an_inquiry_that_cannot_be_mailed_is_recorded_with_its_problem",
         an_inquiry_that_cannot_be_mailed_is_recorded_with_its_problem},
        {"every_sheet_carries_its_envelope_code_in_order",
         every_sheet_carries_its_envelope_code_in_order},
        {NULL, NULL},
    };
    return tests_add_suite("forms_run", cases);
}
