/*
 * kdate.c - civil-date arithmetic on day numbers (see kdate.h).
 *
 * The day-number conversion is the era-based algorithm of H. Hinnant ("chrono-compatible
 * low-level date algorithms"), exact for every proleptic Gregorian day. Tested against a
 * day-by-day walk over centuries in tests/common/test_kdate.c.
 */
#include "kdate.h"

#include <string.h>

bool kdate_is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int kdate_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && kdate_is_leap(year))
        return 29;
    return days[month - 1];
}

/* Days since 1970-01-01 of a valid y-m-d (Hinnant's days_from_civil). */
static kdate days_from_civil(int year, int month, int day)
{
    int shifted_year = month <= 2 ? year - 1 : year;
    int era = (shifted_year >= 0 ? shifted_year : shifted_year - 399) / 400;
    int year_of_era = shifted_year - era * 400;
    int day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return (kdate)(era * 146097 + day_of_era - 719468);
}

kg_err kdate_from_ymd(int year, int month, int day, kdate *out)
{
    if (year < 1 || year > 9999)
        return KG_ERR_DATE_RANGE;
    if (month < 1 || month > 12 || day < 1 || day > kdate_days_in_month(year, month))
        return KG_ERR_DATE_INVALID;
    *out = days_from_civil(year, month, day);
    return KG_OK;
}

kdate_ymd kdate_to_ymd(kdate day)
{
    int shifted = day + 719468;
    int era = (shifted >= 0 ? shifted : shifted - 146096) / 146097;
    int day_of_era = shifted - era * 146097;
    int year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int month_index = (5 * day_of_year + 2) / 153;
    kdate_ymd ymd;
    ymd.day = day_of_year - (153 * month_index + 2) / 5 + 1;
    ymd.month = month_index < 10 ? month_index + 3 : month_index - 9;
    ymd.year = year_of_era + era * 400 + (ymd.month <= 2 ? 1 : 0);
    return ymd;
}

/* Value of `count` ASCII digits at text, or -1 when one of them is not a digit. */
static int parse_digits(const char *text, int count)
{
    int value = 0;
    for (int digit_idx = 0; digit_idx < count; digit_idx++) {
        char ch = text[digit_idx];
        if (ch < '0' || ch > '9')
            return -1;
        value = value * 10 + (ch - '0');
    }
    return value;
}

kg_err kdate_parse(const char *text, size_t len, kdate *out)
{
    if (text == NULL || len != KDATE_ISO_LEN || text[4] != '-' || text[7] != '-')
        return KG_ERR_DATE_SYNTAX;
    int year = parse_digits(text, 4);
    int month = parse_digits(text + 5, 2);
    int day = parse_digits(text + 8, 2);
    if (year < 0 || month < 0 || day < 0)
        return KG_ERR_DATE_SYNTAX;
    return kdate_from_ymd(year, month, day, out);
}

/* Writes value as exactly `width` zero-padded digits. */
static void put_digits(char *dest, int value, int width)
{
    for (int digit_idx = width - 1; digit_idx >= 0; digit_idx--) {
        dest[digit_idx] = (char)('0' + value % 10);
        value /= 10;
    }
}

char *kdate_format(kdate day, char *buf)
{
    if (day < KDATE_MIN || day > KDATE_MAX) {
        buf[0] = '\0';
        return buf;
    }
    kdate_ymd ymd = kdate_to_ymd(day);
    put_digits(buf, ymd.year, 4);
    buf[4] = '-';
    put_digits(buf + 5, ymd.month, 2);
    buf[7] = '-';
    put_digits(buf + 8, ymd.day, 2);
    buf[10] = '\0';
    return buf;
}

kg_err kdate_add_months(kdate day, int months, kdate *out)
{
    if (day < KDATE_MIN || day > KDATE_MAX)
        return KG_ERR_DATE_RANGE;
    kdate_ymd ymd = kdate_to_ymd(day);
    long month_index = (long)ymd.year * 12 + (ymd.month - 1) + months;
    if (month_index < 12 || month_index > 9999L * 12 + 11)
        return KG_ERR_DATE_RANGE;
    int year = (int)(month_index / 12);
    int month = (int)(month_index % 12) + 1;
    int last = kdate_days_in_month(year, month);
    return kdate_from_ymd(year, month, ymd.day < last ? ymd.day : last, out);
}

kg_err kdate_add_days(kdate day, int days, kdate *out)
{
    long result = (long)day + days;
    if (day < KDATE_MIN || day > KDATE_MAX || result < KDATE_MIN || result > KDATE_MAX)
        return KG_ERR_DATE_RANGE;
    *out = (kdate)result;
    return KG_OK;
}
