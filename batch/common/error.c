/*
 * error.c - the table behind kg_err: short code, message and exit class of each value.
 *
 * One designated-initialiser table; a static assertion and a unit test keep it complete.
 */
#include "error.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "i18n.h"

typedef struct err_entry {
    const char *code;
    const char *message;
    int exit_status;
} err_entry;

static const err_entry err_table[] = {
    [KG_OK] = {"ok", N_("success"), KG_EXIT_OK},
    [KG_EOF] = {"eof", N_("end of input"), KG_EXIT_OK},
    [KG_ERR_NOMEM] = {"nomem", N_("out of memory"), KG_EXIT_OUTPUT},
    [KG_ERR_USAGE] = {"usage", N_("invalid command line"), KG_EXIT_USAGE},
    [KG_ERR_IO_READ] = {"io_read", N_("unable to read input"), KG_EXIT_INPUT},
    [KG_ERR_IO_WRITE] = {"io_write", N_("unable to write output"), KG_EXIT_OUTPUT},
    [KG_ERR_DATE_SYNTAX] = {"date_syntax", N_("not a date of the form YYYY-MM-DD"), KG_EXIT_INPUT},
    [KG_ERR_DATE_INVALID] = {"date_invalid", N_("no such day in the calendar"), KG_EXIT_INPUT},
    [KG_ERR_DATE_RANGE] = {"date_range", N_("date outside 0001-01-01..9999-12-31"), KG_EXIT_INPUT},
    [KG_ERR_WAREKI_RANGE] = {"wareki_range", N_("date before 1873-01-01 has no Gregorian era date"),
                             KG_EXIT_INPUT},
    [KG_ERR_CERT_TYPE] = {"cert_type", N_("certificate type is not sign, auth or juki"),
                          KG_EXIT_INPUT},
    [KG_ERR_BIRTH_MISSING] = {"birth_date_missing", N_("birth date is missing"), KG_EXIT_INPUT},
    [KG_ERR_ISSUE_MISSING] = {"issued_on_missing", N_("issue date is missing"), KG_EXIT_INPUT},
    [KG_ERR_ISSUED_BEFORE_BIRTH] = {"issued_before_birth",
                                    N_("issue date is before the birth date"), KG_EXIT_INPUT},
    [KG_ERR_CARD_BEFORE_ISSUE] = {"card_expires_before_issue",
                                  N_("card expires before the certificate was issued"),
                                  KG_EXIT_INPUT},
    [KG_ERR_STAY_BEFORE_ISSUE] = {"stay_expires_before_issue",
                                  N_("period of stay ended before the certificate was issued"),
                                  KG_EXIT_INPUT},
    [KG_ERR_AUTH_BEFORE_ISSUE] =
        {"auth_expires_before_issue",
         N_("auth certificate expires before the sign certificate was issued"), KG_EXIT_INPUT},
    [KG_ERR_JUKI_TOO_LATE] = {"juki_issued_after_2015",
                              N_("juki certificates were issued only until 2015-12-22"),
                              KG_EXIT_INPUT},
    [KG_ERR_BAD_BIRTH_DATE] = {"bad_birth_date", N_("birth_date is not a valid date"),
                               KG_EXIT_INPUT},
    [KG_ERR_BAD_ISSUED_ON] = {"bad_issued_on", N_("issued_on is not a valid date"), KG_EXIT_INPUT},
    [KG_ERR_BAD_CARD_EXPIRES] = {"bad_card_expires", N_("card_expires is not a valid date"),
                                 KG_EXIT_INPUT},
    [KG_ERR_BAD_STAY_EXPIRES] = {"bad_stay_expires", N_("stay_expires is not a valid date"),
                                 KG_EXIT_INPUT},
    [KG_ERR_BAD_AUTH_EXPIRES] = {"bad_auth_expires", N_("auth_expires is not a valid date"),
                                 KG_EXIT_INPUT},
    [KG_ERR_BAD_PREV_EXPIRY] = {"bad_prev_expiry", N_("prev_expiry is not a valid date"),
                                KG_EXIT_INPUT},
    [KG_ERR_BAD_RECORDED] = {"bad_recorded_expiry", N_("recorded_expiry is not a valid date"),
                             KG_EXIT_INPUT},
    [KG_ERR_CSV_QUOTE] = {"csv_quote", N_("stray quote character in a field"), KG_EXIT_INPUT},
    [KG_ERR_CSV_UNTERMINATED] = {"csv_unterminated", N_("input ends inside a quoted field"),
                                 KG_EXIT_INPUT},
    [KG_ERR_CSV_TOO_LONG] = {"csv_too_long", N_("record is longer than the limit"), KG_EXIT_INPUT},
    [KG_ERR_CSV_TOO_MANY_FIELDS] = {"csv_too_many_fields", N_("record has too many fields"),
                                    KG_EXIT_INPUT},
    [KG_ERR_CSV_HEADER] = {"csv_header", N_("header is missing a required column"), KG_EXIT_INPUT},
    [KG_ERR_CSV_FIELD_COUNT] = {"csv_field_count", N_("record has fewer fields than the header"),
                                KG_EXIT_INPUT},
    [KG_ERR_CONFIG] = {"config", N_("invalid configuration"), KG_EXIT_USAGE},
    [KG_ERR_DB_CONNECT] = {"db_connect", N_("unable to connect to the database"), KG_EXIT_DB},
    [KG_ERR_DB_QUERY] = {"db_query", N_("database statement failed"), KG_EXIT_DB},
    [KG_ERR_INTERNAL] = {"internal", N_("internal error"), KG_EXIT_OUTPUT},
    [KG_ERR_ISSUED_AFTER_RUN] = {"issued_after_run_date", N_("issued after the run date"),
                                 KG_EXIT_INPUT},
    [KG_ERR_CARD_DATES] = {"card_dates_inconsistent", N_("the card expires before it was issued"),
                           KG_EXIT_INPUT},
    [KG_ERR_LINKED_BAD_DATA] = {"linked_bad_data",
                                N_("the certificate it renews or that caps it has bad data"),
                                KG_EXIT_INPUT},
    [KG_ERR_RUN_BUSY] = {"run_busy", N_("another kigen run is in progress"), KG_EXIT_BUSY},
    [KG_ERR_POSTAL_CODE] = {"bad_postal_code", N_("postal code is not 7 digits"), KG_EXIT_INPUT},
    [KG_ERR_POSTAL_CODE_NO_BARCODE] = {"representative_postal_code",
                                       N_("postal code ends in 00: no customer barcode is printed"),
                                       KG_EXIT_INPUT},
    [KG_ERR_ADDRESS_ENCODING] = {"address_encoding", N_("address is not valid UTF-8"),
                                 KG_EXIT_INPUT},
    [KG_ERR_FONT_LOAD] = {"font_load", N_("unable to load a font"), KG_EXIT_USAGE},
    [KG_ERR_TEXT_TOO_LONG] = {"text_too_long", N_("text is longer than the shaping limit"),
                              KG_EXIT_OUTPUT},
    [KG_ERR_DRAW] = {"draw", N_("unable to draw on the page"), KG_EXIT_OUTPUT},
    [KG_ERR_TEMPLATE] = {"template", N_("the notice template is broken"), KG_EXIT_USAGE},
    [KG_ERR_LAYOUT] = {"layout", N_("a text does not fit its place on the page"), KG_EXIT_USAGE},
    [KG_ERR_CONTROL_NO] = {"control_no",
                           N_("not a control number: malformed or its check character is wrong"),
                           KG_EXIT_INPUT},
    [KG_ERR_FORM_UNKNOWN] = {"form_unknown", N_("no form with this control number"), KG_EXIT_INPUT},
    [KG_ERR_FORM_STATE] = {"form_state",
                           N_("the form's state does not allow this (void, returned or enclosed)"),
                           KG_EXIT_INPUT},
    [KG_ERR_TEXT_ENCODING] = {"text_encoding", N_("text is not valid UTF-8"), KG_EXIT_INPUT},
    [KG_ERR_TEXT_CONTROL] = {"text_control",
                             N_("text holds a control character (U+0000-U+001F, U+007F-U+009F)"),
                             KG_EXIT_INPUT},
    [KG_ERR_TEXT_NONCHARACTER] = {"text_noncharacter",
                                  N_("text holds a Unicode noncharacter (U+FDD0-U+FDEF, U+xxFFFE, "
                                     "U+xxFFFF)"),
                                  KG_EXIT_INPUT},
    [KG_ERR_MANIFEST] =
        {"manifest", N_("the folder does not match its manifest.json, or has no kigen manifest"),
         KG_EXIT_INPUT},
    [KG_ERR_NOTICE_NO] = {"notice_no", N_("not a notice number (YYYYMMDD-nnnnnn)"), KG_EXIT_INPUT},
    [KG_ERR_NOTICE_UNKNOWN] = {"notice_unknown", N_("no notice with this number"), KG_EXIT_INPUT},
    [KG_ERR_NOTICE_STATE] = {"notice_state",
                             N_("the notice's returns do not allow this (already returned, nothing "
                                "to take back)"),
                             KG_EXIT_INPUT},
};

