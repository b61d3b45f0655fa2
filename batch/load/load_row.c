/*
 * load_row.c - header mapping and the COPY line of one record (see load_row.h).
 */
#include "load_row.h"

#include <stdio.h>
#include <string.h>

#include "../common/order_key.h"
#include "../common/i18n.h"

/* banchi and address2 as loaded (UTF-8; 100 characters at most, load_spec.c), for the key */
#define KEY_PART_MAX 512

/* Keeps a copy of a validated text field for the key; "" when empty (NULL in the table). */
static void keep_part(char *part, const char *utf8, size_t utf8_len)
{
    size_t len = utf8_len < KEY_PART_MAX ? utf8_len : KEY_PART_MAX - 1;
    if (len > 0)
        memcpy(part, utf8, len);
    part[len] = '\0';
}

kg_err load_row_map_header(const load_file_spec *spec, const csv_record *header,
                           load_decoder *decoder, size_t *positions, kg_errbuf *errbuf)
{
    for (size_t col_idx = 0; col_idx < spec->column_count; col_idx++) {
        positions[col_idx] = CSV_COLUMN_ABSENT;
        for (size_t field_idx = 0; field_idx < header->field_count; field_idx++) {
            const char *utf8;
            size_t utf8_len;
            if (load_decode(decoder, header->fields[field_idx].data, header->fields[field_idx].len,
                            &utf8, &utf8_len) != NULL)
                continue;
            if (utf8_len == strlen(spec->columns[col_idx].name) &&
                memcmp(utf8, spec->columns[col_idx].name, utf8_len) == 0) {
                positions[col_idx] = field_idx;
                break;
            }
        }
        if (positions[col_idx] == CSV_COLUMN_ABSENT && spec->columns[col_idx].header_required)
            return kg_fail(errbuf, KG_ERR_CSV_HEADER,
                           _("unable to load '%s': the header has no column '%s'"), spec->file_name,
                           spec->columns[col_idx].name);
    }
    return KG_OK;
}

const char *load_row_line(const load_file_spec *spec, const csv_record *record,
                          const size_t *positions, size_t header_fields, load_decoder *decoder,
                          strbuf *line, load_reason *reason_buf, const char **column)
{
    *column = "(record)";
    if (record->error != KG_OK)
        return kg_strerror(record->error);
    if (record->field_count > header_fields)
        return _("more fields than the header");
    char number[24];
    snprintf(number, sizeof(number), "%ld", record->line);
    strbuf_reset(line);
    if (strbuf_append_str(line, number) != KG_OK)
        return _("too long");
    char banchi[KEY_PART_MAX] = "";
    char address2[KEY_PART_MAX] = "";
    for (size_t col_idx = 0; col_idx < spec->column_count; col_idx++) {
        *column = spec->columns[col_idx].name;
        csv_field field = csv_record_field(record, positions[col_idx]);
        const char *utf8;
        size_t utf8_len;
        const char *reason = load_decode(decoder, field.data, field.len, &utf8, &utf8_len);
        if (reason == NULL && strbuf_append_char(line, ',') != KG_OK)
            reason = _("too long");
        if (reason == NULL)
            reason = load_field_append(&spec->columns[col_idx], utf8, utf8_len, line, reason_buf);
        if (reason != NULL)
            return reason;
        if (spec->order_key && strcmp(*column, "banchi") == 0)
            keep_part(banchi, utf8, utf8_len);
        else if (spec->order_key && strcmp(*column, "address2") == 0)
            keep_part(address2, utf8, utf8_len);
    }
    if (spec->order_key) {
        /* quoted: an address without a number has the key "", not NULL (as the run's) */
        char key[ORDER_KEY_STORED_MAX];
        order_key_of(banchi, address2, key, sizeof(key));
        if (strbuf_append_str(line, ",\"") != KG_OK || strbuf_append_str(line, key) != KG_OK ||
            strbuf_append_char(line, '"') != KG_OK)
            return _("too long");
    }
    if (strbuf_append_char(line, '\n') != KG_OK)
        return _("too long");
    return NULL;
}

int load_row_is_blank(const csv_record *record)
{
    return record->error == KG_OK && record->field_count == 1 && record->fields[0].len == 0;
}
