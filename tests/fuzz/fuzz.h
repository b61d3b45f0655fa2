/*
 * fuzz.h - the one entry point of every fuzz target (libFuzzer's), so that the same target
 * links with libFuzzer (clang -fsanitize=fuzzer) or with fuzz_replay.c (gcc, `make test`).
 *
 * A target returns 0 for every input; a broken invariant is fuzz_fail (abort), which
 * libFuzzer reports as a crash and the replay as a failed test.
 */
#ifndef KIGEN_FUZZ_H
#define KIGEN_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Runs one input through the target. data is read only during the call. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Prints "fuzz invariant broken: <what>" to stderr and aborts. */
_Noreturn void fuzz_fail(const char *what);

#endif
