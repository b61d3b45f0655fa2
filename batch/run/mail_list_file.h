/*
 * mail_list_file.h - registered-mail.pdf in the run's folder: the night's inquiry forms
 * for the post office (render/mail_list.h), from the ledger, written privately and
 * atomically like the print files (pdf_file.h). registered-mail.csv, the same rows, is
 * outputs.c's.
 */
#ifndef KIGEN_MAIL_LIST_FILE_H
#define KIGEN_MAIL_LIST_FILE_H

#include "../common/error.h"
#include "../common/kdate.h"
#include "../db/db.h"
#include "render/text.h"

#define MAIL_LIST_FILE "registered-mail.pdf"

/* The list of run_date's inquiries (none: a page saying so) into dir. The query reads
 * the run date from pg_temp.out_params: the caller sets it first (outputs_set_params). */
kg_err mail_list_file_write(db_conn *conn, text_fonts *fonts, const char *dir, kdate run_date,
                            kg_errbuf *errbuf);

/* The query of its rows: control_no, office_code,
 * office_name, postal_code, address, name, request_id, file, page. Reads the run date from
 * pg_temp.out_params. */
const char *mail_list_sql(void);

/* The same rows for registered-mail.csv: the control number as printed, XXXX-XXXX-XXXX
 * (D118). */
const char *mail_list_csv_sql(void);

#endif
