/*
 * sample_rows.c - CSV lines of synthetic residents (see sample_rows.h).
 */
#include "sample_rows.h"

#include <stdio.h>
#include <string.h>

#include "../load/load_spec.h"

/* Appends a text field, quoted when it holds a comma, quote or line break. */
static kg_err put_text(strbuf *out, const char *text)
{
    if (strpbrk(text, ",\"\r\n") == NULL)
        return strbuf_append_str(out, text);
    return strbuf_append_csv_quoted(out, text, strlen(text));
}

static kg_err put_date(strbuf *out, kdate day)
{
    char iso[KDATE_ISO_LEN + 1];
    return strbuf_append_str(out, day == KDATE_NONE ? "" : kdate_format(day, iso));
}

static kg_err put_long(strbuf *out, long value)
{
    char text[24];
    snprintf(text, sizeof(text), "%ld", value);
    return strbuf_append_str(out, text);
}

static kg_err sep(strbuf *out)
{
    return strbuf_append_char(out, ',');
}

static kg_err end(strbuf *out)
{
    return strbuf_append_char(out, '\n');
}

static kg_err resident_row(const sample_resident *res, strbuf *out)
{
    char office[16];
    snprintf(office, sizeof(office), "K%02d", res->office_idx + 1);
    kg_err err = put_long(out, res->resident_id);
    const char *texts[] = {office, res->family_name, res->given_name, res->family_kana,
                           res->given_kana};
    for (size_t idx = 0; idx < 5 && err == KG_OK; idx++) {
        err = sep(out);
        if (err == KG_OK)
            err = put_text(out, texts[idx]);
    }
    if (err == KG_OK)
        err = sep(out);
    if (err == KG_OK)
        err = put_date(out, res->birth_date);
    if (err == KG_OK)
        err = sep(out);
    if (err == KG_OK)
        err = put_long(out, res->sex);
    const char *address_parts[] = {res->postal_code, res->postal_code[0] ? res->address : "",
                                   res->banchi, res->address2,
                                   res->removed ? "removed" : "current"};
    for (size_t idx = 0; idx < 5 && err == KG_OK; idx++) {
        err = sep(out);
        if (err == KG_OK)
            err = put_text(out, address_parts[idx]);
    }
    if (err == KG_OK)
        err = sep(out);
    if (err == KG_OK)
        err = put_date(out, res->removed_on);
    if (err == KG_OK)
        err = sep(out);
    if (err == KG_OK)
        err = put_date(out, res->stay_expires);
    if (err == KG_OK)
        err = strbuf_append_str(out, res->adult_ward ? ",1" : ",0");
    if (err == KG_OK)
        err = strbuf_append_str(out, res->lives_elsewhere ? ",1" : ",0");
    return err == KG_OK ? end(out) : err;
}

static kg_err card_rows(const sample_resident *res, strbuf *out)
{
    kg_err err = KG_OK;
    for (int idx = 0; idx < res->card_count && err == KG_OK; idx++) {
        const sample_card *card = &res->cards[idx];
        err = put_long(out, card->card_id);
        if (err == KG_OK)
            err = sep(out);
        if (err == KG_OK)
            err = put_long(out, res->resident_id);
        kdate dates[] = {card->issued_on, card->expires_on, card->revoked_on};
        for (size_t date_idx = 0; date_idx < 3 && err == KG_OK; date_idx++) {
            err = sep(out);
            if (err == KG_OK)
                err = put_date(out, dates[date_idx]);
        }
        if (err == KG_OK)
            err = end(out);
    }
    return err;
}

