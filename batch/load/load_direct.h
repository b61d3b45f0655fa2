/*
 * load_direct.h - the first load of a city (D94): every data table empty, the rows go by
 * COPY straight into kigen.* instead of staging tables and an upsert.
 *
 * The checks the staging path asks the database (a row's resident or card in the extract,
 * the card's holder) are made by the client from what this load has accepted
 * (load_parents below); the foreign keys are dropped before and validated once after, the
 * secondary indexes dropped and built once after (a sort instead of a million inserts), the
 * data tables' own triggers are off meanwhile; the caller writes the city's schedule (D99)
 * or has the whole city marked for the refresh instead (the triggers' work, row by row,
 * would be the same). The empty tables are truncated first so that the COPYs may FREEZE
 * (D100). Inside the caller's transaction: a failure rolls all of it back.
 */
#ifndef KIGEN_LOAD_DIRECT_H
#define KIGEN_LOAD_DIRECT_H

#include <stddef.h>
#include <stdint.h>

#include "../common/error.h"
#include "../db/db.h"

/* *empty = 1 when every data table is empty (locks them against other writers first).
 * lock_sql (NULL: none) runs once they were seen empty, before they are locked: the
 * schedule's lock (D99), taken before the tables' so that a run waiting for it never holds
 * what the load waits for. */
kg_err load_direct_possible(db_conn *conn, const char *lock_sql, int *empty, kg_errbuf *errbuf);

/* What load_direct_begin took away, to put back. */
typedef struct load_direct {
    db_result *fks;     /* owned: the foreign keys between the data tables */
    db_result *indexes; /* owned: their indexes that no constraint owns (name, definition) */
    int sole;           /* the default municipality alone (db_sole_municipality) */
} load_direct;

/* Before the COPYs: the foreign keys and the indexes other than the primary keys dropped,
 * the data tables' user triggers disabled; with other municipalities (D126), none of that:
 * the municipality's own partitions truncated. */
kg_err load_direct_begin(db_conn *conn, load_direct *direct, kg_errbuf *errbuf);

/* After them: the indexes built, the foreign keys back (validated), the triggers enabled,
 * and, with mark_city, every resident marked for the schedule's refresh (without: the
 * caller wrote the city's schedule itself, D99). */
kg_err load_direct_end(db_conn *conn, const load_direct *direct, int mark_city, kg_errbuf *errbuf);

/* Frees what direct holds (not the database's objects); accepts a zeroed one. */
void load_direct_free(load_direct *direct);

/* What a first load has accepted so far: resident ids, and each card's holder. */
typedef struct load_parents {
    int64_t *residents; /* owned, sorted after load_parents_seal */
    size_t resident_count, resident_cap;
    int64_t (*cards)[2]; /* owned: card id and holder, sorted after load_parents_seal */
    size_t card_count, card_cap;
} load_parents;

kg_err load_parents_add_resident(load_parents *parents, int64_t resident_id);
kg_err load_parents_add_card(load_parents *parents, int64_t card_id, int64_t resident_id);
/* Sorts what was added (call after each parent file). */
void load_parents_seal(load_parents *parents);
int load_parents_has_resident(const load_parents *parents, int64_t resident_id);
/* 1 and *holder when the card was accepted, 0 otherwise. */
int load_parents_card_holder(const load_parents *parents, int64_t card_id, int64_t *holder);
void load_parents_free(load_parents *parents);

#endif
