/*
 * test_xlsx_audit.c - the auditor workbook read back by a real reader (openpyxl, through
 * tests/xlsx_dump.py) against the embedded PostgreSQL: cell values and types equal the
 * ledger, the charts exist, an empty period gives a valid workbook that says so, and
 * `kigen export` covers exactly the runs of its period; the Japanese workbook and the
 * English one from rows in memory, and a 100-row Notices sheet printed by LibreOffice.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db/db.h"
#include "render/xlsx_audit.h"
#include "test.h"

#define RUN_DATE "2026-12-01"

static int kigen(const char *args)
{
    char command_line[8192];
    snprintf(command_line, sizeof(command_line), "'%s' -q %s >/dev/null 2>&1", test_kigen_bin(),
             args);
    return test_run_shell(command_line, NULL);
}

/* What openpyxl reads from the workbook at path (the caller frees it). */
static char *dump(const char *path)
{
    char script[1024], command_line[4096];
    snprintf(command_line, sizeof(command_line), "/usr/bin/python3 '%s' '%s'",
             test_root_path("tests/xlsx_dump.py", script, sizeof(script)), path);
    char *text = NULL;
    CU_ASSERT_EQUAL(test_run_shell(command_line, &text), 0);
    return text;
}

static void has_line(const char *text, const char *line)
{
    char wanted[1024];
    snprintf(wanted, sizeof(wanted), "\n%s\n", line);
    int found = text != NULL && strstr(text, wanted) != NULL;
    CU_ASSERT(found);
    if (!found)
        fprintf(stderr, "\nmissing in the workbook: %s\n", line);
}

/* Every row of sql (tab-separated columns) as "Sheet<TAB>Xn<TAB>type<TAB>value" lines
 * expected in the dump, starting at sheet row 5; types[] gives each column's cell type
 * (n, s, d). Returns the number of rows. */
static int expect_rows(const char *text, const char *sheet, const char *sql, const char *types)
{
    db_conn *conn = NULL;
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL_FATAL(db_connect(NULL, &errbuf, &conn), KG_OK);
    db_result *result = NULL;
    CU_ASSERT_EQUAL_FATAL(db_query(conn, sql, 0, NULL, &errbuf, &result), KG_OK);
    int rows = db_result_rows(result);
    for (int row = 0; row < rows; row++)
        for (int col = 0; types[col] != '\0'; col++) {
            const char *value = db_result_value(result, row, col);
            if (value == NULL || value[0] == '\0')
                continue; /* an empty cell: not in the dump */
            char line[1024];
            snprintf(line, sizeof(line), "%s\t%c%d\t%c\t%s", sheet, 'A' + col, row + 5, types[col],
                     value);
            has_line(text, line);
        }
    db_result_free(result);
    db_close(conn);
    return rows;
}

/* The Forms sheet as the ledger says it should be, period end and overdue days given:
 * the control numbers printed, the status worked out here independently of the
 * workbook's query (D44, D58). */
#define FORMS_EXPECTED_SQL(period_end, overdue_days)                                               \
    "SELECT substr(f.control_no, 1, 4) || '-' || substr(f.control_no, 5, 4) || '-' || "            \
    "substr(f.control_no, 9, 4), f.kind, f.run_date, f.resident_id, f.family_name || '　' || "    \
    "f.given_name, f.office_code, f.notice_no, f.request_id, f.valid_until, f.returned_on, "       \
    "f.return_scans, f.undeliverable_on, f.voided_on, substr(f.reissue_of, 1, 4) || '-' || "       \
    "substr(f.reissue_of, 5, 4) || '-' || substr(f.reissue_of, 9, 4), CASE WHEN voided_on IS "     \
    "NOT NULL THEN 'void (reissued)' WHEN returned_on IS NOT NULL THEN 'returned' WHEN "           \
    "undeliverable_on IS NOT NULL THEN 'undeliverable' WHEN kind = 'enclosed' AND valid_until "    \
    "< " period_end "::date THEN 'expired' WHEN kind = 'inquiry' AND run_date + " #overdue_days    \
    " < " period_end "::date THEN 'overdue' ELSE 'outstanding' END FROM kigen.forms f ORDER BY "   \
    "f.run_date, f.file, f.page, f.control_no"
#define FORMS_CELL_TYPES "ssdnsssnddnddss"

