/*
 * forecast_scan.h - fills a forecast from the database: the nightly run's scan and the
 * rule module, without recording anything.
 *
 * For `kigen export` and for a run finished from its ledger; a fresh `kigen run` feeds
 * the forecast from its own scan instead (one read of the city, not two).
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
