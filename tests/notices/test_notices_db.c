/*
 * test_notices_db.c - `kigen notices return|status` and what a return does to the nightly
 * run, against the embedded PostgreSQL: the sample extract and two residents of this suite
 * (9901, 9902: an auth certificate noticed on 2026-12-01, a sign certificate due from
 * 2026-12-02), returns recorded at the counter, runs night after night. Each case asserts
 * the exact output, the exit status and the ledger after (D88-D91).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "notices/notice_no.h"
#include "notices/return_reason.h"
#include "test.h"

#define FIRST_NIGHT "2026-12-01"

static const char residents_header[] =
    "resident_id,office_code,family_name,given_name,family_kana,given_kana,birth_date,sex,"
    "postal_code,address,banchi,address2,status,removed_on,stay_expires,adult_ward,"
    "lives_elsewhere\n";

/* The two residents, 9902 at banchi `banchi_9902`. */
static void load_residents(const char *banchi_9901, const char *banchi_9902)
{
    char residents[1024];
    snprintf(residents, sizeof(residents),
             "%s9901,K01,返戻,一郎,ヘンレイ,イチロウ,1980-01-10,1,2630023,千葉県千葉市稲毛区緑町,"
             "%s,,current,,,0,0\n"
             "9902,K01,返戻,二郎,ヘンレイ,ジロウ,1980-01-10,1,2630023,千葉県千葉市稲毛区緑町,"
             "%s,,current,,,0,0\n",
             residents_header, banchi_9901, banchi_9902);
    const char *const files[] = {"residents.csv", residents, NULL};
    test_load_files(files);
}

/* The sample city, the two residents with their cards and certificates, and the first
 * night's run (which notices each resident's auth certificate). */
static void city_with_two_residents(const char *dir)
{
    test_loaded_database();
    load_residents("3丁目30-8", "5-6");
    const char *const files[] = {
        "cards.csv",
        "card_id,resident_id,issued_on,expires_on,revoked_on\n"
        "99011,9901,2022-01-20,2032-01-10,\n99012,9902,2022-01-20,2032-01-10,\n",
        "certificates.csv",
        "certificate_id,resident_id,card_id,type,issued_on,revoked_on,expires_on\n"
        "990111,9901,99011,auth,2022-01-20,,\n990112,9901,99011,sign,2022-06-01,,2027-03-15\n"
        "990121,9902,99012,auth,2022-01-20,,\n990122,9902,99012,sign,2022-06-01,,2027-03-15\n",
        NULL};
    test_load_files(files);
    char command_line[2048];
    snprintf(command_line, sizeof(command_line),
             "'%s' -q run --date " FIRST_NIGHT " --out '%s' >/dev/null 2>&1", test_kigen_bin(),
             dir);
    CU_ASSERT_EQUAL_FATAL(test_run_shell(command_line, NULL), 0);
}

/* The notice number of a resident's notice of FIRST_NIGHT into out. */
static void notice_of(long resident_id, char *out, size_t cap)
{
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT replace(notice_no, '-', '')::bigint FROM kigen.notices WHERE resident_id = "
             "%ld AND run_date = '" FIRST_NIGHT "'",
             resident_id);
    long digits = test_query_long(sql);
    snprintf(out, cap, "20261201-%06ld", digits % 1000000);
}

/* `kigen notices ARGS`: its exit status, stdout into *out and stderr into *err (without
 * the timestamps of a log line); both freed by the caller. */
static int notices(const char *args, char **out, char **err)
{
    char command_line[2048], err_path[64];
    snprintf(err_path, sizeof(err_path), "/tmp/kigen-test-notices-err-%ld", (long)getpid());
    snprintf(command_line, sizeof(command_line), "'%s' notices %s 2>'%s'", test_kigen_bin(), args,
             err_path);
    int status = test_run_shell(command_line, out);
    if (*out == NULL)
        *out = strdup("");
    char *raw = test_read_file(err_path);
    unlink(err_path);
    if (err != NULL) {
        /* "2026-12-06T22:01:37+09:00 kigen: error: ..." → "kigen: error: ..." */
        size_t len = raw != NULL ? strlen(raw) : 0;
        char *clean = calloc(len + 1, 1);
        size_t at = 0;
        for (const char *line = raw; line != NULL && *line != '\0';) {
            const char *end = strchr(line, '\n');
            size_t line_len = end != NULL ? (size_t)(end - line + 1) : strlen(line);
            const char *start = strstr(line, "kigen: ");
            if (start == NULL || start > line + line_len)
                start = line;
            memcpy(clean + at, start, line_len - (size_t)(start - line));
            at += line_len - (size_t)(start - line);
            line += line_len;
        }
        *err = clean;
    }
    free(raw);
    return status;
}

