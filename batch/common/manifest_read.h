/*
 * manifest_read.h - reads back the manifest.json that kigen run writes (run/outputs.c;
 * docs/formats.md), for `kigen verify`: the files it lists with their bytes and sha256.
 *
 * A small purpose-built reader, not a general JSON library: it checks that the whole
 * text is JSON (RFC 8259: objects, arrays, strings, numbers, true, false, null; nesting
 * at most MANIFEST_MAX_DEPTH deep) and takes from the top-level object the array "files"
 * of objects each with "name", "bytes" and "sha256" (other keys, such as "rows" and
 * "pages", and other top-level members are read and skipped). Any text, truncated or
 * garbage, gives an answer: a manifest or the reason it is not kigen's.
 */
#ifndef KIGEN_MANIFEST_READ_H
#define KIGEN_MANIFEST_READ_H

#include <stddef.h>

#include "sha256.h"

#define MANIFEST_MAX_DEPTH 32
#define MANIFEST_NAME_MAX 255

typedef struct manifest_file {
    char name[MANIFEST_NAME_MAX + 1]; /* a plain file name: no '/', not "." or ".." */
    long long bytes;
    char sha256[SHA256_HEX_LEN + 1]; /* 64 lowercase hex digits */
} manifest_file;

typedef struct manifest {
    manifest_file *files; /* in the manifest's order; names unique */
    size_t count;
} manifest;

/* Parses text[0..len) (NUL bytes included) into *out (manifest_free it). 0 on success;
 * -1 with the reason in why (e.g. "\"files\" is missing", "bytes 120: a string does not
 * end") when the text is not kigen's manifest, or when memory runs out ("out of memory").
 * *out is empty on failure. */
int manifest_parse(const char *text, size_t len, manifest *out, char *why, size_t why_cap);

void manifest_free(manifest *listed);

#endif
