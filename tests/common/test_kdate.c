/*
 * test_kdate.c - the civil-date module: strict parsing, the day-number conversion
 * against a day-by-day walk, formatting, and month arithmetic with month-end clamping.
 */
#include <string.h>

#include "common/kdate.h"
#include "test.h"

/* A naive calendar: y-m-d advanced one day at a time, no arithmetic tricks. */
typedef struct naive_day {
    int year, month, day;
} naive_day;

static int naive_month_length(int year, int month)
{
    if (month == 2) {
        int leap = (year % 400 == 0) || (year % 4 == 0 && year % 100 != 0);
        return leap ? 29 : 28;
    }
    return (month == 4 || month == 6 || month == 9 || month == 11) ? 30 : 31;
}

static void naive_next(naive_day *day)
{
    if (++day->day > naive_month_length(day->year, day->month)) {
        day->day = 1;
        if (++day->month > 12) {
            day->month = 1;
            day->year++;
        }
    }
}

static void parse_accepts_valid_dates(void)
{
    kdate day;
    CU_ASSERT_EQUAL(kdate_parse("1970-01-01", 10, &day), KG_OK);
    CU_ASSERT_EQUAL(day, 0);
    CU_ASSERT_EQUAL(kdate_parse("2024-02-29", 10, &day), KG_OK);
    ASSERT_DATE(day, "2024-02-29");
    CU_ASSERT_EQUAL(kdate_parse("2000-02-29", 10, &day), KG_OK);
    CU_ASSERT_EQUAL(kdate_parse("0001-01-01", 10, &day), KG_OK);
    CU_ASSERT_EQUAL(day, KDATE_MIN);
    CU_ASSERT_EQUAL(kdate_parse("9999-12-31", 10, &day), KG_OK);
    CU_ASSERT_EQUAL(day, KDATE_MAX);
}

static void parse_rejects_days_not_in_calendar(void)
{
    static const char *const invalid[] = {
        "2023-02-29", "1900-02-29", "2100-02-29", "2023-13-01", "2023-00-10", "2023-01-00",
        "2023-01-32", "2023-04-31", "2023-06-31", "2023-09-31", "2023-11-31",
    };
    for (size_t case_idx = 0; case_idx < sizeof(invalid) / sizeof(invalid[0]); case_idx++) {
        kdate day = 12345;
        CU_ASSERT_EQUAL(kdate_parse(invalid[case_idx], strlen(invalid[case_idx]), &day),
                        KG_ERR_DATE_INVALID);
        CU_ASSERT_EQUAL(day, 12345); /* untouched on error */
    }
    kdate day;
    CU_ASSERT_EQUAL(kdate_parse("0000-01-01", 10, &day), KG_ERR_DATE_RANGE);
}

static void parse_rejects_every_other_shape(void)
{
    static const char *const garbage[] = {
        "",           " ",           "2023-01-1",        "2023-1-01",
        "23-01-01",   " 2023-01-01", "2023-01-01 ",      "2023-01-01\n",
        "2023/01/01", "20230101",    "2023-01-01T00:00", "+023-01-01",
        "-023-01-01", "2023-0a-01",  "2023- 1-01",       "２０２３-01-01",
        "2023-01--1", "2023_01_01",  "2023-01-01x",      "x2023-01-01",
    };
    for (size_t case_idx = 0; case_idx < sizeof(garbage) / sizeof(garbage[0]); case_idx++) {
        kdate day;
        kg_err err = kdate_parse(garbage[case_idx], strlen(garbage[case_idx]), &day);
        CU_ASSERT_EQUAL(err, KG_ERR_DATE_SYNTAX);
        if (err != KG_ERR_DATE_SYNTAX)
            fprintf(stderr, "accepted or misclassified: '%s'\n", garbage[case_idx]);
    }
    kdate day;
    CU_ASSERT_EQUAL(kdate_parse(NULL, 0, &day), KG_ERR_DATE_SYNTAX);
    /* the length decides, not a NUL: a longer buffer with a valid prefix is rejected */
    CU_ASSERT_EQUAL(kdate_parse("2023-01-015", 11, &day), KG_ERR_DATE_SYNTAX);
    CU_ASSERT_EQUAL(kdate_parse("2023-01-015", 10, &day), KG_OK);
}

