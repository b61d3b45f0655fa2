/*
 * progress.c - the live progress line (see progress.h).
 */
#include "progress.h"
#include "i18n.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define REDRAW_NS 200000000L /* five times a second */

static double seconds_between(const struct timespec *from, const struct timespec *to)
{
    return (double)(to->tv_sec - from->tv_sec) + (double)(to->tv_nsec - from->tv_nsec) / 1e9;
}

void progress_begin(progress *line, const log_sink *log, const char *what, const char *unit,
                    long long total)
{
    memset(line, 0, sizeof(*line));
    if (log == NULL || log->stream == NULL || log->timestamps || log->level < LOG_INFO ||
        !isatty(fileno(log->stream)))
        return;
    line->stream = log->stream;
    snprintf(line->what, sizeof(line->what), "%s", what);
    line->unit = unit;
    line->total = total;
    clock_gettime(CLOCK_MONOTONIC, &line->start);
}

void progress_update(progress *line, long long count, long long done)
{
    if (line->stream == NULL)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (line->shown && seconds_between(&line->drawn, &now) * 1e9 < (double)REDRAW_NS)
        return;
    line->drawn = now;
    double elapsed = seconds_between(&line->start, &now);
    double rate = elapsed > 0 ? (double)count / elapsed : 0;
    char left[96] = "";
    if (line->total > 0 && done > 0 && done <= line->total && elapsed > 0.5) {
        double remaining = elapsed * (double)(line->total - done) / (double)done;
        snprintf(left, sizeof(left), _(", %d%%, %.0f s left"),
                 (int)(100.0 * (double)done / (double)line->total), remaining);
    }
    fputs("\r\033[Kkigen: ", line->stream);
    fprintf(line->stream, _("%s: %lld %s, %.0f %s/s%s"), line->what, count, line->unit, rate,
            line->unit, left);
    fflush(line->stream);
    line->shown = 1;
}

int progress_live(const progress *line)
{
    return line->stream != NULL;
}

void progress_clear(progress *line)
{
    if (line->stream == NULL || !line->shown)
        return;
    fputs("\r\033[K", line->stream);
    fflush(line->stream);
    line->shown = 0;
}

void progress_end(progress *line)
{
    progress_clear(line);
    line->stream = NULL;
}
