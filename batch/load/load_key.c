/*
 * load_key.c - exact row keys and the set of keys seen (see load_key.h).
 */
#include "load_key.h"

#include <stdlib.h>
#include <string.h>

kg_err load_key_columns_find(const load_file_spec *spec, load_key_columns *out)
{
    memset(out, 0, sizeof(*out));
    const char *name = spec->key;
    while (*name != '\0') {
        size_t len = strcspn(name, ",");
        size_t col_idx = 0;
        while (col_idx < spec->column_count &&
               !(strlen(spec->columns[col_idx].name) == len &&
                 memcmp(spec->columns[col_idx].name, name, len) == 0))
            col_idx++;
        if (col_idx == spec->column_count || out->count == 3)
            return KG_ERR_INTERNAL;
        out->index[out->count++] = col_idx;
        name += len;
        while (*name == ',' || *name == ' ')
            name++;
    }
    return out->count > 0 ? KG_OK : KG_ERR_INTERNAL;
}

static uint64_t digits_value(const char *text, size_t len)
{
    uint64_t value = 0;
    for (size_t pos = 0; pos < len; pos++)
        value = value * 10 + (uint64_t)(text[pos] - '0');
    return value;
}

/* A key column's value as at most 64 bits (an office code: its first 8 bytes, the rest in
 * *more). */
static uint64_t column_value(const load_column *column, csv_field field, uint64_t *more)
{
    uint64_t value = 0;
    switch (column->kind) {
    case KIND_ID:
        return digits_value(field.data, field.len);
    case KIND_DATE: /* YYYY-MM-DD, validated */
        return field.len == 10
                   ? digits_value(field.data, 4) * 10000 + digits_value(field.data + 5, 2) * 100 +
                         digits_value(field.data + 8, 2)
                   : 0;
    case KIND_ENUM:
        for (size_t value_idx = 0; column->enum_values[value_idx] != NULL; value_idx++)
            if (strlen(column->enum_values[value_idx]) == field.len &&
                memcmp(column->enum_values[value_idx], field.data, field.len) == 0)
                return value_idx + 1;
        return 0;
    default: /* KIND_OFFICE: 1-16 ASCII bytes */
        for (size_t pos = 0; pos < field.len && pos < 16; pos++) {
            uint64_t byte = (unsigned char)field.data[pos];
            if (pos < 8)
                value |= byte << (8 * pos);
            else
                *more |= byte << (8 * (pos - 8));
        }
        return value;
    }
}

load_key load_key_of(const load_file_spec *spec, const load_key_columns *columns,
                     const csv_record *record, const size_t *positions)
{
    load_key key = {{0, 0}};
    for (size_t part_idx = 0; part_idx < columns->count; part_idx++) {
        size_t col_idx = columns->index[part_idx];
        csv_field field = csv_record_field(record, positions[col_idx]);
        uint64_t more = 0;
        uint64_t value = column_value(&spec->columns[col_idx], field, &more);
        if (part_idx == 0) {
            key.part[0] = value;
            key.part[1] = more;
        } else if (part_idx == 1) {
            key.part[1] = value << 8; /* a date: at most 99991231, 27 bits */
        } else {
            key.part[1] |= value; /* an enum's index: a few values */
        }
    }
    return key;
}

static size_t slot_of(load_key key, size_t cap)
{
    uint64_t mixed = key.part[0] * UINT64_C(0x9E3779B97F4A7C15) ^
                     (key.part[1] + UINT64_C(0x632BE59BD9B4E019)) * UINT64_C(0xC2B2AE3D27D4EB4F);
    mixed ^= mixed >> 29;
    return (size_t)(mixed & (cap - 1));
}

static int key_is_empty(load_key key)
{
    return key.part[0] == 0 && key.part[1] == 0;
}

static kg_err grow(load_key_set *set)
{
    size_t cap = set->cap == 0 ? 1024 : set->cap * 2;
    load_key *slots = calloc(cap, sizeof(*slots));
    if (slots == NULL)
        return KG_ERR_NOMEM;
    for (size_t old_idx = 0; old_idx < set->cap; old_idx++) {
        if (key_is_empty(set->slots[old_idx]))
            continue;
        size_t slot = slot_of(set->slots[old_idx], cap);
        while (!key_is_empty(slots[slot]))
            slot = (slot + 1) & (cap - 1);
        slots[slot] = set->slots[old_idx];
    }
    free(set->slots);
    set->slots = slots;
    set->cap = cap;
    return KG_OK;
}

kg_err load_key_set_add(load_key_set *set, load_key key, int *added)
{
    if ((set->count + 1) * 2 > set->cap) {
        kg_err err = grow(set);
        if (err != KG_OK)
            return err;
    }
    size_t slot = slot_of(key, set->cap);
    while (!key_is_empty(set->slots[slot])) {
        if (set->slots[slot].part[0] == key.part[0] && set->slots[slot].part[1] == key.part[1]) {
            *added = 0;
            return KG_OK;
        }
        slot = (slot + 1) & (set->cap - 1);
    }
    set->slots[slot] = key;
    set->count++;
    *added = 1;
    return KG_OK;
}

void load_key_set_free(load_key_set *set)
{
    free(set->slots);
    set->slots = NULL;
    set->cap = set->count = 0;
}
