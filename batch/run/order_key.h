/*
 * order_key.h - the address number key of the print order (D83): the numbers of 丁目,
 * 番(地), 号 and room, as the customer barcode reads them, in a form that sorts byte-wise
 * in number order; kept in kigen.residents.order_key and filled by the run.
 *
 * Not the print order itself: the scan and the inquiries' placement sort in SQL by
 * office, postal code, address, this key, then banchi and address2 byte-wise.
 */
#ifndef KIGEN_ORDER_KEY_H
#define KIGEN_ORDER_KEY_H

#include <stddef.h>

#include "../common/error.h"
#include "../db/db.h"

#define ORDER_KEY_WIDTH 8 /* digits of each number, zero-padded (99999999 at most) */
#define ORDER_KEY_MAX 1024

/*
 * The key of banchi and address2 (either may be NULL or ""), NUL-terminated in out: the
 * address number barcode_extract reads from "banchi address2", each number zero-padded
 * to ORDER_KEY_WIDTH digits (a longer one saturates at 99999999), each letter as itself,
 * elements joined by '.': 3丁目40-7 → "00000003.00000040.00000007". "" when the address
 * has no number or is not UTF-8. A key that would not fit cap is cut (cap ORDER_KEY_MAX
 * holds any loaded address).
 */
void order_key_of(const char *banchi, const char *address2, char *out, size_t cap);

/*
 * Fills kigen.residents.order_key where it is NULL (a resident loaded or readdressed
 * since the last run: sql/011 resets it when banchi or address2 change), in one
 * transaction; *filled is the number of residents.
 */
kg_err order_key_refresh(db_conn *conn, long *filled, kg_errbuf *errbuf);

#endif