static int run_night(const char *date, const char *dir)
{
    char command_line[2048];
    snprintf(command_line, sizeof(command_line), "'%s' -q run --date %s --out '%s' >/dev/null 2>&1",
             test_kigen_bin(), date, dir);
    return test_run_shell(command_line, NULL);
}

static char *night_file(const char *dir, const char *date, const char *name)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s/%s", dir, date, name);
    char *text = test_read_file(path);
    return text != NULL ? text : strdup("");
}

static void assert_not_contains(const char *text, const char *part)
{
    CU_ASSERT_PTR_NULL(strstr(text, part));
    if (strstr(text, part) != NULL)
        fprintf(stderr, "\nunexpected: %s\nin: %s\n", part, text);
}

static void notice_numbers_are_read_as_typed_or_refused(void)
{
    char out[NOTICE_NO_SIZE];
    kg_errbuf errbuf;
    static const char *const accepted[][2] = {
        {"20261201-000001", "20261201-000001"},
        {"20261201000001", "20261201-000001"},
        {"２０２６１２０１ー０００００１", "20261201-000001"},
        {" 20261201－000001 ", "20261201-000001"},
        {"20261201 000017", "20261201-000017"},
        {"20261201-1234567", "20261201-1234567"},
    };
    for (size_t idx = 0; idx < sizeof(accepted) / sizeof(accepted[0]); idx++) {
        CU_ASSERT_EQUAL(notice_no_parse(accepted[idx][0], strlen(accepted[idx][0]), out, &errbuf),
                        KG_OK);
        CU_ASSERT_STRING_EQUAL(out, accepted[idx][1]);
    }
    static const char *const refused[][2] = {
        {"2026120-000001", "the hyphen goes after the 8 digits of the run date"},
        {"20261301-000001", "its first 8 digits are not a day (YYYYMMDD)"},
        {"20261201-00001", "too few digits: 8 of the run date and at least 6 of the number"},
        {"20261201-000000", "the number after the date is zero"},
        {"20261201-0000O1", "character 14 is not a digit or a hyphen (YYYYMMDD-nnnnnn)"},
        {"20261201--000001", "the hyphen goes after the 8 digits of the run date"},
        {"", "too few digits: 8 of the run date and at least 6 of the number"},
        {"２０２６１２０１ー００００Ｏ１", "character 14 is not a digit or a hyphen"},
    };
    for (size_t idx = 0; idx < sizeof(refused) / sizeof(refused[0]); idx++) {
        CU_ASSERT_EQUAL(notice_no_parse(refused[idx][0], strlen(refused[idx][0]), out, &errbuf),
                        KG_ERR_NOTICE_NO);
        test_contains(errbuf.text, refused[idx][1]);
    }
    /* the text is quoted up to 48 bytes, cut at a character */
    const char *long_text = "20261201-000001 とても長い番号とても長い番号とても長い";
    CU_ASSERT_EQUAL(notice_no_parse(long_text, strlen(long_text), out, &errbuf), KG_ERR_NOTICE_NO);
    test_contains(errbuf.text, "'20261201-000001 とても長い番号とても': character 17 ");
    CU_ASSERT_EQUAL(notice_no_parse("2026\xff", 5, out, &errbuf), KG_ERR_NOTICE_NO);
    test_contains(errbuf.text, "byte 5 is not UTF-8");
}

