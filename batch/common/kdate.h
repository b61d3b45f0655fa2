/*
 * kdate.h - civil dates as day numbers: strict ISO parsing, formatting, month arithmetic.
 *
 * A kdate is the number of days since 1970-01-01 in the proleptic Gregorian calendar.
 * No time zones, no struct tm, no mktime: a civil date in Japan is just a day. The
 * supported range is 0001-01-01..9999-12-31; KDATE_NONE marks "no date" (an empty
 * optional column). Everything here is pure and allocates nothing.
 */
#ifndef KIGEN_KDATE_H
#define KIGEN_KDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef int32_t kdate;

#define KDATE_NONE INT32_MIN /* no date */
#define KDATE_MIN (-719162)  /* 0001-01-01 */
#define KDATE_MAX 2932896    /* 9999-12-31 */
#define KDATE_ISO_LEN 10     /* strlen("YYYY-MM-DD") */

typedef struct kdate_ymd {
    int year;  /* 1..9999 */
    int month; /* 1..12 */
    int day;   /* 1..days in month */
} kdate_ymd;

bool kdate_is_leap(int year);

/* Days in month (1..12) of year; 0 for a month out of range. */
int kdate_days_in_month(int year, int month);

/* The day of y-m-d. KG_ERR_DATE_INVALID for a day that does not exist,
 * KG_ERR_DATE_RANGE for a year outside 1..9999. */
kg_err kdate_from_ymd(int year, int month, int day, kdate *out);

/* The calendar fields of a valid day (KDATE_MIN..KDATE_MAX). */
kdate_ymd kdate_to_ymd(kdate day);

/* Strict parse of exactly "YYYY-MM-DD" (len bytes, no NUL needed): four, two and two
 * ASCII digits, hyphens, nothing before or after. KG_ERR_DATE_SYNTAX for any other
 * shape (empty, spaces, "2023-2-1", "+2023-..."), KG_ERR_DATE_INVALID for 2023-02-29 or
 * 2023-13-01, KG_ERR_DATE_RANGE for year 0000. */
kg_err kdate_parse(const char *text, size_t len, kdate *out);

/* Writes "YYYY-MM-DD" and a NUL into buf (at least KDATE_ISO_LEN + 1 bytes). A day out
 * of range or KDATE_NONE writes the empty string. Returns buf. */
char *kdate_format(kdate day, char *buf);

/* The same day-of-month `months` months later (negative: earlier), clamped to the last
 * day of the target month (2024-03-31 - 1 month = 2024-02-29). KG_ERR_DATE_RANGE when the
 * result leaves the supported range. */
kg_err kdate_add_months(kdate day, int months, kdate *out);

/* Adds days; KG_ERR_DATE_RANGE when the result leaves the supported range. */
kg_err kdate_add_days(kdate day, int days, kdate *out);

#endif
