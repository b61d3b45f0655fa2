/*
 * load_direct.c - the first load into empty tables (see load_direct.h).
 */
#include "load_direct.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/grow.h"
#include "../db/db_indexes.h"
#include "../db/db_tenancy.h"
#include "load_stage.h"

static const char *const data_tables[] = {"offices", "residents", "cards",         "certificates",
                                          "moves",   "changes",   "proxy_requests"};
#define DATA_TABLES (sizeof(data_tables) / sizeof(data_tables[0]))

static kg_err all_empty(db_conn *conn, int *empty, kg_errbuf *errbuf)
{
    *empty = 0;
    db_result *result = NULL;
    kg_err err = db_query(conn,
                          "SELECT NOT EXISTS (SELECT FROM kigen.offices) AND NOT EXISTS (SELECT "
                          "FROM kigen.residents) AND NOT EXISTS (SELECT FROM kigen.cards) AND NOT "
                          "EXISTS (SELECT FROM kigen.certificates) AND NOT EXISTS (SELECT FROM "
                          "kigen.moves) AND NOT EXISTS (SELECT FROM kigen.changes) AND NOT EXISTS "
                          "(SELECT FROM kigen.proxy_requests)",
                          0, NULL, errbuf, &result);
    if (err == KG_OK && db_result_rows(result) == 1)
        *empty = strcmp(db_result_value(result, 0, 0), "t") == 0;
    db_result_free(result);
    return err;
}

kg_err load_direct_possible(db_conn *conn, const char *lock_sql, int *empty, kg_errbuf *errbuf)
{
    kg_err err = all_empty(conn, empty, errbuf);
    if (err != KG_OK || !*empty)
        return err;
    if (lock_sql != NULL)
        err = db_exec(conn, lock_sql, errbuf);
    if (err != KG_OK)
        return err;
    /* SHARE ROW EXCLUSIVE: no other writer between this look and the COPYs; the tables
     * are locked exclusively next anyway (load_direct_begin). With other municipalities,
     * the municipality's own partitions only (D126). */
    int sole = 0;
    err = db_sole_municipality(conn, &sole, errbuf);
    if (err == KG_OK)
        err = db_exec(conn,
                      sole ? "LOCK TABLE kigen.offices, kigen.residents, kigen.cards, "
                             "kigen.certificates, kigen.moves, kigen.changes, kigen.proxy_requests "
                             "IN SHARE ROW EXCLUSIVE MODE"
                           : "SELECT kigen.lock_own('offices', 'residents', 'cards', "
                             "'certificates', 'moves', 'changes', 'proxy_requests')",
                      errbuf);
    return err == KG_OK ? all_empty(conn, empty, errbuf) : err;
}

static kg_err set_triggers(db_conn *conn, const char *verb, kg_errbuf *errbuf)
{
    kg_err err = KG_OK;
    for (size_t table_idx = 0; table_idx < DATA_TABLES && err == KG_OK; table_idx++) {
        char sql[128];
        snprintf(sql, sizeof(sql), "ALTER TABLE kigen.%s %s TRIGGER USER", data_tables[table_idx],
                 verb);
        err = db_exec(conn, sql, errbuf);
    }
    return err;
}

