/*
 * schedule_city.h - the rows of kigen.cert_schedule for a whole city computed from plain
 * values, without reading the database: the first load (D94, D99) hands over each resident,
 * card and certificate it COPYs, and gets back the rows a whole-city schedule_refresh would
 * write for them, in the same text form.
 *
 * Each resident's certificates are put in the scan's order (issued_on, certificate_id) with
 * their card's dates, as scan.c reads them, and select_resident_schedule decides. Pure: no
 * I/O but the caller's sink. Holds every certificate until schedule_city_write (about 40
 * bytes each), residents and cards in sorted arrays (16 and 24 bytes).
 */
#ifndef KIGEN_SCHEDULE_CITY_H
#define KIGEN_SCHEDULE_CITY_H

#include <stddef.h>

#include "../common/error.h"
#include "../common/kdate.h"
#include "../rules/rules.h"

typedef struct schedule_city schedule_city; /* owns its arrays; schedule_city_free */

/* The longest row schedule_row_format writes, its newline included. */
#define SCHEDULE_ROW_MAX 96

/* One row of COPY kigen.cert_schedule (certificate_id, resident_id, issued_on, due_from,
 * due_until, always) FROM STDIN in text form, into row (SCHEDULE_ROW_MAX bytes); returns
 * its length. `always` writes NULL dates. Used by schedule_refresh too: one format. */
size_t schedule_row_format(char *row, long long certificate_id, long long resident_id,
                           kdate issued_on, int always, kdate due_from, kdate due_until);

kg_err schedule_city_new(schedule_city **out);
void schedule_city_free(schedule_city *city); /* accepts NULL */

/* What the load accepted, in any order (KDATE_NONE for an empty date; card_id 0 for a
 * certificate without a card). A certificate's card must have been added, and held by the
 * same resident, before schedule_city_write (the load's own checks, D94). KG_ERR_NOMEM. */
kg_err schedule_city_add_resident(schedule_city *city, long long resident_id, kdate birth_date,
                                  kdate stay_expires);
kg_err schedule_city_add_card(schedule_city *city, long long card_id, kdate issued_on,
                              kdate expires_on, kdate revoked_on);
kg_err schedule_city_add_certificate(schedule_city *city, long long certificate_id,
                                     long long resident_id, long long card_id, cert_type type,
                                     kdate issued_on, kdate revoked_on, kdate recorded_expiry);

/* Receives the rows, one at a time (len bytes, newline included). */
typedef kg_err (*schedule_city_sink)(void *context, const char *row, size_t len, kg_errbuf *errbuf);

/* Sorts what was added and checks it before anything is written: KG_ERR_INTERNAL when a
 * resident has more than SELECT_MAX_CERTS certificates (the scan refuses such a resident
 * too) or a certificate names a resident or card not added; the caller then leaves the
 * city to schedule_refresh. */
kg_err schedule_city_seal(schedule_city *city, kg_errbuf *errbuf);

/* Computes every certificate's row of a sealed city and hands it to sink, residents in id
 * order; *rows is the number written. */
kg_err schedule_city_write(const schedule_city *city, schedule_city_sink sink, void *context,
                           long *rows, kg_errbuf *errbuf);

#endif
