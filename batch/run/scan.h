/*
 * scan.h - the nightly run's read of the database: one COPY row per resident with all
 * of their certificates (with the card's dates and the ledger's "already noticed"),
 * moves and changes, parsed into a select_resident.
 *
 * Streams: memory is one resident, whatever the size of the city. Does not decide
 * anything (select.h does) and does not write.
 */
#ifndef KIGEN_SCAN_H
#define KIGEN_SCAN_H

#include <stddef.h>

#include "../common/error.h"
#include "../db/db.h"
#include "select.h"

#define SCAN_MAX_EVENTS 128

/* One resident as scanned; everything lives in this struct (no pointers outside it). */
typedef struct scan_resident {
    select_resident res; /* its arrays point into the fields below */
    char office_code[17];
    char postal_code[8];
    char glyph_detail[96];
    select_cert certs[SELECT_MAX_CERTS];
    select_move moves[SCAN_MAX_EVENTS];
    select_change changes[SCAN_MAX_EVENTS];
} scan_resident;

/* The scan's SELECT (for COPY and for the benchmark's raw reads). Residents with at
 * least one certificate; every value is read from pg_temp.run_params, which
 * scan_begin fills with parameters. */
const char *scan_select_sql(void);

/* Creates pg_temp.run_params(run_date) with the run date and starts the COPY on conn
 * (inside the caller's transaction). */
kg_err scan_begin(db_conn *conn, kdate run_date, kg_errbuf *errbuf);

/* The next resident into *out; KG_EOF after the last. A row the parser cannot read is
 * KG_ERR_INTERNAL (the query and the parser disagree: a bug, not data). */
kg_err scan_next(db_conn *conn, scan_resident *out, kg_errbuf *errbuf);

#endif
