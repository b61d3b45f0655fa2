/*
 * reasons.h - the one table of the codes a clerk or an auditor reads beside a row: the N4
 * exclusion reasons (docs/rules.md), the finding kinds, the expiry causes, the move kinds,
 * the forms' statuses and the certificates' types. Each stable identifier (what the ledger, the CSV
 * files and the manifest hold, never translated) has a label and a one-line explanation for the
 * clerk in English and in Japanese.
 *
 * Both languages are in the table itself, not in po/ja.po: a workbook's language is a
 * property of the file (the run's recorded language, or the export's), so it is chosen per
 * call, and the same rows give the same bytes whatever catalogue is installed (D111). The
 * workbook, the messages and docs/formats.md (checked by the reasons suite) use it.
 *
 * Also the helpers that write a clerk's detail in a run's language: reasons_text (the
 * catalogue's translation, or the msgid in English) and reasons_date (和暦 in Japanese,
 * ISO in English).
 */
#ifndef KIGEN_REASONS_H
#define KIGEN_REASONS_H

#include <stddef.h>

#include "i18n.h"
#include "kdate.h"

typedef enum reason_group {
    REASON_GROUP_EXCLUSION = 0, /* N4, in the order of precedence (select_reason order) */
    REASON_GROUP_FINDING,       /* kigen.findings kind */
    REASON_GROUP_CAUSE,         /* what an expiry comes from (notices.csv cause) */
    REASON_GROUP_MOVE,          /* a recent mover's move kind */
    REASON_GROUP_FORM_STATUS,   /* a proxy form's status in the workbook (D44) */
    REASON_GROUP_CERT_TYPE      /* a certificate's type (sign, auth, juki: docs/rules.md) */
} reason_group;

typedef struct reason_entry {
    reason_group group;
    const char *code; /* the stable identifier */
    const char *label_en, *label_ja;
    const char *explain_en, *explain_ja; /* one line for the clerk */
} reason_entry;

/* Every entry, exclusions first in N4 order, then findings, causes, moves, form statuses,
 * certificate types. */
const reason_entry *reasons_all(size_t *count);

/* The exclusion reasons in N4 order: reasons_exclusion(i) for 0 <= i < REASONS_EXCLUSIONS. */
#define REASONS_EXCLUSIONS 13
const reason_entry *reasons_exclusion(int index);

/* The entry of code in group, or NULL. */
const reason_entry *reasons_find(reason_group group, const char *code);

/* The label of code in language; the code itself when the table does not know it (a code
 * of a newer version read from the ledger). Never NULL. */
const char *reasons_label(reason_group group, const char *code, kg_language language);

/* The explanation of code in language; "" when unknown. */
const char *reasons_explanation(reason_group group, const char *code, kg_language language);

/* A detail's text in language: the msgid itself in English, its translation (gettext) in
 * Japanese. Wrap the msgid in N_() so that `make po` extracts it. */
const char *reasons_text(kg_language language, const char *msgid) __attribute__((format_arg(2)));

/* Bytes that hold any date reasons_date writes. */
#define REASONS_DATE_SIZE 48

/* day as a detail writes it: 令和8年11月10日 in Japanese, 2026-11-10 in English (and in
 * Japanese for a day before 1873, which has no 和暦 here). Returns buf. */
const char *reasons_date(kg_language language, kdate day, char buf[REASONS_DATE_SIZE]);

#endif
