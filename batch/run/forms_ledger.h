/*
 * forms_ledger.h - the night's proxy forms in the run's recording transaction
 * (sql/007_forms.sql; docs/rules.md section 5): the control numbers, and one inquiry per
 * proxy request that has no form in force (the form enclosed with each notice is
 * recorded with its notice: ledger.h).
 *
 * An inquiry whose holder cannot be written to (removed, no address, a character no font
 * has, an address too long for the window, a proxy name or an office's sender block that
 * cannot be printed: printable.h) is recorded with its problem and no print file, so that the clerk
 * sees it (forms.csv, kigen forms status); the others get their print file and page in print order,
 * like notices.
 */
#ifndef KIGEN_FORMS_LEDGER_H
#define KIGEN_FORMS_LEDGER_H

#include "../common/error.h"
#include "../common/kdate.h"
#include "../db/db.h"
#include "render/notice.h"
#include "printable.h"
#include "select.h"

typedef struct forms_setup {
    const printable_pages *inquiry;   /* the inquiry's pages (printability checks) */
    const printable_offices *offices; /* the offices' sender blocks, checked */
    const select_config *select;      /* the 29 February reading, for the holder's age */
    int max_pages;                    /* pages per forms print file */
} forms_setup;

/* A new control number (D63) into out (CONTROL_NO_SIZE bytes): 55 bits from the
 * kernel's random source. KG_ERR_INTERNAL when that source fails. */
kg_err forms_draw_control_no(char *out, kg_errbuf *errbuf);

/* The inquiries, inside the recording transaction on conn. */
kg_err forms_record_inquiries(db_conn *conn, long run_id, kdate run_date, const forms_setup *setup,
                              kg_errbuf *errbuf);

#endif