static void reasons_have_a_code_and_the_stamps_words(void)
{
    static const char *const expected[][2] = {
        {"unknown_at_address", "あて所に尋ねあたりません"},
        {"moved_unknown", "転居先不明"},
        {"refused", "受取拒絶"},
        {"incomplete_address", "あて名不完全"},
        {"unclaimed", "保管期間経過"},
        {"other", "その他"},
    };
    CU_ASSERT_EQUAL(RETURN__COUNT, sizeof(expected) / sizeof(expected[0]));
    for (int idx = 0; idx < RETURN__COUNT; idx++) {
        return_reason parsed = RETURN__COUNT;
        CU_ASSERT_STRING_EQUAL(return_reason_code((return_reason)idx), expected[idx][0]);
        CU_ASSERT_STRING_EQUAL(return_reason_stamp((return_reason)idx), expected[idx][1]);
        CU_ASSERT(return_reason_parse(expected[idx][0], strlen(expected[idx][0]), &parsed));
        CU_ASSERT_EQUAL(parsed, idx);
        CU_ASSERT(return_reason_parse(expected[idx][1], strlen(expected[idx][1]), &parsed));
        CU_ASSERT_EQUAL(parsed, idx);
    }
    return_reason parsed = RETURN__COUNT;
    CU_ASSERT(return_reason_parse("受取拒否", strlen("受取拒否"), &parsed));
    CU_ASSERT_EQUAL(parsed, RETURN_REFUSED);
    CU_ASSERT(
        return_reason_parse("宛所に尋ねあたりません", strlen("宛所に尋ねあたりません"), &parsed));
    CU_ASSERT_EQUAL(parsed, RETURN_UNKNOWN_AT_ADDRESS);
    CU_ASSERT_FALSE(return_reason_parse("moved", 5, &parsed));
    CU_ASSERT_EQUAL(RETURN_REASON_DEFAULT, RETURN_UNKNOWN_AT_ADDRESS);
}

