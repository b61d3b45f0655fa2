/*
 * form_counter.h - what the counter does with a proxy form (kigen.forms, sql/007): record
 * that it came back, void it for a reissue, list those overdue or undeliverable.
 *
 * Each action is one transaction that locks the form's row, checks its state and updates
 * it: two clerks scanning the same form count it twice in return_scans and record the
 * first date once. Every scan and every take-back of a scan is a row of the counter's
 * history (kigen.form_events, sql/010), from which the form's returned_on,
 * undeliverable_on and return_scans follow. Does not create forms (the nightly run does)
 * and prints nothing (cmd_forms.c does). Rules: docs/decisions.md D58-D62, D79, D80.
 */
#ifndef KIGEN_FORM_COUNTER_H
#define KIGEN_FORM_COUNTER_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/control_no.h"
#include "../common/error.h"
#include "../common/kdate.h"
#include "../db/db.h"

/* One form as the ledger holds it. Dates are KDATE_NONE when empty. */
typedef struct form_record {
    char control_no[CONTROL_NO_SIZE]; /* canonical */
    char kind[16];                    /* "enclosed" or "inquiry" */
    kdate run_date;
    long resident_id;
    char name[256];                    /* family and given name as printed, joined by U+3000 */
    char office_code[32];              /* "" when none */
    char notice_no[32];                /* enclosed: its notice; "" otherwise */
    long request_id;                   /* inquiry: its proxy request; 0 otherwise */
    kdate valid_until;                 /* enclosed: the notice's expiry */
    kdate returned_on;                 /* first answered scan */
    kdate undeliverable_on;            /* came back from the post office */
    kdate voided_on;                   /* reissued */
    long return_scans;                 /* every scan, the first included */
    char replaced_by[CONTROL_NO_SIZE]; /* a void form's successor (reissue_of), "" if none */
} form_record;

/* One scan of the counter's history (kigen.form_events). */
typedef struct form_scan {
    char action[16];      /* "returned" or "undeliverable" */
    kdate day;            /* the day the clerk gave */
    char clerk[64];       /* the clerk's OS user; "" for a scan recorded before sql/010 */
    char recorded_at[24]; /* "YYYY-MM-DD HH:MM" (Japan time); "" when unknown */
} form_scan;

/* Records one scan of the form control_no (canonical) on day by clerk (the OS user);
 * undeliverable: it came back from the post office unopened. First scan: returned_on (or
 * undeliverable_on) = day, return_scans = 1. Later scans: return_scans + 1 and nothing
 * else, except that an answered scan of a form that had come back undeliverable sets
 * returned_on (D60). *before and *after: the form before and after. KG_ERR_FORM_UNKNOWN
 * when no form has the number; KG_ERR_FORM_STATE (nothing changed) when it is void or was
 * produced after day; KG_ERR_DB_QUERY. */
kg_err form_counter_return(db_conn *conn, const char *control_no, kdate day, bool undeliverable,
                           const char *clerk, form_record *before, form_record *after,
                           kg_errbuf *errbuf);

/* Takes back the last scan of the form control_no that is not taken back yet (D80): an
 * undo on day by clerk is added to the history, and the form's returned_on,
 * undeliverable_on and return_scans become those of its remaining scans. *undone: the
 * scan taken back. KG_ERR_FORM_UNKNOWN; KG_ERR_FORM_STATE (nothing changed) when the form
 * is void, has no scan left, or its last scan is dated after day; KG_ERR_DB_QUERY. */
kg_err form_counter_undo(db_conn *conn, const char *control_no, kdate day, const char *clerk,
                         form_scan *undone, form_record *before, form_record *after,
                         kg_errbuf *errbuf);

/* Voids the inquiry form control_no on day so that the next run produces a new one for
 * its request (D61). KG_ERR_FORM_STATE (nothing changed) for an enclosed form, one
 * already void, one answered (returned_on set; an undeliverable one can be reissued) or
 * one produced after day; KG_ERR_FORM_UNKNOWN; KG_ERR_DB_QUERY. *form: the form after. */
kg_err form_counter_reissue(db_conn *conn, const char *control_no, kdate day, form_record *form,
                            kg_errbuf *errbuf);

typedef enum form_listing {
    FORM_LIST_OVERDUE = 0,      /* inquiry forms open more than overdue_days after the run */
    FORM_LIST_UNDELIVERABLE = 1 /* undeliverable, not reissued, not answered; enclosed ones
                                 * while valid on day */
} form_listing;

/* A listing: forms sorted by run date (overdue) or undeliverable date, then control
 * number. Owned: form_list_free releases rows (and accepts a zeroed list). */
typedef struct form_list {
    form_record *rows;
    size_t count;
} form_list;

/* Fills *out with the forms of the listing as of day (D58, D59). KG_ERR_DB_QUERY,
 * KG_ERR_NOMEM; *out is then empty. */
kg_err form_counter_list(db_conn *conn, form_listing listing, kdate day, int overdue_days,
                         form_list *out, kg_errbuf *errbuf);

void form_list_free(form_list *list);

#endif
