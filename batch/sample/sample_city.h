/*
 * sample_city.h - a synthetic city for the demo, tests and benchmarks: residents with
 * their cards, certificates, moves, changes and proxy requests.
 *
 * Pure and deterministic: resident i of seed S is the same whatever else is generated,
 * so a table can be produced in its own pass (one COPY at a time) and any resident can
 * be regenerated alone. The shares are the named constants of sample_city.c; a small share of
 * deliberately wrong data makes every exclusion reason of docs/rules.md N4 occur.
 */
#ifndef KIGEN_SAMPLE_CITY_H
#define KIGEN_SAMPLE_CITY_H

#include <stdint.h>

#include "../common/kdate.h"

#define SAMPLE_MAX_CARDS 2
#define SAMPLE_MAX_CERTS 5
#define SAMPLE_MAX_MOVES 2
#define SAMPLE_MAX_CHANGES 1

typedef struct sample_card {
    long card_id;
    kdate issued_on, expires_on, revoked_on; /* revoked_on: KDATE_NONE when not */
} sample_card;

typedef struct sample_cert {
    long certificate_id;
    long card_id;     /* 0: none (juki) */
    const char *type; /* "sign", "auth", "juki" */
    kdate issued_on, revoked_on, recorded_expiry;
} sample_cert;

typedef struct sample_move {
    kdate moved_on;
    const char *kind; /* "in", "within", "out" */
} sample_move;

typedef struct sample_change {
    kdate changed_on;
    const char *field;
} sample_change;

typedef struct sample_resident {
    long resident_id;
    int office_idx;
    const char *family_name, *given_name, *family_kana, *given_kana;
    char family_buf[64]; /* family_name when it was altered (外字) */
    kdate birth_date;    /* KDATE_NONE: missing (bad data) */
    int sex;
    char postal_code[16]; /* "" : missing */
    char address[160];    /* "" : missing */
    char banchi[48];
    char address2[96];
    int removed;
    kdate removed_on, stay_expires;
    int adult_ward, lives_elsewhere;
    int card_count, cert_count, move_count, change_count, proxy_count;
    sample_card cards[SAMPLE_MAX_CARDS];
    sample_cert certs[SAMPLE_MAX_CERTS];
    sample_move moves[SAMPLE_MAX_MOVES];
    sample_change changes[SAMPLE_MAX_CHANGES];
    long proxy_request_id;
    const char *proxy_kind;
    kdate proxy_received_on;
    char proxy_name[64];
} sample_resident;

typedef struct sample_city {
    uint64_t seed;
    long residents;
    kdate as_of;      /* the data is as of this day (default 2026-12-01) */
    int office_count; /* derived from the size */
} sample_city;

void sample_city_init(sample_city *city, long residents, uint64_t seed, kdate as_of);

/* Fills *out with resident number resident_id (1..city->residents). */
void sample_resident_make(const sample_city *city, long resident_id, sample_resident *out);

typedef struct sample_office {
    char office_code[16];
    char name[96];
    char postal_code[16];
    char address[128];
    char phone[24];
    const char *hours;
} sample_office;

void sample_office_make(const sample_city *city, int office_idx, sample_office *out);

#endif
