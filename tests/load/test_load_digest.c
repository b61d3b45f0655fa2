/*
 * test_load_digest.c - the load's row digests, their comparison with the last load's, and
 * the exact row keys (D92, D93): SipHash-2-4 against its reference vectors, the window,
 * the refused lines dropped, ids compared as numbers, and a naive cross-check of the key
 * set.
 */
#include <stdlib.h>
#include <string.h>

#include "load/load_digest.h"
#include "load/load_key.h"
#include "test.h"

/* The reference implementation's vectors: key 00 01 .. 0f, messages 00 01 .. (len-1). */
static void siphash_matches_the_reference_vectors(void)
{
    load_digest_key key = {UINT64_C(0x0706050403020100), UINT64_C(0x0f0e0d0c0b0a0908)};
    unsigned char message[64];
    for (size_t pos = 0; pos < sizeof(message); pos++)
        message[pos] = (unsigned char)pos;
    CU_ASSERT_EQUAL(load_digest_siphash(&key, message, 0), UINT64_C(0x726fdb47dd0e0e31));
    CU_ASSERT_EQUAL(load_digest_siphash(&key, message, 1), UINT64_C(0x74f839c593dc67fd));
    CU_ASSERT_EQUAL(load_digest_siphash(&key, message, 8), UINT64_C(0x93f5f5799a932462));
    CU_ASSERT_EQUAL(load_digest_siphash(&key, message, 15), UINT64_C(0xa129ca6149be45e5));
    CU_ASSERT_EQUAL(load_digest_siphash(&key, message, 63), UINT64_C(0x958a324ceb064572));
}

static void a_digest_is_found_at_the_cursor_or_within_the_window(void)
{
    uint64_t old[200];
    for (size_t idx = 0; idx < 200; idx++)
        old[idx] = 1000 + idx;
    load_digest_match match;
    load_digest_match_init(&match, old, 200);
    CU_ASSERT_EQUAL(load_digest_match_next(&match, 1000), 1); /* at the cursor */
    CU_ASSERT_EQUAL(load_digest_match_next(&match, 7), 0);    /* a new row: cursor stays */
    CU_ASSERT_EQUAL(match.cursor, 1);
    CU_ASSERT_EQUAL(load_digest_match_next(&match, 1003), 1); /* two rows removed */
    CU_ASSERT_EQUAL(match.cursor, 4);
    CU_ASSERT_EQUAL(load_digest_match_next(&match, 1004 + LOAD_DIGEST_WINDOW), 0); /* too far */
    CU_ASSERT_EQUAL(load_digest_match_next(&match, 1004 + LOAD_DIGEST_WINDOW - 1), 1);
    CU_ASSERT_EQUAL(load_digest_match_next(&match, 1001), 0); /* behind the cursor */
    load_digest_match_init(&match, NULL, 0);                  /* --full, a first load */
    CU_ASSERT_EQUAL(load_digest_match_next(&match, 1000), 0);
}

static void refused_lines_leave_the_list(void)
{
    load_digest_list list = {NULL, 0, 0};
    for (long line = 2; line < 10000; line++)
        CU_ASSERT_EQUAL(load_digest_list_add(&list, (uint64_t)line * 7, line), KG_OK);
    const long refused[] = {2, 500, 501, 9999, 20000};
    load_digest_list_drop_lines(&list, refused, 5);
    CU_ASSERT_EQUAL(list.count, 9998 - 4);
    CU_ASSERT_EQUAL(list.entries[0].line, 3);
    CU_ASSERT_EQUAL(list.entries[496].line, 499);
    CU_ASSERT_EQUAL(list.entries[497].line, 502);
    CU_ASSERT_EQUAL(list.entries[list.count - 1].line, 9998);
    load_digest_list_free(&list);
}

/* One record of fields (no quoting) for the key functions. */
static csv_record record_of(const char *const *texts, size_t count, csv_field *fields)
{
    for (size_t idx = 0; idx < count; idx++) {
        fields[idx].data = texts[idx];
        fields[idx].len = strlen(texts[idx]);
    }
    csv_record record = {fields, count, 2, 1, KG_OK};
    return record;
}

