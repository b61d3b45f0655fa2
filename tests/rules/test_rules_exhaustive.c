/*
 * test_rules_exhaustive.c - the rule module against a second, deliberately naive
 * implementation: a calendar walked one day at a time, birthdays walked year by year
 * from birth, the W1 window found as "the first day from which fewer than 3 months
 * remain", and the cause taken as the first in tie order whose date is the minimum.
 *
 * Grid: every birth date 1996-01-01..2004-12-31 (all leap cycles of a 29 February) x
 * issue dates every 11 days over 2014-2030, with card, stay, auth and previous-expiry
 * dates mixed in from a fixed pseudo-random sequence (including exact ties and dates
 * before issue), under every combination of the W2 and E2 switches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules.h"
#include "test.h"

#define TABLE_FIRST_YEAR 1990
#define TABLE_LAST_YEAR 2046
#define ISSUE_STEP_DAYS 11

typedef struct naive_day {
    int year, month, day;
} naive_day;

/* Every day of the table years, walked one at a time, and the index of each month's 1st. */
typedef struct naive_calendar {
    naive_day *days;
    int count;
    int month_first[TABLE_LAST_YEAR - TABLE_FIRST_YEAR + 2][13];
} naive_calendar;

static int naive_month_length(int year, int month)
{
    static const int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return lengths[month - 1];
}

static naive_calendar *naive_calendar_new(void)
{
    naive_calendar *calendar = calloc(1, sizeof(*calendar));
    if (calendar == NULL)
        return NULL;
    calendar->days = malloc(sizeof(naive_day) * 366 * (TABLE_LAST_YEAR - TABLE_FIRST_YEAR + 1));
    if (calendar->days == NULL) {
        free(calendar);
        return NULL;
    }
    naive_day walk = {TABLE_FIRST_YEAR, 1, 1};
    while (walk.year <= TABLE_LAST_YEAR) {
        if (walk.day == 1)
            calendar->month_first[walk.year - TABLE_FIRST_YEAR][walk.month] = calendar->count;
        calendar->days[calendar->count++] = walk;
        if (++walk.day > naive_month_length(walk.year, walk.month)) {
            walk.day = 1;
            if (++walk.month > 12) {
                walk.month = 1;
                walk.year++;
            }
        }
    }
    return calendar;
}

static void naive_calendar_free(naive_calendar *calendar)
{
    if (calendar == NULL)
        return;
    free(calendar->days);
    free(calendar);
}

/* Index of y-m-d, or -1 outside the table. The day must exist. */
static int naive_index(const naive_calendar *calendar, int year, int month, int day)
{
    if (year < TABLE_FIRST_YEAR || year > TABLE_LAST_YEAR)
        return -1;
    return calendar->month_first[year - TABLE_FIRST_YEAR][month] + day - 1;
}