static void a_return_is_recorded_refused_twice_and_taken_back(void)
{
    char dir[] = "/tmp/kigen-test-notices-XXXXXX", notice[NOTICE_NO_SIZE], args[512],
         expected[1024];
    test_make_temp_dir(dir);
    city_with_two_residents(dir);
    notice_of(9901, notice, sizeof(notice));
    char *out = NULL, *err = NULL;

    snprintf(args, sizeof(args), "return %s --date 2026-12-05", notice);
    CU_ASSERT_EQUAL(notices(args, &out, &err), 0);
    snprintf(expected, sizeof(expected),
             "notice %s returned on 2026-12-05 (unknown_at_address あて所に尋ねあたりません): "
             "resident 9901 返戻　一郎, mailed on 2026-12-01\n"
             "the resident's next certificates are not mailed to the same address until it "
             "changes (returned_mail)\n",
             notice);
    CU_ASSERT_STRING_EQUAL(out, expected);
    CU_ASSERT_STRING_EQUAL(err, "");
    free(out);
    free(err);

    /* a second return of the same notice: refused, nothing recorded (exit 3) */
    snprintf(args, sizeof(args), "return %s --reason 転居先不明", notice);
    CU_ASSERT_EQUAL(notices(args, &out, &err), 3);
    CU_ASSERT_STRING_EQUAL(out, "");
    snprintf(expected, sizeof(expected),
             "kigen: error: unable to record the return of notice %s: it is already returned on "
             "2026-12-05 (unknown_at_address), recorded by ",
             notice);
    test_contains(err, expected);
    snprintf(expected, sizeof(expected),
             "kigen: error: HINT: nothing was recorded; if that return was a mistake, kigen "
             "notices return %s --undo takes it back\n",
             notice);
    test_contains(err, expected);
    free(out);
    free(err);

    /* the undo: dated before the return, refused; then taken back */
    snprintf(args, sizeof(args), "return %s --undo --date 2026-12-04", notice);
    CU_ASSERT_EQUAL(notices(args, &out, &err), 3);
    snprintf(expected, sizeof(expected),
             "kigen: error: unable to take back the return of notice %s on 2026-12-04: it was "
             "returned on 2026-12-05\n",
             notice);
    CU_ASSERT_STRING_EQUAL(err, expected);
    free(out);
    free(err);
    snprintf(args, sizeof(args), "return %s --undo --date 2026-12-06", notice);
    CU_ASSERT_EQUAL(notices(args, &out, &err), 0);
    snprintf(expected, sizeof(expected),
             "notice %s: return of 2026-12-05 (unknown_at_address, "
             "recorded by ",
             notice);
    test_contains(out, expected);
    test_contains(out, ") taken back on 2026-12-06: resident 9901 返戻　一郎\n");
    free(out);
    free(err);
    CU_ASSERT_EQUAL(notices(args, &out, &err), 3);
    snprintf(expected, sizeof(expected),
             "kigen: error: unable to take back the return of notice %s: it has no return to "
             "take back\n",
             notice);
    CU_ASSERT_STRING_EQUAL(err, expected);
    free(out);
    free(err);

    /* recorded again, today (the default day), with the reason as the stamp says it */
    snprintf(args, sizeof(args), "return %s --reason 受取拒否", notice);
    CU_ASSERT_EQUAL(notices(args, &out, &err), 0);
    snprintf(expected, sizeof(expected),
             "notice %s returned on 2027-01-31 (refused 受取拒絶): resident 9901 返戻　一郎, "
             "mailed on 2026-12-01\n",
             notice);
    test_contains(out, expected);
    free(out);
    free(err);

    /* refusals before the ledger is asked, and by it */
    static const struct {
        const char *args;
        int status;
        const char *message;
    } refusals[] = {
        {"return 20261201-000002 --date 2026-11-30", 3,
         "kigen: error: unable to record the return of notice 20261201-000002 on 2026-11-30: it "
         "was mailed on 2026-12-01\n"},
        {"return 20261201-000002 --date 2027-02-01", 2,
         "kigen: error: unable to record the return of notice 20261201-000002 on 2027-02-01: "
         "that day is after today (2027-01-31 in Japan)\nkigen: error: HINT: nothing was "
         "recorded; give the day it happened (--date YYYY-MM-DD), or leave --date out for "
         "today\n"},
        {"return 20261201-000002 --undo --date 2027-02-01", 2,
         "kigen: error: unable to take back the return of notice 20261201-000002 on "
         "2027-02-01: that day is after today (2027-01-31 in Japan)\n"},
        {"return 20261201-999999", 3,
         "kigen: error: unable to find notice 20261201-999999: no notice with this number is "
         "in the ledger\nkigen: error: HINT: check the number on the returned letter "
         "(YYYYMMDD-nnnnnn: the run date, then the number)\n"},
        {"return 2026120-000001", 3,
         "kigen: error: unable to read notice number '2026120-000001': the hyphen goes after "
         "the 8 digits of the run date\n"},
        {"return 20261201-000002 --reason moved", 2,
         "kigen: error: unable to use --reason 'moved': not a reason of a return\nkigen: "
         "error: HINT: the reasons: unknown_at_address (あて所に尋ねあたりません), moved_unknown "
         "(転居先不明), refused (受取拒絶), incomplete_address (あて名不完全), unclaimed "
         "(保管期間経過), other (その他)\n"},
        {"return 20261201-000002 --undo --reason refused", 2,
         "kigen: error: unable to parse option '--reason': --undo takes back the return "
         "whatever its reason, and goes without --reason\n"},
        {"status --reason refused", 2,
         "kigen: error: unable to parse option '--reason': not an option of kigen notices "
         "status\n"},
        {"return", 2,
         "kigen: error: unable to run kigen notices return: the notice number is "
         "missing\n"},
        {"bogus", 2,
         "kigen: error: unable to run kigen notices bogus: not an action of kigen "
         "notices\n"},
    };
    long events = test_query_long("SELECT count(*) FROM kigen.notice_events");
    for (size_t idx = 0; idx < sizeof(refusals) / sizeof(refusals[0]); idx++) {
        CU_ASSERT_EQUAL(notices(refusals[idx].args, &out, &err), refusals[idx].status);
        test_contains(err, refusals[idx].message);
        CU_ASSERT_STRING_EQUAL(out, "");
        free(out);
        free(err);
    }
    /* a notice whose run has not written its print files has not been mailed */
    CU_ASSERT_EQUAL(test_run_shell("psql -X -q -c \"UPDATE kigen.runs SET status = 'recorded' "
                                   "WHERE run_date = '2026-12-01'\" >/dev/null 2>&1",
                                   NULL),
                    0);
    CU_ASSERT_EQUAL(notices("return 20261201-000002 --date 2026-12-05", &out, &err), 3);
    CU_ASSERT_STRING_EQUAL(err, "kigen: error: unable to record the return of notice "
                                "20261201-000002: it has not been mailed, its run of 2026-12-01 "
                                "has not written its print files (the run is recorded)\n"
                                "kigen: error: HINT: kigen run --date 2026-12-01 writes them; "
                                "check the number on the returned letter\n");
    free(out);
    free(err);
    CU_ASSERT_EQUAL(test_run_shell("psql -X -q -c \"UPDATE kigen.runs SET status = 'done' "
                                   "WHERE run_date = '2026-12-01'\" >/dev/null 2>&1",
                                   NULL),
                    0);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.notice_events"), events);
    /* the history: nothing is ever changed or deleted */
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.notice_events WHERE action = "
                                    "'undo' AND undoes IS NOT NULL"),
                    1);
    CU_ASSERT_NOT_EQUAL(
        test_run_shell("psql -X -q -c 'DELETE FROM kigen.notice_events' >/dev/null 2>&1", NULL), 0);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.notice_events"), events);
    test_remove_dir(dir);
}

