/*
 * test_forms_db.c - `kigen forms return|status|reissue` against the embedded PostgreSQL:
 * the sample extract loaded and run on 2026-12-01, then forms inserted into kigen.forms
 * with kigen.new_control_no() as the nightly run will record them. Each case asserts the
 * exact output, the exit status and the database state after.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <unistd.h>

#include "common/control_no.h"
#include "db/db.h"
#include "test.h"

#define RUN_DATE "2026-12-01"

/* A value of the first row of sql as text ("NULL" for SQL NULL, "" for no row); the
 * caller frees it. */
static char *query_text(const char *sql)
{
    db_conn *conn = NULL;
    kg_errbuf errbuf;
    CU_ASSERT_EQUAL_FATAL(db_connect(NULL, &errbuf, &conn), KG_OK);
    db_result *result = NULL;
    kg_err err = db_query(conn, sql, 0, NULL, &errbuf, &result);
    if (err != KG_OK)
        fprintf(stderr, "\n%s\n", errbuf.text);
    CU_ASSERT_EQUAL_FATAL(err, KG_OK);
    const char *value = db_result_rows(result) > 0 ? db_result_value(result, 0, 0) : "";
    char *text = strdup(value != NULL ? value : "NULL");
    db_result_free(result);
    db_close(conn);
    return text;
}

static void exec_sql(const char *sql)
{
    free(query_text(sql));
}

static void assert_query(const char *sql, const char *expected)
{
    char *got = query_text(sql);
    CU_ASSERT_STRING_EQUAL(got, expected);
    if (strcmp(got, expected) != 0)
        fprintf(stderr, "\n%s\n  got:      %s\n  expected: %s\n", sql, got, expected);
    free(got);
}

/* The sample extract loaded, a run on RUN_DATE (so that kigen.runs and kigen.notices
 * exist), three more proxy requests, and the forms of the run (sql/007): an inquiry form
 * per request, run dates 2026-12-01 (990001, 990002), 12-02 (990003) and 12-03 (990004),
 * and the enclosed forms of the first two notices. */
static void database_with_forms(void)
{
    char script[1024], extract[1024], command_line[4096];
    const char *name = getenv("PGDATABASE");
    CU_ASSERT_PTR_NOT_NULL_FATAL(name);
    char dir[] = "/tmp/kigen-test-forms-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    snprintf(command_line, sizeof(command_line),
             "sh '%s' recreate '%s' >/dev/null 2>&1 && '%s' -q db migrate && "
             "{ '%s' -q load '%s' >/dev/null 2>&1; test $? -le 1; } && "
             "'%s' -q run --date %s --out '%s' --no-render >/dev/null 2>&1; "
             "status=$?; rm -rf '%s'; exit $status",
             test_root_path("scripts/db.sh", script, sizeof(script)), name, test_kigen_bin(),
             test_kigen_bin(), test_root_path("samples/extract", extract, sizeof(extract)),
             test_kigen_bin(), RUN_DATE, dir, dir);
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, NULL), 0);
    /* the run's own forms give way to these, whose dates and states the cases set */
    exec_sql("DELETE FROM kigen.forms");
    exec_sql("INSERT INTO kigen.proxy_requests (request_id, resident_id, kind, received_on, "
             "proxy_name) VALUES (990003, 9005, 'issue', '2026-12-01', '鈴木 一'), "
             "(990004, 9006, 'unlock', '2026-12-02', '田中 二郎') RETURNING request_id");
    exec_sql("INSERT INTO kigen.forms (control_no, kind, request_id, run_id, run_date, "
             "resident_id, office_code, family_name, given_name, postal_code, address) "
             "SELECT kigen.new_control_no(), 'inquiry', q.request_id, ru.run_id, "
             "q.received_on + 1, q.resident_id, r.office_code, r.family_name, r.given_name, "
             "r.postal_code, r.address FROM kigen.proxy_requests q JOIN kigen.residents r ON "
             "r.resident_id = q.resident_id CROSS JOIN kigen.runs ru WHERE q.request_id IN "
             "(990003, 990004) RETURNING control_no");
    exec_sql("INSERT INTO kigen.forms (control_no, kind, request_id, run_id, run_date, "
             "resident_id, office_code, family_name, given_name, postal_code, address) "
             "SELECT kigen.new_control_no(), 'inquiry', q.request_id, ru.run_id, ru.run_date, "
             "q.resident_id, r.office_code, r.family_name, r.given_name, r.postal_code, "
             "r.address FROM kigen.proxy_requests q JOIN kigen.residents r ON r.resident_id = "
             "q.resident_id CROSS JOIN kigen.runs ru WHERE q.request_id IN (990001, 990002) "
             "RETURNING control_no");
    exec_sql("INSERT INTO kigen.forms (control_no, kind, notice_no, run_id, run_date, "
             "resident_id, office_code, family_name, given_name, postal_code, address, "
             "valid_until) SELECT kigen.new_control_no(), 'enclosed', n.notice_no, n.run_id, "
             "n.run_date, n.resident_id, n.office_code, n.family_name, n.given_name, "
             "n.postal_code, n.address, (SELECT min(nc.expiry) FROM kigen.notice_certificates "
             "nc WHERE nc.notice_no = n.notice_no) FROM kigen.notices n WHERE n.notice_no IN "
             "('20261201-000001', '20261201-000002') RETURNING control_no");
    assert_query("SELECT count(*) FROM kigen.forms", "6");
}

/* The control number of a form, printed (XXXX-XXXX-XXXX), into out. */
static char *printed_no(const char *where, char *out)
{
    char sql[512];
    snprintf(sql, sizeof(sql), "SELECT control_no FROM kigen.forms WHERE %s", where);
    char *number = query_text(sql);
    CU_ASSERT_EQUAL(strlen(number), CONTROL_NO_LEN);
    control_no_format(number, out);
    free(number);
    return out;
}

/* Runs `ENV kigen forms ARGS`; returns stdout and stderr (the log's timestamps removed)
 * followed by "exit N". The caller frees it. */
static char *forms_env(const char *env, const char *args)
{
    char command_line[4096];
    snprintf(command_line, sizeof(command_line),
             "{ %s '%s' forms %s 2>&1; echo \"exit $?\"; } | "
             "sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\+09:00 //'",
             env, test_kigen_bin(), args);
    char *output = NULL;
    CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 0);
    return output != NULL ? output : strdup("");
}

static char *forms(const char *args)
{
    return forms_env("", args);
}

static void assert_forms_env(const char *env, const char *args, const char *expected)
{
    char *got = forms_env(env, args);
    CU_ASSERT_STRING_EQUAL(got, expected);
    if (strcmp(got, expected) != 0)
        fprintf(stderr, "\n%s kigen forms %s\n--- got:\n%s--- expected:\n%s", env, args, got,
                expected);
    free(got);
}

