/*
 * csv.h - streaming RFC 4180 reader: one record at a time, bounded memory.
 *
 * Handles quoted fields with commas, doubled quotes and line breaks, a UTF-8 BOM at the
 * start, CRLF or LF line ends and a last line without a newline. Byte-oriented: it does
 * not interpret encodings (CP932 trail bytes never collide with `"`, `,`, CR or LF), so
 * conversion and validation of field text are the caller's job. A malformed record is
 * returned with its error and skipped to its end; reading goes on with the next one.
 */
#ifndef KIGEN_CSV_H
#define KIGEN_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

typedef struct csv_reader csv_reader;

typedef struct csv_field {
    const char *data; /* not NUL-terminated; owned by the reader, valid until the next read */
    size_t len;
} csv_field;

typedef struct csv_record {
    const csv_field *fields; /* owned by the reader, valid until the next csv_read */
    size_t field_count;      /* 0 only when error != KG_OK */
    long line;               /* 1-based line on which the record starts */
    long line_count;         /* physical lines the record spans (>= 1) */
    kg_err error;            /* KG_OK, or KG_ERR_CSV_QUOTE / _UNTERMINATED / _TOO_LONG /
                                _TOO_MANY_FIELDS: the record's fields are then empty */
} csv_record;

typedef struct csv_limits {
    size_t max_record_bytes; /* field bytes of one record; default 65536 */
    size_t max_fields;       /* fields of one record; default 256 */
    size_t block_bytes;      /* bytes per read from the stream; default 65536, at least 3 (a
                                BOM is looked for in the first block); tests and the fuzz
                                target use a few, so that records cross block edges */
} csv_limits;

/* A reader over `in` (not owned: the caller closes it). limits may be NULL for the
 * defaults. KG_ERR_NOMEM on allocation failure. */
kg_err csv_reader_new(FILE *in, const csv_limits *limits, csv_reader **out);

/* A byte source: reads up to cap bytes into buf, and fewer only at its end (like fread);
 * returns the count, 0 at the end, -1 on an error (the source keeps its reason). */
typedef long (*csv_read_fn)(void *source, void *buf, size_t cap);

/* A reader over any source (not owned), e.g. a decompressing one (load_source.h). */
kg_err csv_reader_new_source(csv_read_fn read, void *source, const csv_limits *limits,
                             csv_reader **out);

/* Frees the reader and everything it returned; accepts NULL. */
void csv_reader_free(csv_reader *reader);

/* The next record. KG_OK with *record filled (check record->error), KG_EOF at the end of
 * input, KG_ERR_IO_READ when the stream fails. A blank line is a record of one empty
 * field. */
kg_err csv_read(csv_reader *reader, csv_record *record);

/* True when field equals the NUL-terminated name. */
int csv_field_equals(const csv_field *field, const char *name);

#define CSV_COLUMN_ABSENT ((size_t)-1)

/* Maps the header record to column positions: positions[i] is the index of names[i]
 * in the header, or CSV_COLUMN_ABSENT. Returns the index of the first name in
 * 0..required_count-1 that is absent, or name_count when every required one is there. */
size_t csv_map_header(const csv_record *header, const char *const *names, size_t name_count,
                      size_t required_count, size_t *positions);

/* Reads the header record of a filter's standard input into *header and maps it as
 * csv_map_header does. KG_ERR_CSV_HEADER ("expected <expected>", or "no column '<name>'")
 * when there is no usable header or a required column is absent; a read error as it
 * came. The message goes into errbuf. */
kg_err csv_read_header(csv_reader *reader, csv_record *header, const char *const *names,
                       size_t name_count, size_t required_count, const char *expected,
                       size_t *positions, kg_errbuf *errbuf);

/* Field `position` of a record, or an empty field when the position is absent or past
 * the end of the record (a short row). */
csv_field csv_record_field(const csv_record *record, size_t position);

#endif
