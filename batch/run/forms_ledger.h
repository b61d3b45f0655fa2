/*
 * forms_ledger.h - records the night's proxy forms in the run's recording transaction
 * (sql/007_forms.sql; domain.md section 5): the form enclosed with each notice, and one
 * inquiry per proxy request that has no form in force.
 *
 * An inquiry whose holder cannot be written to (removed, no address, a character no font
 * has, an address too long for the window) is recorded with its problem and no print
 * file, so that the clerk sees it (forms.csv, kigen forms status); the others get their
 * print file and page in print order, like notices.
 */
#ifndef KIGEN_FORMS_LEDGER_H
#define KIGEN_FORMS_LEDGER_H

#include <stdbool.h>

#include "../common/error.h"
#include "../common/kdate.h"
#include "../db/db.h"
#include "render/notice.h"
#include "select.h"

typedef struct forms_setup {
    bool enclose;                /* a form is the second page of every notice */
    notice_painter *inquiry;     /* the inquiry template's painter (layout check) */
    const select_config *select; /* the 29 February reading, for the holder's age */
    int max_pages;               /* pages per forms print file */
} forms_setup;

/* Inside the recording transaction on conn, after the run's notices are written. */
kg_err forms_record(db_conn *conn, long run_id, kdate run_date, const forms_setup *setup,
                    kg_errbuf *errbuf);

#endif
