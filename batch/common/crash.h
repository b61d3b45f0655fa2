/*
 * crash.h - fault injection for the kill-and-restart tests.
 *
 * crash_point("name") kills the process with SIGKILL (as `kill -9` would) when the
 * environment variable KIGEN_CRASH_AT equals "name"; otherwise it does nothing. The
 * named points are listed in docs/internals.md. Never set KIGEN_CRASH_AT in production.
 */
#ifndef KIGEN_CRASH_H
#define KIGEN_CRASH_H

void crash_point(const char *name);

#endif