static void assert_forms(const char *args, const char *expected)
{
    char *got = forms(args);
    CU_ASSERT_STRING_EQUAL(got, expected);
    if (strcmp(got, expected) != 0)
        fprintf(stderr, "\nkigen forms %s\n--- got:\n%s--- expected:\n%s", args, got, expected);
    free(got);
}

/* The form's returned_on|undeliverable_on|voided_on|return_scans. */
static void assert_state(const char *where, const char *expected)
{
    char sql[512];
    snprintf(sql, sizeof(sql),
             "SELECT concat_ws('|', coalesce(returned_on::text, '-'), coalesce(undeliverable_on"
             "::text, '-'), coalesce(voided_on::text, '-'), return_scans) FROM kigen.forms WHERE "
             "%s",
             where);
    assert_query(sql, expected);
}

static void a_first_scan_records_the_return(void)
{
    database_with_forms();
    char number[CONTROL_NO_PRINT_SIZE], lower[CONTROL_NO_PRINT_SIZE], args[256], expected[1024];
    printed_no("request_id = 990001", number);
    /* as a clerk might type it: lower case */
    for (size_t idx = 0; idx < sizeof(lower); idx++)
        lower[idx] =
            (char)(number[idx] >= 'A' && number[idx] <= 'Z' ? number[idx] + 32 : number[idx]);
    snprintf(args, sizeof(args), "return %s --date 2026-12-20", lower);
    snprintf(expected, sizeof(expected),
             "form %s returned on 2026-12-20 (scan 1): inquiry form of request 990001, resident "
             "9001 佐藤　一郎\nexit 0\n",
             number);
    assert_forms(args, expected);
    assert_state("request_id = 990001", "2026-12-20|-|-|1");
    /* nothing else changed */
    assert_query("SELECT sum(return_scans) FROM kigen.forms", "1");
    /* an enclosed form comes back with its proxy the same way */
    printed_no("notice_no = '20261201-000001'", number);
    snprintf(args, sizeof(args), "return '%s' --date=2027-01-05", number);
    char *resident = query_text("SELECT resident_id || ' ' || family_name || '　' || given_name "
                                "FROM kigen.notices WHERE notice_no = '20261201-000001'");
    snprintf(expected, sizeof(expected),
             "form %s returned on 2027-01-05 (scan 1): form enclosed with notice "
             "20261201-000001, resident %s\nexit 0\n",
             number, resident);
    free(resident);
    assert_forms(args, expected);
    assert_state("notice_no = '20261201-000001'", "2027-01-05|-|-|1");
}

static void a_second_scan_is_reported_and_counted_once(void)
{
    database_with_forms();
    char number[CONTROL_NO_PRINT_SIZE], args[256], expected[1024];
    printed_no("request_id = 990001", number);
    snprintf(args, sizeof(args), "return %s --date 2026-12-20", number);
    char *first = forms(args);
    free(first);
    /* the same form again, a day later, typed in three parts with spaces */
    char spaced[32];
    snprintf(spaced, sizeof(spaced), "%.4s %.4s %.4s", number, number + 5, number + 10);
    snprintf(args, sizeof(args), "return %s --date 2026-12-21", spaced);
    snprintf(expected, sizeof(expected),
             "form %s already returned on 2026-12-20, scan 2: not counted again (inquiry form of "
             "request 990001, resident 9001 佐藤　一郎)\nexit 0\n",
             number);
    assert_forms(args, expected);
    assert_state("request_id = 990001", "2026-12-20|-|-|2");
    /* a scan as undeliverable after an answer is one more scan of a returned form */
    snprintf(args, sizeof(args), "return %s --date 2026-12-22 --undeliverable", number);
    snprintf(expected, sizeof(expected),
             "form %s already returned on 2026-12-20, scan 3: not counted again (inquiry form of "
             "request 990001, resident 9001 佐藤　一郎)\nexit 0\n",
             number);
    assert_forms(args, expected);
    assert_state("request_id = 990001", "2026-12-20|-|-|3");
    assert_query("SELECT count(*) FROM kigen.forms WHERE returned_on IS NOT NULL", "1");
}

static void an_undeliverable_form_is_recorded_apart(void)
{
    database_with_forms();
    char number[CONTROL_NO_PRINT_SIZE], args[256], expected[1024];
    printed_no("request_id = 990002", number);
    snprintf(args, sizeof(args), "return %s --undeliverable --date 2026-12-05", number);
    snprintf(expected, sizeof(expected),
             "form %s returned as undeliverable on 2026-12-05 (scan 1): inquiry form of request "
             "990002, resident 9013 山田　太郎\nHINT: check the address; once it is right, kigen "
             "forms reissue %s has the next run send a new form\nexit 0\n",
             number, number);
    assert_forms(args, expected);
    assert_state("request_id = 990002", "-|2026-12-05|-|1");
    snprintf(args, sizeof(args), "return %s --undeliverable --date 2026-12-06", number);
    snprintf(expected, sizeof(expected),
             "form %s already returned as undeliverable on 2026-12-05, scan 2: not counted again "
             "(inquiry form of request 990002, resident 9013 山田　太郎)\nexit 0\n",
             number);
    assert_forms(args, expected);
    assert_state("request_id = 990002", "-|2026-12-05|-|2");
    /* handed over after all and answered: the answer is recorded, the history kept */
    snprintf(args, sizeof(args), "return %s --date 2026-12-18", number);
    snprintf(expected, sizeof(expected),
             "form %s returned on 2026-12-18 (scan 3; it had come back undeliverable on "
             "2026-12-05): inquiry form of request 990002, resident 9013 山田　太郎\nexit 0\n",
             number);
    assert_forms(args, expected);
    assert_state("request_id = 990002", "2026-12-18|2026-12-05|-|3");
}

static void an_unknown_number_is_a_clear_error(void)
{
    database_with_forms();
    /* a well-formed number (right check character) that no form has: 0000-0000-0000 could
     * be drawn, one in 2^55; make sure it was not */
    assert_query("SELECT count(*) FROM kigen.forms WHERE control_no = '000000000000'", "0");
    assert_forms("return 0000-0000-0000 --date 2026-12-20",
                 "kigen: error: unable to find form 0000-0000-0000: no form with this control "
                 "number is in the ledger\nkigen: error: HINT: its check character is right, so "
                 "it is unlikely to be a typing slip: check that the form comes from this "
                 "municipality\nexit 3\n");
    assert_forms("reissue oooo-oooo-oooo --date 2026-12-20",
                 "kigen: error: unable to find form 0000-0000-0000: no form with this control "
                 "number is in the ledger\nkigen: error: HINT: its check character is right, so "
                 "it is unlikely to be a typing slip: check that the form comes from this "
                 "municipality\nexit 3\n");
    assert_query("SELECT sum(return_scans) || ',' || count(voided_on) FROM kigen.forms", "0,0");
}

