/*
 * clerk.c - the OS user a counter action is recorded under (see clerk.h).
 */
#include "clerk.h"

#include <pwd.h>
#include <stdio.h>
#include <unistd.h>

void clerk_name(char *out, size_t cap)
{
    const struct passwd *user = getpwuid(getuid());
    if (user != NULL && user->pw_name != NULL)
        snprintf(out, cap, "%s", user->pw_name);
    else
        snprintf(out, cap, "uid %ld", (long)getuid());
}
