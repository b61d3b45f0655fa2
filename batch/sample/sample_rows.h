/*
 * sample_rows.h - a synthetic resident as extract rows: the CSV lines of one table,
 * in the column order of load_file_specs (the same text serves a CSV file and COPY).
 */
#ifndef KIGEN_SAMPLE_ROWS_H
#define KIGEN_SAMPLE_ROWS_H

#include <stddef.h>

#include "../common/error.h"
#include "../common/strbuf.h"
#include "sample_city.h"

/* Appends the rows of table load_file_specs[spec_idx] for one resident (offices: use
 * sample_rows_office). */
kg_err sample_rows_append(const sample_resident *res, size_t spec_idx, strbuf *out);

kg_err sample_rows_office(const sample_office *office, strbuf *out);

/* Appends the header line of a table (its column names). */
kg_err sample_rows_header(size_t spec_idx, strbuf *out);

#endif
