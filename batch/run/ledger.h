/*
 * ledger.h - the run's bookkeeping in PostgreSQL (sql/002_ledger.sql, 003_findings.sql):
 * the run record and its status, and the transaction that records a run's notices
 * (numbered), exclusions and findings all at once.
 *
 * Status: running (record written, nothing recorded) -> recorded (ledger committed,
 * files may be missing) -> done (files written). A run killed before `recorded` left
 * nothing but its `running` record, which the next run marks failed; one killed after
 * it is finished from the ledger by the next run, without a new scan.
 */
#ifndef KIGEN_LEDGER_H
#define KIGEN_LEDGER_H

#include <stdbool.h>

#include "../common/error.h"
#include "../common/kdate.h"
#include "../common/strbuf.h"
#include "../db/db.h"
#include "forms_ledger.h"
#include "select.h"

typedef enum ledger_status {
    LEDGER_NONE = 0, /* no usable run for the date */
    LEDGER_RECORDED, /* ledger committed, outputs not confirmed */
    LEDGER_DONE      /* ledger and outputs complete */
} ledger_status;

/* The run of run_date that recorded its ledger, if any; runs left `running` by a
 * killed process are marked `failed` on the way. */
kg_err ledger_find_run(db_conn *conn, kdate run_date, ledger_status *status, long *run_id,
                       kg_errbuf *errbuf);

/* Inserts the run record (status running, committed at once) and returns its id. */
kg_err ledger_start_run(db_conn *conn, kdate run_date, const char *version, const char *config_json,
                        long *run_id, kg_errbuf *errbuf);

/* Who a notice goes to, as it will be printed (copied into kigen.notices). */
typedef struct ledger_addressee {
    const char *office_code; /* "" when none */
    const char *postal_code; /* "" when none */
    const char *family_name, *given_name, *address, *banchi, *address2;
    bool to_representative; /* under 15 on the run date */
} ledger_addressee;

/* The recording transaction of a run, on a connection of its own (not owned). The
 * caller owns the writer and frees it with ledger_writer_free; a failure leaves the
 * transaction to be rolled back by closing the connection. */
typedef struct ledger_writer {
    db_conn *conn;
    kdate run_date;
    char date[KDATE_ISO_LEN + 1];
    char prefix[9]; /* YYYYMMDD of the notice numbers */
    long notices_per_file;
    int pages_per_notice;
    bool enclose;        /* each notice carries an enclosed form with its control number */
    strbuf row;          /* owned: the CSV row being put into the COPY */
    long seq;            /* notices numbered so far */
    long office_seq;     /* ... of the current office */
    char office[128];    /* the current office ("" none) */
    char *return_ids;    /* owned: the returns the scan saw, a bigint[] literal (D91) */
    char *return_lifted; /* owned: what lifted each of them, a text[] literal (NULL: holds) */
    long rows;           /* rows put into the COPY of the night's rows */
    /* set by ledger_commit, for the run's log (wall seconds): the end of the COPY, the
     * statements that fill the ledger's tables (and the rest of its rows: inquiries,
     * offices, returns, the run's status), the settled marks of cert_schedule, the COMMIT */
    double copy_end_seconds, distribute_seconds, settle_seconds, commit_seconds;
} ledger_writer;

/* Opens the recording transaction on conn (holding the schedule lock: schedule.h) and
 * the COPY of the night's rows: notices of run_date, notices_per_file to a print file,
 * pages_per_notice pages each. */
kg_err ledger_begin(ledger_writer *writer, db_conn *conn, kdate run_date, int notices_per_file,
                    int pages_per_notice, bool enclose, kg_errbuf *errbuf);

/* Adds one resident's outcomes, results[i] for res->certs[i]: a notice when any
 * certificate is noticed (numbered YYYYMMDD-nnnnnn, placed in
 * notices-<office>-<nnn>.pdf: residents must come in print order, office first),
 * exclusions, an E7 mismatch as a finding, and the settled marks of final outcomes
 * (D28). Not-due, already-noticed and already-excluded certificates are not recorded. */
kg_err ledger_add_resident(ledger_writer *writer, const select_resident *res,
                           const ledger_addressee *to, const select_result *results,
                           kg_errbuf *errbuf);

/* Ends the COPY, distributes the rows into the ledger, then the inquiries (forms_ledger.h; forms
 * NULL or without an inquiry painter: none), sets status recorded with the counts, commits. */
/* Reads, on the scan's connection and snapshot (reader), the returns in force on the run
 * date as the run judges them (kigen.return_lifted), for ledger_commit to copy into
 * kigen.run_returns (D91): each while it holds, and once more on the first run that finds
 * it lifted. Reading them in the scan's snapshot keeps the run's record and its selection
 * in agreement whatever the counter records meanwhile. */
kg_err ledger_read_returns(ledger_writer *writer, db_conn *reader, kg_errbuf *errbuf);

kg_err ledger_commit(ledger_writer *writer, long run_id, const char *counts_json,
                     const forms_setup *forms, kg_errbuf *errbuf);

void ledger_writer_free(ledger_writer *writer);

/* Sets status done and the end time. */
kg_err ledger_mark_done(db_conn *conn, long run_id, kg_errbuf *errbuf);

#endif
