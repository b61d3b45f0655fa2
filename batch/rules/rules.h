/*
 * rules.h - the date rules of docs/rules.md sections 2 to 4 as pure functions.
 *
 * Expiry (E1-E7) with its cause and tie order, the renewal window (W1, or W2 by
 * configuration), the due test of N1, the recent-mover window and age. No I/O, no
 * globals, no "today": the run date is an argument. Every function returns a kg_err and
 * passes its result through an out parameter; nothing here allocates.
 */
#ifndef KIGEN_RULES_H
#define KIGEN_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/error.h"
#include "../common/kdate.h"

typedef enum cert_type {
    CERT_SIGN = 0, /* 署名用電子証明書 */
    CERT_AUTH = 1, /* 利用者証明用電子証明書 */
    CERT_JUKI = 2  /* 住基カードの電子証明書 (issued until 2015-12-22) */
} cert_type;

typedef enum expiry_cause {
    CAUSE_BIRTHDAY = 0,    /* E1/E1b: the 5th (or 6th) birthday after issue */
    CAUSE_CARD = 1,        /* E3: the card expires first */
    CAUSE_AUTH_CERT = 2,   /* E3: a sign certificate ends with the card's auth certificate */
    CAUSE_STAY_PERIOD = 3, /* E4: the period of stay ends first */
    CAUSE_RECORDED = 4,    /* E7: the certificate's own recorded expiry */
    CAUSE_TERM = 5         /* E5: juki, 3 years after issue */
} expiry_cause;

/* E2: which day is the birthday of someone born on 29 February in a common year. */
typedef enum feb29_reading {
    FEB29_AS_FEB28 = 0, /* Civil Code art. 143, the default: never a day too long */
    FEB29_AS_MAR1 = 1   /* the switchable alternative */
} feb29_reading;

typedef struct rules_config {
    bool window_w2;      /* W2 (open on the date 3 months before) instead of W1 */
    feb29_reading feb29; /* E2 reading */
} rules_config;

/* The default configuration: W1 windows, 29 February read as 28 February. */
rules_config rules_config_default(void);

/* What the rules need to know about one certificate. Dates not known are KDATE_NONE;
 * rules_cert_init sets every date to KDATE_NONE. */
typedef struct rules_cert {
    cert_type type;
    kdate birth_date;      /* holder's birth date (required for sign and auth) */
    kdate issued_on;       /* required */
    kdate card_expires;    /* E3: the card's own expiry */
    kdate stay_expires;    /* E4: end of the period of stay (foreign residents) */
    kdate auth_expires;    /* E3: for sign, the expiry of the card's latest auth cert */
    kdate prev_expiry;     /* E1b: expiry of the certificate of the same type it renewed */
    kdate recorded_expiry; /* E7: the expiry written in the certificate itself */
} rules_cert;

void rules_cert_init(rules_cert *cert, cert_type type);

typedef struct rules_expiry {
    kdate expiry;                /* effective expiry (the recorded one when present) */
    kdate window_open;           /* first day of renewal, per the configured reading */
    expiry_cause cause;          /* cause of `expiry`: CAUSE_RECORDED only when a recorded
                                    expiry differs from ours, else the computed cause */
    kdate computed_expiry;       /* kigen's own computation (E1-E5) */
    expiry_cause computed_cause; /* its cause */
    bool recorded_mismatch;      /* E7: a recorded expiry differs from computed_expiry */
} rules_expiry;

/* The expiry, its cause and the renewal window of a certificate. Errors: KG_ERR_CERT_TYPE,
 * KG_ERR_ISSUE_MISSING, KG_ERR_BIRTH_MISSING (sign, auth), KG_ERR_ISSUED_BEFORE_BIRTH,
 * KG_ERR_CARD_BEFORE_ISSUE, KG_ERR_STAY_BEFORE_ISSUE, KG_ERR_AUTH_BEFORE_ISSUE (sign),
 * KG_ERR_JUKI_TOO_LATE, KG_ERR_DATE_RANGE. On error *out is untouched. */
kg_err rules_expiry_of(const rules_cert *cert, const rules_config *config, rules_expiry *out);

/* The holder's birthday in `year` (29 February per the E2 reading in common years). */
kg_err rules_birthday_in_year(kdate birth_date, int year, feb29_reading feb29, kdate *out);

/* The n-th birthday (n >= 1) strictly after `after` (E1: issued on the birthday counts
 * next year's as the first). */
kg_err rules_nth_birthday_after(kdate birth_date, kdate after, int n, feb29_reading feb29,
                                kdate *out);

/* W1: the day after the date 3 months before expiry; when that month has no such date,
 * the 1st of the following month (5/31 -> 3/1). */
kg_err rules_window_open_w1(kdate expiry, kdate *out);

/* W2: the date 3 months before expiry, clamped to the month's last day (5/31 -> 2/28). */
kg_err rules_window_open_w2(kdate expiry, kdate *out);

/* N1: due on run_date when window_open - lead_days <= run_date <= expiry. */
bool rules_is_due(kdate window_open, kdate expiry, int lead_days, kdate run_date);

/* N4 recent_mover: the first day of the mover window, `months` months before expiry
 * (clamped to the month's last day). A move on or after it (and on or before the run
 * date) suppresses the notice. */
kg_err rules_mover_window_start(kdate expiry, int months, kdate *out);

/* Age in whole years on `on` (a birthday counts from its own day, 29 February per the E2
 * reading). KG_ERR_ISSUED_BEFORE_BIRTH when on < birth_date. */
kg_err rules_age_on(kdate birth_date, kdate on, feb29_reading feb29, int *out);

/* Names as written in CSV and the ledger: "sign", "auth", "juki"; "birthday", "card",
 * "auth_cert", "stay_period", "recorded", "term". Never NULL ("?" for a bad value). */
const char *rules_cert_type_name(cert_type type);
const char *rules_cause_name(expiry_cause cause);

/* Parses a type name (len bytes). KG_ERR_CERT_TYPE for anything else. */
kg_err rules_cert_type_parse(const char *text, size_t len, cert_type *out);

#endif
