/*
 * error.h - the one error enum of kigen, its stable short codes and messages.
 *
 * Every function that can fail returns a kg_err. Values are stable (they appear in
 * logs, `error:<code>` filter lines and the ledger): append, never renumber. Each value
 * also belongs to an exit class (see kg_err_exit_status) that main maps to the exit code.
 */
#ifndef KIGEN_ERROR_H
#define KIGEN_ERROR_H

typedef enum kg_err {
    KG_OK = 0,                       /* success */
    KG_EOF = 1,                      /* end of input reached (not a failure) */
    KG_ERR_NOMEM = 2,                /* memory allocation failed */
    KG_ERR_USAGE = 3,                /* bad command line */
    KG_ERR_IO_READ = 4,              /* reading an input failed */
    KG_ERR_IO_WRITE = 5,             /* writing an output failed */
    KG_ERR_DATE_SYNTAX = 6,          /* not of the form YYYY-MM-DD */
    KG_ERR_DATE_INVALID = 7,         /* YYYY-MM-DD but no such day (2023-02-29) */
    KG_ERR_DATE_RANGE = 8,           /* a day outside 0001-01-01..9999-12-31 */
    KG_ERR_WAREKI_RANGE = 9,         /* before 1873-01-01: no Gregorian 和暦 */
    KG_ERR_CERT_TYPE = 10,           /* certificate type not sign, auth or juki */
    KG_ERR_BIRTH_MISSING = 11,       /* no birth date where the rule needs one */
    KG_ERR_ISSUE_MISSING = 12,       /* no issue date */
    KG_ERR_ISSUED_BEFORE_BIRTH = 13, /* issue date earlier than the birth date */
    KG_ERR_CARD_BEFORE_ISSUE = 14,   /* card expires before the certificate was issued */
    KG_ERR_STAY_BEFORE_ISSUE = 15,   /* stay period ended before the certificate was issued */
    KG_ERR_AUTH_BEFORE_ISSUE = 16,   /* the card's auth certificate expired before issue */
    KG_ERR_JUKI_TOO_LATE = 17,       /* juki certificate issued after 2015-12-22 */
    KG_ERR_BAD_BIRTH_DATE = 18,      /* birth_date column is not a valid date */
    KG_ERR_BAD_ISSUED_ON = 19,       /* issued_on column is not a valid date */
    KG_ERR_BAD_CARD_EXPIRES = 20,    /* card_expires column is not a valid date */
    KG_ERR_BAD_STAY_EXPIRES = 21,    /* stay_expires column is not a valid date */
    KG_ERR_BAD_AUTH_EXPIRES = 22,    /* auth_expires column is not a valid date */
    KG_ERR_BAD_PREV_EXPIRY = 23,     /* prev_expiry column is not a valid date */
    KG_ERR_BAD_RECORDED = 24,        /* recorded expiry column is not a valid date */
    KG_ERR_CSV_QUOTE = 25,           /* a quote inside an unquoted field or after a closing one */
    KG_ERR_CSV_UNTERMINATED = 26,    /* input ended inside a quoted field */
    KG_ERR_CSV_TOO_LONG = 27,        /* a record longer than the reader's limit */
    KG_ERR_CSV_TOO_MANY_FIELDS = 28, /* more fields than the reader's limit */
    KG_ERR_CSV_HEADER = 29,          /* header missing or lacking a required column */
    KG_ERR_CSV_FIELD_COUNT = 30,     /* a record with fewer fields than the header */
    KG_ERR_CONFIG = 31,              /* a configuration value is invalid */
    KG_ERR_DB_CONNECT = 32,          /* the database cannot be reached */
    KG_ERR_DB_QUERY = 33,            /* a database statement failed */
    KG_ERR_INTERNAL = 34,            /* a bug: a state that should not happen */
    KG_ERR_ISSUED_AFTER_RUN = 35,    /* certificate issued after the run date */
    KG_ERR_CARD_DATES = 36,          /* the card expires before it was issued */
    KG_ERR_LINKED_BAD_DATA = 37,     /* the renewed or capping certificate has bad data */
    KG_ERR_RUN_BUSY = 38,            /* another kigen run holds the run lock */
    KG_ERR_POSTAL_CODE = 39,         /* postal code is not 7 digits (a hyphen after the 3rd) */
    KG_ERR_POSTAL_CODE_NO_BARCODE = 40, /* postal code ends in 00: no customer barcode */
    KG_ERR_ADDRESS_ENCODING = 41,       /* address text is not valid UTF-8 */
    KG_ERR_FONT_LOAD = 42,              /* a font file cannot be loaded */
    KG_ERR_TEXT_TOO_LONG = 43,          /* a text longer than the shaping limit */
    KG_ERR_DRAW = 44,                   /* cairo failed to draw */
    KG_ERR_TEMPLATE = 45,               /* a notice template is broken (file:line) */
    KG_ERR_LAYOUT = 46,                 /* a notice's text does not fit its place */
    KG_ERR_CONTROL_NO = 47,        /* not a control number (照会番号): malformed or bad check */
    KG_ERR_FORM_UNKNOWN = 48,      /* a valid control number that no form in the ledger has */
    KG_ERR_FORM_STATE = 49,        /* the form's state refuses the action (void, returned, ...) */
    KG_ERR_TEXT_ENCODING = 50,     /* a text field is not valid UTF-8 (or holds a surrogate) */
    KG_ERR_TEXT_CONTROL = 51,      /* a text field holds a control character (C0, DEL, C1) */
    KG_ERR_TEXT_NONCHARACTER = 52, /* a text field holds a Unicode noncharacter (U+FFFF...) */
    KG_ERR_MANIFEST = 53,       /* a run's folder differs from its manifest.json (or it has none) */
    KG_ERR_NOTICE_NO = 54,      /* not a notice number (YYYYMMDD-nnnnnn) */
    KG_ERR_NOTICE_UNKNOWN = 55, /* a well-formed notice number that no notice in the ledger has */
    KG_ERR_NOTICE_STATE = 56,   /* the notice's returns refuse the action (already returned...) */
    KG_ERR__COUNT               /* number of values; keep last */
} kg_err;

