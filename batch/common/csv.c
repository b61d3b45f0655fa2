/*
 * csv.c - the RFC 4180 state machine behind csv_read (see csv.h).
 *
 * Input is read in blocks (64 KiB by default); field bytes go to one record buffer whose size is
 * capped by the limits, so memory never grows with the file. Errors inside a record
 * are remembered and the machine keeps running (dropping bytes) until the record's
 * end, so that quoting state and line numbers stay right for the next record.
 */
#include "csv.h"
#include "i18n.h"

#include <stdlib.h>
#include <string.h>

#define CSV_DEFAULT_BLOCK 65536
#define CSV_DEFAULT_MAX_RECORD 65536
#define CSV_DEFAULT_MAX_FIELDS 256

typedef enum csv_state {
    STATE_FIELD_START, /* at the start of a field */
    STATE_UNQUOTED,    /* inside an unquoted field */
    STATE_QUOTED,      /* inside a quoted field */
    STATE_QUOTE_SEEN,  /* a quote inside a quoted field: closing or first of a pair */
    STATE_SKIP_LINE    /* after a stray quote: drop bytes up to the end of the line */
} csv_state;

struct csv_reader {
    csv_read_fn read;
    void *source;
    csv_limits limits;
    unsigned char *block; /* read buffer */
    size_t block_len;
    size_t block_pos;
    int at_start; /* nothing read yet: a BOM may follow */
    int at_eof;
    char *data; /* field bytes of the current record */
    size_t data_len;
    size_t *field_ends; /* end offset of each field in data */
    size_t field_count;
    csv_field *fields; /* handed to the caller */
    long next_line;    /* line number of the next unread byte */
};

static long read_file(void *source, void *buf, size_t cap)
{
    FILE *in = source;
    size_t got = fread(buf, 1, cap, in);
    return got == 0 && ferror(in) ? -1 : (long)got;
}

kg_err csv_reader_new(FILE *in, const csv_limits *limits, csv_reader **out)
{
    return csv_reader_new_source(read_file, in, limits, out);
}

kg_err csv_reader_new_source(csv_read_fn read, void *source, const csv_limits *limits,
                             csv_reader **out)
{
    csv_reader *reader = calloc(1, sizeof(*reader));
    if (reader == NULL)
        return KG_ERR_NOMEM;
    reader->read = read;
    reader->source = source;
    reader->limits.max_record_bytes = CSV_DEFAULT_MAX_RECORD;
    reader->limits.max_fields = CSV_DEFAULT_MAX_FIELDS;
    reader->limits.block_bytes = CSV_DEFAULT_BLOCK;
    if (limits != NULL) {
        if (limits->max_record_bytes > 0)
            reader->limits.max_record_bytes = limits->max_record_bytes;
        if (limits->max_fields > 0)
            reader->limits.max_fields = limits->max_fields;
        if (limits->block_bytes > 0)
            reader->limits.block_bytes = limits->block_bytes < 3 ? 3 : limits->block_bytes;
    }
    reader->block = malloc(reader->limits.block_bytes);
    reader->data = malloc(reader->limits.max_record_bytes);
    reader->field_ends = malloc(reader->limits.max_fields * sizeof(size_t));
    reader->fields = malloc(reader->limits.max_fields * sizeof(csv_field));
    if (reader->block == NULL || reader->data == NULL || reader->field_ends == NULL ||
        reader->fields == NULL) {
        csv_reader_free(reader);
        return KG_ERR_NOMEM;
    }
    reader->at_start = 1;
    reader->next_line = 1;
    *out = reader;
    return KG_OK;
}

void csv_reader_free(csv_reader *reader)
{
    if (reader == NULL)
        return;
    free(reader->block);
    free(reader->data);
    free(reader->field_ends);
    free(reader->fields);
    free(reader);
}

