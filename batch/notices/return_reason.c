/*
 * return_reason.c - the 還付理由 vocabulary (return_reason.h). Sources: docs/rules.md
 * [Post: returns], D88.
 */
#include "return_reason.h"

#include <string.h>

typedef struct reason_entry {
    const char *code;
    const char *stamp;
    const char *alias; /* another spelling people use, or NULL */
} reason_entry;

static const reason_entry reasons[] = {
    [RETURN_UNKNOWN_AT_ADDRESS] = {"unknown_at_address", "あて所に尋ねあたりません",
                                   "宛所に尋ねあたりません"},
    [RETURN_MOVED_UNKNOWN] = {"moved_unknown", "転居先不明", NULL},
    [RETURN_REFUSED] = {"refused", "受取拒絶", "受取拒否"},
    [RETURN_INCOMPLETE_ADDRESS] = {"incomplete_address", "あて名不完全", "宛名不完全"},
    [RETURN_UNCLAIMED] = {"unclaimed", "保管期間経過", NULL},
    [RETURN_OTHER] = {"other", "その他", NULL},
};
_Static_assert(sizeof(reasons) / sizeof(reasons[0]) == RETURN__COUNT,
               "reasons must name every return_reason");

const char *return_reason_code(return_reason reason)
{
    return (unsigned)reason < RETURN__COUNT ? reasons[reason].code : "?";
}

const char *return_reason_stamp(return_reason reason)
{
    return (unsigned)reason < RETURN__COUNT ? reasons[reason].stamp : "?";
}

static bool same(const char *name, const char *text, size_t len)
{
    return name != NULL && strlen(name) == len && memcmp(name, text, len) == 0;
}

bool return_reason_parse(const char *text, size_t len, return_reason *out)
{
    for (int idx = 0; idx < RETURN__COUNT; idx++)
        if (same(reasons[idx].code, text, len) || same(reasons[idx].stamp, text, len) ||
            same(reasons[idx].alias, text, len)) {
            *out = (return_reason)idx;
            return true;
        }
    return false;
}
