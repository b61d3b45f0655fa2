/*
 * order_key.c - the address number key of the print order (see order_key.h).
 *
 * The numbers are the customer barcode's (render/barcode.c, Japan Post's rules, pure): this
 * file only pads them so that a byte-wise sort is a number sort. It does not sort and does
 * not touch the database: the loader (batch/load/load_row.c) and the run's refresh
 * (batch/run/order_key.c) both call it (D98).
 */
#include "order_key.h"

#include <stdio.h>
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
