/*
 * test_sha256.c - SHA-256 against the FIPS 180-4 examples and sha256sum, including
 * inputs that straddle the 55/56/64-byte padding boundaries and split updates.
 */
#include <string.h>

#include "common/sha256.h"
#include "test.h"

static void hex_of(const char *text, size_t len, char *hex)
{
    sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, text, len);
    sha256_final_hex(&ctx, hex);
}

static void standard_vectors(void)
{
    char hex[SHA256_HEX_LEN + 1];
    hex_of("", 0, hex);
    CU_ASSERT_STRING_EQUAL(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    hex_of("abc", 3, hex);
    CU_ASSERT_STRING_EQUAL(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    hex_of(two_blocks, strlen(two_blocks), hex);
    CU_ASSERT_STRING_EQUAL(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void split_updates_match_one_update(void)
{
    char text[200];
    for (size_t idx = 0; idx < sizeof(text); idx++)
        text[idx] = (char)('a' + idx % 26);
    for (size_t len = 50; len < 140; len++) {
        char whole[SHA256_HEX_LEN + 1], parts[SHA256_HEX_LEN + 1];
        hex_of(text, len, whole);
        sha256_ctx ctx;
        sha256_init(&ctx);
        sha256_update(&ctx, text, len / 3);
        sha256_update(&ctx, text + len / 3, len - len / 3);
        sha256_final_hex(&ctx, parts);
        CU_ASSERT_STRING_EQUAL(whole, parts);
    }
    /* 1,000,000 times 'a' (FIPS 180-2 appendix B.3) */
    sha256_ctx ctx;
    sha256_init(&ctx);
    char block[1000];
    memset(block, 'a', sizeof(block));
    for (int idx = 0; idx < 1000; idx++)
        sha256_update(&ctx, block, sizeof(block));
    char hex[SHA256_HEX_LEN + 1];
    sha256_final_hex(&ctx, hex);
    CU_ASSERT_STRING_EQUAL(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

int tests_register_sha256(void)
{
    static const test_case cases[] = {
        {"standard_vectors", standard_vectors},
        {"split_updates_match_one_update", split_updates_match_one_update},
        {NULL, NULL},
    };
    return tests_add_suite("sha256", cases);
}