static const load_file_spec *spec_named(const char *table)
{
    for (size_t idx = 0; idx < load_file_spec_count; idx++)
        if (strcmp(load_file_specs[idx].table, table) == 0)
            return &load_file_specs[idx];
    return NULL;
}

static void keys_compare_ids_as_numbers_and_every_key_column(void)
{
    const load_file_spec *moves = spec_named("moves");
    load_key_columns columns;
    CU_ASSERT_EQUAL_FATAL(load_key_columns_find(moves, &columns), KG_OK);
    CU_ASSERT_EQUAL(columns.count, 3);
    size_t positions[3] = {0, 1, 2};
    csv_field fields[3];
    const char *a[] = {"007", "2026-11-30", "in"}, *b[] = {"7", "2026-11-30", "in"},
               *c[] = {"7", "2026-11-30", "out"}, *d[] = {"7", "2026-11-29", "in"};
    csv_record ra = record_of(a, 3, fields);
    load_key key_a = load_key_of(moves, &columns, &ra, positions);
    csv_record rb = record_of(b, 3, fields);
    load_key key_b = load_key_of(moves, &columns, &rb, positions);
    csv_record rc = record_of(c, 3, fields);
    load_key key_c = load_key_of(moves, &columns, &rc, positions);
    csv_record rd = record_of(d, 3, fields);
    load_key key_d = load_key_of(moves, &columns, &rd, positions);
    CU_ASSERT(memcmp(&key_a, &key_b, sizeof(key_a)) == 0);
    CU_ASSERT(memcmp(&key_b, &key_c, sizeof(key_a)) != 0);
    CU_ASSERT(memcmp(&key_b, &key_d, sizeof(key_a)) != 0);
    /* offices: the code's bytes, up to 16 */
    const load_file_spec *offices = spec_named("offices");
    CU_ASSERT_EQUAL_FATAL(load_key_columns_find(offices, &columns), KG_OK);
    const char *o1[] = {"ABCDEFGH12345678"}, *o2[] = {"ABCDEFGH12345679"};
    size_t first[1] = {0};
    csv_record r1 = record_of(o1, 1, fields);
    load_key k1 = load_key_of(offices, &columns, &r1, first);
    csv_record r2 = record_of(o2, 1, fields);
    load_key k2 = load_key_of(offices, &columns, &r2, first);
    CU_ASSERT(memcmp(&k1, &k2, sizeof(k1)) != 0);
}

/* The set against a naive list, over keys that repeat. */
static void the_key_set_agrees_with_a_naive_list(void)
{
    load_key_set set = {NULL, 0, 0};
    enum { KEYS = 30000 };
    static load_key seen[KEYS];
    size_t seen_count = 0;
    unsigned long state = 7;
    for (int round = 0; round < KEYS; round++) {
        state = state * 6364136223846793005UL + 1442695040888963407UL;
        load_key key = {{1 + (state >> 40) % 5000, (state >> 20) % 3}};
        int naive_new = 1;
        for (size_t idx = 0; idx < seen_count && naive_new; idx++)
            naive_new = memcmp(&seen[idx], &key, sizeof(key)) != 0;
        if (naive_new)
            seen[seen_count++] = key;
        int added = -1;
        CU_ASSERT_EQUAL_FATAL(load_key_set_add(&set, key, &added), KG_OK);
        CU_ASSERT_EQUAL_FATAL(added, naive_new);
    }
    CU_ASSERT_EQUAL(set.count, seen_count);
    load_key_set_free(&set);
}

int tests_register_load_digest(void)
{
    static const test_case cases[] = {
        {"siphash_matches_the_reference_vectors", siphash_matches_the_reference_vectors},
        {"a_digest_is_found_at_the_cursor_or_within_the_window",
         a_digest_is_found_at_the_cursor_or_within_the_window},
        {"refused_lines_leave_the_list", refused_lines_leave_the_list},
        {"keys_compare_ids_as_numbers_and_every_key_column",
         keys_compare_ids_as_numbers_and_every_key_column},
        {"the_key_set_agrees_with_a_naive_list", the_key_set_agrees_with_a_naive_list},
        {NULL, NULL},
    };
    return tests_add_suite("load_digest", cases);
}
