/*
 * fuzz_csv.c - fuzz target of the extract's parser: bytes through the CSV reader
 * (batch/common/csv.c), the header mapping and every field check (batch/load/load_row.c,
 * load_field.c), as `kigen load` runs them, in UTF-8 and in CP932. No database.
 *
 * The input is one extract file; the first spec whose required columns its header names
 * reads it (any header at all still runs every record through the reader). Invariants:
 * line numbers grow; a malformed record has no fields; a refused row names its column and
 * reason; an accepted COPY line starts with its line number, ends in its only line break
 * and holds nothing a text field may not (no control, noncharacter or invalid UTF-8: D74);
 * and reading in blocks of a few bytes gives exactly what one 64 KiB block gives. A fourth
 * reading with record limits of a few hundred bytes and fields reaches the limits' paths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/csv.h"
#include "common/strbuf.h"
#include "fuzz.h"
#include "load/load_field.h"
#include "load/load_row.h"
#include "load/load_spec.h"

#define FUZZ_LINE_MAX (256 * 1024) /* cmd_load.c's LOAD_LINE_MAX */

void fuzz_fail(const char *what)
{
    fprintf(stderr, "fuzz invariant broken: %s\n", what);
    abort();
}

/* FNV-1a over everything a pass saw, to compare two passes. */
static void digest_add(uint64_t *digest, const void *bytes, size_t len)
{
    const unsigned char *byte = bytes;
    for (size_t idx = 0; idx < len; idx++) {
        *digest ^= byte[idx];
        *digest *= UINT64_C(0x100000001B3);
    }
}

/* Whether a code point is one D74 refuses, as the issue lists them (not load_field.c's
 * code: the oracle must not share its bugs). */
static int refused(uint32_t code_point)
{
    if (code_point <= 0x1F || (code_point >= 0x7F && code_point <= 0x9F))
        return 1;
    if (code_point >= 0xD800 && code_point <= 0xDFFF)
        return 1;
    if (code_point >= 0xFDD0 && code_point <= 0xFDEF)
        return 1;
    return (code_point & 0xFFFF) == 0xFFFE || (code_point & 0xFFFF) == 0xFFFF;
}

/* Whether text is well-formed UTF-8 (shortest forms, up to U+10FFFF) without a refused
 * code point: a decoder of its own, by the table of RFC 3629. */
