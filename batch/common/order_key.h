/*
 * order_key.h - the address number key of the print order (D83): the numbers of 丁目,
 * 番(地), 号 and room, as the customer barcode reads them, in a form that sorts byte-wise
 * in number order; kept in kigen.residents.order_key, written by the loader with the
 * resident's row (D98) and by the run for the rows the loader did not key.
 *
 * Pure: no I/O, no state. Not the print order itself: the scan and the inquiries'
 * placement sort in SQL by office, postal code, address, this key, then banchi and
 * address2 byte-wise.
 */
#ifndef KIGEN_COMMON_ORDER_KEY_H
#define KIGEN_COMMON_ORDER_KEY_H

#include <stddef.h>

#define ORDER_KEY_WIDTH 8 /* digits of each number, zero-padded (99999999 at most) */
#define ORDER_KEY_MAX 1024
/* The cap of a stored key (21 elements: longer keys are cut to fit), the same for the
 * loader and the run so that both store the same key for the same address. */
#define ORDER_KEY_STORED_MAX 192

/*
 * The key of banchi and address2 (either may be NULL or ""), NUL-terminated in out: the
 * address number barcode_extract reads from "banchi address2", each number zero-padded
 * to ORDER_KEY_WIDTH digits (a longer one saturates at 99999999), each letter as itself,
 * elements joined by '.': 3丁目40-7 → "00000003.00000040.00000007". "" when the address
 * has no number or is not UTF-8. A key that would not fit cap is cut (cap ORDER_KEY_MAX
 * holds any loaded address; ORDER_KEY_STORED_MAX is what kigen stores).
 */
void order_key_of(const char *banchi, const char *address2, char *out, size_t cap);

#endif
