/*
 * forecast.c - expected renewal visits per office and week (see forecast.h).
 *
 * Validity on "today" mirrors select.c's exclusion tests for the reasons that end a
 * certificate (removed, card, revoked, renewed, void sign); mailing reasons (movers,
 * address, glyphs) do not stop a holder from coming to the counter, so they count.
 */
#include "forecast.h"

#include <stdlib.h>
#include <string.h>

void forecast_init(forecast *fc, kdate as_of, double take_up)
{
    memset(fc, 0, sizeof(*fc));
    fc->as_of = as_of;
    fc->first_week = forecast_first_week(as_of);
    fc->take_up = take_up;
}

void forecast_free(forecast *fc)
{
    if (fc == NULL)
        return;
    free(fc->offices);
    fc->offices = NULL;
    fc->office_count = 0;
    fc->office_cap = 0;
}

kdate forecast_first_week(kdate as_of)
{
    /* 1970-01-01 (day 0) was a Thursday: Monday is 0 in (day + 3) mod 7 */
    int weekday = (int)(((as_of + 3) % 7 + 7) % 7);
    return as_of + (7 - weekday);
}

/* The office's entry, inserted in code order when new; NULL when out of memory or room. */
static forecast_office *office_of(forecast *fc, const char *office_code, kg_err *err)
{
    const char *code = office_code != NULL ? office_code : "";
    size_t low = 0, high = fc->office_count;
    while (low < high) {
        size_t mid = (low + high) / 2;
        int cmp = strncmp(fc->offices[mid].office_code, code, FORECAST_OFFICE_MAX);
        if (cmp == 0)
            return &fc->offices[mid];
        if (cmp < 0)
            low = mid + 1;
        else
            high = mid;
    }
    if (fc->office_count >= FORECAST_MAX_OFFICES) {
        *err = KG_ERR_INTERNAL;
        return NULL;
    }
    if (fc->office_count == fc->office_cap) {
        size_t cap = fc->office_cap == 0 ? 16 : fc->office_cap * 2;
        forecast_office *grown = realloc(fc->offices, cap * sizeof(*grown));
        if (grown == NULL) {
            *err = KG_ERR_NOMEM;
            return NULL;
        }
        fc->offices = grown;
        fc->office_cap = cap;
    }
    memmove(&fc->offices[low + 1], &fc->offices[low],
            (fc->office_count - low) * sizeof(fc->offices[0]));
    fc->office_count++;
    forecast_office *office = &fc->offices[low];
    memset(office, 0, sizeof(*office));
    size_t len = strnlen(code, FORECAST_OFFICE_MAX);
    memcpy(office->office_code, code, len);
    return office;
}

kg_err forecast_add_visit(forecast *fc, const char *office_code, kdate window_open, kdate expiry)
{
    kg_err err = KG_OK;
    forecast_office *office = office_of(fc, office_code, &err);
    if (office == NULL)
        return err;
    kdate start = window_open > fc->as_of ? window_open : fc->as_of + 1;
    if (expiry < start)
        return KG_OK;
    double per_day = fc->take_up / (double)(expiry - start + 1);
    for (int week = 0; week < FORECAST_WEEKS; week++) {
        kdate week_start = fc->first_week + 7 * week, week_end = week_start + 6;
        kdate from = start > week_start ? start : week_start;
        kdate to = expiry < week_end ? expiry : week_end;
        if (from <= to)
            office->visits[week] += per_day * (double)(to - from + 1);
    }
    return KG_OK;
}

kg_err forecast_set_office(forecast *fc, const char *office_code, long certificates,
                           const double visits[FORECAST_WEEKS])
{
    kg_err err = KG_OK;
    forecast_office *office = office_of(fc, office_code, &err);
    if (office == NULL)
        return err;
    office->certificates = certificates;
    memcpy(office->visits, visits, sizeof(office->visits));
    return KG_OK;
}

static bool active_on(kdate revoked_on, kdate day)
{
    return revoked_on == KDATE_NONE || revoked_on > day;
}

static bool issued_before(const select_cert *a, const select_cert *b)
{
    return a->issued_on < b->issued_on ||
           (a->issued_on == b->issued_on && a->certificate_id < b->certificate_id);
}

static bool sign_void(const select_resident *res, const select_cert *cert, kdate day)
{
    if (cert->type != CERT_SIGN)
        return false;
    for (size_t idx = 0; idx < res->change_count; idx++)
        if (res->changes[idx].changed_on > cert->issued_on && res->changes[idx].changed_on <= day)
            return true;
    for (size_t idx = 0; idx < res->move_count; idx++)
        if (res->moves[idx].kind != MOVE_OUT && res->moves[idx].moved_on > cert->issued_on &&
            res->moves[idx].moved_on <= day)
            return true;
    return false;
}

static bool valid_on(const select_resident *res, size_t cert_idx, const select_result *result,
                     kdate day)
{
    const select_cert *cert = &res->certs[cert_idx];
    if (result->data_error != KG_OK || cert->type == CERT_JUKI || cert->card_id == 0)
        return false;
    if (!active_on(cert->revoked_on, day) || !active_on(cert->card_revoked_on, day))
        return false;
    if (cert->card_expires != KDATE_NONE && cert->card_expires < day)
        return false;
    if (result->expiry.expiry <= day || sign_void(res, cert, day))
        return false;
    for (size_t idx = 0; idx < res->cert_count; idx++) {
        const select_cert *other = &res->certs[idx];
        if (other->type == cert->type && issued_before(cert, other) &&
            active_on(other->revoked_on, day))
            return false; /* renewed */
    }
    return true;
}

kg_err forecast_add_resident(forecast *fc, const char *office_code, const select_resident *res,
                             const select_result *results)
{
    if (res->removed)
        return KG_OK;
    kg_err err = KG_OK;
    forecast_office *office = office_of(fc, office_code, &err); /* listed even with none */
    if (office == NULL)
        return err;
    for (size_t idx = 0; idx < res->cert_count; idx++) {
        if (!valid_on(res, idx, &results[idx], fc->as_of))
            continue;
        kdate expiry = results[idx].expiry.expiry;
        kdate window_open = results[idx].expiry.window_open;
        /* one visit per distinct expiry: the first valid certificate with it carries it */
        bool seen = false;
        for (size_t earlier = 0; earlier < idx && !seen; earlier++)
            seen = valid_on(res, earlier, &results[earlier], fc->as_of) &&
                   results[earlier].expiry.expiry == expiry;
        office->certificates++;
        if (!seen)
            err = forecast_add_visit(fc, office_code, window_open, expiry);
        if (err != KG_OK)
            return err;
    }
    return KG_OK;
}

void forecast_busiest(const forecast_office *office, int count, int *weeks)
{
    bool taken[FORECAST_WEEKS] = {false};
    for (int rank = 0; rank < count && rank < FORECAST_WEEKS; rank++) {
        int best = -1;
        for (int week = 0; week < FORECAST_WEEKS; week++)
            if (!taken[week] && (best < 0 || office->visits[week] > office->visits[best]))
                best = week;
        taken[best] = true;
        weeks[rank] = best;
    }
}

double forecast_office_total(const forecast_office *office)
{
    double total = 0;
    for (int week = 0; week < FORECAST_WEEKS; week++)
        total += office->visits[week];
    return total;
}
