/*
 * clock.h - the wall clock read as Japan civil time (UTC+9, no daylight saving).
 *
 * The only place kigen asks the system for the time; everything else takes dates as
 * arguments. No localtime/gmtime/TZ: Japan's offset has been fixed since 1951.
 */
#ifndef KIGEN_CLOCK_H
#define KIGEN_CLOCK_H

#include "kdate.h"

typedef struct clock_jst {
    kdate day; /* civil date in Japan */
    int hour, minute, second;
} clock_jst;

/* Now, in Japan. */
clock_jst clock_now_jst(void);

/* Today in Japan: the day of clock_now_jst, which the guards of `kigen run --date`,
 * `kigen forms` and `kigen purge` measure against. For the tests only, a binary that runs
 * from its checkout (checkout.h) takes the day from KIGEN_TODAY=YYYY-MM-DD when it is set
 * and valid, so that the test suite does not depend on the machine's calendar; an
 * installed binary ignores it. Log timestamps always come from the clock. */
kdate clock_today_jst(void);

/* Formats as "YYYY-MM-DDTHH:MM:SS+09:00" into buf (at least CLOCK_ISO_SIZE bytes). */
#define CLOCK_ISO_SIZE 26
char *clock_format_iso(const clock_jst *now, char *buf);

#endif
