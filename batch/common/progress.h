/*
 * progress.h - a live progress line on a terminal: what is being done, how many rows so
 * far, the rate, and the time left when the total is known, redrawn in place on stderr
 * (at most five times a second) and erased when the work ends or another line is written.
 *
 * Only when the log sink writes to a terminal at level info or above (no -q); otherwise
 * every call does nothing, and the commands' own timestamped log lines are what cron sees
 * (D96). Not thread-safe: one caller, or the caller's lock around every call.
 */
#ifndef KIGEN_PROGRESS_H
#define KIGEN_PROGRESS_H

#include <time.h>

#include "log.h"

typedef struct progress {
    FILE *stream; /* NULL: off */
    char what[96];
    const char *unit; /* "rows", "residents", "pages" */
    long long total;  /* of `done` (bytes, residents...); 0: unknown */
    struct timespec start, drawn;
    int shown; /* a line is on the screen */
} progress;

/* Starts a line for `what` (copied); count is in unit, done of total gives the time left. */
void progress_begin(progress *line, const log_sink *log, const char *what, const char *unit,
                    long long total);

/* count so far, done of the total (the same as count when they measure the same). */
void progress_update(progress *line, long long count, long long done);

/* 1 when the line is drawn (a terminal): the caller's periodic log line is then left out. */
int progress_live(const progress *line);

/* Erases the line (before another line goes to the terminal); the next update redraws. */
void progress_clear(progress *line);

/* Erases the line for good. */
void progress_end(progress *line);

#endif
