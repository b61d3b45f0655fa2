/*
 * clock.c - Japan civil time from clock_gettime (see clock.h).
 */
#include "clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checkout.h"

#define JST_OFFSET_SECONDS (9 * 3600)
#define SECONDS_PER_DAY 86400

clock_jst clock_now_jst(void)
{
    struct timespec now;
    clock_jst result = {0, 0, 0, 0};
    if (clock_gettime(CLOCK_REALTIME, &now) != 0)
        return result;
    long long local = (long long)now.tv_sec + JST_OFFSET_SECONDS;
    long long days = local / SECONDS_PER_DAY;
    long long seconds_of_day = local % SECONDS_PER_DAY;
    if (seconds_of_day < 0) {
        seconds_of_day += SECONDS_PER_DAY;
        days--;
    }
    result.day = (kdate)days;
    result.hour = (int)(seconds_of_day / 3600);
    result.minute = (int)(seconds_of_day / 60 % 60);
    result.second = (int)(seconds_of_day % 60);
    return result;
}

kdate clock_today_jst(void)
{
    const char *fixed = getenv("KIGEN_TODAY");
    char root[4096];
    kdate day;
    if (fixed != NULL && kdate_parse(fixed, strlen(fixed), &day) == KG_OK &&
        checkout_root(root, sizeof(root)))
        return day;
    return clock_now_jst().day;
}

char *clock_format_iso(const clock_jst *now, char *buf)
{
    char date[KDATE_ISO_LEN + 1];
    kdate_format(now->day, date);
    snprintf(buf, CLOCK_ISO_SIZE, "%sT%02d:%02d:%02d+09:00", date, now->hour, now->minute,
             now->second);
    return buf;
}