static int text_is_clean(const unsigned char *text, size_t len)
{
    size_t pos = 0;
    while (pos < len) {
        unsigned lead = text[pos];
        size_t count = lead < 0x80   ? 1
                       : lead < 0xC2 ? 0
                       : lead < 0xE0 ? 2
                       : lead < 0xF0 ? 3
                       : lead < 0xF5 ? 4
                                     : 0;
        if (count == 0 || len - pos < count)
            return 0;
        uint32_t code_point = count == 1 ? lead : lead & (0x7Fu >> count);
        for (size_t idx = 1; idx < count; idx++) {
            if ((text[pos + idx] & 0xC0) != 0x80)
                return 0;
            code_point = (code_point << 6) | (text[pos + idx] & 0x3Fu);
        }
        static const uint32_t shortest[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (code_point < shortest[count] || code_point > 0x10FFFF || refused(code_point))
            return 0;
        pos += count;
    }
    return 1;
}

/* An accepted line: "<line>,...\n", clean by the rules of D74. */
static void check_copy_line(const strbuf *line, long line_no)
{
    if (line->len < 2 || line->data[line->len - 1] != '\n')
        fuzz_fail("a COPY line ends in a line break");
    char number[24];
    int number_len = snprintf(number, sizeof(number), "%ld,", line_no);
    if (number_len <= 0 || line->len <= (size_t)number_len ||
        memcmp(line->data, number, (size_t)number_len) != 0)
        fuzz_fail("a COPY line starts with its source line");
    if (!text_is_clean((const unsigned char *)line->data, line->len - 1))
        fuzz_fail("an accepted line holds a control, a noncharacter or invalid UTF-8");
}

/* One record after the header: its digest, and its COPY line when a spec reads the file. */
static void take_record(const csv_record *record, const load_file_spec *spec,
                        const size_t *positions, size_t header_fields, load_decoder *decoder,
                        strbuf *line, uint64_t *digest)
{
    long numbers[2] = {record->line, record->line_count};
    digest_add(digest, numbers, sizeof(numbers));
    digest_add(digest, &record->error, sizeof(record->error));
    if (record->error != KG_OK && record->field_count != 0)
        fuzz_fail("a malformed record has no fields");
    for (size_t field_idx = 0; field_idx < record->field_count; field_idx++) {
        digest_add(digest, &record->fields[field_idx].len, sizeof(size_t));
        if (record->fields[field_idx].len > 0)
            digest_add(digest, record->fields[field_idx].data, record->fields[field_idx].len);
    }
    if (spec == NULL || load_row_is_blank(record))
        return;
    load_reason reason_buf;
    const char *column = NULL;
    const char *reason =
        load_row_line(spec, record, positions, header_fields, decoder, line, &reason_buf, &column);
    if (reason == NULL) {
        check_copy_line(line, record->line);
        digest_add(digest, line->data, line->len);
    } else {
        if (column == NULL || reason[0] == '\0' || strlen(reason) >= LOAD_REASON_MAX)
            fuzz_fail("a refused row names its column and a reason");
        digest_add(digest, column, strlen(column));
        digest_add(digest, reason, strlen(reason));
    }
}

/* One pass over the input with one decoder and one set of reader limits; its digest. */
static uint64_t parse(const uint8_t *data, size_t size, load_decoder *decoder,
                      const csv_limits *limits)
{
    /* read mode: the bytes as they are, NULs included; glibc takes a zero size */
    FILE *stream = fmemopen((void *)(uintptr_t)data, size, "r");
    if (stream == NULL)
        fuzz_fail("fmemopen");
    csv_reader *reader = NULL;
    if (csv_reader_new(stream, limits, &reader) != KG_OK)
        fuzz_fail("csv_reader_new");
    strbuf line;
    strbuf_init(&line, FUZZ_LINE_MAX);
    uint64_t digest = UINT64_C(0xCBF29CE484222325);
    csv_record record;
    kg_err err = csv_read(reader, &record);
    const load_file_spec *spec = NULL;
    size_t positions[64];
    size_t header_fields = 0;
    if (err == KG_OK && record.error == KG_OK) {
        header_fields = record.field_count;
        for (size_t spec_idx = 0; spec_idx < load_file_spec_count && spec == NULL; spec_idx++) {
            kg_errbuf errbuf;
            if (load_row_map_header(&load_file_specs[spec_idx], &record, decoder, positions,
                                    &errbuf) == KG_OK)
                spec = &load_file_specs[spec_idx];
        }
    }
    digest_add(&digest, &spec, sizeof(spec));
    long last_line = err == KG_OK ? record.line : 0;
    while (err == KG_OK) {
        err = csv_read(reader, &record);
        if (err != KG_OK)
            break;
        if (record.line <= last_line || record.line_count < 1)
            fuzz_fail("record line numbers grow");
        last_line = record.line;
        take_record(&record, spec, positions, header_fields, decoder, &line, &digest);
    }
    if (err != KG_EOF)
        fuzz_fail("reading memory ends at EOF");
    strbuf_free(&line);
    csv_reader_free(reader);
    fclose(stream);
    return digest;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* iconv_open once: its handle is reset per field, as in the load */
    static load_decoder *utf8, *cp932;
    if ((utf8 == NULL && load_decoder_new(0, &utf8) != KG_OK) ||
        (cp932 == NULL && load_decoder_new(1, &cp932) != KG_OK))
        fuzz_fail("load_decoder_new");
    uint64_t whole = parse(data, size, utf8, NULL);
    csv_limits small_blocks = {.block_bytes = 3 + size % 7};
    if (parse(data, size, utf8, &small_blocks) != whole)
        fuzz_fail("blocks of a few bytes read as one block");
    parse(data, size, cp932, NULL);
    /* limits that inputs of a few KiB reach (the load's are 64 KiB and 256 fields) */
    csv_limits small_records = {.max_record_bytes = 1 + size % 509, .max_fields = 1 + size % 23};
    parse(data, size, utf8, &small_records);
    return 0;
}