static void run_workbook_cells_equal_the_ledger(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-xlsx-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char args[4096], path[1024];
    snprintf(args, sizeof(args), "run --date %s --out '%s'", RUN_DATE, dir);
    CU_ASSERT_EQUAL(kigen(args), 0);
    snprintf(path, sizeof(path), "%s/%s/audit.xlsx", dir, RUN_DATE);
    struct stat info;
    CU_ASSERT_EQUAL_FATAL(stat(path, &info), 0);
    CU_ASSERT_EQUAL(info.st_mode & 077, 0);
    char *text = dump(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    /* notices: text ids, real dates, numbers, postal codes as text, Japanese intact */
    int notices = expect_rows(
        text, "Notices",
        "SELECT n.notice_no, n.run_date, n.resident_id, coalesce(n.family_name, r.family_name) || "
        "'　' || coalesce(n.given_name, r.given_name), coalesce(n.postal_code, r.postal_code), "
        "n.office_code, nc.certificate_id, c.type, nc.expiry, nc.window_open, "
        "nc.cause FROM kigen.notices n JOIN kigen.notice_certificates nc USING (notice_no) JOIN "
        "kigen.certificates c USING (certificate_id) JOIN kigen.residents r ON r.resident_id = "
        "n.resident_id ORDER BY n.notice_no, nc.certificate_id",
        "sdnsssnsdds");
    CU_ASSERT(notices > 10);
    /* Japanese text intact, as a string cell (its row follows the print order) */
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\ts\t佐藤　一郎\n"));
    has_line(text, "Notices\tB5\td\t2026-12-01");
    int excluded = expect_rows(text, "Excluded",
                               "SELECT '2026-12-01', e.resident_id, r.family_name || '　' || "
                               "r.given_name, r.office_code, r.postal_code, e.certificate_id, "
                               "c.type, e.expiry, e.reason, e.detail FROM kigen.exclusions e "
                               "JOIN kigen.certificates c USING (certificate_id) JOIN "
                               "kigen.residents r ON r.resident_id = e.resident_id ORDER BY "
                               "e.resident_id, e.certificate_id",
                               "dnsssnsdss");
    CU_ASSERT(excluded > 10);
    /* the mover of samples/README.md, with the move from the data */
    has_line(text, "Recent movers\tB5\tn\t9011");
    has_line(text, "Recent movers\tI5\td\t2026-08-20");
    has_line(text, "Recent movers\tJ5\ts\twithin"); /* the code; its label in Japanese */
    /* Forms: the run date's forms, as many as kigen.forms holds (D44) */
    int forms =
        expect_rows(text, "Forms", FORMS_EXPECTED_SQL("'" RUN_DATE "'", 30), FORMS_CELL_TYPES);
    if (forms == 0)
        has_line(text, "Forms\tA5\ts\t(no forms in this period)");
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "Forms\tA2\ts\tOne row per proxy form (照会書兼回答書)"));
    /* Summary totals and the forecast's weeks (first Monday after the run date) */
    has_line(text, "Summary\tB4\tn\t1");
    has_line(text, "Forecast\tA5\td\t2026-12-07");
    has_line(text, "Forecast\tA30\td\t2027-05-31");
    has_line(text, "Forecast\tB4\ts\tK01");
    /* frozen header, autofilter over the rows, charts */
    has_line(text, "#freeze\tNotices\tA5");
    char filter[64];
    snprintf(filter, sizeof(filter), "#filter\tNotices\tA4:M%d", notices + 4);
    has_line(text, filter);
    has_line(text, "#part\txl/charts/chart1.xml");
    has_line(text, "#part\txl/charts/chart4.xml");
    /* the manifest lists it */
    snprintf(path, sizeof(path), "%s/%s/manifest.json", dir, RUN_DATE);
    char *manifest = test_read_file(path);
    CU_ASSERT_PTR_NOT_NULL(manifest != NULL ? strstr(manifest, "\"name\": \"audit.xlsx\"") : NULL);
    free(manifest);
    free(text);
    snprintf(args, sizeof(args), "rm -rf '%s'", dir);
    test_run_shell(args, NULL);
}

