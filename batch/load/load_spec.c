/*
 * load_spec.c - the extract's files and columns (docs/formats.md, CSV extract).
 *
 * Limits match the CHECK constraints of sql/001_data.sql: anything that passes here
 * passes the database, so one bad row can never abort a whole load.
 */
#include "load_spec.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static const char *const status_values[] = {"current", "removed", NULL};
static const char *const cert_type_values[] = {"sign", "auth", "juki", NULL};
static const char *const move_kind_values[] = {"in", "within", "out", NULL};
static const char *const change_field_values[] = {"name", "address", "birth_date", "sex", NULL};
static const char *const proxy_kind_values[] = {"issue", "renew", "pin_reset", "unlock", NULL};

static const load_column office_columns[] = {
    {"office_code", KIND_OFFICE, 1, 0, NULL},     {"name", KIND_TEXT, 1, 100, NULL},
    {"postal_code", KIND_POSTAL_OPT, 0, 0, NULL}, {"address", KIND_TEXT_EMPTY, 0, 200, NULL},
    {"phone", KIND_TEXT_EMPTY, 0, 32, NULL},      {"hours", KIND_TEXT_EMPTY, 0, 200, NULL},
};

static const load_column resident_columns[] = {
    {"resident_id", KIND_ID, 1, 0, NULL},           {"office_code", KIND_OFFICE_OPT, 0, 0, NULL},
    {"family_name", KIND_TEXT, 1, 50, NULL},        {"given_name", KIND_TEXT_EMPTY, 1, 50, NULL},
    {"family_kana", KIND_TEXT_EMPTY, 0, 100, NULL}, {"given_kana", KIND_TEXT_EMPTY, 0, 100, NULL},
    {"birth_date", KIND_DATE_OPT, 1, 0, NULL},      {"sex", KIND_SEX, 1, 0, NULL},
    {"postal_code", KIND_POSTAL_OPT, 1, 0, NULL},   {"address", KIND_TEXT_OPT, 1, 200, NULL},
    {"banchi", KIND_TEXT_OPT, 0, 100, NULL},        {"address2", KIND_TEXT_OPT, 0, 100, NULL},
    {"status", KIND_ENUM, 1, 0, status_values},     {"removed_on", KIND_DATE_OPT, 0, 0, NULL},
    {"stay_expires", KIND_DATE_OPT, 0, 0, NULL},    {"adult_ward", KIND_FLAG, 0, 0, NULL},
    {"lives_elsewhere", KIND_FLAG, 0, 0, NULL},
};

static const load_column card_columns[] = {
    {"card_id", KIND_ID, 1, 0, NULL},          {"resident_id", KIND_ID, 1, 0, NULL},
    {"issued_on", KIND_DATE, 1, 0, NULL},      {"expires_on", KIND_DATE, 1, 0, NULL},
    {"revoked_on", KIND_DATE_OPT, 0, 0, NULL},
};

static const load_column certificate_columns[] = {
    {"certificate_id", KIND_ID, 1, 0, NULL},   {"resident_id", KIND_ID, 1, 0, NULL},
    {"card_id", KIND_ID_OPT, 1, 0, NULL},      {"type", KIND_ENUM, 1, 0, cert_type_values},
    {"issued_on", KIND_DATE, 1, 0, NULL},      {"revoked_on", KIND_DATE_OPT, 0, 0, NULL},
    {"expires_on", KIND_DATE_OPT, 0, 0, NULL},
};

static const load_column move_columns[] = {
    {"resident_id", KIND_ID, 1, 0, NULL},
    {"moved_on", KIND_DATE, 1, 0, NULL},
    {"kind", KIND_ENUM, 1, 0, move_kind_values},
};

static const load_column change_columns[] = {
    {"resident_id", KIND_ID, 1, 0, NULL},
    {"changed_on", KIND_DATE, 1, 0, NULL},
    {"field", KIND_ENUM, 1, 0, change_field_values},
};

static const load_column proxy_columns[] = {
    {"request_id", KIND_ID, 1, 0, NULL},          {"resident_id", KIND_ID, 1, 0, NULL},
    {"kind", KIND_ENUM, 1, 0, proxy_kind_values}, {"received_on", KIND_DATE, 1, 0, NULL},
    {"proxy_name", KIND_TEXT, 1, 100, NULL},
};

const load_file_spec load_file_specs[] = {
    {"offices.csv", "offices", "office_code", 1, 0, office_columns, COUNT(office_columns), 0},
    {"residents.csv", "residents", "resident_id", 1, 0, resident_columns, COUNT(resident_columns),
     1},
    {"cards.csv", "cards", "card_id", 1, 1, card_columns, COUNT(card_columns), 0},
    {"certificates.csv", "certificates", "certificate_id", 1, 1, certificate_columns,
     COUNT(certificate_columns), 0},
    {"moves.csv", "moves", "resident_id, moved_on, kind", 0, 1, move_columns, COUNT(move_columns),
     0},
    {"changes.csv", "changes", "resident_id, changed_on, field", 0, 1, change_columns,
     COUNT(change_columns), 0},
    {"proxy_requests.csv", "proxy_requests", "request_id", 1, 1, proxy_columns,
     COUNT(proxy_columns), 0},
};

const size_t load_file_spec_count = COUNT(load_file_specs);