static void a_malformed_number_is_refused_before_the_database(void)
{
    database_with_forms();
    char number[CONTROL_NO_PRINT_SIZE], args[256], expected[1024];
    printed_no("request_id = 990001", number);
    /* the last two characters swapped (when they differ), else the check changed */
    char typed[CONTROL_NO_PRINT_SIZE];
    memcpy(typed, number, sizeof(typed));
    if (typed[12] != typed[13] &&
        !((typed[12] == '0' && typed[13] == 'Z') || (typed[12] == 'Z' && typed[13] == '0'))) {
        typed[12] = number[13];
        typed[13] = number[12];
    } else {
        typed[13] = typed[13] == 'A' ? 'B' : 'A';
    }
    snprintf(args, sizeof(args), "return %s --date 2026-12-20", typed);
    snprintf(expected, sizeof(expected),
             "kigen: error: unable to read control number '%s': its check character does not "
             "match (a character mistyped, or two swapped)\nexit 3\n",
             typed);
    assert_forms(args, expected);
    snprintf(args, sizeof(args), "return %.13s --date 2026-12-20", number);
    snprintf(expected, sizeof(expected),
             "kigen: error: unable to read control number '%.13s': it has 11 characters, a "
             "control number has 12 (XXXX-XXXX-XXXX, hyphens and spaces aside)\nexit 3\n",
             number);
    assert_forms(args, expected);
    assert_forms("return 'ABCD-EFGH-JKU1'",
                 "kigen: error: unable to read control number 'ABCD-EFGH-JKU1': 'U' (character "
                 "13) is not in a control number, which has 0-9 and A-Z except U\nexit 3\n");
    assert_forms("reissue '照会番号'",
                 "kigen: error: unable to read control number '照会番号': '照' (U+7167) "
                 "(character 1) is not in a control number, which has 0-9 and A-Z except "
                 "U\nexit 3\n");
    /* no number at all, or an option of another action: usage */
    char *missing = forms("return --date 2026-12-20");
    CU_ASSERT_PTR_NOT_NULL(strstr(missing,
                                  "kigen: error: unable to run kigen forms return: the "
                                  "control number is missing\nusage: kigen forms return "));
    CU_ASSERT_PTR_NOT_NULL(strstr(missing, "\nexit 2\n"));
    free(missing);
    char *wrong = forms("reissue 0000-0000-0000 --undeliverable");
    CU_ASSERT_PTR_NOT_NULL(strstr(wrong, "kigen: error: unable to parse option '--undeliverable': "
                                         "not an option of kigen forms reissue\nusage: kigen forms "
                                         "reissue "));
    CU_ASSERT_PTR_NOT_NULL(strstr(wrong, "\nexit 2\n"));
    free(wrong);
    assert_query("SELECT sum(return_scans) || ',' || count(voided_on) FROM kigen.forms", "0,0");
}

static void a_void_or_early_scan_is_refused(void)
{
    database_with_forms();
    char number[CONTROL_NO_PRINT_SIZE], args[256], expected[1024];
    printed_no("notice_no = '20261201-000002'", number);
    snprintf(args, sizeof(args), "return %s --date 2026-11-30", number);
    snprintf(expected, sizeof(expected),
             "kigen: error: unable to record the return of form %s on 2026-11-30: it was "
             "produced on 2026-12-01\nexit 3\n",
             number);
    assert_forms(args, expected);
    assert_state("notice_no = '20261201-000002'", "-|-|-|0");
}

/* The rows that `kigen forms status --date day` prints for the forms of where, in the
 * order of order_by: the overdue table's columns (undeliverable = 0) or the undeliverable
 * table's. Values come from the ledger; which forms and in what order is the caller's. */
static void table_rows(const char *where, const char *order_by, const char *day, int undeliverable,
                       char *out, size_t cap)
{
    char sql[1024];
    snprintf(sql, sizeof(sql),
             "SELECT string_agg(concat_ws('|', control_no, kind, run_date, '%s'::date - "
             "run_date, undeliverable_on, resident_id, coalesce(office_code, '-'), family_name "
             "|| '　' || given_name), '/' ORDER BY %s) FROM kigen.forms WHERE %s",
             day, order_by, where);
    char *rows = query_text(sql);
    size_t used = 0;
    out[0] = '\0';
    for (char *row = rows; row != NULL && *row != '\0' && strcmp(rows, "NULL") != 0;) {
        char *next = strchr(row, '/');
        if (next != NULL)
            *next++ = '\0';
        char *fields[8];
        int count = 0;
        for (char *field = row; field != NULL && count < 8; count++) {
            fields[count] = field;
            field = strchr(field, '|');
            if (field != NULL)
                *field++ = '\0';
        }
        CU_ASSERT_EQUAL_FATAL(count, undeliverable ? 8 : 7);
        char number[CONTROL_NO_PRINT_SIZE];
        control_no_format(fields[0], number);
        int last = undeliverable ? 7 : 6;
        if (undeliverable)
            used += (size_t)snprintf(
                out + used, cap - used, "%-14s  %-8s  %-10s  %4s  %-13s  %8s  %-6s  %s\n", number,
                fields[1], fields[2], fields[3], fields[4], fields[5], fields[6], fields[last]);
        else
            used +=
                (size_t)snprintf(out + used, cap - used, "%-14s  %-10s  %4s  %8s  %-6s  %s\n",
                                 number, fields[2], fields[3], fields[4], fields[5], fields[last]);
        row = next;
    }
    free(rows);
}

static const char status_title[] = "forms as of %s (overdue: an inquiry form not answered more "
                                   "than %d days after its run date)\n\n";
static const char overdue_header[] = "control number  run date    days  resident  office  name\n";
static const char undeliverable_header[] =
    "control number  kind      run date    days  undeliverable  resident  office  name\n";

/* The whole output of `kigen forms status --date day` with N overdue days. */
static void status_output(char *out, size_t cap, const char *day, int days, int overdue_count,
                          const char *overdue_rows, int undeliverable_count,
                          const char *undeliverable_rows)
{
    size_t used = (size_t)snprintf(out, cap, status_title, day, days);
    if (overdue_count == 0)
        used += (size_t)snprintf(out + used, cap - used, "overdue inquiry forms: none\n\n");
    else
        used += (size_t)snprintf(out + used, cap - used, "overdue inquiry forms: %d\n%s%s\n",
                                 overdue_count, overdue_header, overdue_rows);
    if (undeliverable_count == 0)
        snprintf(out + used, cap - used, "undeliverable forms: none\nexit 0\n");
    else
        snprintf(out + used, cap - used, "undeliverable forms: %d\n%s%sexit 0\n",
                 undeliverable_count, undeliverable_header, undeliverable_rows);
}

