/*
 * clerk.h - who is at the counter: the name a counter action (a form's scan, a notice's
 * return, their undo) is recorded under in the ledger's history.
 */
#ifndef KIGEN_CLERK_H
#define KIGEN_CLERK_H

#include <stddef.h>

/* The OS user who runs the command (getpwuid), or "uid N" when it has no name; cut to
 * cap bytes. */
void clerk_name(char *out, size_t cap);

#endif
