/*
 * load_digest.c - row digests and their comparison with the last load's (see load_digest.h).
 *
 * SipHash-2-4 (Aumasson and Bernstein, 2012) as in its reference implementation: keyed
 * with the database's own random key, so that an extract cannot be written to collide with
 * a row it replaces.
 */
#include "load_digest.h"

#include <stdlib.h>
#include <string.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND                                                                                   \
    do {                                                                                           \
        v0 += v1;                                                                                  \
        v1 = ROTL(v1, 13);                                                                         \
        v1 ^= v0;                                                                                  \
        v0 = ROTL(v0, 32);                                                                         \
        v2 += v3;                                                                                  \
        v3 = ROTL(v3, 16);                                                                         \
        v3 ^= v2;                                                                                  \
        v0 += v3;                                                                                  \
        v3 = ROTL(v3, 21);                                                                         \
        v3 ^= v0;                                                                                  \
        v2 += v1;                                                                                  \
        v1 = ROTL(v1, 17);                                                                         \
        v1 ^= v2;                                                                                  \
        v2 = ROTL(v2, 32);                                                                         \
    } while (0)

static uint64_t read_le64(const unsigned char *bytes)
{
    uint64_t value = 0;
    for (int byte_idx = 7; byte_idx >= 0; byte_idx--)
        value = (value << 8) | bytes[byte_idx];
    return value;
}

uint64_t load_digest_siphash(const load_digest_key *key, const void *data, size_t len)
{
    const unsigned char *bytes = data;
    uint64_t v0 = UINT64_C(0x736f6d6570736575) ^ key->k0;
    uint64_t v1 = UINT64_C(0x646f72616e646f6d) ^ key->k1;
    uint64_t v2 = UINT64_C(0x6c7967656e657261) ^ key->k0;
    uint64_t v3 = UINT64_C(0x7465646279746573) ^ key->k1;
    size_t whole = len - len % 8;
    for (size_t pos = 0; pos < whole; pos += 8) {
        uint64_t word = read_le64(bytes + pos);
        v3 ^= word;
        SIPROUND;
        SIPROUND;
        v0 ^= word;
    }
    uint64_t last = (uint64_t)(len & 0xff) << 56;
    for (size_t pos = whole; pos < len; pos++)
        last |= (uint64_t)bytes[pos] << (8 * (pos - whole));
    v3 ^= last;
    SIPROUND;
    SIPROUND;
    v0 ^= last;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

int load_digest_record(const load_digest_key *key, const load_file_spec *spec,
                       const csv_record *record, const size_t *positions, char *scratch,
                       size_t scratch_cap, uint64_t *digest)
{
    size_t used = 0;
    for (size_t col_idx = 0; col_idx < spec->column_count; col_idx++) {
        csv_field field = csv_record_field(record, positions[col_idx]);
        if (field.len > UINT32_MAX || scratch_cap - used < 4 + field.len)
            return -1;
        for (int byte_idx = 0; byte_idx < 4; byte_idx++)
            scratch[used++] = (char)((field.len >> (8 * byte_idx)) & 0xff);
        if (field.len > 0)
            memcpy(scratch + used, field.data, field.len);
        used += field.len;
    }
    *digest = load_digest_siphash(key, scratch, used);
    return 0;
}

void load_digest_match_init(load_digest_match *match, const uint64_t *old, size_t old_count)
{
    match->old = old;
    match->old_count = old_count;
    match->cursor = 0;
}

int load_digest_match_next(load_digest_match *match, uint64_t digest)
{
    size_t end = match->cursor + LOAD_DIGEST_WINDOW;
    if (end > match->old_count)
        end = match->old_count;
    for (size_t old_idx = match->cursor; old_idx < end; old_idx++) {
        if (match->old[old_idx] == digest) {
            match->cursor = old_idx + 1;
            return 1;
        }
    }
    return 0;
}

kg_err load_digest_list_add(load_digest_list *list, uint64_t digest, long line)
{
    if (list->count == list->cap) {
        size_t cap = list->cap == 0 ? 4096 : list->cap * 2;
        load_digest_entry *grown = realloc(list->entries, cap * sizeof(*grown));
        if (grown == NULL)
            return KG_ERR_NOMEM;
        list->entries = grown;
        list->cap = cap;
    }
    list->entries[list->count].digest = digest;
    list->entries[list->count].line = line;
    list->count++;
    return KG_OK;
}

void load_digest_list_drop_lines(load_digest_list *list, const long *lines, size_t line_count)
{
    size_t kept = 0, line_idx = 0;
    for (size_t entry_idx = 0; entry_idx < list->count; entry_idx++) {
        long line = list->entries[entry_idx].line;
        while (line_idx < line_count && lines[line_idx] < line)
            line_idx++;
        if (line_idx < line_count && lines[line_idx] == line)
            continue;
        list->entries[kept++] = list->entries[entry_idx];
    }
    list->count = kept;
}

void load_digest_list_free(load_digest_list *list)
{
    free(list->entries);
    list->entries = NULL;
    list->count = list->cap = 0;
}