static kg_err cert_rows(const sample_resident *res, strbuf *out)
{
    kg_err err = KG_OK;
    for (int idx = 0; idx < res->cert_count && err == KG_OK; idx++) {
        const sample_cert *cert = &res->certs[idx];
        err = put_long(out, cert->certificate_id);
        if (err == KG_OK)
            err = sep(out);
        if (err == KG_OK)
            err = put_long(out, res->resident_id);
        if (err == KG_OK)
            err = sep(out);
        if (err == KG_OK && cert->card_id > 0)
            err = put_long(out, cert->card_id);
        if (err == KG_OK)
            err = sep(out);
        if (err == KG_OK)
            err = strbuf_append_str(out, cert->type);
        kdate dates[] = {cert->issued_on, cert->revoked_on, cert->recorded_expiry};
        for (size_t date_idx = 0; date_idx < 3 && err == KG_OK; date_idx++) {
            err = sep(out);
            if (err == KG_OK)
                err = put_date(out, dates[date_idx]);
        }
        if (err == KG_OK)
            err = end(out);
    }
    return err;
}

/* resident_id,date,word lines (moves and changes). */
static kg_err dated_row(strbuf *out, long resident_id, kdate day, const char *word)
{
    kg_err err = put_long(out, resident_id);
    if (err == KG_OK)
        err = sep(out);
    if (err == KG_OK)
        err = put_date(out, day);
    if (err == KG_OK)
        err = sep(out);
    if (err == KG_OK)
        err = strbuf_append_str(out, word);
    return err == KG_OK ? end(out) : err;
}

static kg_err proxy_row(const sample_resident *res, strbuf *out)
{
    if (res->proxy_count == 0)
        return KG_OK;
    kg_err err = put_long(out, res->proxy_request_id);
    if (err == KG_OK)
        err = sep(out);
    if (err == KG_OK)
        err = put_long(out, res->resident_id);
    if (err == KG_OK)
        err = sep(out);
    if (err == KG_OK)
        err = strbuf_append_str(out, res->proxy_kind);
    if (err == KG_OK)
        err = sep(out);
    if (err == KG_OK)
        err = put_date(out, res->proxy_received_on);
    if (err == KG_OK)
        err = sep(out);
    if (err == KG_OK)
        err = put_text(out, res->proxy_name);
    return err == KG_OK ? end(out) : err;
}

kg_err sample_rows_append(const sample_resident *res, size_t spec_idx, strbuf *out)
{
    const char *table = load_file_specs[spec_idx].table;
    if (strcmp(table, "residents") == 0)
        return resident_row(res, out);
    if (strcmp(table, "cards") == 0)
        return card_rows(res, out);
    if (strcmp(table, "certificates") == 0)
        return cert_rows(res, out);
    kg_err err = KG_OK;
    if (strcmp(table, "moves") == 0)
        for (int idx = 0; idx < res->move_count && err == KG_OK; idx++)
            err = dated_row(out, res->resident_id, res->moves[idx].moved_on, res->moves[idx].kind);
    if (strcmp(table, "changes") == 0)
        for (int idx = 0; idx < res->change_count && err == KG_OK; idx++)
            err = dated_row(out, res->resident_id, res->changes[idx].changed_on,
                            res->changes[idx].field);
    if (strcmp(table, "proxy_requests") == 0)
        err = proxy_row(res, out);
    return err;
}

kg_err sample_rows_office(const sample_office *office, strbuf *out)
{
    const char *fields[] = {office->office_code, office->name,  office->postal_code,
                            office->address,     office->phone, office->hours};
    kg_err err = KG_OK;
    for (size_t idx = 0; idx < 6 && err == KG_OK; idx++) {
        if (idx > 0)
            err = sep(out);
        if (err == KG_OK)
            err = put_text(out, fields[idx]);
    }
    return err == KG_OK ? end(out) : err;
}

kg_err sample_rows_header(size_t spec_idx, strbuf *out)
{
    const load_file_spec *spec = &load_file_specs[spec_idx];
    kg_err err = KG_OK;
    for (size_t col_idx = 0; col_idx < spec->column_count && err == KG_OK; col_idx++) {
        if (col_idx > 0)
            err = sep(out);
        if (err == KG_OK)
            err = strbuf_append_str(out, spec->columns[col_idx].name);
    }
    return err == KG_OK ? end(out) : err;
}