/* The index of the kdate, via its printed form (independent of the day arithmetic). */
static int naive_index_of_kdate(const naive_calendar *calendar, kdate day)
{
    char iso[KDATE_ISO_LEN + 1];
    kdate_format(day, iso);
    int year = (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 + (iso[2] - '0') * 10 + iso[3] - '0';
    int month = (iso[5] - '0') * 10 + iso[6] - '0';
    int dom = (iso[8] - '0') * 10 + iso[9] - '0';
    return naive_index(calendar, year, month, dom);
}

/* The day 3 months after index i, rolling over to the next month's 1st when that month
 * is too short: "3 months from day i end after that day". */
static int naive_three_months_after(const naive_calendar *calendar, int day_idx)
{
    naive_day from = calendar->days[day_idx];
    int year = from.year, month = from.month + 3;
    if (month > 12) {
        month -= 12;
        year++;
    }
    if (from.day <= naive_month_length(year, month))
        return naive_index(calendar, year, month, from.day);
    if (++month > 12) {
        month = 1;
        year++;
    }
    return naive_index(calendar, year, month, 1);
}

/* W1: the first day from which fewer than 3 months remain until the expiry. */
static int naive_window_w1(const naive_calendar *calendar, int expiry_idx)
{
    int open = expiry_idx;
    while (naive_three_months_after(calendar, open - 1) > expiry_idx)
        open--;
    return open;
}

/* W2: three months back, day clamped down until it exists. */
static int naive_window_w2(const naive_calendar *calendar, int expiry_idx)
{
    naive_day at = calendar->days[expiry_idx];
    for (int step = 0; step < 3; step++) {
        if (--at.month == 0) {
            at.month = 12;
            at.year--;
        }
    }
    while (at.day > naive_month_length(at.year, at.month))
        at.day--;
    return naive_index(calendar, at.year, at.month, at.day);
}

/* Walks the birthdays year by year from the birth year; returns the n-th after issue. */
static int naive_nth_birthday(const naive_calendar *calendar, int birth_idx, int issue_idx, int nth,
                              int feb29_as_mar1)
{
    naive_day birth = calendar->days[birth_idx];
    int seen = 0;
    for (int year = birth.year; year <= TABLE_LAST_YEAR; year++) {
        int birthday_idx;
        if (birth.month == 2 && birth.day == 29 && naive_month_length(year, 2) == 28)
            birthday_idx = feb29_as_mar1 ? naive_index(calendar, year, 3, 1)
                                         : naive_index(calendar, year, 2, 28);
        else
            birthday_idx = naive_index(calendar, year, birth.month, birth.day);
        if (birthday_idx > issue_idx && ++seen == nth)
            return birthday_idx;
    }
    return -1;
}

typedef struct naive_result {
    kg_err err;
    int expiry_idx, window_idx;
    expiry_cause cause;
} naive_result;

/* Indices of the optional dates: -1 when absent. */
typedef struct naive_input {
    cert_type type;
    int birth, issue, card, stay, auth, prev;
    int w2, feb29_as_mar1;
} naive_input;

static naive_result naive_expiry(const naive_calendar *calendar, const naive_input *in)
{
    naive_result result = {KG_OK, -1, -1, CAUSE_BIRTHDAY};
    if (in->issue < in->birth)
        result.err = KG_ERR_ISSUED_BEFORE_BIRTH;
    else if (in->card >= 0 && in->card < in->issue)
        result.err = KG_ERR_CARD_BEFORE_ISSUE;
    else if (in->stay >= 0 && in->stay < in->issue)
        result.err = KG_ERR_STAY_BEFORE_ISSUE;
    else if (in->type == CERT_SIGN && in->auth >= 0 && in->auth < in->issue)
        result.err = KG_ERR_AUTH_BEFORE_ISSUE;
    if (result.err != KG_OK)
        return result;
    int nth = 5;
    if (in->prev >= 0 && in->issue >= naive_window_w1(calendar, in->prev) && in->issue <= in->prev)
        nth = 6;
    int birthday = naive_nth_birthday(calendar, in->birth, in->issue, nth, in->feb29_as_mar1);
    int auth = in->type == CERT_SIGN ? in->auth : -1;
    /* in tie order */
    int dates[4] = {in->stay, in->card, birthday, auth};
    expiry_cause causes[4] = {CAUSE_STAY_PERIOD, CAUSE_CARD, CAUSE_BIRTHDAY, CAUSE_AUTH_CERT};
    int earliest = -1;
    for (int cand = 0; cand < 4; cand++)
        if (dates[cand] >= 0 && (earliest < 0 || dates[cand] < earliest))
            earliest = dates[cand];
    for (int cand = 3; cand >= 0; cand--)
        if (dates[cand] == earliest)
            result.cause = causes[cand];
    result.expiry_idx = earliest;
    result.window_idx =
        in->w2 ? naive_window_w2(calendar, earliest) : naive_window_w1(calendar, earliest);
    return result;
}

/* A fixed linear congruential sequence: the same grid on every run. */
static unsigned next_random(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return (*state >> 16) & 0x7fff;
}

static int pick_near(unsigned *state, int center, int spread)
{
    if (next_random(state) % 6 == 0)
        return center; /* an exact tie */
    return center - spread + (int)(next_random(state) % (unsigned)(2 * spread + 1));
}

static kdate kdate_of_index(const naive_calendar *calendar, int day_idx)
{
    if (day_idx < 0)
        return KDATE_NONE;
    naive_day at = calendar->days[day_idx];
    kdate day;
    if (kdate_from_ymd(at.year, at.month, at.day, &day) != KG_OK)
        return KDATE_NONE;
    return day;
}

static void rules_agree_with_naive_walk_on_grid(void)
{
    naive_calendar *calendar = naive_calendar_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(calendar);
    int first_birth = naive_index(calendar, 1996, 1, 1);
    int last_birth = naive_index(calendar, 2004, 12, 31);
    int first_issue = naive_index(calendar, 2014, 1, 1);
    int last_issue = naive_index(calendar, 2030, 12, 31);
    unsigned seed = 20261123u;
    long compared = 0, mismatches = 0, errors_expected = 0, sixth = 0;
    long causes_seen[CAUSE_TERM + 1] = {0};

    for (int birth = first_birth; birth <= last_birth; birth++) {
        for (int issue = first_issue; issue <= last_issue; issue += ISSUE_STEP_DAYS) {
            naive_input in = {CERT_AUTH, birth, issue, -1, -1, -1, -1, 0, 0};
            in.type = next_random(&seed) % 2 ? CERT_SIGN : CERT_AUTH;
            in.w2 = (int)(next_random(&seed) % 2);
            in.feb29_as_mar1 = (int)(next_random(&seed) % 2);
            int plain = naive_nth_birthday(calendar, birth, issue, 5, in.feb29_as_mar1);
            unsigned extras = next_random(&seed);
            if (extras % 3 == 0)
                in.card = pick_near(&seed, plain, 500);
            if (extras % 7 == 1)
                in.stay = pick_near(&seed, plain, 900);
            if (extras % 4 == 2)
                in.auth = pick_near(&seed, plain, 400);
            if (extras % 5 == 3)
                in.prev = pick_near(&seed, issue, 120);
            if (extras % 97 == 11) /* inconsistent data: a cap that ended before issue */
                in.card = issue - 1 - (int)(next_random(&seed) % 30);
            if (extras % 89 == 12)
                in.stay = issue - 1 - (int)(next_random(&seed) % 30);
            if (extras % 83 == 13)
                in.auth = issue - 1 - (int)(next_random(&seed) % 30);

            rules_cert cert;
            rules_cert_init(&cert, in.type);
            cert.birth_date = kdate_of_index(calendar, in.birth);
            cert.issued_on = kdate_of_index(calendar, in.issue);
            cert.card_expires = kdate_of_index(calendar, in.card);
            cert.stay_expires = kdate_of_index(calendar, in.stay);
            cert.auth_expires = kdate_of_index(calendar, in.auth);
            cert.prev_expiry = kdate_of_index(calendar, in.prev);
            rules_config config = {.window_w2 = in.w2 != 0,
                                   .feb29 = in.feb29_as_mar1 ? FEB29_AS_MAR1 : FEB29_AS_FEB28};

            naive_result expected = naive_expiry(calendar, &in);
            rules_expiry actual;
            kg_err err = rules_expiry_of(&cert, &config, &actual);
            compared++;
            int agree;
            if (expected.err != KG_OK) {
                errors_expected++;
                agree = err == expected.err;
            } else {
                agree = err == KG_OK &&
                        naive_index_of_kdate(calendar, actual.expiry) == expected.expiry_idx &&
                        naive_index_of_kdate(calendar, actual.window_open) == expected.window_idx &&
                        actual.cause == expected.cause;
                if (agree) {
                    causes_seen[actual.cause]++;
                    if (in.prev >= 0 && naive_nth_birthday(calendar, birth, issue, 6,
                                                           in.feb29_as_mar1) == expected.expiry_idx)
                        sixth++;
                }
            }
            if (!agree && mismatches++ < 5) {
                char iso[KDATE_ISO_LEN + 1];
                fprintf(stderr, "mismatch: birth %s", kdate_format(cert.birth_date, iso));
                fprintf(stderr, " issue %s type %s err %s/%s\n", kdate_format(cert.issued_on, iso),
                        rules_cert_type_name(in.type), kg_err_code(err), kg_err_code(expected.err));
            }
        }
    }
    naive_calendar_free(calendar);
    fprintf(stderr,
            "\n  exhaustive rules: %ld cases compared (%ld expected errors, %ld E1b 6th "
            "birthdays; causes birthday %ld, card %ld, auth_cert %ld, stay_period %ld)\n",
            compared, errors_expected, sixth, causes_seen[CAUSE_BIRTHDAY], causes_seen[CAUSE_CARD],
            causes_seen[CAUSE_AUTH_CERT], causes_seen[CAUSE_STAY_PERIOD]);
    CU_ASSERT_EQUAL(mismatches, 0);
    /* the grid really exercised every branch */
    CU_ASSERT(compared > 1500000);
    CU_ASSERT(errors_expected > 1000);
    CU_ASSERT(sixth > 1000);
    CU_ASSERT(causes_seen[CAUSE_CARD] > 1000 && causes_seen[CAUSE_AUTH_CERT] > 1000 &&
              causes_seen[CAUSE_STAY_PERIOD] > 1000);
}

static void windows_agree_with_naive_walk_every_day(void)
{
    naive_calendar *calendar = naive_calendar_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(calendar);
    long mismatches = 0, compared = 0;
    for (int expiry = naive_index(calendar, 1991, 1, 1);
         expiry <= naive_index(calendar, 2045, 12, 31); expiry++) {
        kdate day = kdate_of_index(calendar, expiry);
        kdate w1, w2;
        compared++;
        if (rules_window_open_w1(day, &w1) != KG_OK || rules_window_open_w2(day, &w2) != KG_OK ||
            naive_index_of_kdate(calendar, w1) != naive_window_w1(calendar, expiry) ||
            naive_index_of_kdate(calendar, w2) != naive_window_w2(calendar, expiry))
            mismatches++;
    }
    naive_calendar_free(calendar);
    CU_ASSERT_EQUAL(mismatches, 0);
    CU_ASSERT(compared > 20000);
}

int tests_register_rules_exhaustive(void)
{
    static const test_case cases[] = {
        {"rules_agree_with_naive_walk_on_grid", rules_agree_with_naive_walk_on_grid},
        {"windows_agree_with_naive_walk_every_day", windows_agree_with_naive_walk_every_day},
        {NULL, NULL},
    };
    return tests_add_suite("rules_exhaustive", cases);
}