/* Stable short code for a value, e.g. "issued_before_birth". Never NULL. */
const char *kg_err_code(kg_err err);

/* Human message for a value, e.g. "issue date is before the birth date". Never NULL. */
const char *kg_strerror(kg_err err);

/* Exit classes of docs/formats.md (keep stable, documented in README.md). */
enum kg_exit {
    KG_EXIT_OK = 0,         /* success */
    KG_EXIT_EXCEPTIONS = 1, /* finished, but some rows were exceptions */
    KG_EXIT_USAGE = 2,      /* usage error, configuration, templates or fonts (D75) */
    KG_EXIT_INPUT = 3,      /* input rejected */
    KG_EXIT_DB = 4,         /* database unavailable or failed */
    KG_EXIT_OUTPUT = 5,     /* output could not be written */
    KG_EXIT_BUSY = 6        /* another run is in progress: nothing was done */
};

/* The exit status main uses when a command ends with this error. */
int kg_err_exit_status(kg_err err);

/* Context for an error, filled where it happens and printed once by main:
 * "unable to <verb> '<object>': <cause>" with an optional "HINT: ..." line. */
#define KG_ERRBUF_SIZE 1024
typedef struct kg_errbuf {
    char text[KG_ERRBUF_SIZE]; /* empty: main prints kg_strerror() */
    char hint[KG_ERRBUF_SIZE]; /* empty: no hint */
} kg_errbuf;

#if defined(__GNUC__)
#define KG_ERR_PRINTF(fmt_idx, arg_idx) __attribute__((format(printf, fmt_idx, arg_idx)))
#else
#define KG_ERR_PRINTF(fmt_idx, arg_idx)
#endif

/* Writes the message into buf (when buf is not NULL) and returns err, so that a failing
 * function can `return kg_fail(errbuf, KG_ERR_X, "unable to ...", ...);`. */
kg_err kg_fail(kg_errbuf *buf, kg_err err, const char *fmt, ...) KG_ERR_PRINTF(3, 4);

/* Sets the hint line of buf (when buf is not NULL). */
void kg_hint(kg_errbuf *buf, const char *fmt, ...) KG_ERR_PRINTF(2, 3);

#endif
