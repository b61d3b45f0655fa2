/*
 * checkout.h - the developer's checkout that this binary runs from, if any.
 *
 * `make` builds kigen as <checkout>/build/<kind>/kigen (the tests as kigen-tests beside
 * it); the checkout is recognised by its scripts/db.sh. Read from /proc/self/exe at each
 * call, never compiled in: a binary copied or installed elsewhere (/usr/bin/kigen) has no
 * checkout, and so no embedded cluster (db/embedded.h) and no KIGEN_TODAY (clock.h).
 */
#ifndef KIGEN_CHECKOUT_H
#define KIGEN_CHECKOUT_H

#include <stdbool.h>
#include <stddef.h>

/* The checkout's absolute, physical path into out (cap bytes); false (out "") when the
 * binary does not run from one or the path does not fit. */
bool checkout_root(char *out, size_t cap);

#endif
