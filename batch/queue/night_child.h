/*
 * night_child.h - one night run by a worker: `kigen run` as a child process of the same
 * binary (/proc/self/exe), which dies with its worker (prctl PR_SET_PDEATHSIG, SIGKILL),
 * in a process group of its own (a Ctrl-C meant for the worker does not stop the night),
 * its stderr read through a pipe: each line is passed on to the worker's stderr as it
 * comes, and the last lines are kept as the night's error text. Linux only.
 */
#ifndef KIGEN_NIGHT_CHILD_H
#define KIGEN_NIGHT_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "../common/error.h"

#define NIGHT_CHILD_ARGS_MAX 16
#define NIGHT_CHILD_LINE_CAP 1024 /* a longer log line is cut in the kept tail */

typedef struct night_child {
    pid_t pid;                          /* 0: not started, or reaped */
    int stderr_fd;                      /* the read end of the child's stderr; -1 once at its end */
    char partial[NIGHT_CHILD_LINE_CAP]; /* the line being read */
    size_t partial_len;
    char last_lines[2][NIGHT_CHILD_LINE_CAP];  /* the last two whole lines, [1] the last */
    char error_lines[2][NIGHT_CHILD_LINE_CAP]; /* the last two of level error (D174) */
    FILE *forward; /* where each line goes on (the worker's stderr); not owned */
} night_child;

/* Starts the child with args (argv without the program, NULL-terminated, at most
 * NIGHT_CHILD_ARGS_MAX - 2). The caller's blocked signals are unblocked in the child.
 * KG_ERR_INTERNAL (a pipe or fork that failed) with the system's reason. */
kg_err night_child_start(const char *const *args, FILE *forward, night_child *child,
                         kg_errbuf *errbuf);

/* Reads what the child wrote to stderr without waiting (the pipe is non-blocking): passes
 * each whole line on, keeps the last two, and the last two of level error. false once the
 * pipe reached its end. */
bool night_child_read(night_child *child);

/* The child's exit: true and *status (its exit status, or -signal) once it ended and was
 * reaped; false while it runs (never waits). */
bool night_child_reap(night_child *child, int *status);

/* The last two lines of level error (the error and its HINT), else the last two lines (a
 * run killed by a signal wrote no error), a log line's time and `kigen: <level>: ` taken
 * off, joined by a line break, into out (cap bytes); "" when the child wrote nothing.
 * Lines of other levels that a run writes after its error (the configuration it was given,
 * at -v or without -q) are not the error (D174). */
void night_child_error_text(const night_child *child, char *out, size_t cap);

/* Closes the pipe; a child still running is killed and reaped. */
void night_child_close(night_child *child);

#endif
