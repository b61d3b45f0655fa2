/*
 * order_key.h - the address number key of the print order (D83): the numbers of 丁目,
 * 番(地), 号 and room, as the customer barcode reads them, in a form that sorts byte-wise
 * in number order; kept in kigen.residents.order_key. The key is computed by
 * common/order_key.h (the loader writes it with the row, D98); this fills the rest.
 *
 * Not the print order itself: the scan and the inquiries' placement sort in SQL by
 * office, postal code, address, this key, then banchi and address2 byte-wise.
 */
#ifndef KIGEN_ORDER_KEY_H
#define KIGEN_ORDER_KEY_H

#include <stddef.h>

#include "../common/error.h"
#include "../common/order_key.h"
#include "../db/db.h"

/*
 * Fills kigen.residents.order_key where it is NULL (a resident loaded or readdressed
 * since the last run without a key from the loader: a DBA's UPDATE, an older database,
 * `kigen sample`; sql/014 resets it when banchi or address2 change without it), in one
 * transaction; *filled is the number of residents.
 */
kg_err order_key_refresh(db_conn *conn, long *filled, kg_errbuf *errbuf);

#endif
