/*
 * log.c - formatting of log lines (see log.h).
 */
#include "log.h"

#include <stdarg.h>
#include <unistd.h>

#include "clock.h"
#include "i18n.h"

static const char *const level_names[] = {
    [LOG_ERROR] = N_("error"),   [LOG_WARN] = N_("warning"), [LOG_INFO] = N_("info"),
    [LOG_DETAIL] = N_("detail"), [LOG_DEBUG] = N_("debug"),
};

log_sink log_sink_stderr(log_level level)
{
    log_sink sink = {.stream = stderr, .level = level, .timestamps = !isatty(STDERR_FILENO)};
    return sink;
}

void log_line(const log_sink *sink, log_level level, const char *fmt, ...)
{
    if (sink == NULL || sink->stream == NULL || level > sink->level)
        return;
    if (sink->timestamps) {
        char stamp[CLOCK_ISO_SIZE];
        clock_jst now = clock_now_jst();
        fprintf(sink->stream, "%s ", clock_format_iso(&now, stamp));
    }
    /* "kigen:" stays as it is (a script finds kigen's lines by it); the level word is in the
     * language of the messages (D106) */
    fprintf(sink->stream, "kigen: %s: ", _(level_names[level]));
    va_list args;
    va_start(args, fmt);
    vfprintf(sink->stream, fmt, args);
    va_end(args);
    fputc('\n', sink->stream);
}
