/*
 * load_spec.h - what each CSV extract file holds (docs/formats.md): its columns, how each
 * is validated, and the table it loads into.
 *
 * Pure data: the validator (load_field.c) and the staging SQL (load_stage.c) are both
 * driven by these tables, so a column is described once.
 */
#ifndef KIGEN_LOAD_SPEC_H
#define KIGEN_LOAD_SPEC_H

#include <stddef.h>

typedef enum load_kind {
    KIND_ID,         /* positive integer, 1..18 digits; required */
    KIND_ID_OPT,     /* same, empty means none */
    KIND_DATE,       /* YYYY-MM-DD; required */
    KIND_DATE_OPT,   /* same, empty means none (also birth_date: empty is bad_data later) */
    KIND_TEXT,       /* text, 1..max_chars characters */
    KIND_TEXT_EMPTY, /* text, 0..max_chars, empty kept as '' */
    KIND_TEXT_OPT,   /* text, 0..max_chars, empty means none */
    KIND_POSTAL_OPT, /* 7 digits, one hyphen after the 3rd allowed; empty means none */
    KIND_OFFICE_OPT, /* office code [0-9A-Za-z_-]{1,16}; empty means none */
    KIND_OFFICE,     /* same, required */
    KIND_SEX,        /* JIS X 0303: 0, 1, 2 or 9 */
    KIND_FLAG,       /* 0 or 1; empty (or an absent column) means 0 */
    KIND_ENUM        /* one of enum_values */
} load_kind;

typedef struct load_column {
    const char *name; /* CSV header name = table column name */
    load_kind kind;
    int header_required;            /* the header must name it */
    size_t max_chars;               /* for the text kinds */
    const char *const *enum_values; /* for KIND_ENUM, NULL-terminated */
} load_column;

typedef struct load_file_spec {
    const char *file_name;  /* e.g. "residents.csv" */
    const char *table;      /* kigen.<table> and pg_temp.stage_<table> */
    const char *key;        /* conflict key columns, e.g. "resident_id" */
    int update_on_conflict; /* upsert (1) or insert-if-absent (0: moves, changes) */
    int needs_resident;     /* rows name a resident that must exist */
    const load_column *columns;
    size_t column_count;
    int order_key; /* the rows carry order_key, computed from banchi and address2 (D98) */
} load_file_spec;

/* The files in load order (parents before children). */
extern const load_file_spec load_file_specs[];
extern const size_t load_file_spec_count;

#endif