static void overdue_listing_across_dates(void)
{
    database_with_forms();
    char expected[8192], rows[4096], more[4096], args[256];
    /* inquiry forms: 990001 and 990002 of 2026-12-01, 990003 of 12-02, 990004 of 12-03.
     * 2026-12-30: the forms of 12-01 are 29 days old: none is overdue */
    status_output(expected, sizeof(expected), "2026-12-30", 30, 0, "", 0, "");
    assert_forms("status --date 2026-12-30", expected);
    /* 12-31: 30 days, still none (overdue is more than 30 days) */
    status_output(expected, sizeof(expected), "2026-12-31", 30, 0, "", 0, "");
    assert_forms("status --date 2026-12-31", expected);
    /* 2027-01-01: 31 days for the two of 12-01; 990003 is 30 days old, 990004 29. The
     * enclosed forms (run 12-01 too) are never overdue. */
    table_rows("request_id IN (990001, 990002)", "run_date, control_no", "2027-01-01", 0, rows,
               sizeof(rows));
    CU_ASSERT_PTR_NOT_NULL(strstr(rows, "  2026-12-01    31      9001  K01     佐藤　一郎\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(rows, "  2026-12-01    31      9013  K01     山田　太郎\n"));
    status_output(expected, sizeof(expected), "2027-01-01", 30, 2, rows, 0, "");
    assert_forms("status --date 2027-01-01", expected);
    /* --overdue-days 29: 990003 (30 days) too, after them (later run date) */
    table_rows("request_id IN (990001, 990002, 990003)", "run_date, control_no", "2027-01-01", 0,
               more, sizeof(more));
    CU_ASSERT_EQUAL(strncmp(more, rows, strlen(rows)), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(more, "  2026-12-02    30      9005  "));
    status_output(expected, sizeof(expected), "2027-01-01", 29, 3, more, 0, "");
    assert_forms("status --date 2027-01-01 --overdue-days 29", expected);
    /* the same from the configuration file (form_overdue_days) */
    char conf[] = "/tmp/kigen-test-forms-conf-XXXXXX";
    int fd = mkstemp(conf);
    CU_ASSERT_FATAL(fd >= 0);
    FILE *file = fdopen(fd, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(file);
    fprintf(file, "# the counter's setting\nform_overdue_days = 29\n");
    fclose(file);
    snprintf(args, sizeof(args), "status --date 2027-01-01 --config '%s'", conf);
    assert_forms(args, expected);
    /* the option wins over the file */
    snprintf(args, sizeof(args), "status --date 2027-01-01 --config '%s' --overdue-days 30", conf);
    status_output(expected, sizeof(expected), "2027-01-01", 30, 2, rows, 0, "");
    assert_forms(args, expected);
    remove(conf);

    /* a returned form leaves the list; an undeliverable one moves to the undeliverable
     * list, and so does an undeliverable enclosed form, while it is valid */
    char numbers[3][CONTROL_NO_PRINT_SIZE];
    printed_no("request_id = 990001", numbers[0]);
    printed_no("request_id = 990002", numbers[1]);
    printed_no("notice_no = '20261201-000001'", numbers[2]);
    snprintf(args, sizeof(args), "return %s --date 2027-01-02", numbers[0]);
    free(forms(args));
    snprintf(args, sizeof(args), "return %s --date 2027-01-02 --undeliverable", numbers[1]);
    free(forms(args));
    snprintf(args, sizeof(args), "return %s --date 2026-12-04 --undeliverable", numbers[2]);
    free(forms(args));
    /* 2027-01-04: 990003 (33 days) and 990004 (32) are overdue */
    table_rows("request_id IN (990003, 990004)", "run_date, control_no", "2027-01-04", 0, rows,
               sizeof(rows));
    CU_ASSERT_PTR_NOT_NULL(strstr(rows, "  2026-12-03    32      9006  "));
    /* the enclosed form came back first (notice 000001: 9001 at 本町3丁目30-8, before
     * 9007 at 11-12 in number order, D83) */
    table_rows("request_id = 990002 OR notice_no = '20261201-000001'",
               "undeliverable_on, control_no", "2027-01-04", 1, more, sizeof(more));
    CU_ASSERT_PTR_NOT_NULL(strstr(more, "  enclosed  2026-12-01    34  2026-12-04         9001  "));
    CU_ASSERT_PTR_NOT_NULL(strstr(more, "  inquiry   2026-12-01    34  2027-01-02         9013  "
                                        "K01     山田　太郎\n"));
    CU_ASSERT(strstr(more, "enclosed") < strstr(more, "inquiry"));
    status_output(expected, sizeof(expected), "2027-01-04", 30, 2, rows, 2, more);
    assert_forms("status --date 2027-01-04", expected);
    /* the day after the enclosed form's validity, only the inquiry form is left to do */
    char *after = query_text("SELECT (valid_until + 1)::text FROM kigen.forms WHERE notice_no = "
                             "'20261201-000001'");
    table_rows("request_id = 990002", "control_no", after, 1, more, sizeof(more));
    table_rows("request_id IN (990003, 990004)", "run_date, control_no", after, 0, rows,
               sizeof(rows));
    status_output(expected, sizeof(expected), after, 30, 2, rows, 1, more);
    snprintf(args, sizeof(args), "status --date %s", after);
    assert_forms(args, expected);
    free(after);
    /* bad options: usage */
    char *bad = forms("status --overdue-days 0");
    CU_ASSERT_PTR_NOT_NULL(strstr(bad, "kigen: error: unable to use --overdue-days '0': a whole "
                                       "number of days from 1 to 365 is needed\nexit 2\n"));
    free(bad);
}

static void reissue_voids_an_open_inquiry_form(void)
{
    database_with_forms();
    char number[CONTROL_NO_PRINT_SIZE], args[256], expected[1024];
    printed_no("request_id = 990002", number);
    snprintf(args, sizeof(args), "reissue %s --date 2026-12-15", number);
    snprintf(expected, sizeof(expected),
             "form %s void from 2026-12-15: the next run produces a new form for request 990002 "
             "(resident 9013 山田　太郎)\nexit 0\n",
             number);
    assert_forms(args, expected);
    assert_state("request_id = 990002", "-|-|2026-12-15|0");
    /* the request has no open form now: the next run may record a new one */
    assert_query("SELECT count(*) FROM kigen.forms WHERE request_id = 990002 AND voided_on IS "
                 "NULL",
                 "0");
    /* reissuing it again is refused: the next run has not produced its replacement yet */
    snprintf(expected, sizeof(expected),
             "kigen: error: unable to reissue form %s: it is already void since 2026-12-15 (the "
             "next run produces its replacement)\nexit 3\n",
             number);
    assert_forms(args, expected);
    /* a scan of the void form is refused too */
    snprintf(args, sizeof(args), "return %s --date 2026-12-16", number);
    snprintf(expected, sizeof(expected),
             "kigen: error: unable to record the return of form %s: it is void since 2026-12-15 "
             "(reissued; the next run produces its replacement)\nkigen: error: HINT: a void form "
             "is not accepted: the holder answers on the new form\nexit 3\n",
             number);
    assert_forms(args, expected);
    /* as the run will: a new form for the request, reissue_of the old one (the unique
     * index forms_request_open_idx accepts it); the messages then name it */
    exec_sql("INSERT INTO kigen.forms (control_no, kind, request_id, run_id, run_date, "
             "resident_id, office_code, family_name, given_name, reissue_of) SELECT "
             "kigen.new_control_no(), kind, request_id, run_id, '2026-12-16', resident_id, "
             "office_code, family_name, given_name, control_no FROM kigen.forms WHERE request_id "
             "= 990002 RETURNING control_no");
    char replacement[CONTROL_NO_PRINT_SIZE];
    printed_no("request_id = 990002 AND voided_on IS NULL", replacement);
    snprintf(args, sizeof(args), "reissue %s --date 2026-12-17", number);
    snprintf(expected, sizeof(expected),
             "kigen: error: unable to reissue form %s: it is already void since 2026-12-15 (its "
             "replacement is form %s)\nexit 3\n",
             number, replacement);
    assert_forms(args, expected);
    assert_state("request_id = 990002 AND reissue_of IS NULL", "-|-|2026-12-15|0");
    /* an answered form is not reissued */
    printed_no("request_id = 990001", number);
    snprintf(args, sizeof(args), "return %s --date 2026-12-10", number);
    free(forms(args));
    snprintf(args, sizeof(args), "reissue %s --date 2026-12-15", number);
    snprintf(expected, sizeof(expected),
             "kigen: error: unable to reissue form %s: it came back answered on 2026-12-10, "
             "nothing is left to reissue\nexit 3\n",
             number);
    assert_forms(args, expected);
    assert_state("request_id = 990001", "2026-12-10|-|-|1");
    /* an enclosed form goes with its notice */
    printed_no("notice_no = '20261201-000002'", number);
    snprintf(args, sizeof(args), "reissue %s --date 2026-12-15", number);
    snprintf(expected, sizeof(expected),
             "kigen: error: unable to reissue form %s: it is enclosed with notice "
             "20261201-000002 and goes with it; only an inquiry form is reissued\nexit 3\n",
             number);
    assert_forms(args, expected);
    assert_state("notice_no = '20261201-000002'", "-|-|-|0");
    /* an undeliverable inquiry form is what a reissue is for */
    printed_no("request_id = 990003", number);
    snprintf(args, sizeof(args), "return %s --date 2026-12-05 --undeliverable", number);
    free(forms(args));
    snprintf(args, sizeof(args), "reissue %s --date 2026-12-20", number);
    char *done = forms(args);
    CU_ASSERT_PTR_NOT_NULL(strstr(done, "void from 2026-12-20: the next run produces a new form "
                                        "for request 990003"));
    free(done);
    assert_state("request_id = 990003", "-|2026-12-05|2026-12-20|1");
    /* a date before the form was produced */
    printed_no("request_id = 990004", number);
    snprintf(args, sizeof(args), "reissue %s --date 2026-12-02", number);
    snprintf(expected, sizeof(expected),
             "kigen: error: unable to reissue form %s on 2026-12-02: it was produced on "
             "2026-12-03\nexit 3\n",
             number);
    assert_forms(args, expected);
    assert_state("request_id = 990004", "-|-|-|0");
}

static void concurrent_scans_count_each_and_record_one_return(void)
{
    database_with_forms();
    char number[CONTROL_NO_PRINT_SIZE], command_line[4096];
    printed_no("request_id = 990004", number);
    /* eight clerks scan the same form at once, on different days */
    snprintf(command_line, sizeof(command_line),
             "for day in 11 12 13 14 15 16 17 18; do '%s' -q forms return %s --date 2026-12-$day "
             "& done; wait",
             test_kigen_bin(), number);
    char *output = NULL;
    CU_ASSERT_EQUAL(test_run_shell(command_line, &output), 0);
    int first = 0, again = 0;
    for (const char *line = output; line != NULL && *line != '\0';) {
        first +=
            strstr(line, " (scan 1): ") != NULL && strstr(line, " (scan 1): ") < strchr(line, '\n');
        again += strncmp(line + 20, "already returned on ", 20) == 0;
        line = strchr(line, '\n');
        line = line != NULL ? line + 1 : NULL;
    }
    free(output);
    CU_ASSERT_EQUAL(first, 1);
    CU_ASSERT_EQUAL(again, 7);
    /* one return date (the first scan's), eight scans */
    assert_query("SELECT count(*) || ',' || sum(return_scans) || ',' || (returned_on BETWEEN "
                 "'2026-12-11' AND '2026-12-18') FROM kigen.forms WHERE request_id = 990004 GROUP "
                 "BY returned_on",
                 "1,8,true");
}

/* D79: a return, an undo or a reissue dated after today is refused (exit 2), nothing
 * recorded; the status may look ahead. */
static void a_counter_action_dated_after_today_is_refused(void)
{
    database_with_forms();
    char number[CONTROL_NO_PRINT_SIZE], args[256], expected[1024];
    const char *today = "KIGEN_TODAY=2026-12-10";
    printed_no("request_id = 990001", number);
    static const char *const actions[][3] = {
        {"return", "--date 2026-12-11", "record the return of form"},
        {"return", "--date 2026-12-11 --undeliverable", "record the return of form"},
        {"return", "--undo --date=2027-01-01", "take back a scan of form"},
        {"reissue", "--date 2026-12-11", "reissue form"},
    };
    for (size_t idx = 0; idx < sizeof(actions) / sizeof(actions[0]); idx++) {
        snprintf(args, sizeof(args), "%s %s %s", actions[idx][0], number, actions[idx][1]);
        snprintf(expected, sizeof(expected),
                 "kigen: error: unable to %s %s on %s: that day is after today (2026-12-10 in "
                 "Japan)\nkigen: error: HINT: nothing was recorded; give the day it happened "
                 "(--date YYYY-MM-DD), or leave --date out for today\nexit 2\n",
                 actions[idx][2], number, idx == 2 ? "2027-01-01" : "2026-12-11");
        assert_forms_env(today, args, expected);
    }
    assert_state("request_id = 990001", "-|-|-|0");
    assert_query("SELECT count(*) FROM kigen.form_events", "0");
    /* today itself, the default, is fine */
    snprintf(args, sizeof(args), "return %s", number);
    snprintf(expected, sizeof(expected),
             "form %s returned on 2026-12-10 (scan 1): inquiry form of request 990001, resident "
             "9001 佐藤　一郎\nexit 0\n",
             number);
    assert_forms_env(today, args, expected);
    /* the status looks ahead as it likes */
    char *status = forms_env(today, "status --date 2027-03-01");
    CU_ASSERT_PTR_NOT_NULL(strstr(status, "forms as of 2027-03-01 "));
    CU_ASSERT_PTR_NOT_NULL(strstr(status, "\nexit 0\n"));
    free(status);
}

/* The form's history: action|day|clerk|undone, in order. */
static void assert_history(const char *where, const char *expected)
{
    char sql[1024];
    snprintf(sql, sizeof(sql),
             "SELECT string_agg(concat_ws('|', e.action, e.day, coalesce(e.os_user, '?'), "
             "(SELECT count(*) FROM kigen.form_events u WHERE u.undoes = e.event_id)), ' / ' "
             "ORDER BY e.event_id) FROM kigen.form_events e JOIN kigen.forms f USING "
             "(control_no) WHERE %s",
             where);
    assert_query(sql, expected);
}

/* D80: --undo takes back the last scan not taken back; the form's columns follow the
 * scans left, the history keeps everything with the clerk and the time. */
static void undo_takes_back_the_last_scan_and_keeps_the_history(void)
{
    database_with_forms();
    char number[CONTROL_NO_PRINT_SIZE], args[256], expected[1024], clerk[64];
    const struct passwd *user = getpwuid(getuid()); /* the OS user the tests run as */
    CU_ASSERT_PTR_NOT_NULL_FATAL(user);
    snprintf(clerk, sizeof(clerk), "%s", user->pw_name);
    printed_no("request_id = 990002", number);
    /* came back undeliverable, was handed over and answered, then scanned again by mistake */
    snprintf(args, sizeof(args), "return %s --undeliverable --date 2026-12-05", number);
    free(forms(args));
    snprintf(args, sizeof(args), "return %s --date 2026-12-18", number);
    free(forms(args));
    snprintf(args, sizeof(args), "return %s --date 2026-12-19", number);
    free(forms(args));
    assert_state("request_id = 990002", "2026-12-18|2026-12-05|-|3");
    /* the mistaken scan is taken back: the answer stays */
    snprintf(args, sizeof(args), "return %s --undo --date 2026-12-19", number);
    char *said = forms(args);
    snprintf(expected, sizeof(expected), "form %s: scan 3 (returned on 2026-12-19, recorded by ",
             number);
    CU_ASSERT_EQUAL(strncmp(said, expected, strlen(expected)), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(said, ") taken back on 2026-12-19; now returned on 2026-12-18, "
                                        "2 scans: inquiry form of request 990002, resident 9013 "
                                        "山田　太郎\nexit 0\n"));
    if (strncmp(said, expected, strlen(expected)) != 0)
        fprintf(stderr, "\n%s", said);
    free(said);
    assert_state("request_id = 990002", "2026-12-18|2026-12-05|-|2");
    /* and the answer too: undeliverable again, as before it */
    snprintf(args, sizeof(args), "return %s --undo --date 2026-12-20", number);
    said = forms(args);
    CU_ASSERT_PTR_NOT_NULL(strstr(said, ": scan 2 (returned on 2026-12-18, recorded by "));
    CU_ASSERT_PTR_NOT_NULL(strstr(said, "now returned as undeliverable on 2026-12-05, 1 scan: "));
    free(said);
    assert_state("request_id = 990002", "-|2026-12-05|-|1");
    /* an undo dated before the scan it would take back is refused */
    snprintf(args, sizeof(args), "return %s --undo --date 2026-12-04", number);
    snprintf(expected, sizeof(expected),
             "kigen: error: unable to take back a scan of form %s on 2026-12-04: its last scan "
             "is dated 2026-12-05\nexit 3\n",
             number);
    assert_forms(args, expected);
    /* the last one: not returned at all; then nothing is left to take back */
    snprintf(args, sizeof(args), "return %s --undo --date 2026-12-20", number);
    said = forms(args);
    CU_ASSERT_PTR_NOT_NULL(strstr(said, ": scan 1 (undeliverable on 2026-12-05, recorded by "));
    CU_ASSERT_PTR_NOT_NULL(strstr(said, "now not returned, 0 scans: "));
    free(said);
    assert_state("request_id = 990002", "-|-|-|0");
    snprintf(expected, sizeof(expected),
             "kigen: error: unable to take back a scan of form %s: it has no scan left to take "
             "back\nexit 3\n",
             number);
    assert_forms(args, expected);
    /* a new scan after the undos is the first again */
    snprintf(args, sizeof(args), "return %s --date 2026-12-21", number);
    snprintf(expected, sizeof(expected),
             "form %s returned on 2026-12-21 (scan 1): inquiry form of request 990002, resident "
             "9013 山田　太郎\nexit 0\n",
             number);
    assert_forms(args, expected);
    /* the history holds all of it, in order, with the clerk (the OS user) */
    char history[1024];
    snprintf(history, sizeof(history),
             "undeliverable|2026-12-05|%s|1 / returned|2026-12-18|%s|1 / "
             "returned|2026-12-19|%s|1 / undo|2026-12-19|%s|0 / undo|2026-12-20|%s|0 / "
             "undo|2026-12-20|%s|0 / returned|2026-12-21|%s|0",
             clerk, clerk, clerk, clerk, clerk, clerk, clerk);
    assert_history("f.request_id = 990002", history);
    assert_query("SELECT count(*) FROM kigen.form_events WHERE recorded_at IS NULL", "0");
    /* and is never rewritten */
    CU_ASSERT_NOT_EQUAL(test_run_shell("psql -X -q -c 'DELETE FROM kigen.form_events' >/dev/null "
                                       "2>&1",
                                       NULL),
                        0);
    CU_ASSERT_NOT_EQUAL(test_run_shell("psql -X -q -c \"UPDATE kigen.form_events SET day = "
                                       "'2026-12-01'\" >/dev/null 2>&1",
                                       NULL),
                        0);
    assert_query("SELECT count(*) FROM kigen.form_events", "7");
    /* a void form's scans are not taken back */
    printed_no("request_id = 990003", number);
    snprintf(args, sizeof(args), "return %s --undeliverable --date 2026-12-05", number);
    free(forms(args));
    snprintf(args, sizeof(args), "reissue %s --date 2026-12-06", number);
    free(forms(args));
    snprintf(args, sizeof(args), "return %s --undo --date 2026-12-07", number);
    snprintf(expected, sizeof(expected),
             "kigen: error: unable to take back a scan of form %s: it is void since 2026-12-06 "
             "(reissued; the next run produces its replacement)\nkigen: error: HINT: a void form "
             "is not accepted: the holder answers on the new form\nexit 3\n",
             number);
    assert_forms(args, expected);
    assert_state("request_id = 990003", "-|2026-12-05|2026-12-06|1");
    /* --undo and --undeliverable do not go together */
    snprintf(args, sizeof(args), "return %s --undo --undeliverable", number);
    said = forms(args);
    CU_ASSERT_PTR_NOT_NULL(strstr(said, "unable to parse option '--undo': it takes back the last "
                                        "scan, whatever its kind, and goes without "
                                        "--undeliverable\nusage: kigen forms return "));
    CU_ASSERT_PTR_NOT_NULL(strstr(said, "\nexit 2\n"));
    free(said);
}

/* sql/010 gives the scans recorded before it a history, so that they can be taken back:
 * its filling of the history is run again over forms scanned the old way (the tables as
 * sql/016 partitioned them: 010 itself creates them unpartitioned). */
static void scans_recorded_before_the_history_can_be_taken_back(void)
{
    database_with_forms();
    exec_sql("UPDATE kigen.forms SET returned_on = '2026-12-20', return_scans = 3 WHERE "
             "request_id = 990001");
    exec_sql("UPDATE kigen.forms SET undeliverable_on = '2026-12-05', returned_on = "
             "'2026-12-18', return_scans = 3 WHERE request_id = 990002");
    exec_sql("UPDATE kigen.forms SET undeliverable_on = '2026-12-05', return_scans = 2 WHERE "
             "request_id = 990003");
    exec_sql("TRUNCATE kigen.form_events");
    char command_line[1024], migration[1024];
    snprintf(command_line, sizeof(command_line),
             "sed -n '/^-- The scans recorded before this table/,$p' '%s' | psql -X -q -v "
             "ON_ERROR_STOP=1 >/dev/null",
             test_root_path("sql/010_form_events.sql", migration, sizeof(migration)));
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, NULL), 0);
    assert_history("f.request_id = 990001",
                   "returned|2026-12-20|?|0 / returned|2026-12-20|?|0 / returned|2026-12-20|?|0");
    assert_history("f.request_id = 990002", "undeliverable|2026-12-05|?|0 / "
                                            "returned|2026-12-18|?|0 / returned|2026-12-18|?|0");
    assert_history("f.request_id = 990003",
                   "undeliverable|2026-12-05|?|0 / undeliverable|2026-12-05|?|0");
    assert_query("SELECT count(*) FROM kigen.form_events", "8");
    char number[CONTROL_NO_PRINT_SIZE], args[256];
    printed_no("request_id = 990002", number);
    const char *const states[] = {"2026-12-18|2026-12-05|-|2", "-|2026-12-05|-|1", "-|-|-|0"};
    for (size_t idx = 0; idx < 3; idx++) {
        snprintf(args, sizeof(args), "return %s --undo --date 2026-12-21", number);
        char *said = forms(args);
        CU_ASSERT_PTR_NOT_NULL(strstr(said, ", recorded before the counter's history was kept) "));
        CU_ASSERT_PTR_NOT_NULL(strstr(said, "\nexit 0\n"));
        free(said);
        assert_state("request_id = 990002", states[idx]);
    }
    assert_state("request_id = 990001", "2026-12-20|-|-|3");
}

/* A configuration file holding text; its path into path (cap bytes). */
static void config_file(const char *text, char *path, size_t cap)
{
    snprintf(path, cap, "/tmp/kigen-test-forms-conf-XXXXXX");
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    FILE *file = fdopen(fd, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(file);
    fputs(text, file);
    fclose(file);
}

/* "aligned" when the tables of a screen (the lines between a "...: N" count line and a
 * blank line) have their columns lined up in display columns, every cell of a column
 * starting (text) or ending (numbers) where the header's does; East Asian wide and
 * full-width characters count two (Python's unicodedata, not kigen's own table). Else
 * what is off. */
static const char aligned_py[] =
    "import re, sys, unicodedata\n"
    "def width(t): return sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in t)\n"
    "def cells(line): return [(width(line[:m.start()]), width(line[:m.end()])) for m in "
    "re.finditer(r'[^ ]+(?: [^ ]+)*', line)]\n"
    "lines = sys.stdin.read().split('\\n'); tables = []; table = None\n"
    "for line in lines:\n"
    "    if re.search(r': [0-9]+$', line): table = []; tables.append(table); continue\n"
    "    if line == '': table = None; continue\n"
    "    if table is not None: table.append(cells(line))\n"
    "bad = [t for t in tables if len(set(len(r) for r in t)) != 1 or not all(len(set(r[c][0] "
    "for r in t)) == 1 or len(set(r[c][1] for r in t)) == 1 for c in range(len(t[0])))]\n"
    "print('aligned' if tables and not bad else 'off: %r' % (bad or 'no table'))\n";

/* The counter in Japanese (language = ja, D119): the title, the counts, the headers, the
 * kinds and the messages, the columns lined up by display width with Japanese names;
 * --csv the same table with a BOM, read back by Python's csv module; in English the CSV
 * has no BOM (csv_bom follows the language). */
static void the_counter_speaks_japanese_in_aligned_columns(void)
{
    database_with_forms();
    char ja[64], en[64], args[512], number[CONTROL_NO_PRINT_SIZE], enclosed[CONTROL_NO_PRINT_SIZE];
    config_file("language = ja\n", ja, sizeof(ja));
    config_file("language = en\n", en, sizeof(en));
    printed_no("request_id = 990002", number);
    printed_no("notice_no = '20261201-000001'", enclosed);
    snprintf(args, sizeof(args), "return %s --date 2027-01-02 --undeliverable --config '%s'",
             number, ja);
    char *out = forms(args);
    char expected[1024];
    snprintf(expected, sizeof(expected),
             "照会書兼回答書 %s を 2027-01-02 にあて所不明の返戻として記録しました（スキャン 1 "
             "回目）: 申請 990002 の照会書、宛名番号 9013 山田　太郎\n",
             number);
    test_contains(out, expected);
    test_contains(out, "ヒント: 住所を確認してください。");
    free(out);
    snprintf(args, sizeof(args), "return %s --date 2026-12-04 --undeliverable --config '%s'",
             enclosed, ja);
    free(forms(args));
    /* the screen */
    snprintf(args, sizeof(args), "status --date 2027-01-04 --config '%s'", ja);
    out = forms(args);
    test_contains(out,
                  "2027-01-04 現在の照会書兼回答書（回答期限超過: 発送日から 30 日を過ぎても"
                  "回答のない照会書）\n\n回答期限を過ぎた照会書: 3\n照会番号        発送日      "
                  "経過日数  宛名番号  窓口    氏名\n");
    /* at least as wide as the English columns (種類 as kind, あて所不明 as undeliverable) */
    test_contains(out,
                  "あて所不明で返戻された照会書兼回答書: 2\n照会番号        種類      発送日      "
                  "経過日数  あて所不明     宛名番号  窓口    氏名\n");
    test_contains(
        out, "  同封      2026-12-01        34  2026-12-04         9001  K01     佐藤　一郎\n");
    test_contains(
        out, "  照会      2026-12-01        34  2027-01-02         9013  K01     山田　太郎\n");
    test_contains(out, "exit 0\n");
    char command_line[8192];
    snprintf(command_line, sizeof(command_line),
             "'%s' forms status --date 2027-01-04 --config '%s' | /usr/bin/python3 -c \"%s\"",
             test_kigen_bin(), ja, aligned_py);
    char *checked = NULL;
    CU_ASSERT_EQUAL(test_run_shell(command_line, &checked), 0);
    CU_ASSERT_STRING_EQUAL(checked, "aligned\n");
    free(checked);
    free(out);
    /* the English screen lines up too (and is what the other cases compare byte for byte) */
    snprintf(command_line, sizeof(command_line),
             "'%s' forms status --date 2027-01-04 --config '%s' | /usr/bin/python3 -c \"%s\"",
             test_kigen_bin(), en, aligned_py);
    CU_ASSERT_EQUAL(test_run_shell(command_line, &checked), 0);
    CU_ASSERT_STRING_EQUAL(checked, "aligned\n");
    free(checked);
    /* --csv: one table, both lists, read back */
    static const char csv_py[] = "import csv, sys\n"
                                 "data = sys.stdin.buffer.read()\n"
                                 "print(data[:3] == b'\\\\xef\\\\xbb\\\\xbf')\n"
                                 "rows = list(csv.reader(data.decode('utf-8-sig').splitlines()))\n"
                                 "print('|'.join(rows[0]))\n"
                                 "for row in rows[1:]: print('|'.join(row[:3] + row[5:]))\n";
    snprintf(command_line, sizeof(command_line),
             "'%s' forms status --date 2027-01-04 --csv --config '%s' | /usr/bin/python3 -c \"%s\"",
             test_kigen_bin(), ja, csv_py);
    char *csv = NULL;
    CU_ASSERT_EQUAL(test_run_shell(command_line, &csv), 0);
    test_contains(csv, "True\n一覧|照会番号|種類|発送日|経過日数|あて所不明|宛名番号|窓口|氏名\n");
    snprintf(expected, sizeof(expected), "あて所不明|%s|照会|2027-01-02|9013|K01|山田　太郎\n",
             number);
    test_contains(csv, expected);
    snprintf(expected, sizeof(expected), "あて所不明|%s|同封|2026-12-04|9001|K01|佐藤　一郎\n",
             enclosed);
    test_contains(csv, expected);
    test_contains(csv, "回答期限超過|");
    free(csv);
    snprintf(command_line, sizeof(command_line),
             "'%s' forms status --date 2027-01-04 --csv --config '%s' | /usr/bin/python3 -c \"%s\"",
             test_kigen_bin(), en, csv_py);
    CU_ASSERT_EQUAL(test_run_shell(command_line, &csv), 0);
    test_contains(csv,
                  "False\nlist|control number|kind|run date|days|undeliverable|resident|office|"
                  "name\n");
    snprintf(expected, sizeof(expected),
             "undeliverable|%s|inquiry|2027-01-02|9013|K01|山田　太郎\n", number);
    test_contains(csv, expected);
    free(csv);
    /* --csv is status's alone; an error in Japanese */
    snprintf(args, sizeof(args), "return %s --csv --config '%s'", number, ja);
    out = forms(args);
    test_contains(out, "--csv");
    test_contains(out, "exit 2\n");
    free(out);
    /* the help too */
    snprintf(args, sizeof(args), "status --help --config '%s'", ja);
    out = forms(args);
    test_contains(out, "  --csv               status: 表計算ソフト用に表を CSV で出力します");
    free(out);
    snprintf(args, sizeof(args), "return ABCD --config '%s'", ja);
    out = forms(args);
    test_contains(out,
                  "kigen: エラー: 照会番号 'ABCD' を読み取れません。4 文字ありますが、照会番号は "
                  "12 文字です（XXXX-XXXX-XXXX。ハイフンと空白を除く）\nexit 3\n");
    free(out);
    remove(ja);
    remove(en);
}

int tests_register_forms_db(void)
{
    static const test_case cases[] = {
        {"the_counter_speaks_japanese_in_aligned_columns",
         the_counter_speaks_japanese_in_aligned_columns},
        {"a_first_scan_records_the_return", a_first_scan_records_the_return},
        {"a_second_scan_is_reported_and_counted_once", a_second_scan_is_reported_and_counted_once},
        {"an_undeliverable_form_is_recorded_apart", an_undeliverable_form_is_recorded_apart},
        {"an_unknown_number_is_a_clear_error", an_unknown_number_is_a_clear_error},
        {"a_malformed_number_is_refused_before_the_database",
         a_malformed_number_is_refused_before_the_database},
        {"a_void_or_early_scan_is_refused", a_void_or_early_scan_is_refused},
        {"overdue_listing_across_dates", overdue_listing_across_dates},
        {"reissue_voids_an_open_inquiry_form", reissue_voids_an_open_inquiry_form},
        {"concurrent_scans_count_each_and_record_one_return",
         concurrent_scans_count_each_and_record_one_return},
        {"a_counter_action_dated_after_today_is_refused",
         a_counter_action_dated_after_today_is_refused},
        {"undo_takes_back_the_last_scan_and_keeps_the_history",
         undo_takes_back_the_last_scan_and_keeps_the_history},
        {"scans_recorded_before_the_history_can_be_taken_back",
         scans_recorded_before_the_history_can_be_taken_back},
        {NULL, NULL},
    };
    return tests_add_suite("forms_db", cases);
}