_Static_assert(sizeof(err_table) / sizeof(err_table[0]) == KG_ERR__COUNT,
               "err_table must have one entry per kg_err value");

static const err_entry *err_lookup(kg_err err)
{
    static const err_entry unknown = {"unknown", N_("unknown error"), KG_EXIT_OUTPUT};
    if ((int)err < 0 || err >= KG_ERR__COUNT || err_table[err].code == NULL)
        return &unknown;
    return &err_table[err];
}

const char *kg_err_code(kg_err err)
{
    return err_lookup(err)->code;
}

const char *kg_strerror(kg_err err)
{
    return _(err_lookup(err)->message);
}

int kg_err_exit_status(kg_err err)
{
    return err_lookup(err)->exit_status;
}

kg_err kg_fail(kg_errbuf *buf, kg_err err, const char *fmt, ...)
{
    if (buf == NULL)
        return err;
    va_list args;
    va_start(args, fmt);
    vsnprintf(buf->text, sizeof(buf->text), fmt, args);
    va_end(args);
    return err;
}

void kg_hint(kg_errbuf *buf, const char *fmt, ...)
{
    if (buf == NULL)
        return;
    va_list args;
    va_start(args, fmt);
    vsnprintf(buf->hint, sizeof(buf->hint), fmt, args);
    va_end(args);
}