static void empty_period_gives_a_valid_workbook_that_says_so(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-xlsx-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char args[4096], path[1024];
    snprintf(path, sizeof(path), "%s/empty.xlsx", dir);
    snprintf(args, sizeof(args), "'%s' -q export --from 2020-01-01 --to 2020-01-31 --xlsx '%s'",
             test_kigen_bin(), path);
    char *summary = NULL; /* every sheet's rows counted, the returns too */
    CU_ASSERT_EQUAL(test_run_shell(args, &summary), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(summary);
    test_contains(summary, ": 0 notice rows, 0 exclusions, 0 recent movers, 0 forms, 0 "
                           "returned-mail rows\n");
    free(summary);
    char *text = dump(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    has_line(text, "Summary\tA2\ts\tThis period has no recorded run: the workbook is empty.");
    has_line(text, "Summary\tB4\tn\t0");
    has_line(text, "Notices\tA5\ts\t(no notices in this period)");
    has_line(text, "Excluded\tA5\ts\t(no exclusions in this period)");
    has_line(text, "#part\txl/charts/chart1.xml");
    CU_ASSERT_PTR_NULL(strstr(text, "Notices\tA6"));
    /* no temporary name or scratch directory is left beside it */
    char *listing = NULL;
    snprintf(args, sizeof(args), "ls -A '%s'", dir);
    test_run_shell(args, &listing);
    CU_ASSERT_STRING_EQUAL(listing != NULL ? listing : "", "empty.xlsx\n");
    free(listing);
    free(text);
    snprintf(args, sizeof(args), "rm -rf '%s'", dir);
    test_run_shell(args, NULL);
}

static void export_covers_exactly_the_runs_of_its_period(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-xlsx-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char args[4096], path[1024];
    snprintf(args, sizeof(args), "run --date 2026-10-15 --out '%s'", dir);
    CU_ASSERT_EQUAL(kigen(args), 0);
    snprintf(args, sizeof(args), "run --date %s --out '%s'", RUN_DATE, dir);
    CU_ASSERT_EQUAL(kigen(args), 0);
    snprintf(path, sizeof(path), "%s/both.xlsx", dir);
    snprintf(args, sizeof(args), "export --from 2026-10-01 --to 2026-12-31 --xlsx '%s'", path);
    CU_ASSERT_EQUAL(kigen(args), 0);
    char *text = dump(path);
    has_line(text, "Summary\tB4\tn\t2");
    int both = expect_rows(text, "Notices",
                           "SELECT n.notice_no, n.run_date FROM kigen.notices n JOIN "
                           "kigen.notice_certificates nc USING (notice_no) ORDER BY "
                           "n.notice_no, nc.certificate_id",
                           "sd");
    CU_ASSERT(both > 0);
    char line[64];
    snprintf(line, sizeof(line), "Summary\tB6\tn\t%d", both);
    has_line(text, line);
    free(text);
    snprintf(path, sizeof(path), "%s/december.xlsx", dir);
    snprintf(args, sizeof(args), "export --from 2026-11-01 --to 2026-12-31 --xlsx '%s'", path);
    CU_ASSERT_EQUAL(kigen(args), 0);
    text = dump(path);
    has_line(text, "Summary\tB4\tn\t1");
    CU_ASSERT_PTR_NULL(text != NULL ? strstr(text, "\td\t2026-10-15\n") : NULL);
    free(text);
    /* usage errors */
    CU_ASSERT_EQUAL(kigen("export --from 2026-12-02 --to 2026-12-01 --xlsx /tmp/x.xlsx"), 2);
    CU_ASSERT_EQUAL(kigen("export --from 2026-12-01 --to 2026-12-01"), 2);
    CU_ASSERT_EQUAL(kigen("export --from 2026-12-01 --to 2026-12-01 --xlsx /tmp/x.xlsx "
                          "--take-up 1.5"),
                    2);
    snprintf(args, sizeof(args), "rm -rf '%s'", dir);
    test_run_shell(args, NULL);
}

static void exec_sql(const char *sql)
{
    db_conn *conn = NULL;
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL_FATAL(db_connect(NULL, &errbuf, &conn), KG_OK);
    kg_err err = db_query(conn, sql, 0, NULL, &errbuf, NULL);
    if (err != KG_OK)
        fprintf(stderr, "\n%s\n", errbuf.text);
    CU_ASSERT_EQUAL(err, KG_OK);
    db_close(conn);
}

static void forms_sheet_equals_the_ledger_with_each_status(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-xlsx-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char args[4096], path[1024];
    snprintf(args, sizeof(args), "run --date %s --out '%s' --no-render", RUN_DATE, dir);
    CU_ASSERT_EQUAL(kigen(args), 0);
    /* forms as the nightly run records them (sql/007): an enclosed form per notice, an
     * inquiry form per proxy request (two more requests, run on 12-02 and 12-03), then
     * what the counter did with them; the run's own forms are replaced by these, whose
     * dates the test sets */
    exec_sql("DELETE FROM kigen.forms");
    exec_sql("INSERT INTO kigen.proxy_requests (request_id, resident_id, kind, received_on, "
             "proxy_name) VALUES (990003, 9005, 'issue', '2026-12-01', '鈴木 一'), "
             "(990004, 9006, 'unlock', '2026-12-02', '田中 二郎')");
    exec_sql("INSERT INTO kigen.forms (control_no, kind, notice_no, run_id, run_date, "
             "resident_id, office_code, family_name, given_name, postal_code, address, "
             "valid_until, file, page) SELECT kigen.new_control_no(), 'enclosed', n.notice_no, "
             "n.run_id, n.run_date, n.resident_id, n.office_code, n.family_name, n.given_name, "
             "n.postal_code, n.address, (SELECT min(nc.expiry) FROM kigen.notice_certificates nc "
             "WHERE nc.notice_no = n.notice_no), n.file, n.page FROM kigen.notices n");
    exec_sql("INSERT INTO kigen.forms (control_no, kind, request_id, run_id, run_date, "
             "resident_id, office_code, family_name, given_name) SELECT kigen.new_control_no(), "
             "'inquiry', q.request_id, ru.run_id, greatest(q.received_on + 1, ru.run_date), "
             "q.resident_id, r.office_code, r.family_name, r.given_name FROM "
             "kigen.proxy_requests q JOIN kigen.residents r ON r.resident_id = q.resident_id "
             "CROSS JOIN kigen.runs ru");
    exec_sql("UPDATE kigen.forms SET returned_on = '2026-12-20', return_scans = 2 WHERE "
             "request_id = 990001 OR notice_no = (SELECT min(notice_no) FROM kigen.notices)");
    exec_sql("UPDATE kigen.forms SET undeliverable_on = '2026-12-05', return_scans = 1, "
             "voided_on = '2026-12-06' WHERE request_id = 990002");
    exec_sql("INSERT INTO kigen.forms (control_no, kind, request_id, run_id, run_date, "
             "resident_id, office_code, family_name, given_name, reissue_of) SELECT "
             "kigen.new_control_no(), kind, request_id, run_id, '2026-12-07', resident_id, "
             "office_code, family_name, given_name, control_no FROM kigen.forms WHERE "
             "request_id = 990002");
    exec_sql("UPDATE kigen.forms SET undeliverable_on = '2026-12-10', return_scans = 1 WHERE "
             "request_id = 990004");
    /* period end 2027-01-05: 990003 (12-02) is 34 days old, the reissued 990002 (12-07)
     * 29; the enclosed form of 9016 (card expires 2026-12-31) has expired */
    snprintf(path, sizeof(path), "%s/forms.xlsx", dir);
    snprintf(args, sizeof(args),
             "export --from 2026-12-01 --to 2027-01-05 --no-forecast --xlsx "
             "'%s'",
             path);
    CU_ASSERT_EQUAL(kigen(args), 0);
    char *text = dump(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    int rows = expect_rows(text, "Forms", FORMS_EXPECTED_SQL("'2027-01-05'", 30), FORMS_CELL_TYPES);
    CU_ASSERT_EQUAL(rows, test_query_long("SELECT count(*) FROM kigen.notices") + 5);
    /* every status occurs, and each as the rule says */
    CU_ASSERT_EQUAL(
        test_query_long("SELECT count(DISTINCT CASE WHEN voided_on IS NOT NULL THEN 1 "
                        "WHEN returned_on IS NOT NULL THEN 2 WHEN undeliverable_on IS NOT "
                        "NULL THEN 3 WHEN kind = 'enclosed' AND valid_until < '2027-01-05' "
                        "THEN 4 WHEN kind = 'inquiry' AND run_date + 30 < '2027-01-05' "
                        "THEN 5 ELSE 6 END) FROM kigen.forms"),
        6);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\ts\tvoid (reissued)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\ts\toverdue\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\ts\texpired\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\ts\tundeliverable\n"));
    /* control numbers as printed, text; the run date a date; ids numbers */
    long first_row = 5;
    char line[128];
    snprintf(line, sizeof(line), "Forms\tB%ld\ts\tenclosed", first_row);
    has_line(text, line);
    snprintf(line, sizeof(line), "Forms\tC%ld\td\t2026-12-01", first_row);
    has_line(text, line);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nForms\tD5\tn\t"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nForms\tA5\ts\t"));
    char filter[64];
    snprintf(filter, sizeof(filter), "#filter\tForms\tA4:O%d", rows + 4);
    has_line(text, filter);
    free(text);
    /* with 40 overdue days (form_overdue_days), 990003 is outstanding: nothing overdue */
    char conf[1024];
    snprintf(conf, sizeof(conf), "%s/kigen.conf", dir);
    FILE *file = fopen(conf, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(file);
    fprintf(file, "form_overdue_days = 40\n");
    fclose(file);
    snprintf(args, sizeof(args),
             "export --from 2026-12-01 --to 2027-01-05 --no-forecast --config "
             "'%s' --xlsx '%s'",
             conf, path);
    CU_ASSERT_EQUAL(kigen(args), 0);
    text = dump(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    expect_rows(text, "Forms", FORMS_EXPECTED_SQL("'2027-01-05'", 40), FORMS_CELL_TYPES);
    CU_ASSERT_PTR_NULL(strstr(text, "\ts\toverdue\n"));
    free(text);
    snprintf(args, sizeof(args), "rm -rf '%s'", dir);
    test_run_shell(args, NULL);
}

/* Data that a spreadsheet would read as a formula is written as text: string cells,
 * never a formula (xlsx_audit writes data with worksheet_write_string). */
static void data_cells_are_strings_never_formulas(void)
{
    test_loaded_database();
    static const char *const files[] = {
        "residents.csv",
        "resident_id,office_code,family_name,given_name,family_kana,given_kana,birth_date,sex,"
        "postal_code,address,banchi,address2,status,removed_on,stay_expires,adult_ward,"
        "lives_elsewhere\n"
        "8201,K01,=1+1,太郎,タ,タロウ,1980-01-10,1,2201013,神奈川県架空市中央区本町,5-1,,"
        "current,,,0,0\n"
        "8202,K01,@SUM(1),花子,タ,ハナコ,1980-01-10,2,2201013,神奈川県架空市中央区本町,5-2,,"
        "current,,,0,0\n",
        "cards.csv",
        "card_id,resident_id,issued_on,expires_on,revoked_on\n"
        "882010,8201,2022-01-20,2032-01-10,\n882020,8202,2022-01-20,2032-01-10,\n",
        "certificates.csv",
        "certificate_id,resident_id,card_id,type,issued_on,revoked_on,expires_on\n"
        "882011,8201,882010,auth,2022-01-20,,\n882021,8202,882020,sign,2022-01-20,,\n",
        NULL};
    test_load_files(files);
    char dir[] = "/tmp/kigen-test-xlsx-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char args[4096], path[1024];
    snprintf(args, sizeof(args), "run --date %s --out '%s'", RUN_DATE, dir);
    CU_ASSERT_EQUAL(kigen(args), 0);
    snprintf(path, sizeof(path), "%s/%s/audit.xlsx", dir, RUN_DATE);
    char *text = dump(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    test_contains(text, "\ts\t=1+1　太郎\n");    /* Notices: a text cell */
    test_contains(text, "\ts\t@SUM(1)　花子\n"); /* Excluded (sign_not_allowed) */
    CU_ASSERT_PTR_NULL(strstr(text, "\tf\t"));   /* no formula anywhere */
    free(text);
    snprintf(args, sizeof(args), "rm -rf '%s'", dir);
    test_run_shell(args, NULL);
}

/* kigen export under umask 022: the workbook and its temporary (when a kill leaves it)
 * are 0600, its scratch directory 0700; what a killed export left in the folder (its
 * temporary, libxlsxwriter's scratch) is gone after the next export; a full place gives
 * an error that names the file and the OS error, and leaves nothing. */
static void a_killed_export_leaves_nothing_and_its_files_are_private(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-xlsx-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char args[4096], path[1024];
    struct stat info;
    snprintf(path, sizeof(path), "%s/.audit.xlsx.tmp.d", dir); /* an older kill's */
    CU_ASSERT_FATAL(mkdir(path, 0700) == 0);
    snprintf(path, sizeof(path), "%s/.audit.xlsx.tmp.d/tmp.AbCdEfGhIj", dir);
    FILE *stale = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(stale);
    fclose(stale);
    snprintf(args, sizeof(args),
             "umask 022; KIGEN_CRASH_AT=audit.xlsx '%s' -q export --from %s --to %s "
             "--no-forecast --xlsx '%s/audit.xlsx' >/dev/null 2>&1",
             test_kigen_bin(), RUN_DATE, RUN_DATE, dir);
    CU_ASSERT_EQUAL(test_run_shell(args, NULL), 128 + 9);
    snprintf(path, sizeof(path), "%s/.audit.xlsx.tmp", dir);
    CU_ASSERT_EQUAL_FATAL(stat(path, &info), 0);
    CU_ASSERT_EQUAL(info.st_mode & 0777, 0600);
    snprintf(path, sizeof(path), "%s/.audit.xlsx.tmp.d", dir);
    CU_ASSERT_EQUAL_FATAL(stat(path, &info), 0);
    CU_ASSERT_EQUAL(info.st_mode & 0777, 0700);
    snprintf(path, sizeof(path), "%s/.audit.xlsx.tmp.d/tmp.AbCdEfGhIj", dir);
    CU_ASSERT_NOT_EQUAL(stat(path, &info), 0); /* the older kill's scratch went first */
    snprintf(args, sizeof(args),
             "umask 022; '%s' -q export --from %s --to %s --no-forecast --xlsx '%s/other.xlsx' "
             ">/dev/null 2>&1",
             test_kigen_bin(), RUN_DATE, RUN_DATE, dir);
    CU_ASSERT_EQUAL(test_run_shell(args, NULL), 0);
    snprintf(args, sizeof(args), "cd '%s' && ls -A && find . -perm /077 ! -name .", dir);
    char *listing = NULL;
    test_run_shell(args, &listing);
    CU_ASSERT_STRING_EQUAL(listing != NULL ? listing : "", "other.xlsx\n");
    free(listing);
    /* a full place (ulimit -f, in 512-byte blocks for sh) */
    snprintf(args, sizeof(args),
             "trap '' XFSZ; ulimit -f 4; '%s' -q export --from %s --to %s --no-forecast "
             "--xlsx '%s/full.xlsx' 2>&1 >/dev/null",
             test_kigen_bin(), RUN_DATE, RUN_DATE, dir);
    char *errors = NULL;
    CU_ASSERT_EQUAL(test_run_shell(args, &errors), 5);
    char expected[1200];
    snprintf(expected, sizeof(expected), "kigen: error: unable to write '%s/.full.xlsx.tmp': %s",
             dir, strerror(EFBIG));
    test_contains(errors, expected);
    free(errors);
    snprintf(args, sizeof(args), "ls -A '%s'", dir);
    listing = NULL;
    test_run_shell(args, &listing);
    CU_ASSERT_STRING_EQUAL(listing != NULL ? listing : "", "other.xlsx\n");
    free(listing);
    snprintf(args, sizeof(args), "rm -rf '%s'", dir);
    test_run_shell(args, NULL);
}

/* A Japanese night (language = ja): Japanese details with 和暦 in excluded.csv and the
 * ledger, codes unchanged, its workbook in Japanese; written again from the ledger under an
 * English environment, the same bytes; an English export of it shows English sheets and
 * headers beside the details as the night wrote them (D110). */
static void a_japanese_night_keeps_its_language(void)
{
    test_loaded_database();
    char dir[] = "/tmp/kigen-test-xlsx-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char command_line[8192], path[1024], *out = NULL;
    snprintf(command_line, sizeof(command_line),
             "cd '%s' && printf 'language = ja\\n' > ja.conf && LC_ALL=ja_JP.UTF-8 '%s' -q run "
             "--date %s --out '%s/out' --config ja.conf >/dev/null 2>&1 && sha256sum "
             "out/%s/audit.xlsx > first.sha && cat out/%s/excluded.csv",
             dir, test_kigen_bin(), RUN_DATE, dir, RUN_DATE, RUN_DATE);
    CU_ASSERT_EQUAL(test_run_shell(command_line, &out), 0);
    test_contains(out, ",renewed,電子証明書 1052（令和8年11月10日 発行）で更新済み\n");
    test_contains(out, ",not_resident,除票：令和8年10月31日\n");
    free(out);
    CU_ASSERT_EQUAL(
        test_query_long("SELECT count(*) FROM kigen.exclusions WHERE detail = "
                        "'在留期間の満了日：令和9年1月31日' AND reason = 'stay_period'"),
        1);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.runs WHERE config->>'language' = "
                                    "'ja'"),
                    1);
    snprintf(path, sizeof(path), "%s/out/%s/audit.xlsx", dir, RUN_DATE);
    char *text = dump(path);
    test_contains(text, "#sheet\t除外\n");
    test_contains(text, "\t除外理由\n");
    test_contains(text, "\ts\t電子証明書 1052（令和8年11月10日 発行）で更新済み\n");
    free(text);
    /* the same night written again under an English environment: the same workbook */
    snprintf(command_line, sizeof(command_line),
             "cd '%s' && rm -rf out && LC_ALL=C '%s' -q run --date %s --out '%s/out' >/dev/null "
             "2>&1 && sha256sum -c first.sha",
             dir, test_kigen_bin(), RUN_DATE, dir);
    CU_ASSERT_EQUAL(test_run_shell(command_line, NULL), 0);
    /* exported in English: English sheets and headers, the details as written */
    snprintf(path, sizeof(path), "%s/en.xlsx", dir);
    snprintf(command_line, sizeof(command_line),
             "cd '%s' && printf 'language = en\\n' > en.conf && LC_ALL=ja_JP.UTF-8 '%s' -q export "
             "--from %s --to %s --xlsx '%s' --config en.conf --no-forecast >/dev/null 2>&1",
             dir, test_kigen_bin(), RUN_DATE, RUN_DATE, path);
    CU_ASSERT_EQUAL(test_run_shell(command_line, NULL), 0);
    text = dump(path);
    test_contains(text, "#sheet\tExcluded\n");
    test_contains(text, "Excluded\tI4\ts\treason\n");
    test_contains(text, "\ts\t電子証明書 1052（令和8年11月10日 発行）で更新済み\n");
    CU_ASSERT_PTR_NULL(text != NULL ? strstr(text, "除外理由") : NULL);
    free(text);
    /* kigen export speaks its configuration's language */
    snprintf(command_line, sizeof(command_line),
             "cd '%s' && LC_ALL=C '%s' export --config ja.conf --from %s --to 2026-11-30 2>&1", dir,
             test_kigen_bin(), RUN_DATE);
    CU_ASSERT_EQUAL(test_run_shell(command_line, &out), 2);
    test_contains(out, "監査資料を作成できません。--from、--to、--xlsx を指定してください。\n"
                       "使い方: kigen export");
    free(out);
    snprintf(command_line, sizeof(command_line), "rm -rf '%s'", dir);
    test_run_shell(command_line, NULL);
}

/* ---- the workbook from rows in memory: languages and printing (D113, D114) ---------- */

#define MEMORY_NOTICES 100

typedef struct memory_rows {
    xlsx_audit_sheet sheet;
    int row;
    char texts[16][128];
} memory_rows;

static kg_err memory_begin(void *state, xlsx_audit_sheet sheet, kg_errbuf *errbuf)
{
    (void)errbuf;
    memory_rows *rows = state;
    rows->sheet = sheet;
    rows->row = 0;
    return KG_OK;
}

/* 100 notices, three exclusions (renewed, recent_mover, a code the table does not know),
 * one overdue inquiry form; no movers, no returns. */
static kg_err memory_next(void *state, char **fields, int max_fields, int *count, kg_errbuf *errbuf)
{
    (void)errbuf;
    (void)max_fields;
    memory_rows *rows = state;
    int row = rows->row++;
    static const char *const reasons[] = {"renewed", "recent_mover", "future_reason"};
    for (int idx = 0; idx < 16; idx++)
        fields[idx] = rows->texts[idx];
    if (rows->sheet == XLSX_SHEET_NOTICES && row < MEMORY_NOTICES) {
        snprintf(rows->texts[0], 128, "20261201-%06d", row + 1);
        const char *values[] = {NULL,         "2026-12-01", "9001",     "佐藤　一郎",
                                "2201013",    "K01",        "900011",   "auth",
                                "2027-01-10", "2026-10-11", "birthday", "notices-K01-001.pdf"};
        for (int idx = 1; idx < 12; idx++)
            snprintf(rows->texts[idx], 128, "%s", values[idx]);
        snprintf(rows->texts[12], 128, "%d", row + 1);
        *count = 13;
        return KG_OK;
    }
    if (rows->sheet == XLSX_SHEET_EXCLUDED && row < 3) {
        const char *values[] = {"2026-12-01", "105",
                                "山田　匠",   "K03",
                                "2221377",    "1050",
                                "auth",       "2026-12-15",
                                reasons[row], "電子証明書 1052（令和8年11月10日 発行）で更新済み"};
        for (int idx = 0; idx < 10; idx++)
            snprintf(rows->texts[idx], 128, "%s", values[idx]);
        *count = 10;
        return KG_OK;
    }
    if (rows->sheet == XLSX_SHEET_FORMS && row < 1) {
        const char *values[] = {"STZKZGBM086M",
                                "inquiry",
                                "2026-12-01",
                                "9001",
                                "佐藤　一郎",
                                "K01",
                                "",
                                "7",
                                "",
                                "",
                                "0",
                                "",
                                "",
                                "",
                                "overdue"};
        for (int idx = 0; idx < 15; idx++)
            snprintf(rows->texts[idx], 128, "%s", values[idx]);
        *count = 15;
        return KG_OK;
    }
    return KG_EOF;
}

/* Writes dir/name from the rows in memory in language; its dump (the caller frees it). */
static char *memory_workbook(const char *dir, const char *name, kg_language language, char *path,
                             size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    memory_rows rows;
    memset(&rows, 0, sizeof(rows));
    xlsx_audit_rows source = {memory_begin, memory_next, &rows};
    xlsx_audit_office offices[] = {{"K01", "中央区役所"}};
    xlsx_audit_request request = {
        path, dir,     test_date("2026-12-01"), test_date("2026-12-01"), "test", NULL, 1, offices,
        1,    language};
    kg_errbuf errbuf;
    xlsx_audit_counts counts;
    CU_ASSERT_EQUAL_FATAL(xlsx_audit_write(&request, &source, &counts, &errbuf), KG_OK);
    CU_ASSERT_EQUAL(counts.notices, MEMORY_NOTICES);
    CU_ASSERT_EQUAL(counts.excluded, 3);
    return dump(path);
}

/* The Japanese workbook (language = ja): sheet names, headers, labels beside the codes,
 * form statuses, 和暦 dates that stay dates; the English one keeps its columns. */
static void the_japanese_workbook_and_the_english_one(void)
{
    char dir[] = "/tmp/kigen-test-xlsx-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char path[1024];
    char *text = memory_workbook(dir, "ja.xlsx", KG_LANG_JA, path, sizeof(path));
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    static const char *const sheets[] = {"概要",   "通知", "除外",    "転入・転居",
                                         "照会書", "返戻", "更新予測"};
    char line[512];
    for (size_t idx = 0; idx < sizeof(sheets) / sizeof(sheets[0]); idx++) {
        snprintf(line, sizeof(line), "#sheet\t%s\n", sheets[idx]);
        test_contains(text, line);
    }
    has_line(text, "通知\tA4\ts\t通知番号");
    has_line(text, "通知\tH4\ts\t種別コード");
    has_line(text, "通知\tI4\ts\t種別");
    has_line(text, "通知\tH5\ts\tauth");
    has_line(text, "通知\tI5\ts\t利用者証明用電子証明書"); /* the type's label (D160) */
    has_line(text, "通知\tJ4\ts\t有効期限");
    has_line(text, "通知\tL5\ts\tbirthday");
    has_line(text, "通知\tM5\ts\t誕生日");
    has_line(text, "通知\tJ5\td\t2027-01-10"); /* a date, shown in 和暦 */
    has_line(text, "#filter\t通知\tA4:O104");
    has_line(text, "除外\tH5\ts\t利用者証明用電子証明書");
    has_line(text, "除外\tJ4\ts\t除外理由コード");
    has_line(text, "除外\tK4\ts\t除外理由");
    has_line(text, "除外\tJ5\ts\trenewed");
    has_line(text, "除外\tK5\ts\t更新済み");
    has_line(text, "除外\tK6\ts\t転入・転居から間もない");
    has_line(text, "除外\tK7\ts\tfuture_reason"); /* a code the table does not know */
    has_line(text, "除外\tL5\ts\t電子証明書 1052（令和8年11月10日 発行）で更新済み");
    has_line(text, "照会書\tA5\ts\tSTZK-ZGBM-086M");
    has_line(text, "照会書\tO5\ts\toverdue");
    has_line(text, "照会書\tP5\ts\t回答遅延");
    has_line(text, "転入・転居\tA5\ts\t（この期間の転入・転居による除外はありません）");
    has_line(text, "概要\tA10\ts\tbad_data");
    has_line(text, "概要\tB10\ts\tデータ不備");
    has_line(text, "概要\tB15\ts\t更新済み");
    has_line(text, "概要\tC15\tn\t1");
    test_contains(text, "概要\tA1\ts\tkigen 監査資料：処理日 令和8年12月1日～令和8年12月1日");
    free(text);
    /* the 和暦 number format, the chart texts and the page setup in the file's parts */
    char command_line[2048], *parts = NULL;
    snprintf(
        command_line, sizeof(command_line),
        "cd '%s' && /usr/bin/python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); "
        "[sys.stdout.write(z.read(n).decode()) for n in z.namelist() if "
        "n.startswith((\"xl/styles\", "
        "\"xl/charts/\", \"xl/worksheets/\", \"xl/workbook\"))]' ja.xlsx",
        dir);
    CU_ASSERT_EQUAL(test_run_shell(command_line, &parts), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(parts);
    test_contains(parts, "[$-411]ggge&quot;年&quot;m&quot;月&quot;d&quot;日&quot;");
    test_contains(parts, "除外理由ごとの件数");
    test_contains(parts, "orientation=\"landscape\"");
    test_contains(parts, "paperSize=\"9\"");
    test_contains(parts, "fitToHeight=\"0\"");
    test_contains(parts, "<oddFooter>&amp;L&amp;A&amp;C&amp;P / &amp;N&amp;R処理日");
    test_contains(parts, "_xlnm.Print_Titles");
    test_contains(parts, "<rowBreaks");
    free(parts);

    text = memory_workbook(dir, "en.xlsx", KG_LANG_EN, path, sizeof(path));
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    test_contains(text, "#sheet\tSummary\n");
    has_line(text, "#sheet\tRecent movers");
    has_line(text, "Notices\tA4\ts\tnotice_no");
    has_line(text, "Notices\tL5\ts\tnotices-K01-001.pdf"); /* no label column in English */
    has_line(text, "#filter\tNotices\tA4:M104");
    has_line(text, "Excluded\tI5\ts\trenewed");
    has_line(text, "Excluded\tJ5\ts\t電子証明書 1052（令和8年11月10日 発行）で更新済み");
    has_line(text, "Forms\tO5\ts\toverdue");
    has_line(text, "Summary\tA10\ts\tbad_data");
    has_line(text, "Summary\tB15\tn\t1");
    CU_ASSERT_PTR_NULL(strstr(text, "\ts\t更新済み\n")); /* no label */
    free(text);
    snprintf(command_line, sizeof(command_line), "rm -rf '%s'", dir);
    test_run_shell(command_line, NULL);
}

/* The 100-row Notices sheet of the Japanese workbook printed by LibreOffice: A4 landscape,
 * one page wide, its header on every page, and no more pages than 100 rows need (at least
 * 30 rows a page: 4). Skipped, saying so, only where soffice is not installed
 * (scripts/deps.sh installs it). */
static void a_hundred_notices_print_on_a_few_a4_landscape_pages(void)
{
    if (test_run_shell("command -v soffice >/dev/null 2>&1", NULL) != 0) {
        fprintf(stderr, "\nskipped: soffice (LibreOffice) is not installed: "
                        "scripts/deps.sh installs libreoffice-calc-nogui\n");
        return;
    }
    char dir[] = "/tmp/kigen-test-xlsx-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char path[1024];
    free(memory_workbook(dir, "ja.xlsx", KG_LANG_JA, path, sizeof(path)));
    char command_line[4096], script[1024], *out = NULL;
    /* a profile of its own: another soffice running on the machine does not lock it */
    snprintf(command_line, sizeof(command_line),
             "cd '%s' && soffice -env:UserInstallation=file://%s/profile --headless "
             "--convert-to pdf --outdir '%s' ja.xlsx >/dev/null 2>&1 && /usr/bin/python3 '%s' "
             "ja.pdf 通知 通知番号",
             dir, dir, dir, test_root_path("tests/pdf_pages.py", script, sizeof(script)));
    CU_ASSERT_EQUAL(test_run_shell(command_line, &out), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    int pages = 0, landscape = 0, sheet_pages = 0, header_pages = 0;
    CU_ASSERT_EQUAL(sscanf(out, "pages %d a4_landscape %d sheet_pages %d header_pages %d", &pages,
                           &landscape, &sheet_pages, &header_pages),
                    4);
    CU_ASSERT(pages > 0);
    CU_ASSERT_EQUAL(landscape, pages);
    CU_ASSERT(sheet_pages >= 2 && sheet_pages <= 4);
    CU_ASSERT_EQUAL(header_pages, sheet_pages);
    if (!(sheet_pages >= 2 && sheet_pages <= 4) || header_pages != sheet_pages)
        fprintf(stderr, "\nprinted: %s", out);
    free(out);
    snprintf(command_line, sizeof(command_line), "rm -rf '%s'", dir);
    test_run_shell(command_line, NULL);
}

int tests_register_export_db(void)
{
    static const test_case cases[] = {
        {"run_workbook_cells_equal_the_ledger", run_workbook_cells_equal_the_ledger},
        {"empty_period_gives_a_valid_workbook_that_says_so",
         empty_period_gives_a_valid_workbook_that_says_so},
        {"export_covers_exactly_the_runs_of_its_period",
         export_covers_exactly_the_runs_of_its_period},
        {"forms_sheet_equals_the_ledger_with_each_status",
         forms_sheet_equals_the_ledger_with_each_status},
        {"data_cells_are_strings_never_formulas", data_cells_are_strings_never_formulas},
        {"a_killed_export_leaves_nothing_and_its_files_are_private",
         a_killed_export_leaves_nothing_and_its_files_are_private},
        {"a_japanese_night_keeps_its_language", a_japanese_night_keeps_its_language},
        {"the_japanese_workbook_and_the_english_one", the_japanese_workbook_and_the_english_one},
        {"a_hundred_notices_print_on_a_few_a4_landscape_pages",
         a_hundred_notices_print_on_a_few_a4_landscape_pages},
        {NULL, NULL},
    };
    return tests_add_suite("export_db", cases);
}
