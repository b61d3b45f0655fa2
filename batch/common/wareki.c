/*
 * wareki.c - era table and 和暦 formatting (see wareki.h).
 *
 * The table holds the first day of each era; a date belongs to the latest era that
 * started on or before it. No ICU, no locale: five rows are the whole calendar.
 */
#include "wareki.h"

#include <stdio.h>

typedef struct era_row {
    const char *name;
    int year, month, day; /* first day of the era */
} era_row;

/* Newest first. 明治 began 1868-01-25 (Gregorian), but only dates from 1873-01-01 on are
 * Gregorian in Japan, so earlier days are rejected before this table is consulted. */
static const era_row era_table[] = {
    {"令和", 2019, 5, 1},  {"平成", 1989, 1, 8},  {"昭和", 1926, 12, 25},
    {"大正", 1912, 7, 30}, {"明治", 1868, 1, 25},
};

#define GREGORIAN_ADOPTION_YEAR 1873

kg_err wareki_from_kdate(kdate day, wareki_date *out)
{
    if (day < KDATE_MIN || day > KDATE_MAX)
        return KG_ERR_DATE_RANGE;
    kdate_ymd ymd = kdate_to_ymd(day);
    if (ymd.year < GREGORIAN_ADOPTION_YEAR)
        return KG_ERR_WAREKI_RANGE;
    for (size_t era_idx = 0; era_idx < sizeof(era_table) / sizeof(era_table[0]); era_idx++) {
        const era_row *era = &era_table[era_idx];
        kdate era_start;
        kg_err err = kdate_from_ymd(era->year, era->month, era->day, &era_start);
        if (err != KG_OK)
            return KG_ERR_INTERNAL;
        if (day >= era_start) {
            out->era_name = era->name;
            out->era_year = ymd.year - era->year + 1;
            out->month = ymd.month;
            out->day = ymd.day;
            return KG_OK;
        }
    }
    return KG_ERR_INTERNAL; /* unreachable: 1873 is inside 明治 */
}

kg_err wareki_format(kdate day, char *buf, size_t cap)
{
    wareki_date date;
    kg_err err = wareki_from_kdate(day, &date);
    if (err != KG_OK)
        return err;
    int written;
    if (date.era_year == 1)
        written = snprintf(buf, cap, "%s元年%d月%d日", date.era_name, date.month, date.day);
    else
        written = snprintf(buf, cap, "%s%d年%d月%d日", date.era_name, date.era_year, date.month,
                           date.day);
    if (written < 0 || (size_t)written >= cap)
        return KG_ERR_INTERNAL;
    return KG_OK;
}
