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

#include <stdbool.h>
#include <stddef.h>

#include "../common/error.h"
#include "../db/db.h"
#include "render/text.h"
#include "select.h"

#define SCAN_MAX_EVENTS 128

/* One resident as scanned; everything lives in this struct (no pointers outside it). */
typedef struct scan_resident {
    select_resident res; /* its arrays point into the fields below */
    char office_code[17];
    char postal_code[8];
    char glyph_detail[96];
    /* what the notice prints, unescaped (the schema bounds them: 50, 50, 200, 100, 100
     * characters of at most 4 bytes) */
    char family_name[256], given_name[256], address[1024], banchi[512], address2[512];
    select_cert certs[SELECT_MAX_CERTS];
    select_move moves[SCAN_MAX_EVENTS];
    select_change changes[SCAN_MAX_EVENTS];
    select_return returned; /* res.returned points here when there is one */
} scan_resident;

/* The scan reads the residents listed in pg_temp.scan_residents (a temporary table of
 * the session), filled by one of the two prepare functions inside the caller's
 * transaction; *count is the number listed. */

/* The nightly run: every resident who can have something to decide on run_date (the
 * schedule's window, bad data, issues after the date, stale residents; the whole city
 * while the schedule has not been computed), or with whole_city every resident. */
kg_err scan_prepare_due(db_conn *conn, kdate run_date, int lead_days, bool whole_city, long *count,
                        kg_errbuf *errbuf);

/* The schedule refresh: moves the stale list into the set (deleting it from
 * kigen.schedule_stale); *whole_city when it held resident 0 (then every resident). */
kg_err scan_prepare_stale(db_conn *conn, long *count, bool *whole_city, kg_errbuf *errbuf);

/* Starts the COPY of the scan (inside the caller's transaction); with print_order the
 * residents come in the print order of notices (D52: office, postal code, address,
 * banchi, address2 byte-wise, resident id), as the run's ledger numbers them. */
kg_err scan_begin(db_conn *conn, bool print_order, kg_errbuf *errbuf);

/* The SQL texts, for the benchmark's raw reads (`kigen run --scan-sql`): the temporary
 * table, its fill for the run ($1 run date, $2 lead days) and the run's SELECT (in print
 * order). */
const char *scan_set_create_sql_text(void);
const char *scan_due_fill_sql_text(void);
const char *scan_select_sql(void);

/* The next resident into *out; KG_EOF after the last. Names and addresses are checked
 * against fonts (glyph.h; NULL: only for private-use characters) into res.glyph_problem. A row the
 * parser cannot read is KG_ERR_INTERNAL (the query and the parser disagree: a bug, not data). */
kg_err scan_next(db_conn *conn, const text_fonts *fonts, scan_resident *out, kg_errbuf *errbuf);

#endif