/* The cells of a night's workbook as tests/xlsx_dump.py prints them. */
static char *workbook_cells(const char *dir, const char *date)
{
    char script[1024], command_line[2048];
    snprintf(command_line, sizeof(command_line), "/usr/bin/python3 '%s' '%s/%s/audit.xlsx'",
             test_root_path("tests/xlsx_dump.py", script, sizeof(script)), dir, date);
    char *out = NULL;
    CU_ASSERT_EQUAL(test_run_shell(command_line, &out), 0);
    return out != NULL ? out : strdup("");
}

static void status_lists(const char *date, const char *const *notice_nos, size_t count)
{
    char args[128], *out = NULL, *err = NULL;
    snprintf(args, sizeof(args), "status --date %s", date);
    CU_ASSERT_EQUAL(notices(args, &out, &err), 0);
    char expected[1024];
    snprintf(expected, sizeof(expected),
             "returned notices as of %s (to follow up, 居住実態調査: not yet lifted by an "
             "address change)\n\nreturned notices to follow up: ",
             date);
    test_contains(out, expected);
    if (count == 0)
        test_contains(out, "follow up: none\n");
    for (size_t idx = 0; idx < count; idx++)
        test_contains(out, notice_nos[idx]);
    /* one line per return after the header */
    size_t lines = 0;
    for (const char *at = strstr(out, "name\n"); at != NULL && (at = strchr(at + 1, '\n')) != NULL;)
        lines += at[1] != '\0';
    CU_ASSERT_EQUAL(lines, count);
    free(out);
    free(err);
}

