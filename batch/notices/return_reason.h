/*
 * return_reason.h - why the post office brought a notice back (還付理由), as Japan Post
 * stamps or tags it: a stable ASCII code for the ledger and the files, and the stamp's
 * Japanese words for people (D88).
 *
 * Pure, a table only: does not decide what a return blocks (select.h does).
 */
#ifndef KIGEN_RETURN_REASON_H
#define KIGEN_RETURN_REASON_H

#include <stdbool.h>
#include <stddef.h>

typedef enum return_reason {
    RETURN_UNKNOWN_AT_ADDRESS = 0, /* あて所に尋ねあたりません: the default */
    RETURN_MOVED_UNKNOWN,          /* 転居先不明 */
    RETURN_REFUSED,                /* 受取拒絶 (受取拒否) */
    RETURN_INCOMPLETE_ADDRESS,     /* あて名不完全 */
    RETURN_UNCLAIMED,              /* 保管期間経過: registered mail only */
    RETURN_OTHER,                  /* その他 */
    RETURN__COUNT
} return_reason;

#define RETURN_REASON_DEFAULT RETURN_UNKNOWN_AT_ADDRESS

/* "unknown_at_address", ...; "?" outside the enum. Stable: in the ledger (sql/012). */
const char *return_reason_code(return_reason reason);

/* "あて所に尋ねあたりません", ...; "?" outside the enum. */
const char *return_reason_stamp(return_reason reason);

/* The reason of a code (len bytes, no NUL needed) or of its stamp's words; false for any
 * other text. */
bool return_reason_parse(const char *text, size_t len, return_reason *out);

#endif
