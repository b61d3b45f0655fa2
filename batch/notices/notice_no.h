/*
 * notice_no.h - a notice number (通知番号) as the counter types it: YYYYMMDD-nnnnnn, the run
 * date and the notice's place in print order (D52; six digits or more).
 *
 * Pure: reads and checks the text, never asks the ledger whether the notice exists
 * (notice_counter.h does). Accepts what a Japanese keyboard gives: full-width digits and
 * hyphens, spaces anywhere; refuses anything else with the reason.
 */
#ifndef KIGEN_NOTICE_NO_H
#define KIGEN_NOTICE_NO_H

#include <stddef.h>

#include "../common/error.h"

#define NOTICE_NO_SIZE 32 /* canonical form, NUL included: 8 + 1 + at most 22 digits */

/* Reads text (len bytes) into the canonical "YYYYMMDD-nnnnnn" in out (NOTICE_NO_SIZE
 * bytes): full-width digits (０-９) read as digits; '-', '－', 'ー', '‐' and '−' as the
 * hyphen, which may be left out; ASCII and ideographic spaces are skipped. The date must
 * be a day of the calendar and the number six digits or more, not all zeros.
 * KG_ERR_NOTICE_NO with "unable to read notice number '<text>': <cause>" otherwise. */
kg_err notice_no_parse(const char *text, size_t len, char *out, kg_errbuf *errbuf);

#endif
