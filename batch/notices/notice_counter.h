/*
 * notice_counter.h - what the counter does with a notice that the post office brought back
 * (kigen.notice_events, sql/012): record the return, take a return recorded by mistake
 * back, list the returns still to follow up.
 *
 * Each action is one transaction that locks the notice's row, checks its returns and adds
 * one event; nothing is updated or deleted (D89). Words nothing: a refusal comes back as a
 * notice_refusal with the facts, which cmd_notices.c turns into the message. Does not
 * decide what a return blocks (select.c, kigen.return_lifted). Rules: docs/decisions.md
 * D88-D91.
 */
#ifndef KIGEN_NOTICE_COUNTER_H
#define KIGEN_NOTICE_COUNTER_H

#include <stddef.h>

#include "../common/error.h"
#include "../common/kdate.h"
#include "../db/db.h"
#include "notice_no.h"
#include "return_reason.h"

/* A notice as the ledger holds it. */
typedef struct notice_record {
    char notice_no[NOTICE_NO_SIZE];
    kdate run_date; /* the night it was recorded and mailed */
    long resident_id;
    char name[256];       /* family and given name as printed, joined by U+3000 */
    char office_code[32]; /* "" when none */
    char run_status[16];  /* its run's: "done" once its print files are written */
} notice_record;

/* One return of the counter's history. */
typedef struct notice_return {
    long event_id;
    kdate returned_on; /* the day the clerk gave */
    return_reason reason;
    char clerk[64];       /* the clerk's OS user */
    char recorded_at[24]; /* "YYYY-MM-DD HH:MM" (Japan time) */
    char lifted[128];     /* listings: what lifts it ("" while it holds) */
    notice_record notice; /* listings: its notice */
} notice_return;

typedef enum notice_refusal {
    NOTICE_REFUSAL_NONE = 0,
    NOTICE_REFUSAL_NOT_PRINTED,       /* its run has not written its print files (not done) */
    NOTICE_REFUSAL_BEFORE_MAILED,     /* the day is before the notice's run date */
    NOTICE_REFUSAL_ALREADY_RETURNED,  /* a return is in force: *existing */
    NOTICE_REFUSAL_NOTHING_TO_UNDO,   /* no return in force */
    NOTICE_REFUSAL_UNDO_BEFORE_RETURN /* the undo's day is before the return's: *existing */
} notice_refusal;

/* Records that notice_no (canonical) came back on day for reason, by clerk. *notice: the
 * notice; *recorded: the return recorded, or with NOTICE_REFUSAL_ALREADY_RETURNED the one
 * in force. KG_ERR_NOTICE_UNKNOWN when no notice has the number; KG_ERR_NOTICE_STATE with
 * *refusal (nothing recorded); KG_ERR_DB_QUERY. */
kg_err notice_counter_return(db_conn *conn, const char *notice_no, kdate day, return_reason reason,
                             const char *clerk, notice_record *notice, notice_return *recorded,
                             notice_refusal *refusal, kg_errbuf *errbuf);

/* Takes back the return in force of notice_no, on day, by clerk: an undo event naming it.
 * *undone: that return. Errors as notice_counter_return (NOTHING_TO_UNDO,
 * UNDO_BEFORE_RETURN). */
kg_err notice_counter_undo(db_conn *conn, const char *notice_no, kdate day, const char *clerk,
                           notice_record *notice, notice_return *undone, notice_refusal *refusal,
                           kg_errbuf *errbuf);

/* The returns in force on day that nothing lifts yet (kigen.return_lifted), sorted by the
 * day they came back, then notice number. Owned: notice_return_list_free. */
typedef struct notice_return_list {
    notice_return *rows;
    size_t count;
} notice_return_list;

kg_err notice_counter_list(db_conn *conn, kdate day, notice_return_list *out, kg_errbuf *errbuf);

void notice_return_list_free(notice_return_list *list);

#endif
