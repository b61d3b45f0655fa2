/*
 * order_key.c - the address number key of the print order (see order_key.h).
 *
 * The numbers are the customer barcode's (render/barcode.c, Japan Post's rules): this
 * file only pads them so that a byte-wise sort is a number sort. It does not sort.
 */
#include "order_key.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../render/barcode.h"

/* Appends one element (a '.' before every element but the first); false when full. */
static int put_element(char *out, size_t cap, size_t *len, const char *element, size_t element_len)
{
    size_t need = element_len + (*len > 0 ? 1 : 0);
    if (*len + need + 1 > cap)
        return 0;
    if (*len > 0)
        out[(*len)++] = '.';
    memcpy(out + *len, element, element_len);
    *len += element_len;
    out[*len] = '\0';
    return 1;
}

/* A run of digits as ORDER_KEY_WIDTH digits: zero-padded, or 99999999 when longer. */
static void pad_number(const char *digits, size_t count, char *padded)
{
    while (count > 1 && digits[0] == '0') {
        digits++;
        count--;
    }
    if (count > ORDER_KEY_WIDTH) {
        memset(padded, '9', ORDER_KEY_WIDTH);
        return;
    }
    memset(padded, '0', ORDER_KEY_WIDTH - count);
    memcpy(padded + ORDER_KEY_WIDTH - count, digits, count);
}

void order_key_of(const char *banchi, const char *address2, char *out, size_t cap)
{
    if (cap == 0)
        return;
    out[0] = '\0';
    banchi = banchi != NULL ? banchi : "";
    address2 = address2 != NULL ? address2 : "";
    /* as the barcode reads the address: banchi and address2 joined by a space (D38) */
    char address[ORDER_KEY_MAX];
    int joined = snprintf(address, sizeof(address), "%s%s%s", banchi,
                          banchi[0] != '\0' && address2[0] != '\0' ? " " : "", address2);
    if (joined < 0)
        return;
    size_t address_len = (size_t)joined < sizeof(address) ? (size_t)joined : sizeof(address) - 1;
    char number[ORDER_KEY_MAX];
    if (barcode_extract(address, address_len, number, sizeof(number)) != KG_OK)
        return;
    size_t len = 0;
    const char *at = number;
    while (*at != '\0') {
        if (*at == '-') {
            at++;
            continue;
        }
        int fits;
        if (*at >= '0' && *at <= '9') {
            size_t count = strspn(at, "0123456789");
            char padded[ORDER_KEY_WIDTH];
            pad_number(at, count, padded);
            fits = put_element(out, cap, &len, padded, ORDER_KEY_WIDTH);
            at += count;
        } else {
            fits = put_element(out, cap, &len, at, 1); /* a letter A-Z */
            at++;
        }
        if (!fits)
            return;
    }
}

#define REFRESH_KEY_MAX 192                    /* 21 elements: keys are cut to fit */
#define REFRESH_ROW_MAX (REFRESH_KEY_MAX + 48) /* id, xmin, key, tabs, newline */

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
            char key[REFRESH_KEY_MAX];
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