static void day_numbers_agree_with_day_by_day_walk(void)
{
    naive_day walk = {1600, 1, 1};
    kdate expected;
    CU_ASSERT_EQUAL_FATAL(kdate_from_ymd(1600, 1, 1, &expected), KG_OK);
    long mismatches = 0;
    while (walk.year <= 2400) {
        kdate day;
        kdate_ymd back = kdate_to_ymd(expected);
        if (kdate_from_ymd(walk.year, walk.month, walk.day, &day) != KG_OK || day != expected ||
            back.year != walk.year || back.month != walk.month || back.day != walk.day)
            mismatches++;
        naive_next(&walk);
        expected++;
    }
    CU_ASSERT_EQUAL(mismatches, 0);
}

static void range_ends_round_trip(void)
{
    kdate_ymd first = kdate_to_ymd(KDATE_MIN);
    kdate_ymd last = kdate_to_ymd(KDATE_MAX);
    CU_ASSERT(first.year == 1 && first.month == 1 && first.day == 1);
    CU_ASSERT(last.year == 9999 && last.month == 12 && last.day == 31);
    char buf[KDATE_ISO_LEN + 1];
    CU_ASSERT_STRING_EQUAL(kdate_format(KDATE_MIN, buf), "0001-01-01");
    CU_ASSERT_STRING_EQUAL(kdate_format(KDATE_MAX, buf), "9999-12-31");
    CU_ASSERT_STRING_EQUAL(kdate_format(KDATE_NONE, buf), "");
    CU_ASSERT_STRING_EQUAL(kdate_format(KDATE_MAX + 1, buf), "");
}

static void format_parse_round_trip_every_day(void)
{
    long mismatches = 0;
    for (kdate day = test_date("1873-01-01"); day <= test_date("2100-12-31"); day++) {
        char buf[KDATE_ISO_LEN + 1];
        kdate back;
        kdate_format(day, buf);
        if (kdate_parse(buf, strlen(buf), &back) != KG_OK || back != day)
            mismatches++;
    }
    CU_ASSERT_EQUAL(mismatches, 0);
}

static void leap_years_follow_gregorian_rule(void)
{
    CU_ASSERT_TRUE(kdate_is_leap(2024));
    CU_ASSERT_TRUE(kdate_is_leap(2000));
    CU_ASSERT_FALSE(kdate_is_leap(1900));
    CU_ASSERT_FALSE(kdate_is_leap(2100));
    CU_ASSERT_FALSE(kdate_is_leap(2023));
    CU_ASSERT_EQUAL(kdate_days_in_month(2024, 2), 29);
    CU_ASSERT_EQUAL(kdate_days_in_month(2023, 2), 28);
    CU_ASSERT_EQUAL(kdate_days_in_month(2023, 4), 30);
    CU_ASSERT_EQUAL(kdate_days_in_month(2023, 12), 31);
    CU_ASSERT_EQUAL(kdate_days_in_month(2023, 13), 0);
}

