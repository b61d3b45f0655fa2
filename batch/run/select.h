/*
 * select.h - who gets a notice on the run date, and why not (docs/rules.md section 4).
 *
 * Pure: one resident with all their certificates, cards, moves and changes in, one
 * outcome per certificate out (notice, already noticed, not due, or excluded with
 * exactly one reason code and a detail for the clerk). The dates come from the rule
 * module (rules.h); this file adds the chains between certificates (E1b's previous
 * certificate, E3's auth cap) and the N1-N5 decisions. No I/O, no allocation.
 */
#ifndef KIGEN_SELECT_H
#define KIGEN_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/error.h"
#include "../common/i18n.h"
#include "../common/kdate.h"
#include "../rules/rules.h"

#define SELECT_DETAIL_MAX 160

/* N4 reason codes, in the order of precedence (the first that applies wins). Stable:
 * the names are in the ledger and the audit export. */
typedef enum select_reason {
    REASON_BAD_DATA = 0,
    REASON_NOT_RESIDENT,
    REASON_CARD_INVALID,
    REASON_REVOKED,
    REASON_SIGN_VOID_CHANGE,
    REASON_RENEWED,
    REASON_SIGN_NOT_ALLOWED,
    REASON_STAY_PERIOD,
    REASON_LIVES_ELSEWHERE,
    REASON_RECENT_MOVER,
    REASON_RETURNED_MAIL, /* a notice came back from this address (D90) */
    REASON_UNDELIVERABLE,
    REASON_GLYPH_MISSING,
    REASON__COUNT
} select_reason;

typedef enum select_outcome {
    OUTCOME_NOT_DUE = 0,         /* not due on the run date: nothing to record */
    OUTCOME_NOTICE = 1,          /* due, gets a notice in this run */
    OUTCOME_ALREADY_NOTICED = 2, /* due, but noticed by an earlier run (N3) */
    OUTCOME_EXCLUDED = 3,        /* due (or undecidable: bad_data), with a reason */
    OUTCOME_ALREADY_EXCLUDED = 4 /* due, excluded for good by an earlier run (D28) */
} select_outcome;

typedef enum move_kind { MOVE_IN = 0, MOVE_WITHIN = 1, MOVE_OUT = 2 } move_kind;
typedef enum change_field {
    CHANGE_NAME = 0,
    CHANGE_ADDRESS = 1,
    CHANGE_BIRTH_DATE = 2,
    CHANGE_SEX = 3
} change_field;

typedef struct select_cert {
    long long certificate_id;
    long long card_id; /* 0: no card (juki) */
    cert_type type;
    kdate issued_on;
    kdate revoked_on;      /* KDATE_NONE: not revoked */
    kdate recorded_expiry; /* E7, KDATE_NONE when the data has none */
    kdate card_issued_on;  /* the card's dates, KDATE_NONE without a card */
    kdate card_expires;
    kdate card_revoked_on;
    bool noticed; /* in the notice ledger already (N3) */
    bool settled; /* an earlier run decided it for good, with the same data and
                     configuration (D28): a final exclusion is not reported again */
} select_cert;

typedef struct select_move {
    kdate moved_on;
    move_kind kind;
} select_move;

typedef struct select_change {
    kdate changed_on;
    change_field field;
} select_change;

/* The return in force of one of the resident's notices (kigen.notice_returns, sql/012):
 * the latest, when there are several. */
typedef struct select_return {
    char notice_no[32];
    kdate notice_run_date; /* the night the notice was mailed */
    kdate returned_on;     /* the day the counter gave */
    char reason[24];       /* the 還付理由 code (return_reason.h) */
    bool address_same;     /* the resident's address is still the one the notice went to
                              (kigen.return_address_same: postal code, address, number key) */
} select_return;

