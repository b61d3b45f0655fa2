/*
 * schedule_city.c - a whole city's schedule rows from the values a first load COPYs (see
 * schedule_city.h). The same decision as schedule_refresh's (select_resident_schedule on
 * the resident as scan.c builds it); only where the values come from differs.
 */
#include "schedule_city.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common/grow.h"
#include "../common/i18n.h"
#include "select.h"

typedef struct city_resident {
    long long resident_id;
    kdate birth_date;
    kdate stay_expires;
} city_resident;

typedef struct city_card {
    long long card_id;
    kdate issued_on;
    kdate expires_on;
    kdate revoked_on;
} city_card;

typedef struct city_cert {
    long long resident_id;
    long long certificate_id;
    long long card_id;
    kdate issued_on;
    kdate revoked_on;
    kdate recorded_expiry;
    cert_type type;
} city_cert;

struct schedule_city {
    city_resident *residents;
    size_t resident_count, resident_cap;
    city_card *cards;
    size_t card_count, card_cap;
    city_cert *certs;
    size_t cert_count, cert_cap;
};

static char *put_id(char *out, long long value)
{
    char digits[24];
    size_t len = 0;
    unsigned long long rest = value < 0 ? 0 : (unsigned long long)value;
    do {
        digits[len++] = (char)('0' + rest % 10);
        rest /= 10;
    } while (rest > 0);
    while (len > 0)
        *out++ = digits[--len];
    return out;
}

static char *put_date(char *out, int null, kdate day)
{
    if (null) {
        memcpy(out, "\\N", 2);
        return out + 2;
    }
    char iso[KDATE_ISO_LEN + 1];
    kdate_format(day, iso);
    size_t len = strlen(iso);
    memcpy(out, iso, len);
    return out + len;
}

size_t schedule_row_format(char *row, long long certificate_id, long long resident_id,
                           kdate issued_on, int always, kdate due_from, kdate due_until)
{
    char *out = put_id(row, certificate_id);
    *out++ = '\t';
    out = put_id(out, resident_id);
    *out++ = '\t';
    out = put_date(out, 0, issued_on);
    *out++ = '\t';
    out = put_date(out, always, due_from);
    *out++ = '\t';
    out = put_date(out, always, due_until);
    *out++ = '\t';
    *out++ = always ? 't' : 'f';
    *out++ = '\n';
    return (size_t)(out - row);
}

kg_err schedule_city_new(schedule_city **out)
{
    *out = calloc(1, sizeof(**out));
    return *out == NULL ? KG_ERR_NOMEM : KG_OK;
}

void schedule_city_free(schedule_city *city)
{
    if (city == NULL)
        return;
    free(city->residents);
    free(city->cards);
    free(city->certs);
    free(city);
}

kg_err schedule_city_add_resident(schedule_city *city, long long resident_id, kdate birth_date,
                                  kdate stay_expires)
{
    void *items = city->residents;
    kg_err err =
        grow_array(&items, &city->resident_cap, city->resident_count, sizeof(city_resident));
    city->residents = items;
    if (err == KG_OK)
        city->residents[city->resident_count++] =
            (city_resident){resident_id, birth_date, stay_expires};
    return err;
}

kg_err schedule_city_add_card(schedule_city *city, long long card_id, kdate issued_on,
                              kdate expires_on, kdate revoked_on)
{
    void *items = city->cards;
    kg_err err = grow_array(&items, &city->card_cap, city->card_count, sizeof(city_card));
    city->cards = items;
    if (err == KG_OK)
        city->cards[city->card_count++] = (city_card){card_id, issued_on, expires_on, revoked_on};
    return err;
}

kg_err schedule_city_add_certificate(schedule_city *city, long long certificate_id,
                                     long long resident_id, long long card_id, cert_type type,
                                     kdate issued_on, kdate revoked_on, kdate recorded_expiry)
{
    void *items = city->certs;
    kg_err err = grow_array(&items, &city->cert_cap, city->cert_count, sizeof(city_cert));
    city->certs = items;
    if (err == KG_OK)
        city->certs[city->cert_count++] = (city_cert){
            resident_id, certificate_id, card_id, issued_on, revoked_on, recorded_expiry, type};
    return err;
}

static int compare_ids(long long a, long long b)
{
    return (a > b) - (a < b);
}

static int compare_residents(const void *left, const void *right)
{
    return compare_ids(((const city_resident *)left)->resident_id,
                       ((const city_resident *)right)->resident_id);
}

static int compare_cards(const void *left, const void *right)
{
    return compare_ids(((const city_card *)left)->card_id, ((const city_card *)right)->card_id);
}

/* The scan's order: resident, then issued_on, certificate_id (scan.c's string_agg). */
static int compare_certs(const void *left, const void *right)
{
    const city_cert *a = left, *b = right;
    if (a->resident_id != b->resident_id)
        return compare_ids(a->resident_id, b->resident_id);
    if (a->issued_on != b->issued_on)
        return (a->issued_on > b->issued_on) - (a->issued_on < b->issued_on);
    return compare_ids(a->certificate_id, b->certificate_id);
}

