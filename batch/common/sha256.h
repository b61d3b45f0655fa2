/*
 * sha256.h - SHA-256 (FIPS 180-4) for the manifest's file checksums.
 *
 * Streaming: init, update any number of times, final; or sha256_fd for a whole open
 * file. No allocation; not for secrets (no constant-time guarantees are needed for
 * checksums of output files).
 */
#ifndef KIGEN_SHA256_H
#define KIGEN_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define SHA256_HEX_LEN 64

typedef struct sha256_ctx {
    uint32_t state[8];
    uint64_t length; /* bytes hashed so far */
    unsigned char block[64];
    size_t block_len;
} sha256_ctx;

void sha256_init(sha256_ctx *ctx);
void sha256_update(sha256_ctx *ctx, const void *data, size_t len);
/* Writes the digest as 64 lowercase hex digits and a NUL into hex. */
void sha256_final_hex(sha256_ctx *ctx, char hex[SHA256_HEX_LEN + 1]);

/* Sees each block of a file as sha256_fd reads it (e.g. to count a CSV's records). */
typedef void (*sha256_block_fn)(void *state, const char *block, size_t len);

/* Reads fd to its end: the digest into hex, the length into *bytes; each (may be NULL)
 * also sees every block, with state. Does not close fd. KG_ERR_IO_READ naming path on a
 * read error (hex and *bytes then undefined). */
kg_err sha256_fd(int fd, const char *path, sha256_block_fn each, void *state,
                 char hex[SHA256_HEX_LEN + 1], long long *bytes, kg_errbuf *errbuf);

#endif
