/*
 * load_source.h - one extract file opened for reading: DIR/NAME.csv as it is, or
 * DIR/NAME.csv.gz inflated as a stream (zlib, gzip format; several members in a row
 * allowed), for csv_reader_new_source (D95).
 *
 * zlib's codes are translated here and nowhere else: a corrupt or truncated gzip file is
 * KG_ERR_IO_READ (exit 3) with a message naming the file and the fault. Bytes are handed
 * on unchanged: validation and line numbers are the CSV reader's and the loader's.
 */
#ifndef KIGEN_LOAD_SOURCE_H
#define KIGEN_LOAD_SOURCE_H

#include <stddef.h>
#include <stdio.h>

#include "../common/error.h"

typedef struct load_source load_source; /* owns the FILE and the z_stream */

/* Opens DIR/NAME or DIR/NAME.gz (name: "residents.csv"). *out is NULL when neither
 * exists (not an error: the file is optional); both present is KG_ERR_IO_READ. */
kg_err load_source_open(const char *dir, const char *name, load_source **out, kg_errbuf *errbuf);

/* A csv_read_fn over the source (source: a load_source). */
long load_source_read(void *source, void *buf, size_t cap);

/* The path opened, for messages. */
const char *load_source_path(const load_source *source);

/* After load_source_read returned -1: KG_ERR_IO_READ with "unable to read '<path>': <why>"
 * (corrupt gzip data: zlib's message; truncated; the system's reason). */
kg_err load_source_fail(const load_source *source, kg_errbuf *errbuf);

/* Compressed bytes read so far and the file's size (for progress), in bytes. */
void load_source_position(load_source *source, long long *done, long long *total);

void load_source_free(load_source *source);

#endif