static void add_months_clamps_to_month_end(void)
{
    static const struct {
        const char *from;
        int months;
        const char *expected;
    } cases[] = {
        {"2024-03-31", -1, "2024-02-29"},  {"2023-03-31", -1, "2023-02-28"},
        {"2024-01-31", 1, "2024-02-29"},   {"2024-05-31", -3, "2024-02-29"},
        {"2023-05-31", -3, "2023-02-28"},  {"2023-08-31", -6, "2023-02-28"},
        {"2024-08-31", -6, "2024-02-29"},  {"2023-12-31", -6, "2023-06-30"},
        {"2024-02-29", 12, "2025-02-28"},  {"2024-02-29", 48, "2028-02-29"},
        {"2024-02-29", 36, "2027-02-28"},  {"2023-07-15", 0, "2023-07-15"},
        {"2023-01-15", -1, "2022-12-15"},  {"2023-12-15", 1, "2024-01-15"},
        {"2023-03-10", -27, "2020-12-10"},
    };
    for (size_t case_idx = 0; case_idx < sizeof(cases) / sizeof(cases[0]); case_idx++) {
        kdate result;
        CU_ASSERT_EQUAL(
            kdate_add_months(test_date(cases[case_idx].from), cases[case_idx].months, &result),
            KG_OK);
        ASSERT_DATE(result, cases[case_idx].expected);
    }
}

static void add_months_agrees_with_naive_clamp_every_day(void)
{
    long mismatches = 0;
    for (kdate day = test_date("1996-01-01"); day <= test_date("2032-12-31"); day++) {
        kdate_ymd ymd = kdate_to_ymd(day);
        for (int months = -14; months <= 14; months++) {
            int year = ymd.year, month = ymd.month;
            for (int step = 0; step < (months < 0 ? -months : months); step++) {
                month += months < 0 ? -1 : 1;
                if (month == 0) {
                    month = 12;
                    year--;
                } else if (month == 13) {
                    month = 1;
                    year++;
                }
            }
            int day_of_month = ymd.day;
            while (day_of_month > naive_month_length(year, month))
                day_of_month--;
            kdate expected, result;
            if (kdate_from_ymd(year, month, day_of_month, &expected) != KG_OK ||
                kdate_add_months(day, months, &result) != KG_OK || result != expected)
                mismatches++;
        }
    }
    CU_ASSERT_EQUAL(mismatches, 0);
}

static void arithmetic_reports_range_overflow(void)
{
    kdate result;
    CU_ASSERT_EQUAL(kdate_add_months(KDATE_MAX, 1, &result), KG_ERR_DATE_RANGE);
    CU_ASSERT_EQUAL(kdate_add_months(KDATE_MIN, -1, &result), KG_ERR_DATE_RANGE);
    CU_ASSERT_EQUAL(kdate_add_days(KDATE_MAX, 1, &result), KG_ERR_DATE_RANGE);
    CU_ASSERT_EQUAL(kdate_add_days(KDATE_MIN, -1, &result), KG_ERR_DATE_RANGE);
    CU_ASSERT_EQUAL(kdate_add_days(KDATE_NONE, 1, &result), KG_ERR_DATE_RANGE);
    CU_ASSERT_EQUAL(kdate_add_days(test_date("2023-12-31"), 1, &result), KG_OK);
    ASSERT_DATE(result, "2024-01-01");
    CU_ASSERT_EQUAL(kdate_from_ymd(10000, 1, 1, &result), KG_ERR_DATE_RANGE);
}

int tests_register_kdate(void)
{
    static const test_case cases[] = {
        {"parse_accepts_valid_dates", parse_accepts_valid_dates},
        {"parse_rejects_days_not_in_calendar", parse_rejects_days_not_in_calendar},
        {"parse_rejects_every_other_shape", parse_rejects_every_other_shape},
        {"day_numbers_agree_with_day_by_day_walk", day_numbers_agree_with_day_by_day_walk},
        {"range_ends_round_trip", range_ends_round_trip},
        {"format_parse_round_trip_every_day", format_parse_round_trip_every_day},
        {"leap_years_follow_gregorian_rule", leap_years_follow_gregorian_rule},
        {"add_months_clamps_to_month_end", add_months_clamps_to_month_end},
        {"add_months_agrees_with_naive_clamp_every_day",
         add_months_agrees_with_naive_clamp_every_day},
        {"arithmetic_reports_range_overflow", arithmetic_reports_range_overflow},
        {NULL, NULL},
    };
    return tests_add_suite("kdate", cases);
}
