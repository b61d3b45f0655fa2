/*
 * grow.h - room for one more item in an array that doubles as it fills.
 *
 * The arrays a load collects (its parents' keys, the city's schedule rows) grow by
 * realloc, 4,096 items first, then twice the size; each array's owner frees it.
 */
#ifndef KIGEN_GROW_H
#define KIGEN_GROW_H

#include <stddef.h>

#include "error.h"

/* Makes *items (cap items of size bytes, count of them used) hold at least count + 1:
 * KG_OK with *items and *cap updated, or KG_ERR_NOMEM with both as they were (also when
 * the new size would not fit in a size_t). */
kg_err grow_array(void **items, size_t *cap, size_t count, size_t size);

#endif
