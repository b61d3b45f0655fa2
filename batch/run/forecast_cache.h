/*
 * forecast_cache.h - the forecast of each week, computed once and kept in PostgreSQL
 * (sql/005_forecast.sql; docs/decisions.md D48-D49).
 *
 * A forecast's weeks start on the first Monday after its as-of date (D41), so the one
 * computed by the first run of a week serves every later run of that week with the same
 * rule readings, version and take-up: the nightly run reads the whole city for the
 * forecast once a week. Each run remembers the forecast its workbook used, so a re-run
 * writes the same Forecast sheet. Computing is forecast_scan's job, not this module's.
 */
#ifndef KIGEN_FORECAST_CACHE_H
#define KIGEN_FORECAST_CACHE_H

#include "../common/error.h"
#include "../common/log.h"
#include "../db/db.h"
#include "forecast.h"
#include "select.h"

/* What a forecast depends on. Every pointer is borrowed for the duration of the call.
 * The key is the week of as_of, the version, select->rules (W1/W2, the 29 February
 * reading) and take_up; lead days and mover months decide notices, not the forecast. */
typedef struct forecast_request {
    kdate as_of;                 /* the run date (`kigen export`: --to) */
    const char *version;         /* KIGEN_VERSION */
    const select_config *select; /* the configuration: its rules in the key, all of it for
                                    forecast_scan on a miss */
    double take_up;              /* the figures are multiplied by it */
} forecast_request;

#define FORECAST_RULES_JSON_MAX 64

/* select->rules as the key's JSON object, {"window": "w1", "feb29": "feb28"}, into buf
 * (FORECAST_RULES_JSON_MAX bytes). */
void forecast_cache_rules_json(const select_config *select, char *buf, size_t cap);

/* Where a run's forecast came from. */
typedef enum forecast_source {
    FORECAST_FROM_RUN,   /* the forecast this run's workbook used before (a re-run) */
    FORECAST_FROM_CACHE, /* computed by an earlier run of the same week */
    FORECAST_COMPUTED    /* computed now by forecast_scan, stored and linked to the run */
} forecast_source;

/* The cached forecast for request's week (forecast_first_week(as_of)), version, rule
 * readings and take-up into fc, which is freed and re-initialised with the stored
 * as-of date (a day of the week before first_week, not necessarily request->as_of).
 * *forecast_id is its id, or 0 when there is none (fc is then left as it was).
 * KG_ERR_DB_QUERY, KG_ERR_NOMEM; KG_ERR_INTERNAL for rows the forecast cannot hold. */
kg_err forecast_cache_find(db_conn *conn, const forecast_request *request, forecast *fc,
                           long *forecast_id, kg_errbuf *errbuf);

/* Stores fc (as of request->as_of) under request's key and, when run_id > 0, links it to
 * that run, in one transaction on conn (which must not be inside one): a failure, or a
 * kill (KIGEN_CRASH_AT=forecast stops the process just before the COMMIT), leaves no row.
 * A forecast already stored under the key is KG_ERR_DB_QUERY (the run lock makes that a
 * bug). *forecast_id is the new id. */
kg_err forecast_cache_store(db_conn *conn, const forecast_request *request, const forecast *fc,
                            long run_id, long *forecast_id, kg_errbuf *errbuf);

/* The forecast of run run_id's workbook into fc (initialised by the caller; re-initialised
 * here): the one the run used before if any; else the cached one of its week, linked to
 * the run; else computed by forecast_scan as of request->as_of, stored and linked in one
 * transaction. Logs which at info level; *source says it (may be NULL). The caller holds
 * the run lock. Errors as forecast_cache_find, forecast_scan and forecast_cache_store. */
kg_err forecast_cache_for_run(db_conn *conn, long run_id, const forecast_request *request,
                              const log_sink *log, forecast *fc, forecast_source *source,
                              kg_errbuf *errbuf);

#endif