/* Refills the block; returns KG_EOF at the end, KG_ERR_IO_READ on a stream error. */
static kg_err fill_block(csv_reader *reader)
{
    if (reader->at_eof)
        return KG_EOF;
    long got = reader->read(reader->source, reader->block, reader->limits.block_bytes);
    reader->block_len = got > 0 ? (size_t)got : 0;
    reader->block_pos = 0;
    if (reader->block_len == 0) {
        if (got < 0)
            return KG_ERR_IO_READ;
        reader->at_eof = 1;
        return KG_EOF;
    }
    if (reader->at_start) {
        reader->at_start = 0;
        if (reader->block_len >= 3 && memcmp(reader->block, "\xEF\xBB\xBF", 3) == 0)
            reader->block_pos = 3;
    }
    return KG_OK;
}

/* Next byte into *byte; KG_EOF at the end of input. */
static kg_err next_byte(csv_reader *reader, int *byte)
{
    /* A loop: the first block may hold nothing but a BOM. */
    while (reader->block_pos >= reader->block_len) {
        kg_err err = fill_block(reader);
        if (err != KG_OK) {
            *byte = -1;
            return err;
        }
    }
    *byte = reader->block[reader->block_pos++];
    return KG_OK;
}

/* Peeks at the next byte without consuming it; -1 at the end of input. */
static kg_err peek_byte(csv_reader *reader, int *byte)
{
    kg_err err = next_byte(reader, byte);
    if (err == KG_EOF) {
        *byte = -1;
        return KG_OK;
    }
    if (err != KG_OK)
        return err;
    reader->block_pos--;
    return KG_OK;
}

static void record_error(kg_err *record_err, kg_err err)
{
    if (*record_err == KG_OK)
        *record_err = err;
}

static void append_byte(csv_reader *reader, int byte, kg_err *record_err)
{
    if (*record_err != KG_OK)
        return;
    if (reader->data_len >= reader->limits.max_record_bytes) {
        record_error(record_err, KG_ERR_CSV_TOO_LONG);
        return;
    }
    reader->data[reader->data_len++] = (char)byte;
}

static void end_field(csv_reader *reader, kg_err *record_err)
{
    if (*record_err != KG_OK)
        return;
    if (reader->field_count >= reader->limits.max_fields) {
        record_error(record_err, KG_ERR_CSV_TOO_MANY_FIELDS);
        return;
    }
    reader->field_ends[reader->field_count++] = reader->data_len;
}

/* Consumes a line end whose first byte (CR or LF) was just read. */
static kg_err finish_line_end(csv_reader *reader, int byte)
{
    if (byte == '\r') {
        int following;
        kg_err err = peek_byte(reader, &following);
        if (err != KG_OK)
            return err;
        if (following == '\n')
            reader->block_pos++;
    }
    reader->next_line++;
    return KG_OK;
}

static void build_record(csv_reader *reader, csv_record *record, long first_line, kg_err record_err)
{
    record->line = first_line;
    record->line_count = reader->next_line - first_line;
    if (record->line_count < 1)
        record->line_count = 1;
    record->error = record_err;
    record->fields = reader->fields;
    record->field_count = 0;
    if (record_err != KG_OK)
        return;
    size_t start = 0;
    for (size_t field_idx = 0; field_idx < reader->field_count; field_idx++) {
        reader->fields[field_idx].data = reader->data + start;
        reader->fields[field_idx].len = reader->field_ends[field_idx] - start;
        start = reader->field_ends[field_idx];
    }
    record->field_count = reader->field_count;
}

