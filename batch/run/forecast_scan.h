/*
 * forecast_scan.h - fills a forecast from the database: the nightly run's scan and the
 * rule module, without recording anything.
 *
 * Reads every resident (about 13 s at 1,000,000): called only when forecast_cache holds
 * no matching forecast, i.e. by the first run of a week and by `kigen export` for another
 * week, configuration or take-up (docs/decisions.md D48-D49).
 */
#ifndef KIGEN_FORECAST_SCAN_H
#define KIGEN_FORECAST_SCAN_H

#include "../common/error.h"
#include "../db/db.h"
#include "forecast.h"
#include "select.h"

/* Scans every resident in one REPEATABLE READ transaction on conn and adds each to fc
 * (initialised by the caller; fc->as_of is the scan's run date). */
kg_err forecast_scan(db_conn *conn, const select_config *config, forecast *fc, kg_errbuf *errbuf);

#endif