/* One resident as the scan delivers it. Arrays are borrowed (owned by the scanner). */
typedef struct select_resident {
    long long resident_id;
    kdate birth_date; /* KDATE_NONE: missing */
    bool removed;     /* status removed (除票) */
    kdate removed_on;
    kdate stay_expires;
    bool adult_ward;
    bool lives_elsewhere;
    bool has_postal_code;
    bool has_address;
    const char *glyph_problem;  /* NULL, or what cannot be printed (set by the caller) */
    const char *layout_problem; /* NULL, or why the address block cannot be printed (caller) */
    const select_cert *certs;
    size_t cert_count;
    const select_move *moves;
    size_t move_count;
    const select_change *changes;
    size_t change_count;
    const select_return *returned; /* NULL: no return in force */
} select_resident;

typedef struct select_config {
    rules_config rules;
    int lead_days;        /* N1 */
    int mover_months;     /* N4 recent_mover window */
    kg_language language; /* the run's: the language of the details (D112) */
} select_config;

/* The default: W1, 29 Feb as 28 Feb, 14 lead days, 6 months, details in English. */
select_config select_config_default(void);

/* D53: a letter to someone under 15 on run_date goes to the legal representative (false
 * when the birth date is missing or unusable). */
bool select_to_representative(kdate birth_date, kdate run_date, const select_config *config);

typedef struct select_result {
    select_outcome outcome;
    select_reason reason;            /* OUTCOME_EXCLUDED only */
    kg_err data_error;               /* REASON_BAD_DATA: what is wrong */
    rules_expiry expiry;             /* valid when data_error == KG_OK */
    char detail[SELECT_DETAIL_MAX];  /* for the clerk, in config->language; empty for notices */
    char finding[SELECT_DETAIL_MAX]; /* the E7 finding's detail when select_result_is_finding */
    bool final; /* the outcome stays the same on every later run date while the data and
                   the configuration do not change: notices, and every exclusion except
                   bad_data and `renewed` by a certificate with a revocation date (D28) */
} select_result;

/* Decides every certificate of `resident` for run_date; results[i] belongs to
 * resident->certs[i]. KG_ERR_INTERNAL only for more certificates than SELECT_MAX_CERTS. */
#define SELECT_MAX_CERTS 64
kg_err select_resident_evaluate(const select_resident *resident, const select_config *config,
                                kdate run_date, select_result *results);

/* When a certificate can possibly be due (sql/004_schedule.sql), whatever the run date
 * and whichever reading the configuration chooses: due_from is the earliest window
 * opening and due_until the latest expiry over W1/W2 and both 29 February readings.
 * `always` when the dates cannot be computed (bad_data on every run) or when
 * due_until - due_from exceeds SELECT_SCHEDULE_MAX_SPAN days. The run date only enters
 * the rules through "issued after the run date", which the scan asks of the data itself. */
#define SELECT_SCHEDULE_MAX_SPAN 120
typedef struct select_schedule {
    bool always;
    kdate due_from;  /* KDATE_NONE when always */
    kdate due_until; /* KDATE_NONE when always */
} select_schedule;

/* schedules[i] belongs to resident->certs[i]. KG_ERR_INTERNAL only for more certificates
 * than SELECT_MAX_CERTS. Pure, like select_resident_evaluate. */
kg_err select_resident_schedule(const select_resident *resident, select_schedule *schedules);

/* D90: what lifts the resident's return on run_date, or NULL while it holds (and when
 * there is none): a move in or within or an address change after the notice's run date and
 * on or before run_date ("moved"), an address other than the notice's ("address"). The
 * SQL function kigen.return_lifted says the same for the counter's listings. */
const char *select_return_lifted(const select_resident *resident, kdate run_date);

/* true when any of the count results is a notice (the resident gets one this night). */
bool select_any_noticed(const select_result *results, size_t count);

/* An audit finding (E7): a certificate reported on the run date (noticed or excluded)
 * whose recorded expiry differs from the computed one. */
bool select_result_is_finding(const select_result *result);

/* Parse the names the data uses ("in", "within", "out"; "name", "address", "birth_date",
 * "sex"; len bytes, no NUL needed). False for any other text. */
bool select_move_kind_parse(const char *text, size_t len, move_kind *out);
bool select_change_field_parse(const char *text, size_t len, change_field *out);

/* "bad_data", "not_resident", ... (common/reasons.h: their labels). Never NULL. */
const char *select_reason_name(select_reason reason);

#endif
