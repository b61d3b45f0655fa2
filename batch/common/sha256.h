/*
 * sha256.h - SHA-256 (FIPS 180-4) for the manifest's file checksums.
 *
 * Streaming: init, update any number of times, final. No allocation; not for secrets
 * (no constant-time guarantees are needed for checksums of output files).
 */
#ifndef KIGEN_SHA256_H
#define KIGEN_SHA256_H

#include <stddef.h>
#include <stdint.h>

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

#endif
