/*
 * forecast.h - the renewal-load forecast: expected counter visits per office and week.
 *
 * Pure: the caller feeds residents as the scan delivers them (with select's results for
 * their expiry and window) and gets per office 26 weekly figures; no I/O, no clock. The
 * model (docs/decisions.md D39-D42) is deliberately simple and documented, not learned.
 */
#ifndef KIGEN_FORECAST_H
#define KIGEN_FORECAST_H

#include <stddef.h>

#include "../common/error.h"
#include "../common/kdate.h"
#include "select.h"

#define FORECAST_WEEKS 26
#define FORECAST_TAKE_UP_DEFAULT 0.8 /* D40: an assumption, --take-up changes it */
#define FORECAST_MAX_OFFICES 1000
#define FORECAST_OFFICE_MAX 16

typedef struct forecast_office {
    char office_code[FORECAST_OFFICE_MAX + 1]; /* "" for residents without an office */
    double visits[FORECAST_WEEKS];             /* expected visits (take-up applied) */
    long certificates;                         /* valid certificates behind them */
} forecast_office;

typedef struct forecast {
    kdate as_of;              /* "today": certificates valid on this day count */
    kdate first_week;         /* the Monday that starts week 0 (D41) */
    double take_up;           /* share of due holders who come to the counter */
    forecast_office *offices; /* owned, sorted by office_code; freed by forecast_free */
    size_t office_count;
    size_t office_cap;
} forecast;

/* An empty forecast for as_of. take_up in [0, 1]. */
void forecast_init(forecast *fc, kdate as_of, double take_up);
/* Frees the offices; accepts a zeroed or already-freed forecast. */
void forecast_free(forecast *fc);

/* The first Monday strictly after as_of (D41): week k covers first + 7k .. first + 7k + 6. */
kdate forecast_first_week(kdate as_of);

/* One expected visit (times take_up) of a holder whose renewal window runs from
 * window_open to expiry, spread evenly over the days of the window still ahead
 * (as_of + 1 .. expiry; D42). Days outside the 26 weeks are dropped. KG_ERR_NOMEM, or
 * KG_ERR_INTERNAL past FORECAST_MAX_OFFICES offices. */
kg_err forecast_add_visit(forecast *fc, const char *office_code, kdate window_open, kdate expiry);

/* Every certificate of res that is valid on as_of (D39: resident registered, card valid,
 * certificate not revoked, not renewed, not a void sign, computable, not expired) makes
 * one visit per distinct expiry date (a sign and an auth ending together are renewed in
 * one visit). results[i] is select_resident_evaluate's result for res->certs[i]. */
kg_err forecast_add_resident(forecast *fc, const char *office_code, const select_resident *res,
                             const select_result *results);

/* Sets office_code's figures as they were computed before (a forecast read back from
 * the cache): its certificates and 26 weekly visits, replacing any it had. Offices stay
 * sorted by code. KG_ERR_NOMEM, or KG_ERR_INTERNAL past FORECAST_MAX_OFFICES offices. */
kg_err forecast_set_office(forecast *fc, const char *office_code, long certificates,
                           const double visits[FORECAST_WEEKS]);

/* The `count` busiest weeks of office (most visits first, the earlier week on ties) into
 * weeks[]; count <= FORECAST_WEEKS. */
void forecast_busiest(const forecast_office *office, int count, int *weeks);

/* The office's total over the 26 weeks. */
double forecast_office_total(const forecast_office *office);

#endif