static void a_returned_residents_next_certificate_waits_for_a_new_address(void)
{
    char dir[] = "/tmp/kigen-test-notices-XXXXXX", first[NOTICE_NO_SIZE], second[NOTICE_NO_SIZE],
         args[256], expected[512];
    test_make_temp_dir(dir);
    city_with_two_residents(dir);
    notice_of(9901, first, sizeof(first));
    notice_of(9902, second, sizeof(second));
    char *out = NULL, *err = NULL;
    snprintf(args, sizeof(args), "return %s --date 2026-12-05", first);
    CU_ASSERT_EQUAL(notices(args, &out, &err), 0);
    free(out);
    free(err);
    snprintf(args, sizeof(args), "return %s --date 2026-12-05 --reason moved_unknown", second);
    CU_ASSERT_EQUAL(notices(args, &out, &err), 0);
    free(out);
    free(err);

    /* the next night: both sign certificates are held back (returned_mail), once */
    CU_ASSERT_EQUAL(run_night("2026-12-06", dir), 0);
    char *excluded = night_file(dir, "2026-12-06", "excluded.csv");
    snprintf(expected, sizeof(expected),
             "9901,990112,sign,2027-03-15,returned_mail,notice %s returned on 2026-12-05 "
             "(unknown_at_address): not mailed to the same address again\n",
             first);
    test_contains(excluded, expected);
    snprintf(expected, sizeof(expected),
             "9902,990122,sign,2027-03-15,returned_mail,notice %s returned on 2026-12-05 "
             "(moved_unknown): not mailed to the same address again\n",
             second);
    test_contains(excluded, expected);
    free(excluded);
    char *manifest = night_file(dir, "2026-12-06", "manifest.json");
    test_contains(manifest, "\"returned_mail\" : 2");
    char *cells = workbook_cells(dir, "2026-12-06");
    snprintf(expected, sizeof(expected), "Returned mail\tA5\ts\t%s\n", first);
    test_contains(cells, expected);
    test_contains(cells, "Returned mail\tK5\ts\tunknown_at_address (あて所に尋ねあたりません)\n");
    test_contains(cells, "Returned mail\tM5\ts\tno\n");
    test_contains(cells, "Returned mail\tN5\td\t2026-12-06\n");
    test_contains(cells, "Returned mail\tK6\ts\tmoved_unknown (転居先不明)\n");
    test_contains(cells, "Summary\t");
    const char *both[] = {first, second};
    status_lists("2026-12-06", both, 2);

    /* the undo of the second return after that night: the next run mails 9902 again, and
     * a re-run of 2026-12-06 writes the same files (D72) */
    snprintf(args, sizeof(args), "return %s --undo --date 2026-12-07", second);
    CU_ASSERT_EQUAL(notices(args, &out, &err), 0);
    free(out);
    free(err);
    CU_ASSERT_EQUAL(
        test_query_long("SELECT count(*) FROM kigen.schedule_stale WHERE resident_id = 9902"), 1);
    CU_ASSERT_EQUAL(run_night("2026-12-06", dir), 0);
    char *manifest_again = night_file(dir, "2026-12-06", "manifest.json");
    CU_ASSERT_STRING_EQUAL(manifest_again, manifest);
    free(manifest_again);
    CU_ASSERT_EQUAL(run_night("2026-12-07", dir), 0);
    char *noticed = night_file(dir, "2026-12-07", "notices.csv");
    test_contains(noticed, ",9902,990122,sign,2027-03-15,");
    assert_not_contains(noticed, ",9901,");
    free(noticed);
    excluded = night_file(dir, "2026-12-07", "excluded.csv");
    assert_not_contains(excluded, "\n9901,"); /* already excluded (D28): not repeated */
    free(excluded);
    const char *only_first[] = {first};
    status_lists("2026-12-07", only_first, 1);

    /* the same address written otherwise (番, 号): still the address the notice went to */
    load_residents("3丁目30番8号", "5-6");
    CU_ASSERT_EQUAL(run_night("2026-12-08", dir), 0);
    excluded = night_file(dir, "2026-12-08", "excluded.csv");
    test_contains(excluded, "9901,990112,sign,2027-03-15,returned_mail,");
    free(excluded);
    status_lists("2026-12-08", only_first, 1);

    /* a new address: the block is lifted, the certificate is mailed there */
    load_residents("1丁目2-3", "5-6");
    status_lists("2026-12-09", NULL, 0);
    CU_ASSERT_EQUAL(run_night("2026-12-09", dir), 0);
    noticed = night_file(dir, "2026-12-09", "notices.csv");
    test_contains(noticed, ",9901,990112,sign,2027-03-15,");
    free(noticed);
    free(cells);
    cells = workbook_cells(dir, "2026-12-09");
    test_contains(cells, "Returned mail\tM5\ts\taddress differs from the one the notice went to\n");
    free(cells);
    /* kept once after it is lifted, then no more */
    CU_ASSERT_EQUAL(run_night("2026-12-10", dir), 0);
    CU_ASSERT_EQUAL(test_query_long("SELECT count(*) FROM kigen.run_returns rr JOIN kigen.runs "
                                    "ru USING (run_id) WHERE ru.run_date = '2026-12-10'"),
                    0);
    /* and the first night after the returns still writes what it wrote */
    CU_ASSERT_EQUAL(run_night("2026-12-06", dir), 0);
    manifest_again = night_file(dir, "2026-12-06", "manifest.json");
    CU_ASSERT_STRING_EQUAL(manifest_again, manifest);
    free(manifest_again);
    free(manifest);
    test_remove_dir(dir);
}

