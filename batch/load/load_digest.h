/*
 * load_digest.h - the rows a load loaded, as one 64-bit keyed digest each in file order,
 * and tonight's rows compared with them (D92).
 *
 * Pure: no database and no I/O (load_digest_store.h reads and writes the digests). A row
 * whose digest the last load listed is in the database as it is in the file; the caller
 * then sends it nowhere. A row not found costs only time: the upsert finds it unchanged.
 */
#ifndef KIGEN_LOAD_DIGEST_H
#define KIGEN_LOAD_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "../common/csv.h"
#include "../common/error.h"
#include "load_spec.h"

/* The digests' format: raise it whenever what a row's digest stands for changes (the
 * validation, the normalisation, the columns of a file), so that digests of an older
 * loader are not used. */
#define LOAD_DIGEST_FORMAT 1

/* The SipHash key of a database's digests (kigen.load_digests.hash_key). */
typedef struct load_digest_key {
    uint64_t k0, k1;
} load_digest_key;

/* SipHash-2-4 of len bytes under key. */
uint64_t load_digest_siphash(const load_digest_key *key, const void *data, size_t len);

/* The digest of a record's fields in spec order (positions as load_row_map_header gives
 * them; an absent column is an empty field): each field's length (4 bytes) and bytes, so
 * that the column order of the header and its extra columns do not matter. scratch holds
 * scratch_cap bytes; returns 0 with *digest set, or -1 when the fields do not fit (the row
 * is then not skipped). */
int load_digest_record(const load_digest_key *key, const load_file_spec *spec,
                       const csv_record *record, const size_t *positions, char *scratch,
                       size_t scratch_cap, uint64_t *digest);

/* The last load's digests of one file, walked in step with tonight's rows. */
typedef struct load_digest_match {
    const uint64_t *old; /* not owned */
    size_t old_count;
    size_t cursor; /* the next old digest expected */
} load_digest_match;

/* How far ahead of the cursor a digest is looked for: rows removed or moved a little. */
#define LOAD_DIGEST_WINDOW 64

void load_digest_match_init(load_digest_match *match, const uint64_t *old, size_t old_count);

/* 1 when digest is among the old ones at the cursor or up to LOAD_DIGEST_WINDOW after it
 * (the cursor then moves past it), 0 otherwise (the cursor stays). */
int load_digest_match_next(load_digest_match *match, uint64_t digest);

/* Tonight's digests of one file: one per row the load keeps, with its line, in order. */
typedef struct load_digest_entry {
    uint64_t digest;
    long line;
} load_digest_entry;

typedef struct load_digest_list {
    load_digest_entry *entries; /* owned; freed by load_digest_list_free */
    size_t count, cap;
} load_digest_list;

kg_err load_digest_list_add(load_digest_list *list, uint64_t digest, long line);
/* Drops the entries of the given lines (sorted ascending): rows the database refused. */
void load_digest_list_drop_lines(load_digest_list *list, const long *lines, size_t line_count);
void load_digest_list_free(load_digest_list *list);

#endif
