/*
 * load_digest_store.h - reads and writes kigen.load_digests (sql/013_load_digests.sql): the
 * digests of the rows the last load loaded, one list per extract file (D92).
 *
 * Inside the load's transaction. Only the load writes them; the data tables' triggers
 * forget them when anything else writes those tables.
 */
#ifndef KIGEN_LOAD_DIGEST_STORE_H
#define KIGEN_LOAD_DIGEST_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../common/error.h"
#include "../db/db.h"
#include "load_digest.h"

/* What the last load of one file left. */
typedef struct load_digest_old {
    load_digest_key key; /* the database's key for this file (a new random one when none) */
    uint64_t *digests;   /* owned (NULL when none usable); freed by load_digest_old_free */
    size_t count;
} load_digest_old;

/* Waits for any other load to end (a lock on kigen.load_digests until commit), then says
 * to the data tables' triggers that this transaction is the load (kigen.load). */
kg_err load_digest_store_claim(db_conn *conn, kg_errbuf *errbuf);

/* The digests of file_name when they were written by this LOAD_DIGEST_FORMAT for the same
 * encoding; otherwise none, and a fresh key. */
kg_err load_digest_store_read(db_conn *conn, const char *file_name, int cp932, load_digest_old *out,
                              kg_errbuf *errbuf);

/* Replaces file_name's digests with list's, under key (nothing is written when they equal
 * old's). */
kg_err load_digest_store_write(db_conn *conn, const char *file_name, int cp932,
                               const load_digest_old *old, const load_digest_list *list,
                               kg_errbuf *errbuf);

void load_digest_old_free(load_digest_old *old);

#endif
