/*
 * options.h - the one command-line helper the commands share: the value of an option
 * written as "--name value" or "--name=value".
 *
 * Not an option parser: each command keeps its own loop and usage message.
 */
#ifndef KIGEN_OPTIONS_H
#define KIGEN_OPTIONS_H

/* When argv[*arg_idx] is `name` followed by a value (the next argument, advancing
 * *arg_idx) or `name=value`, the value; otherwise NULL and *arg_idx unchanged. The value
 * points into argv. */
const char *options_value(int argc, char **argv, int *arg_idx, const char *name);

#endif
