/*
 * load_key.h - the conflict key of an extract row (load_spec's `key`) as 16 exact bytes,
 * and the set of keys a file has loaded so far: a later row with a key already taken is a
 * duplicate (the first line is loaded), found by the client while it reads (D93).
 *
 * Only for rows whose key columns passed validation (or were loaded before unchanged):
 * ids are digits, dates YYYY-MM-DD, enums one of their values, office codes ASCII.
 */
#ifndef KIGEN_LOAD_KEY_H
#define KIGEN_LOAD_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "../common/csv.h"
#include "../common/error.h"
#include "load_spec.h"

typedef struct load_key {
    uint64_t part[2]; /* never both 0 for a valid key */
} load_key;

/* The columns of spec's key, as indexes into spec->columns (at most 3). */
typedef struct load_key_columns {
    size_t index[3];
    size_t count;
} load_key_columns;

/* KG_ERR_INTERNAL when a key column is not in spec (a bug in load_spec.c). */
kg_err load_key_columns_find(const load_file_spec *spec, load_key_columns *out);

/* The key of a record (positions as load_row_map_header gives them). */
load_key load_key_of(const load_file_spec *spec, const load_key_columns *columns,
                     const csv_record *record, const size_t *positions);

/* Open addressing; grows by doubling. */
typedef struct load_key_set {
    load_key *slots; /* owned; freed by load_key_set_free */
    size_t cap, count;
} load_key_set;

/* Adds key: *added is 1 when it was new, 0 when the set held it already. KG_ERR_NOMEM. */
kg_err load_key_set_add(load_key_set *set, load_key key, int *added);
void load_key_set_free(load_key_set *set);

#endif
