/*
 * load_row.h - one extract record to one COPY line: the header's columns found by name,
 * then each field decoded and validated (load_field.h). No database and no I/O:
 * cmd_load.c sends the lines it builds, and the fuzz target (tests/fuzz/fuzz_csv.c) feeds
 * the same code arbitrary bytes.
 */
#ifndef KIGEN_LOAD_ROW_H
#define KIGEN_LOAD_ROW_H

#include <stddef.h>

#include "../common/csv.h"
#include "../common/error.h"
#include "../common/strbuf.h"
#include "load_field.h"
#include "load_spec.h"

/* Finds each column of spec in the header by name: positions[col_idx] (spec->column_count
 * entries) is its field index or CSV_COLUMN_ABSENT. A header field that does not decode
 * matches no column. KG_ERR_CSV_HEADER ("unable to load '<file>': the header has no
 * column '<name>'") when a required column is absent. */
kg_err load_row_map_header(const load_file_spec *spec, const csv_record *header,
                           load_decoder *decoder, size_t *positions, kg_errbuf *errbuf);

/* Builds in line (reset first) the COPY line of one record: "src_line,<columns in spec
 * order>\n", with spec->order_key ",\"<order_key_of(banchi, address2)>\"" before the newline
 * (D98). NULL when the record is good; otherwise the reason (static, the decoder's or
 * in reason_buf) with *column the column it concerns, "(record)" for a malformed record or
 * one with more fields than the header's header_fields. */
const char *load_row_line(const load_file_spec *spec, const csv_record *record,
                          const size_t *positions, size_t header_fields, load_decoder *decoder,
                          strbuf *line, load_reason *reason_buf, const char **column);

/* A blank line (one empty field): skipped, not counted as a row. */
int load_row_is_blank(const csv_record *record);

#endif
