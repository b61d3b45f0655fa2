/*
 * forecast_scan.c - the forecast's own read of the city (see forecast_scan.h).
 */
#include "forecast_scan.h"

#include <stdlib.h>

#include "scan.h"
#include "../common/i18n.h"

kg_err forecast_scan(db_conn *conn, const select_config *config, forecast *fc, kg_errbuf *errbuf)
{
    scan_resident *scanned = malloc(sizeof(*scanned));
    select_result *results = malloc(sizeof(*results) * SELECT_MAX_CERTS);
    kg_err err = KG_OK;
    long listed = 0;
    if (scanned == NULL || results == NULL)
        err = kg_fail(errbuf, KG_ERR_NOMEM, _("unable to scan for the forecast: out of memory"));
    if (err == KG_OK)
        err = db_exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ", errbuf);
    if (err == KG_OK)
        err = scan_prepare_due(conn, fc->as_of, 0, true, &listed, errbuf);
    if (err == KG_OK)
        err = scan_begin(conn, false, errbuf);
    while (err == KG_OK) {
        err = scan_next(conn, NULL, scanned, errbuf);
        if (err == KG_OK)
            err = select_resident_evaluate(&scanned->res, config, fc->as_of, results);
        if (err == KG_OK)
            err = forecast_add_resident(fc, scanned->office_code, &scanned->res, results);
    }
    if (err == KG_EOF)
        err = db_exec(conn, "COMMIT", errbuf);
    else if (err != KG_OK && scanned != NULL && results != NULL)
        db_exec(conn, "ROLLBACK", NULL);
    free(scanned);
    free(results);
    return err;
}