/* The counter's notices in Japanese (language = ja, D119): the return, the status table
 * with the stamp's words for the reason, its columns lined up by display width, and
 * --csv with a BOM, read back. */
static void the_returns_screen_speaks_japanese(void)
{
    char dir[] = "/tmp/kigen-test-notices-XXXXXX", notice[NOTICE_NO_SIZE], args[1024],
         expected[1024], conf[64];
    test_make_temp_dir(dir);
    city_with_two_residents(dir);
    notice_of(9901, notice, sizeof(notice));
    snprintf(conf, sizeof(conf), "%s/ja.conf", dir);
    FILE *file = fopen(conf, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(file);
    fputs("language = ja\n", file);
    fclose(file);
    char *out = NULL, *err = NULL;
    snprintf(args, sizeof(args), "return %s --date 2026-12-05 --reason 転居先不明 --config '%s'",
             notice, conf);
    CU_ASSERT_EQUAL(notices(args, &out, &err), 0);
    snprintf(expected, sizeof(expected),
             "通知書 %s の返戻を 2026-12-05 に記録しました（moved_unknown 転居先不明）: 宛名番号 "
             "9901 返戻　一郎、発送日 2026-12-01\n",
             notice);
    test_contains(out, expected);
    free(out);
    free(err);
    snprintf(args, sizeof(args), "status --date 2026-12-06 --config '%s'", conf);
    CU_ASSERT_EQUAL(notices(args, &out, &err), 0);
    test_contains(out, "2026-12-06 現在の返戻された通知書（居住実態調査の対象: 住所の変更でまだ解除"
                       "されていないもの）\n\nフォローが必要な返戻通知書: 1\n");
    /* the header and the row line up: 通知番号 (8 columns) padded to the notice number's
     * 15, 返戻理由 (8) and 転居先不明 (10) to 18, as wide as in English */
    test_contains(out, "通知番号         発送日      返戻日      経過日数  返戻理由            "
                       "宛名番号  窓口    氏名\n");
    snprintf(expected, sizeof(expected),
             "%s  2026-12-01  2026-12-05         1  転居先不明              9901  ", notice);
    test_contains(out, expected);
    test_contains(out, "  返戻　一郎\n");
    free(out);
    free(err);
    snprintf(args, sizeof(args), "status --date 2026-12-06 --csv --config '%s'", conf);
    CU_ASSERT_EQUAL(notices(args, &out, &err), 0);
    snprintf(
        expected, sizeof(expected),
        "\xEF\xBB\xBF\"通知番号\",\"発送日\",\"返戻日\",\"経過日数\",\"返戻理由\",\"宛名番号\","
        "\"窓口\",\"氏名\"\n\"%s\",\"2026-12-01\",\"2026-12-05\",\"1\",\"転居先不明\","
        "\"9901\",",
        notice);
    CU_ASSERT_EQUAL(strncmp(out, expected, strlen(expected)), 0);
    if (strncmp(out, expected, strlen(expected)) != 0)
        fprintf(stderr, "\ngot: %s\nexpected: %s\n", out, expected);
    free(out);
    free(err);
    test_remove_dir(dir);
}

int tests_register_notices_db(void)
{
    static const test_case cases[] = {
        {"the_returns_screen_speaks_japanese", the_returns_screen_speaks_japanese},
        {"notice_numbers_are_read_as_typed_or_refused",
         notice_numbers_are_read_as_typed_or_refused},
        {"reasons_have_a_code_and_the_stamps_words", reasons_have_a_code_and_the_stamps_words},
        {"a_return_is_recorded_refused_twice_and_taken_back",
         a_return_is_recorded_refused_twice_and_taken_back},
        {"a_returned_residents_next_certificate_waits_for_a_new_address",
         a_returned_residents_next_certificate_waits_for_a_new_address},
        {NULL, NULL},
    };
    return tests_add_suite("notices_db", cases);
}
