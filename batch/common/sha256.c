/*
 * sha256.c - SHA-256 after FIPS 180-4 section 6.2 (see sha256.h). Checked against the
 * standard's test vectors in tests/common/test_sha256.c.
 */
#include "sha256.h"
#include "i18n.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static const uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t rotr(uint32_t value, int bits)
{
    return (value >> bits) | (value << (32 - bits));
}

static void compress(sha256_ctx *ctx, const unsigned char *block)
{
    uint32_t schedule[64];
    for (int idx = 0; idx < 16; idx++)
        schedule[idx] = (uint32_t)block[idx * 4] << 24 | (uint32_t)block[idx * 4 + 1] << 16 |
                        (uint32_t)block[idx * 4 + 2] << 8 | (uint32_t)block[idx * 4 + 3];
    for (int idx = 16; idx < 64; idx++) {
        uint32_t s0 =
            rotr(schedule[idx - 15], 7) ^ rotr(schedule[idx - 15], 18) ^ (schedule[idx - 15] >> 3);
        uint32_t s1 =
            rotr(schedule[idx - 2], 17) ^ rotr(schedule[idx - 2], 19) ^ (schedule[idx - 2] >> 10);
        schedule[idx] = schedule[idx - 16] + s0 + schedule[idx - 7] + s1;
    }
    uint32_t a = ctx->state[0], b = ctx->state[1], c = ctx->state[2], d = ctx->state[3];
    uint32_t e = ctx->state[4], f = ctx->state[5], g = ctx->state[6], h = ctx->state[7];
    for (int idx = 0; idx < 64; idx++) {
        uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) +
                      round_constants[idx] + schedule[idx];
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    ctx->state[0] += a;
    ctx->state[1] += b;
    ctx->state[2] += c;
    ctx->state[3] += d;
    ctx->state[4] += e;
    ctx->state[5] += f;
    ctx->state[6] += g;
    ctx->state[7] += h;
}

void sha256_init(sha256_ctx *ctx)
{
    static const uint32_t initial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(ctx->state, initial, sizeof(initial));
    ctx->length = 0;
    ctx->block_len = 0;
}

void sha256_update(sha256_ctx *ctx, const void *data, size_t len)
{
    const unsigned char *bytes = data;
    ctx->length += len;
    while (len > 0) {
        size_t take = 64 - ctx->block_len;
        if (take > len)
            take = len;
        memcpy(ctx->block + ctx->block_len, bytes, take);
        ctx->block_len += take;
        bytes += take;
        len -= take;
        if (ctx->block_len == 64) {
            compress(ctx, ctx->block);
            ctx->block_len = 0;
        }
    }
}

void sha256_final_hex(sha256_ctx *ctx, char hex[SHA256_HEX_LEN + 1])
{
    uint64_t bits = ctx->length * 8;
    unsigned char pad = 0x80;
    sha256_update(ctx, &pad, 1);
    unsigned char zero = 0;
    while (ctx->block_len != 56)
        sha256_update(ctx, &zero, 1);
    unsigned char length_be[8];
    for (int idx = 0; idx < 8; idx++)
        length_be[idx] = (unsigned char)(bits >> (56 - 8 * idx));
    sha256_update(ctx, length_be, 8);
    static const char digits[] = "0123456789abcdef";
    for (int idx = 0; idx < 32; idx++) {
        unsigned char byte = (unsigned char)(ctx->state[idx / 4] >> (24 - 8 * (idx % 4)));
        hex[idx * 2] = digits[byte >> 4];
        hex[idx * 2 + 1] = digits[byte & 15];
    }
    hex[SHA256_HEX_LEN] = '\0';
}

kg_err sha256_fd(int fd, const char *path, sha256_block_fn each, void *state,
                 char hex[SHA256_HEX_LEN + 1], long long *bytes, kg_errbuf *errbuf)
{
    sha256_ctx hash;
    sha256_init(&hash);
    char block[65536];
    ssize_t got;
    *bytes = 0;
    while ((got = read(fd, block, sizeof(block))) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return kg_fail(errbuf, KG_ERR_IO_READ, _("unable to read '%s': %s"), path,
                           strerror(errno));
        sha256_update(&hash, block, (size_t)got);
        if (each != NULL)
            each(state, block, (size_t)got);
        *bytes += got;
    }
    sha256_final_hex(&hash, hex);
    return KG_OK;
}
