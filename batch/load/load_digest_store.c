/*
 * load_digest_store.c - kigen.load_digests in and out (see load_digest_store.h).
 *
 * The digests travel as bytea in hex (db.h speaks text): 16 characters a row, read and
 * written once per file and load.
 */
#include "load_digest_store.h"
#include "../common/i18n.h"
#include "../db/db_tenancy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hex_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Decodes count little-endian 64-bit words from hex (2 * 8 * count characters). */
static int hex_words(const char *hex, size_t count, uint64_t *words)
{
    for (size_t word_idx = 0; word_idx < count; word_idx++) {
        uint64_t word = 0;
        for (int byte_idx = 0; byte_idx < 8; byte_idx++) {
            int high = hex_value(hex[16 * word_idx + 2 * byte_idx]);
            int low = hex_value(hex[16 * word_idx + 2 * byte_idx + 1]);
            if (high < 0 || low < 0)
                return -1;
            word |= (uint64_t)(high * 16 + low) << (8 * byte_idx);
        }
        words[word_idx] = word;
    }
    return 0;
}

static void put_hex_word(char *hex, uint64_t word)
{
    static const char digits[] = "0123456789abcdef";
    for (int byte_idx = 0; byte_idx < 8; byte_idx++) {
        unsigned byte = (unsigned)(word >> (8 * byte_idx)) & 0xff;
        hex[2 * byte_idx] = digits[byte >> 4];
        hex[2 * byte_idx + 1] = digits[byte & 0xf];
    }
}

kg_err load_digest_store_claim(db_conn *conn, kg_errbuf *errbuf)
{
    /* one load at a time per municipality (its own partition: D124): a second one waits
     * here, and then compares with the digests of the first (which may have changed the
     * rows it would skip) */
    char partition[128], lock_sql[256];
    kg_err err = db_own_partition(conn, "load_digests", partition, sizeof(partition), errbuf);
    snprintf(lock_sql, sizeof(lock_sql), "LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE", partition);
    if (err == KG_OK)
        err = db_exec(conn, lock_sql, errbuf);
    if (err == KG_OK)
        err = db_query(conn, "SELECT pg_catalog.set_config('kigen.load', 'on', true)", 0, NULL,
                       errbuf, NULL);
    return err;
}

static kg_err fresh_key(db_conn *conn, load_digest_key *key, kg_errbuf *errbuf)
{
    db_result *result = NULL;
    kg_err err = db_query(conn,
                          "SELECT pg_catalog.replace(pg_catalog.gen_random_uuid()::text, '-', '') "
                          "|| pg_catalog.replace(pg_catalog.gen_random_uuid()::text, '-', '')",
                          0, NULL, errbuf, &result);
    uint64_t words[2];
    if (err == KG_OK &&
        (db_result_rows(result) != 1 || hex_words(db_result_value(result, 0, 0), 2, words) != 0))
        err = kg_fail(errbuf, KG_ERR_DB_QUERY, _("unable to make a key for the load's digests"));
    if (err == KG_OK) {
        key->k0 = words[0];
        key->k1 = words[1];
    }
    db_result_free(result);
    return err;
}

kg_err load_digest_store_read(db_conn *conn, const char *file_name, int cp932, load_digest_old *out,
                              kg_errbuf *errbuf)
{
    memset(out, 0, sizeof(*out));
    char format[16];
    snprintf(format, sizeof(format), "%d", LOAD_DIGEST_FORMAT);
    const char *params[] = {file_name, format, cp932 ? "true" : "false"};
    db_result *result = NULL;
    kg_err err = db_query(conn,
                          "SELECT pg_catalog.encode(hash_key, 'hex'), row_count, digests "
                          "FROM kigen.load_digests WHERE file = $1 AND format = $2::int "
                          "AND cp932 = $3::boolean",
                          3, params, errbuf, &result);
    if (err == KG_OK && db_result_rows(result) == 1) {
        uint64_t words[2];
        const char *hex = db_result_value(result, 0, 2);
        long long rows = strtoll(db_result_value(result, 0, 1), NULL, 10);
        size_t count = rows > 0 ? (size_t)rows : 0;
        if (hex_words(db_result_value(result, 0, 0), 2, words) != 0 || hex == NULL ||
            strlen(hex) != 2 + 16 * count)
            err = kg_fail(errbuf, KG_ERR_DB_QUERY, _("unable to read the load's digests of '%s'"),
                          file_name);
        out->digests = err == KG_OK && count > 0 ? malloc(count * sizeof(uint64_t)) : NULL;
        if (err == KG_OK && count > 0 && out->digests == NULL)
            err = kg_fail(errbuf, KG_ERR_NOMEM,
                          _("unable to read the load's digests: out of memory"));
        if (err == KG_OK && count > 0 && hex_words(hex + 2, count, out->digests) != 0)
            err = kg_fail(errbuf, KG_ERR_DB_QUERY, _("unable to read the load's digests of '%s'"),
                          file_name);
        if (err == KG_OK) {
            out->key.k0 = words[0];
            out->key.k1 = words[1];
            out->count = count;
        }
    } else if (err == KG_OK) {
        err = fresh_key(conn, &out->key, errbuf);
    }
    db_result_free(result);
    if (err != KG_OK)
        load_digest_old_free(out);
    return err;
}

static int same_digests(const load_digest_old *old, const load_digest_list *list)
{
    if (old->digests == NULL || old->count != list->count)
        return 0;
    for (size_t row_idx = 0; row_idx < list->count; row_idx++)
        if (old->digests[row_idx] != list->entries[row_idx].digest)
            return 0;
    return 1;
}

kg_err load_digest_store_write(db_conn *conn, const char *file_name, int cp932,
                               const load_digest_old *old, const load_digest_list *list,
                               kg_errbuf *errbuf)
{
    if (same_digests(old, list))
        return KG_OK;
    char *hex = malloc(3 + 16 * list->count);
    if (hex == NULL)
        return kg_fail(errbuf, KG_ERR_NOMEM,
                       _("unable to write the load's digests: out of memory"));
    hex[0] = '\\';
    hex[1] = 'x';
    for (size_t row_idx = 0; row_idx < list->count; row_idx++)
        put_hex_word(hex + 2 + 16 * row_idx, list->entries[row_idx].digest);
    hex[2 + 16 * list->count] = '\0';
    char key_hex[35], format[16], rows[24];
    key_hex[0] = '\\';
    key_hex[1] = 'x';
    put_hex_word(key_hex + 2, old->key.k0);
    put_hex_word(key_hex + 18, old->key.k1);
    key_hex[34] = '\0';
    snprintf(format, sizeof(format), "%d", LOAD_DIGEST_FORMAT);
    snprintf(rows, sizeof(rows), "%zu", list->count);
    const char *params[] = {file_name, format, cp932 ? "true" : "false", key_hex, hex, rows};
    kg_err err = db_query(
        conn,
        "INSERT INTO kigen.load_digests (file, format, cp932, hash_key, digests, "
        "row_count) VALUES ($1, $2::int, $3::boolean, $4::bytea, $5::bytea, "
        "$6::bigint) ON CONFLICT (municipality_code, file) DO UPDATE SET (format, cp932, hash_key, "
        "digests, row_count) = (EXCLUDED.format, EXCLUDED.cp932, "
        "EXCLUDED.hash_key, EXCLUDED.digests, EXCLUDED.row_count)",
        6, params, errbuf, NULL);
    free(hex);
    return err;
}

void load_digest_old_free(load_digest_old *old)
{
    free(old->digests);
    old->digests = NULL;
    old->count = 0;
}
