/*
 * crash.c - see crash.h.
 */
#include "crash.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

void crash_point(const char *name)
{
    const char *target = getenv("KIGEN_CRASH_AT");
    if (target != NULL && strcmp(target, name) == 0)
        raise(SIGKILL);
}
