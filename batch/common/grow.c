/*
 * grow.c - the doubling array growth of grow.h.
 */
#include "grow.h"

#include <stdint.h>
#include <stdlib.h>

kg_err grow_array(void **items, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return KG_OK;
    if (size == 0 || *cap > SIZE_MAX / 2)
        return KG_ERR_NOMEM;
    size_t new_cap = *cap == 0 ? 4096 : *cap * 2;
    if (new_cap > SIZE_MAX / size)
        return KG_ERR_NOMEM;
    void *grown = realloc(*items, new_cap * size);
    if (grown == NULL)
        return KG_ERR_NOMEM;
    *items = grown;
    *cap = new_cap;
    return KG_OK;
}