static const city_resident *find_resident(const schedule_city *city, long long resident_id)
{
    city_resident key = {resident_id, 0, 0};
    return bsearch(&key, city->residents, city->resident_count, sizeof(key), compare_residents);
}

static const city_card *find_card(const schedule_city *city, long long card_id)
{
    city_card key = {card_id, 0, 0, 0};
    return bsearch(&key, city->cards, city->card_count, sizeof(key), compare_cards);
}

/* The end of the resident's run of certificates that starts at first. */
static size_t run_end(const schedule_city *city, size_t first)
{
    size_t end = first + 1;
    while (end < city->cert_count && city->certs[end].resident_id == city->certs[first].resident_id)
        end++;
    return end;
}

/* Every certificate's resident and card are known and no resident has too many: checked
 * before a row is written, so that a refusal writes nothing. */
static kg_err check_city(const schedule_city *city, kg_errbuf *errbuf)
{
    for (size_t first = 0; first < city->cert_count;) {
        size_t end = run_end(city, first);
        const city_cert *cert = &city->certs[first];
        if (end - first > SELECT_MAX_CERTS)
            return kg_fail(errbuf, KG_ERR_INTERNAL,
                           _("unable to schedule resident %lld: more than %d certificates"),
                           cert->resident_id, SELECT_MAX_CERTS);
        if (find_resident(city, cert->resident_id) == NULL)
            return kg_fail(errbuf, KG_ERR_INTERNAL,
                           _("unable to schedule certificate %lld: no resident %lld"),
                           cert->certificate_id, cert->resident_id);
        for (size_t idx = first; idx < end; idx++)
            if (city->certs[idx].card_id != 0 && find_card(city, city->certs[idx].card_id) == NULL)
                return kg_fail(errbuf, KG_ERR_INTERNAL,
                               _("unable to schedule certificate %lld: no card %lld"),
                               city->certs[idx].certificate_id, city->certs[idx].card_id);
        first = end;
    }
    return KG_OK;
}

/* The resident as scan.c's parse_row builds it, for what the schedule reads. */
static void build_resident(const schedule_city *city, size_t first, size_t end, select_cert *certs,
                           select_resident *res)
{
    const city_resident *resident = find_resident(city, city->certs[first].resident_id);
    memset(res, 0, sizeof(*res));
    res->resident_id = resident->resident_id;
    res->birth_date = resident->birth_date;
    res->stay_expires = resident->stay_expires;
    for (size_t idx = first; idx < end; idx++) {
        const city_cert *from = &city->certs[idx];
        select_cert *cert = &certs[idx - first];
        memset(cert, 0, sizeof(*cert));
        cert->certificate_id = from->certificate_id;
        cert->card_id = from->card_id;
        cert->type = from->type;
        cert->issued_on = from->issued_on;
        cert->revoked_on = from->revoked_on;
        cert->recorded_expiry = from->recorded_expiry;
        cert->card_issued_on = cert->card_expires = cert->card_revoked_on = KDATE_NONE;
        const city_card *card = from->card_id != 0 ? find_card(city, from->card_id) : NULL;
        if (card != NULL) {
            cert->card_issued_on = card->issued_on;
            cert->card_expires = card->expires_on;
            cert->card_revoked_on = card->revoked_on;
        }
    }
    res->certs = certs;
    res->cert_count = end - first;
}

kg_err schedule_city_seal(schedule_city *city, kg_errbuf *errbuf)
{
    if (city->residents != NULL)
        qsort(city->residents, city->resident_count, sizeof(city_resident), compare_residents);
    if (city->cards != NULL)
        qsort(city->cards, city->card_count, sizeof(city_card), compare_cards);
    if (city->certs != NULL)
        qsort(city->certs, city->cert_count, sizeof(city_cert), compare_certs);
    return check_city(city, errbuf);
}

kg_err schedule_city_write(const schedule_city *city, schedule_city_sink sink, void *context,
                           long *rows, kg_errbuf *errbuf)
{
    *rows = 0;
    kg_err err = KG_OK;
    select_cert certs[SELECT_MAX_CERTS];
    select_schedule schedules[SELECT_MAX_CERTS];
    for (size_t first = 0; err == KG_OK && first < city->cert_count;) {
        size_t end = run_end(city, first);
        select_resident res;
        build_resident(city, first, end, certs, &res);
        err = select_resident_schedule(&res, schedules);
        if (err != KG_OK) {
            kg_fail(errbuf, err, _("unable to schedule resident %lld"), res.resident_id);
            break;
        }
        for (size_t idx = 0; idx < res.cert_count && err == KG_OK; idx++) {
            char row[SCHEDULE_ROW_MAX];
            size_t len = schedule_row_format(row, certs[idx].certificate_id, res.resident_id,
                                             certs[idx].issued_on, schedules[idx].always,
                                             schedules[idx].due_from, schedules[idx].due_until);
            err = sink(context, row, len, errbuf);
            (*rows)++;
        }
        first = end;
    }
    return err;
}
