/*
 * options.c - see options.h.
 */
#include "options.h"

#include <string.h>

const char *options_value(int argc, char **argv, int *arg_idx, const char *name)
{
    size_t len = strlen(name);
    const char *arg = argv[*arg_idx];
    if (strncmp(arg, name, len) != 0)
        return NULL;
    if (arg[len] == '=')
        return arg + len + 1;
    if (arg[len] == '\0' && *arg_idx + 1 < argc)
        return argv[++*arg_idx];
    return NULL;
}