kg_err load_direct_begin(db_conn *conn, load_direct *direct, kg_errbuf *errbuf)
{
    kg_err err = db_sole_municipality(conn, &direct->sole, errbuf);
    /* with other municipalities: the keys, indexes and triggers are every municipality's,
     * and only their owner may alter them; the municipality's partitions are emptied in
     * this transaction (COPY FREEZE), the keys checked row by row (D126) */
    if (err == KG_OK && !direct->sole)
        return db_exec(conn,
                       "SELECT kigen.truncate_own('offices', 'residents', 'cards', "
                       "'certificates', 'moves', 'changes', 'proxy_requests')",
                       errbuf);
    if (err == KG_OK)
        err = load_stage_fks_read(conn, &direct->fks, errbuf);
    if (err == KG_OK)
        err = load_stage_fks_alter(conn, direct->fks, 0, errbuf);
    if (err == KG_OK)
        err = db_indexes_drop(conn,
                              "{offices,residents,cards,certificates,moves,changes,proxy_requests}",
                              &direct->indexes, errbuf);
    if (err == KG_OK)
        err = set_triggers(conn, "DISABLE", errbuf);
    /* empty already, but truncated in this transaction the tables get new files: COPY
     * FREEZE may then write its rows frozen (no hint bits to set, no page rewritten by the
     * first reader or vacuum), and with wal_level minimal skip the WAL (D100) */
    if (err == KG_OK)
        err = db_exec(conn,
                      "TRUNCATE kigen.offices, kigen.residents, kigen.cards, kigen.certificates, "
                      "kigen.moves, kigen.changes, kigen.proxy_requests",
                      errbuf);
    return err;
}

void load_direct_free(load_direct *direct)
{
    db_result_free(direct->fks);
    db_result_free(direct->indexes);
    direct->fks = direct->indexes = NULL;
}

kg_err load_direct_end(db_conn *conn, const load_direct *direct, int mark_city, kg_errbuf *errbuf)
{
    kg_err err = db_indexes_build(conn, direct->indexes, errbuf);
    if (err == KG_OK && direct->fks != NULL)
        err = load_stage_fks_alter(conn, direct->fks, 1, errbuf);
    if (err == KG_OK && direct->sole)
        err = set_triggers(conn, "ENABLE", errbuf);
    if (err == KG_OK && mark_city)
        err = db_query(conn, "SELECT kigen.schedule_mark(ARRAY[0::bigint])", 0, NULL, errbuf, NULL);
    return err;
}

kg_err load_parents_add_resident(load_parents *parents, int64_t resident_id)
{
    void *items = parents->residents;
    kg_err err =
        grow_array(&items, &parents->resident_cap, parents->resident_count, sizeof(int64_t));
    parents->residents = items;
    if (err == KG_OK)
        parents->residents[parents->resident_count++] = resident_id;
    return err;
}

kg_err load_parents_add_card(load_parents *parents, int64_t card_id, int64_t resident_id)
{
    void *items = parents->cards;
    kg_err err = grow_array(&items, &parents->card_cap, parents->card_count, sizeof(int64_t[2]));
    parents->cards = items;
    if (err == KG_OK) {
        parents->cards[parents->card_count][0] = card_id;
        parents->cards[parents->card_count][1] = resident_id;
        parents->card_count++;
    }
    return err;
}

static int compare_ids(const void *left, const void *right)
{
    int64_t a = *(const int64_t *)left, b = *(const int64_t *)right;
    return (a > b) - (a < b);
}

void load_parents_seal(load_parents *parents)
{
    if (parents->residents != NULL)
        qsort(parents->residents, parents->resident_count, sizeof(int64_t), compare_ids);
    if (parents->cards != NULL)
        qsort(parents->cards, parents->card_count, sizeof(int64_t[2]), compare_ids);
}

/* Index of the first item >= id in a sorted array of count items of stride ids each. */
static size_t lower_bound(const int64_t *items, size_t count, size_t stride, int64_t id)
{
    size_t low = 0, high = count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (items[mid * stride] < id)
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

int load_parents_has_resident(const load_parents *parents, int64_t resident_id)
{
    size_t at = lower_bound(parents->residents, parents->resident_count, 1, resident_id);
    return at < parents->resident_count && parents->residents[at] == resident_id;
}

int load_parents_card_holder(const load_parents *parents, int64_t card_id, int64_t *holder)
{
    size_t at = lower_bound(parents->cards == NULL ? NULL : &parents->cards[0][0],
                            parents->card_count, 2, card_id);
    if (at >= parents->card_count || parents->cards[at][0] != card_id)
        return 0;
    *holder = parents->cards[at][1];
    return 1;
}

void load_parents_free(load_parents *parents)
{
    free(parents->residents);
    free(parents->cards);
    memset(parents, 0, sizeof(*parents));
}
