/*
 * order_key.c - fills kigen.residents.order_key where the loader did not (see order_key.h).
 *
 * The key itself is computed by batch/common/order_key.c (D98); this file only finds the
 * residents without one and writes theirs in one UPDATE. It does not sort.
 */
#include "order_key.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REFRESH_ROW_MAX (ORDER_KEY_STORED_MAX + 48) /* id, xmin, key, tabs, newline */

kg_err order_key_refresh(db_conn *conn, long *filled, kg_errbuf *errbuf)
{
    *filled = 0;
    db_result *result = NULL;
    kg_err err = db_exec(conn, "BEGIN", errbuf);
    if (err == KG_OK)
        err = db_query(conn,
                       "SELECT resident_id, coalesce(banchi, ''), coalesce(address2, ''), "
                       "xmin FROM kigen.residents WHERE order_key IS NULL",
                       0, NULL, errbuf, &result);
    int rows = err == KG_OK ? db_result_rows(result) : 0;
    if (err == KG_OK && rows > 0)
        err = db_exec(conn,
                      "CREATE TEMP TABLE order_keys (resident_id bigint PRIMARY KEY, row_xmin xid "
                      "NOT NULL, order_key text NOT NULL) ON COMMIT DROP",
                      errbuf);
    if (err == KG_OK && rows > 0) {
        err = db_copy_begin(conn, "COPY pg_temp.order_keys FROM STDIN", errbuf);
        char chunk[1 << 16];
        size_t used = 0;
        for (int row = 0; row < rows && err == KG_OK; row++) {
            char key[ORDER_KEY_STORED_MAX];
            order_key_of(db_result_value(result, row, 1), db_result_value(result, row, 2), key,
                         sizeof(key));
            int len =
                snprintf(chunk + used, sizeof(chunk) - used, "%s\t%s\t%s\n",
                         db_result_value(result, row, 0), db_result_value(result, row, 3), key);
            if (len > 0)
                used += (size_t)len;
            if (sizeof(chunk) - used < REFRESH_ROW_MAX || row + 1 == rows) {
                err = db_copy_put(conn, chunk, used, errbuf);
                used = 0;
            }
        }
        kg_err end_err = db_copy_end(conn, err == KG_OK ? errbuf : NULL);
        if (err == KG_OK)
            err = end_err;
    }
    /* a resident updated meanwhile (a load: its new row has another xmin) keeps NULL,
     * for the next run; no row locks while computing (D71: they cost WAL) */
    if (err == KG_OK && rows > 0) /* the key is not the schedule's: mark nobody stale */
        err = db_exec(conn, "SET LOCAL kigen.order_key_fill = 'on'", errbuf);
    if (err == KG_OK && rows > 0)
        err = db_exec(conn,
                      "UPDATE kigen.residents r SET order_key = k.order_key FROM "
                      "pg_temp.order_keys k WHERE r.resident_id = k.resident_id AND r.xmin = "
                      "k.row_xmin",
                      errbuf);
    db_result_free(result);
    if (err == KG_OK)
        err = db_exec(conn, "COMMIT", errbuf);
    if (err != KG_OK)
        db_exec(conn, "ROLLBACK", NULL);
    else
        *filled = rows;
    return err;
}
