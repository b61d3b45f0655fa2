/*
 * load_row.c - header mapping and the COPY line of one record (see load_row.h).
 */
#include "load_row.h"

#include <stdio.h>
#include <string.h>

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
                           "unable to load '%s': the header has no column '%s'", spec->file_name,
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
        return "more fields than the header";
    char number[24];
    snprintf(number, sizeof(number), "%ld", record->line);
    strbuf_reset(line);
    if (strbuf_append_str(line, number) != KG_OK)
        return "too long";
    for (size_t col_idx = 0; col_idx < spec->column_count; col_idx++) {
        *column = spec->columns[col_idx].name;
        csv_field field = csv_record_field(record, positions[col_idx]);
        const char *utf8;
        size_t utf8_len;
        const char *reason = load_decode(decoder, field.data, field.len, &utf8, &utf8_len);
        if (reason == NULL && strbuf_append_char(line, ',') != KG_OK)
            reason = "too long";
        if (reason == NULL)
            reason = load_field_append(&spec->columns[col_idx], utf8, utf8_len, line, reason_buf);
        if (reason != NULL)
            return reason;
    }
    if (strbuf_append_char(line, '\n') != KG_OK)
        return "too long";
    return NULL;
}

int load_row_is_blank(const csv_record *record)
{
    return record->error == KG_OK && record->field_count == 1 && record->fields[0].len == 0;
}
