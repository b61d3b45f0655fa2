/*
 * test_wareki.c - 和暦 formatting: every era boundary, 元年, the 1873 limit, and every
 * day from 1873 to 2100 against a naive table lookup on (year, month, day).
 */
#include <stdio.h>
#include <string.h>

#include "common/wareki.h"
#include "test.h"

static void assert_wareki(const char *iso, const char *expected)
{
    char buf[WAREKI_BUF_SIZE];
    CU_ASSERT_EQUAL(wareki_format(test_date(iso), buf, sizeof(buf)), KG_OK);
    CU_ASSERT_STRING_EQUAL(buf, expected);
}

static void era_boundaries_switch_on_first_day(void)
{
    assert_wareki("1873-01-01", "明治6年1月1日");
    assert_wareki("1912-07-29", "明治45年7月29日");
    assert_wareki("1912-07-30", "大正元年7月30日");
    assert_wareki("1926-12-24", "大正15年12月24日");
    assert_wareki("1926-12-25", "昭和元年12月25日");
    assert_wareki("1989-01-07", "昭和64年1月7日");
    assert_wareki("1989-01-08", "平成元年1月8日");
    assert_wareki("2019-04-30", "平成31年4月30日");
    assert_wareki("2019-05-01", "令和元年5月1日");
}

static void first_year_prints_gannen(void)
{
    assert_wareki("2019-12-31", "令和元年12月31日");
    assert_wareki("2020-01-01", "令和2年1月1日");
    assert_wareki("1989-12-31", "平成元年12月31日");
    assert_wareki("1927-01-01", "昭和2年1月1日");
    assert_wareki("2026-02-03", "令和8年2月3日");
    assert_wareki("2024-02-29", "令和6年2月29日");
}

static void dates_before_1873_are_rejected(void)
{
    char buf[WAREKI_BUF_SIZE];
    CU_ASSERT_EQUAL(wareki_format(test_date("1872-12-31"), buf, sizeof(buf)), KG_ERR_WAREKI_RANGE);
    CU_ASSERT_EQUAL(wareki_format(test_date("1868-01-25"), buf, sizeof(buf)), KG_ERR_WAREKI_RANGE);
    CU_ASSERT_EQUAL(wareki_format(KDATE_NONE, buf, sizeof(buf)), KG_ERR_DATE_RANGE);
}

static void small_buffer_is_an_error_not_an_overflow(void)
{
    char buf[8];
    CU_ASSERT_EQUAL(wareki_format(test_date("2019-05-01"), buf, sizeof(buf)), KG_ERR_INTERNAL);
}

static void every_day_agrees_with_naive_era_table(void)
{
    static const struct {
        const char *name;
        int year, month, day;
    } starts[] = {{"明治", 1868, 1, 25},
                  {"大正", 1912, 7, 30},
                  {"昭和", 1926, 12, 25},
                  {"平成", 1989, 1, 8},
                  {"令和", 2019, 5, 1}};
    long mismatches = 0;
    for (kdate day = test_date("1873-01-01"); day <= test_date("2100-12-31"); day++) {
        kdate_ymd ymd = kdate_to_ymd(day);
        size_t era = 0;
        for (size_t era_idx = 0; era_idx < 5; era_idx++) {
            int after_start =
                ymd.year > starts[era_idx].year ||
                (ymd.year == starts[era_idx].year &&
                 (ymd.month > starts[era_idx].month ||
                  (ymd.month == starts[era_idx].month && ymd.day >= starts[era_idx].day)));
            if (after_start)
                era = era_idx;
        }
        int era_year = ymd.year - starts[era].year + 1;
        char expected[64];
        char year_text[16];
        if (era_year == 1)
            snprintf(year_text, sizeof(year_text), "元");
        else
            snprintf(year_text, sizeof(year_text), "%d", era_year);
        snprintf(expected, sizeof(expected), "%s%s年%d月%d日", starts[era].name, year_text,
                 ymd.month, ymd.day);
        char buf[WAREKI_BUF_SIZE];
        if (wareki_format(day, buf, sizeof(buf)) != KG_OK || strcmp(buf, expected) != 0)
            mismatches++;
    }
    CU_ASSERT_EQUAL(mismatches, 0);
}

int tests_register_wareki(void)
{
    static const test_case cases[] = {
        {"era_boundaries_switch_on_first_day", era_boundaries_switch_on_first_day},
        {"first_year_prints_gannen", first_year_prints_gannen},
        {"dates_before_1873_are_rejected", dates_before_1873_are_rejected},
        {"small_buffer_is_an_error_not_an_overflow", small_buffer_is_an_error_not_an_overflow},
        {"every_day_agrees_with_naive_era_table", every_day_agrees_with_naive_era_table},
        {NULL, NULL},
    };
    return tests_add_suite("wareki", cases);
}