kg_err csv_read(csv_reader *reader, csv_record *record)
{
    reader->data_len = 0;
    reader->field_count = 0;
    long first_line = reader->next_line;
    kg_err record_err = KG_OK;
    csv_state state = STATE_FIELD_START;
    int read_any = 0;

    for (;;) {
        int byte;
        kg_err err = next_byte(reader, &byte);
        if (err == KG_EOF) {
            if (!read_any)
                return KG_EOF;
            if (state == STATE_QUOTED)
                record_error(&record_err, KG_ERR_CSV_UNTERMINATED);
            end_field(reader, &record_err);
            build_record(reader, record, first_line, record_err);
            if (record->line_count < 1)
                record->line_count = 1;
            return KG_OK;
        }
        if (err != KG_OK)
            return err;
        read_any = 1;
        int is_line_end = byte == '\n' || byte == '\r';

        switch (state) {
        case STATE_SKIP_LINE:
            if (is_line_end) {
                err = finish_line_end(reader, byte);
                if (err != KG_OK)
                    return err;
                build_record(reader, record, first_line, record_err);
                return KG_OK;
            }
            break;
        case STATE_FIELD_START:
        case STATE_UNQUOTED:
            if (byte == ',') {
                end_field(reader, &record_err);
                state = STATE_FIELD_START;
            } else if (is_line_end) {
                err = finish_line_end(reader, byte);
                if (err != KG_OK)
                    return err;
                end_field(reader, &record_err);
                build_record(reader, record, first_line, record_err);
                return KG_OK;
            } else if (byte == '"') {
                if (state == STATE_FIELD_START) {
                    state = STATE_QUOTED;
                } else {
                    record_error(&record_err, KG_ERR_CSV_QUOTE);
                    state = STATE_SKIP_LINE;
                }
            } else {
                append_byte(reader, byte, &record_err);
                state = STATE_UNQUOTED;
            }
            break;
        case STATE_QUOTED:
            if (byte == '"') {
                state = STATE_QUOTE_SEEN;
            } else {
                if (byte == '\n')
                    reader->next_line++;
                append_byte(reader, byte, &record_err);
            }
            break;
        case STATE_QUOTE_SEEN:
            if (byte == '"') {
                append_byte(reader, '"', &record_err);
                state = STATE_QUOTED;
            } else if (byte == ',') {
                end_field(reader, &record_err);
                state = STATE_FIELD_START;
            } else if (is_line_end) {
                err = finish_line_end(reader, byte);
                if (err != KG_OK)
                    return err;
                end_field(reader, &record_err);
                build_record(reader, record, first_line, record_err);
                return KG_OK;
            } else {
                record_error(&record_err, KG_ERR_CSV_QUOTE);
                state = STATE_SKIP_LINE;
            }
            break;
        }
    }
}

int csv_field_equals(const csv_field *field, const char *name)
{
    size_t name_len = strlen(name);
    return field->len == name_len && memcmp(field->data, name, name_len) == 0;
}

size_t csv_map_header(const csv_record *header, const char *const *names, size_t name_count,
                      size_t required_count, size_t *positions)
{
    size_t first_missing = name_count;
    for (size_t name_idx = 0; name_idx < name_count; name_idx++) {
        positions[name_idx] = CSV_COLUMN_ABSENT;
        for (size_t field_idx = 0; field_idx < header->field_count; field_idx++) {
            if (csv_field_equals(&header->fields[field_idx], names[name_idx])) {
                positions[name_idx] = field_idx;
                break;
            }
        }
        if (positions[name_idx] == CSV_COLUMN_ABSENT && name_idx < required_count &&
            first_missing == name_count)
            first_missing = name_idx;
    }
    return first_missing;
}

csv_field csv_record_field(const csv_record *record, size_t position)
{
    csv_field empty = {"", 0};
    if (position == CSV_COLUMN_ABSENT || position >= record->field_count)
        return empty;
    return record->fields[position];
}

kg_err csv_read_header(csv_reader *reader, csv_record *header, const char *const *names,
                       size_t name_count, size_t required_count, const char *expected,
                       size_t *positions, kg_errbuf *errbuf)
{
    kg_err err = csv_read(reader, header);
    if (err == KG_EOF || (err == KG_OK && header->error != KG_OK))
        return kg_fail(errbuf, KG_ERR_CSV_HEADER,
                       _("unable to read the header of standard input: expected %s"), expected);
    if (err != KG_OK)
        return kg_fail(errbuf, err, _("unable to read standard input"));
    size_t missing = csv_map_header(header, names, name_count, required_count, positions);
    if (missing != name_count)
        return kg_fail(errbuf, KG_ERR_CSV_HEADER,
                       _("unable to use the header of standard input: no column '%s'"),
                       names[missing]);
    return KG_OK;
}
