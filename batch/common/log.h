/*
 * log.h - leveled log lines on stderr: plain for terminals, timestamped (JST) for cron.
 *
 * A log_sink is owned by main and passed down; there is no global logger. The level is
 * checked before any formatting. Data never goes here: filters write data to stdout.
 */
#ifndef KIGEN_LOG_H
#define KIGEN_LOG_H

#include <stdio.h>

typedef enum log_level {
    LOG_ERROR = 0,
    LOG_WARN = 1,
    LOG_INFO = 2,
    LOG_DETAIL = 3,
    LOG_DEBUG = 4
} log_level;

typedef struct log_sink {
    FILE *stream;    /* not owned; stderr in production */
    log_level level; /* lines above this level are dropped */
    int timestamps;  /* prefix each line with the JST time (non-terminal runs) */
} log_sink;

/* A sink for stderr: timestamps when stderr is not a terminal. */
log_sink log_sink_stderr(log_level level);

#if defined(__GNUC__)
#define KG_PRINTF(fmt_idx, arg_idx) __attribute__((format(printf, fmt_idx, arg_idx)))
#else
#define KG_PRINTF(fmt_idx, arg_idx)
#endif

/* Writes one line "kigen: <level>: <message>" (with a timestamp when the sink asks). */
void log_line(const log_sink *sink, log_level level, const char *fmt, ...) KG_PRINTF(3, 4);

#endif
