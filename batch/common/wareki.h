/*
 * wareki.h - dates in the Japanese calendar (和暦) as printed on notices: 令和8年2月3日.
 *
 * Eras per docs/rules.md section 6; the first year of an era prints as 元年. Dates before
 * 1873-01-01 (when Japan adopted the Gregorian calendar) are rejected. Pure; allocates
 * nothing.
 */
#ifndef KIGEN_WAREKI_H
#define KIGEN_WAREKI_H

#include <stddef.h>

#include "error.h"
#include "kdate.h"

/* Bytes that always hold a formatted date and its NUL ("明治" and "年月日" are 3 bytes
 * each in UTF-8, at most 4 digits for the era year in the supported range). */
#define WAREKI_BUF_SIZE 40

typedef struct wareki_date {
    const char *era_name; /* static UTF-8, e.g. "令和" */
    int era_year;         /* 1 for 元年 */
    int month;
    int day;
} wareki_date;

/* The era, era year, month and day of a date. KG_ERR_WAREKI_RANGE before 1873-01-01,
 * KG_ERR_DATE_RANGE for a day outside kdate's range. */
kg_err wareki_from_kdate(kdate day, wareki_date *out);

/* Formats a date as "令和元年5月1日" (ASCII digits, no padding) into buf of cap bytes
 * (WAREKI_BUF_SIZE always suffices). Errors as wareki_from_kdate, KG_ERR_INTERNAL
 * when cap is too small. */
kg_err wareki_format(kdate day, char *buf, size_t cap);

#endif
