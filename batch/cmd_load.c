/*
 * cmd_load.c - `kigen load DIR [--encoding utf8|cp932] [--bulk] [--full]`: import a
 * resident-register extract (docs/formats.md, CSV extract) in one transaction.
 *
 * Each file (NAME.csv or NAME.csv.gz) is parsed as a stream. A row whose digest the last
 * load kept is in the database as it is and goes nowhere (D92); any other row is validated
 * column by column, a bad one reported once as `file:line: column: reason` on stderr and
 * skipped, a repeated key too (D93); good rows go by COPY into staging tables, and checks
 * and an upsert move them into kigen.* at the end, or, into empty tables, by COPY straight
 * into kigen.* with the checks made here and the city's schedule computed here (D94, D99).
 * Anything that stops the load (unreadable file, bad header, database error) rolls
 * everything back: the database is as it was. Loading the same extract again changes
 * nothing.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "common/csv.h"
#include "common/kdate.h"
#include "common/options.h"
#include "common/progress.h"
#include "common/strbuf.h"
#include "db/db.h"
#include "db/db_indexes.h"
#include "db/db_tenancy.h"
#include "db/migrations.h"
#include "run/run_config.h"
#include "run/schedule.h"
#include "run/schedule_city.h"
#include "load/load_digest.h"
#include "load/load_digest_store.h"
#include "load/load_direct.h"
#include "load/load_field.h"
#include "load/load_key.h"
#include "load/load_row.h"
#include "load/load_source.h"
#include "load/load_spec.h"
#include "load/load_stage.h"
#include "common/i18n.h"

#define LOAD_MAX_COLUMNS 32
#define LOAD_LINE_MAX (256 * 1024)

typedef struct load_stats {
    long read[LOAD_MAX_COLUMNS];     /* rows read per spec */
    long rejected[LOAD_MAX_COLUMNS]; /* rows rejected per spec */
    long changed[LOAD_MAX_COLUMNS];  /* rows inserted or changed per spec */
    long skipped[LOAD_MAX_COLUMNS];  /* rows the last load loaded as they are: not sent */
    long staged[LOAD_MAX_COLUMNS];   /* rows sent to the staging table */
    int present[LOAD_MAX_COLUMNS];   /* the file was in DIR */
} load_stats;

/* Above this many staged rows the upsert takes the bulk path (see load_stage_merge). */
#define LOAD_BULK_ROWS 50000

typedef struct load_options {
    const char *dir;
    int cp932;
    int bulk; /* --bulk: the bulk path whatever the size */
    int full; /* --full: every row to the server, none skipped by its digest (D92) */
    options_common common;
    run_config config;    /* --config FILE or the installed kigen.conf: db, language */
    db_target db;         /* --db, else the configuration's db */
    char db_origin[1100]; /* "db in FILE" when the configuration names the database */
} load_options;

static const char synopsis[] =
    N_("usage: kigen load DIR [--encoding utf8|cp932] [--bulk] [--full]");
static const char help[] =
    N_("usage: kigen load DIR [--encoding utf8|cp932] [--bulk] [--full]\n"
       "\n"
       "Imports the CSV extract files found in DIR (offices.csv, residents.csv, cards.csv,\n"
       "certificates.csv, moves.csv, changes.csv, proxy_requests.csv; docs/formats.md) in one\n"
       "transaction. A bad row is reported as file:line: column: reason and skipped; the\n"
       "exit status is then 1, since that row did not reach the database.\n"
       "\n"
       "  --encoding E        utf8 (default; also utf-8) or cp932 (also sjis): the extract's\n"
       "                      encoding\n"
       "  --bulk              drop and re-validate the foreign keys around the upsert whatever\n"
       "                      the size (automatic above 50,000 rows)\n"
       "  --full              send every row to the database, also those the last load loaded\n"
       "                      as they are (by default they are recognised by their digest and\n"
       "                      skipped; the result is the same)\n"
       "  --config FILE       the configuration: db, language (default: the installed\n"
       "                      kigen.conf)\n"
       "  --db CONNINFO       the database (libpq connection string, URI or database name)\n"
       "  -h, --help          this text\n");

enum { OPT_ENCODING = OPTIONS_FIRST, OPT_BULK, OPT_FULL };

static const struct option long_options[] = {
    {"encoding", required_argument, NULL, OPT_ENCODING},
    {"bulk", no_argument, NULL, OPT_BULK},
    {"full", no_argument, NULL, OPT_FULL},
    OPTIONS_DB_ENTRY,
    OPTIONS_CONFIG_ENTRY,
    OPTIONS_HELP_ENTRY,
    OPTIONS_END,
};

/* Seconds since *start, which is then set to now (the phases' log lines). */
static double lap(struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double seconds =
        (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
    *start = now;
    return seconds;
}

static size_t spec_index(const char *table)
{
    for (size_t spec_idx = 0; spec_idx < load_file_spec_count; spec_idx++)
        if (strcmp(load_file_specs[spec_idx].table, table) == 0)
            return spec_idx;
    return 0;
}

static void report_row(void *context, const load_file_spec *spec, long line, const char *column,
                       const char *reason)
{
    FILE *stream = context;
    fprintf(stream, "%s:%ld: %s: %s\n", spec->file_name, line, column, reason);
}

static kg_err set_encoding(const char *encoding, load_options *options, kg_errbuf *errbuf)
{
    if (strcmp(encoding, "cp932") == 0 || strcmp(encoding, "sjis") == 0)
        options->cp932 = 1;
    else if (strcmp(encoding, "utf8") == 0 || strcmp(encoding, "utf-8") == 0)
        options->cp932 = 0;
    else
        return kg_fail(errbuf, KG_ERR_USAGE, _("unable to use encoding '%s': use utf8 or cp932"),
                       encoding);
    return KG_OK;
}

static kg_err take_dir(const char *operand, load_options *options, kg_errbuf *errbuf)
{
    if (options->dir != NULL)
        return options_extra_operand(operand, "load", synopsis, errbuf);
    options->dir = operand;
    return KG_OK;
}

static kg_err parse_options(const cmd_context *ctx, int argc, char **argv, load_options *options,
                            kg_errbuf *errbuf)
{
    memset(options, 0, sizeof(*options));
    options->common.conninfo = ctx->conninfo;
    options_start();
    int opt;
    kg_err err = KG_OK;
    while (err == KG_OK && (opt = options_next(argc, argv, long_options)) != -1) {
        if (opt == OPT_ENCODING)
            err = set_encoding(optarg, options, errbuf);
        else if (opt == OPT_BULK)
            options->bulk = 1;
        else if (opt == OPT_FULL)
            options->full = 1;
        else if (opt == OPTIONS_OPERAND)
            err = take_dir(optarg, options, errbuf);
        else if (!options_take_common(&options->common, opt))
            err = options_fail(argc, argv, opt, long_options, "load", synopsis, errbuf);
    }
    for (; err == KG_OK && optind < argc; optind++)
        err = take_dir(argv[optind], options, errbuf);
    options->config = run_config_default();
    if (err == KG_OK) /* --config, else the installed kigen.conf; then its language */
        err = run_config_read_command(&options->config, &options->common.config_path, errbuf);
    if (err != KG_OK || options->common.help)
        return err;
    options->db =
        db_target_choose(options->common.conninfo, options->config.db, options->common.config_path,
                         options->db_origin, sizeof(options->db_origin), "kigen load");
    if (options->dir == NULL)
        return kg_fail(errbuf, KG_ERR_USAGE, _("unable to load: no directory given\n%s"),
                       _(synopsis));
    return KG_OK;
}

/* What the load keeps of each file until it commits: the last load's digests and
 * tonight's (D92), and the lines the database refused. */
typedef struct load_file_work {
    load_digest_old old;
    load_digest_list kept; /* rows that are in the database after this load, in order */
    long *refused;         /* lines refused by load_stage_check (sorted before use) */
    size_t refused_count, refused_cap;
    int refused_lost; /* out of memory while noting a refused line */
} load_file_work;

typedef struct load_session {
    db_conn *conn;
    const load_options *options;
    load_decoder *decoder;
    load_stats *stats;
    FILE *report_stream;
    const log_sink *log;
    load_file_work work[LOAD_MAX_COLUMNS];
    int64_t *moved_cards; /* cards whose holder this extract changes (sorted) */
    size_t moved_card_count;
    int direct;           /* a first load: COPY into kigen.* (D94) */
    load_parents parents; /* with direct: the residents and cards accepted so far */
    load_direct keys;     /* with direct: the keys and indexes dropped until the end */
    schedule_city *city;  /* with direct: what the city's schedule is computed from (D99) */
    progress line;        /* the live line on a terminal (D96) */
} load_session;

/* A row the database refused (load_stage_check): reported, and its digest not kept. */
static void refuse_row(void *context, const load_file_spec *spec, long line, const char *column,
                       const char *reason)
{
    load_session *session = context;
    report_row(session->report_stream, spec, line, column, reason);
    load_file_work *work = &session->work[spec - load_file_specs];
    if (work->refused_count == work->refused_cap) {
        size_t cap = work->refused_cap == 0 ? 64 : work->refused_cap * 2;
        long *grown = realloc(work->refused, cap * sizeof(*grown));
        if (grown == NULL) {
            work->refused_lost = 1; /* the load then fails (write_digests) */
            return;
        }
        work->refused = grown;
        work->refused_cap = cap;
    }
    work->refused[work->refused_count++] = line;
}

/* True when a certificate's card is one whose holder this extract changes: such a row is
 * checked by the database even when it did not change (its card's holder may refuse it). */
static int card_moved(const load_session *session, const csv_record *record,
                      const size_t *positions, size_t card_column)
{
    if (session->moved_card_count == 0)
        return 0;
    csv_field field = csv_record_field(record, positions[card_column]);
    int64_t card_id = 0;
    for (size_t pos = 0; pos < field.len && pos < 19; pos++)
        card_id = card_id * 10 + (field.data[pos] - '0');
    size_t low = 0, high = session->moved_card_count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (session->moved_cards[mid] < card_id)
            low = mid + 1;
        else
            high = mid;
    }
    return low < session->moved_card_count && session->moved_cards[low] == card_id;
}

static size_t column_index(const load_file_spec *spec, const char *name);

static int64_t id_value(const csv_record *record, const size_t *positions, size_t column)
{
    csv_field field = csv_record_field(record, positions[column]);
    int64_t value = 0;
    for (size_t pos = 0; pos < field.len && pos < 18; pos++)
        value = value * 10 + (field.data[pos] - '0');
    return value;
}

/* A validated date field (YYYY-MM-DD, load_field.c), KDATE_NONE when empty. */
static kdate date_value(const csv_record *record, const size_t *positions, size_t column)
{
    csv_field field = csv_record_field(record, positions[column]);
    kdate day = KDATE_NONE;
    if (field.len > 0 && kdate_parse(field.data, field.len, &day) != KG_OK)
        day = KDATE_NONE;
    return day;
}

/* With direct (D99): an accepted resident, card or certificate, for the city's schedule
 * (the values the database gets: the fields as validated, ids as numbers). */
static kg_err note_for_schedule(load_session *session, const load_file_spec *spec,
                                const csv_record *record, const size_t *positions)
{
    schedule_city *city = session->city;
    if (strcmp(spec->table, "residents") == 0)
        return schedule_city_add_resident(
            city, id_value(record, positions, column_index(spec, "resident_id")),
            date_value(record, positions, column_index(spec, "birth_date")),
            date_value(record, positions, column_index(spec, "stay_expires")));
    if (strcmp(spec->table, "cards") == 0)
        return schedule_city_add_card(
            city, id_value(record, positions, column_index(spec, "card_id")),
            date_value(record, positions, column_index(spec, "issued_on")),
            date_value(record, positions, column_index(spec, "expires_on")),
            date_value(record, positions, column_index(spec, "revoked_on")));
    if (strcmp(spec->table, "certificates") != 0)
        return KG_OK;
    csv_field type_field = csv_record_field(record, positions[column_index(spec, "type")]);
    cert_type type = CERT_SIGN;
    if (rules_cert_type_parse(type_field.data, type_field.len, &type) != KG_OK)
        return KG_ERR_INTERNAL; /* validated as one of the three */
    return schedule_city_add_certificate(
        city, id_value(record, positions, column_index(spec, "certificate_id")),
        id_value(record, positions, column_index(spec, "resident_id")),
        id_value(record, positions, column_index(spec, "card_id")), type,
        date_value(record, positions, column_index(spec, "issued_on")),
        date_value(record, positions, column_index(spec, "revoked_on")),
        date_value(record, positions, column_index(spec, "expires_on")));
}

/* With direct (D94): what the staging path asks the database, from what this load has
 * accepted: NULL when the row's resident and card are there (a card's holder is then
 * noted), or the reason with its column. */
static const char *check_parents(load_session *session, const load_file_spec *spec,
                                 const csv_record *record, const size_t *positions,
                                 const char **column, kg_err *err)
{
    load_parents *parents = &session->parents;
    if (!spec->needs_resident && strcmp(spec->table, "residents") != 0)
        return NULL;
    size_t resident_column = column_index(spec, "resident_id");
    int64_t resident_id = id_value(record, positions, resident_column);
    if (strcmp(spec->table, "residents") == 0) {
        *err = load_parents_add_resident(parents, resident_id);
        return NULL;
    }
    if (spec->needs_resident && !load_parents_has_resident(parents, resident_id)) {
        *column = "resident_id";
        return _("no such resident in this extract or the database");
    }
    size_t card_column = column_index(spec, "card_id");
    if (strcmp(spec->table, "cards") == 0) {
        *err =
            load_parents_add_card(parents, id_value(record, positions, card_column), resident_id);
    } else if (strcmp(spec->table, "certificates") == 0 &&
               csv_record_field(record, positions[card_column]).len > 0) {
        int64_t holder = 0;
        *column = "card_id";
        if (!load_parents_card_holder(parents, id_value(record, positions, card_column), &holder))
            return _("no such card in this extract or the database");
        if (holder != resident_id)
            return _("the card belongs to another resident");
    }
    return NULL;
}

static size_t column_index(const load_file_spec *spec, const char *name)
{
    for (size_t col_idx = 0; col_idx < spec->column_count; col_idx++)
        if (strcmp(spec->columns[col_idx].name, name) == 0)
            return col_idx;
    return 0;
}

/* Streams one file: a row the last load loaded as it is (its digest) is kept and not sent;
 * any other row is validated and sent into the staging table by COPY. A key already seen
 * in this file is a duplicate (the first line is loaded, D93). */
static kg_err stage_file(load_session *session, size_t spec_idx, load_source *file,
                         kg_errbuf *errbuf)
{
    const load_file_spec *spec = &load_file_specs[spec_idx];
    load_file_work *work = &session->work[spec_idx];
    load_stats *stats = session->stats;
    csv_reader *reader = NULL;
    strbuf line;
    strbuf_init(&line, LOAD_LINE_MAX);
    load_key_set keys = {NULL, 0, 0};
    char *scratch = malloc(LOAD_LINE_MAX);
    kg_err err = csv_reader_new_source(load_source_read, file, NULL, &reader);
    if (err != KG_OK || scratch == NULL) {
        err =
            kg_fail(errbuf, KG_ERR_NOMEM, _("unable to read '%s': out of memory"), spec->file_name);
        goto cleanup;
    }
    load_key_columns key_columns;
    if (load_key_columns_find(spec, &key_columns) != KG_OK) {
        err = kg_fail(errbuf, KG_ERR_INTERNAL, _("unable to load '%s': its key is not a column"),
                      spec->file_name);
        goto cleanup;
    }
    size_t card_column = column_index(spec, "card_id");
    int certificates = strcmp(spec->table, "certificates") == 0;
    csv_record record;
    size_t positions[LOAD_MAX_COLUMNS];
    err = csv_read(reader, &record);
    if (err == KG_ERR_IO_READ) {
        load_source_fail(file, errbuf);
        goto cleanup;
    }
    if (err == KG_EOF || (err == KG_OK && record.error != KG_OK)) {
        err = kg_fail(errbuf, KG_ERR_CSV_HEADER, _("unable to load '%s': no header row"),
                      spec->file_name);
        goto cleanup;
    }
    if (err == KG_OK)
        err = load_row_map_header(spec, &record, session->decoder, positions, errbuf);
    if (err != KG_OK)
        goto cleanup;
    size_t header_fields = record.field_count;
    long long done, total;
    load_source_position(file, &done, &total);
    char what[96];
    snprintf(what, sizeof(what), _("load %s"), spec->file_name);
    progress_begin(&session->line, session->log, what, _("rows"), total);
    load_digest_match match;
    /* --full compares nothing; neither does a first load (empty tables: whatever digests
     * there are describe rows that are not there) */
    int compare = !session->options->full && !session->direct;
    load_digest_match_init(&match, compare ? work->old.digests : NULL,
                           compare ? work->old.count : 0);
    int copying = 0;
    for (;;) {
        err = csv_read(reader, &record);
        if (err == KG_EOF) {
            err = KG_OK;
            break;
        }
        if (err != KG_OK) {
            load_source_fail(file, errbuf);
            break;
        }
        if (load_row_is_blank(&record))
            continue;
        stats->read[spec_idx]++;
        if (stats->read[spec_idx] % 4096 == 0) {
            load_source_position(file, &done, &total);
            progress_update(&session->line, stats->read[spec_idx], done);
        }
        uint64_t digest = 0;
        int digested = record.error == KG_OK && record.field_count <= header_fields &&
                       load_digest_record(&work->old.key, spec, &record, positions, scratch,
                                          LOAD_LINE_MAX, &digest) == 0;
        int unchanged = digested && load_digest_match_next(&match, digest) &&
                        !(certificates && card_moved(session, &record, positions, card_column));
        const char *column = spec->key;
        const char *reason = NULL;
        load_reason reason_buf;
        if (!unchanged)
            reason = load_row_line(spec, &record, positions, header_fields, session->decoder, &line,
                                   &reason_buf, &column);
        int added = 1;
        if (reason == NULL) {
            err = load_key_set_add(&keys, load_key_of(spec, &key_columns, &record, positions),
                                   &added);
            if (err != KG_OK) {
                kg_fail(errbuf, err, _("unable to load '%s': out of memory"), spec->file_name);
                break;
            }
            if (!added) {
                column = spec->key;
                reason = _("duplicate of an earlier line (the first one is loaded)");
            }
        }
        if (reason == NULL && session->direct) {
            reason = check_parents(session, spec, &record, positions, &column, &err);
            if (reason == NULL && err == KG_OK)
                err = note_for_schedule(session, spec, &record, positions);
            if (err != KG_OK) {
                kg_fail(errbuf, err, _("unable to load '%s': out of memory"), spec->file_name);
                break;
            }
        }
        if (reason != NULL) {
            progress_clear(&session->line);
            report_row(session->report_stream, spec, record.line, column, reason);
            stats->rejected[spec_idx]++;
            continue;
        }
        if (digested)
            err = load_digest_list_add(&work->kept, digest, record.line);
        if (err != KG_OK) {
            kg_fail(errbuf, err, _("unable to load '%s': out of memory"), spec->file_name);
            break;
        }
        if (unchanged) {
            stats->skipped[spec_idx]++;
            continue;
        }
        if (!copying) {
            err = load_stage_copy_begin(session->conn, spec, session->direct, errbuf);
            if (err != KG_OK)
                break;
            copying = 1;
        }
        stats->staged[spec_idx]++;
        /* direct: into kigen.<table>, without the line number in front */
        size_t skip = session->direct ? strcspn(line.data, ",") + 1 : 0;
        err = db_copy_put(session->conn, line.data + skip, line.len - skip, errbuf);
        if (err != KG_OK)
            break;
    }
    if (copying) {
        kg_err end_err = db_copy_end(session->conn, err == KG_OK ? errbuf : NULL);
        if (err == KG_OK)
            err = end_err;
    }
    if (session->direct)
        load_parents_seal(&session->parents);
cleanup:
    progress_end(&session->line);
    csv_reader_free(reader);
    strbuf_free(&line);
    load_key_set_free(&keys);
    free(scratch);
    return err;
}

static kg_err copy_schedule_row(void *context, const char *row, size_t len, kg_errbuf *errbuf)
{
    return db_copy_put(context, row, len, errbuf);
}

/* A first load's schedule (D99): the rows a whole-city refresh would write, computed from
 * what was COPYed and written in the load's transaction (under the schedule's lock, taken
 * by load_direct_possible), the old rows and every stale mark gone (they name residents
 * that are not there), the table's secondary indexes built once after the COPY. *written
 * = 0 when the city cannot be computed here (the refresh after the commit does it). */
static kg_err write_schedule(load_session *session, int *written, kg_errbuf *errbuf)
{
    *written = 0;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    kg_errbuf refusal;
    if (schedule_city_seal(session->city, &refusal) != KG_OK) {
        log_line(session->log, LOG_DETAIL, _("load: the schedule is left to the refresh: %s"),
                 refusal.text);
        return KG_OK;
    }
    db_result *indexes = NULL;
    int sole = 0;
    kg_err err = db_exec(session->conn,
                         "SELECT kigen.truncate_own('cert_schedule', 'schedule_stale')", errbuf);
    if (err == KG_OK)
        err = db_sole_municipality(session->conn, &sole, errbuf);
    /* the indexes are the partitioned table's, every municipality's: dropped only when the
     * deployment has one (D126) */
    if (err == KG_OK && sole)
        err = db_indexes_drop(session->conn, "{cert_schedule}", &indexes, errbuf);
    if (err == KG_OK)
        err = db_copy_begin(session->conn,
                            "COPY kigen.cert_schedule (certificate_id, resident_id, issued_on, "
                            "due_from, due_until, always) FROM STDIN (FREEZE)",
                            errbuf);
    long rows = 0;
    if (err == KG_OK) {
        err = schedule_city_write(session->city, copy_schedule_row, session->conn, &rows, errbuf);
        kg_err end_err = db_copy_end(session->conn, err == KG_OK ? errbuf : NULL);
        if (err == KG_OK)
            err = end_err;
    }
    double copied = lap(&start);
    if (err == KG_OK)
        err = db_indexes_build(session->conn, indexes, errbuf);
    db_result_free(indexes);
    if (err == KG_OK) {
        *written = 1;
        log_line(session->log, LOG_DETAIL,
                 _("load: schedule of %ld certificates computed and written in %.2f s, its "
                   "indexes built in %.2f s"),
                 rows, copied, lap(&start));
    }
    return err;
}

static kg_err stage_all(load_session *session, kg_errbuf *errbuf)
{
    const load_options *options = session->options;
    kg_err err = load_stage_create(session->conn, errbuf);
    if (err == KG_OK && !options->full)
        err = load_direct_possible(session->conn, SCHEDULE_LOCK_SQL, &session->direct, errbuf);
    if (err == KG_OK && session->direct && schedule_city_new(&session->city) != KG_OK)
        err = kg_fail(errbuf, KG_ERR_NOMEM, "%s", _("unable to load: out of memory"));
    if (err == KG_OK && session->direct)
        err = load_direct_begin(session->conn, &session->keys, errbuf);
    int files = 0;
    for (size_t spec_idx = 0; spec_idx < load_file_spec_count && err == KG_OK; spec_idx++) {
        const load_file_spec *spec = &load_file_specs[spec_idx];
        load_source *file = NULL;
        err = load_source_open(options->dir, spec->file_name, &file, errbuf);
        if (err != KG_OK)
            return err;
        if (file == NULL)
            continue;
        session->stats->present[spec_idx] = 1;
        files++;
        err = load_digest_store_read(session->conn, spec->file_name, options->cp932,
                                     &session->work[spec_idx].old, errbuf);
        if (err == KG_OK && strcmp(spec->table, "certificates") == 0 &&
            session->stats->staged[spec_index("cards")] > 0)
            err = load_stage_moved_cards(session->conn, &session->moved_cards,
                                         &session->moved_card_count, errbuf);
        struct timespec start;
        clock_gettime(CLOCK_MONOTONIC, &start);
        if (err == KG_OK)
            err = stage_file(session, spec_idx, file, errbuf);
        load_source_free(file);
        if (err == KG_OK)
            log_line(session->log, LOG_DETAIL,
                     _("load: %s: %ld rows, %ld as the last load loaded them, %ld sent (%.2f s)"),
                     spec->file_name, session->stats->read[spec_idx],
                     session->stats->skipped[spec_idx], session->stats->staged[spec_idx],
                     lap(&start));
    }
    if (err == KG_OK && files == 0)
        return kg_fail(errbuf, KG_ERR_IO_READ,
                       _("unable to load '%s': no extract files (residents.csv, cards.csv, ...)"),
                       options->dir);
    int scheduled = 0;
    if (err == KG_OK && session->direct)
        err = write_schedule(session, &scheduled, errbuf);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    if (err == KG_OK && session->direct)
        err = load_direct_end(session->conn, &session->keys, !scheduled, errbuf);
    if (err == KG_OK && session->direct)
        log_line(session->log, LOG_DETAIL, _("load: indexes built, keys validated (%.2f s)"),
                 lap(&start));
    return err;
}

static int compare_lines(const void *left, const void *right)
{
    long a = *(const long *)left, b = *(const long *)right;
    return (a > b) - (a < b);
}

/* Writes the digests of every file read (D92): the rows loaded, without those the
 * database refused. */
static kg_err write_digests(load_session *session, kg_errbuf *errbuf)
{
    kg_err err = KG_OK;
    for (size_t spec_idx = 0; spec_idx < load_file_spec_count && err == KG_OK; spec_idx++) {
        load_file_work *work = &session->work[spec_idx];
        if (!session->stats->present[spec_idx])
            continue;
        if (work->refused_lost)
            return kg_fail(errbuf, KG_ERR_NOMEM, _("unable to load: out of memory"));
        if (work->refused_count > 0)
            qsort(work->refused, work->refused_count, sizeof(long), compare_lines);
        load_digest_list_drop_lines(&work->kept, work->refused, work->refused_count);
        err = load_digest_store_write(session->conn, load_file_specs[spec_idx].file_name,
                                      session->options->cp932, &work->old, &work->kept, errbuf);
    }
    return err;
}

static void session_free(load_session *session)
{
    for (size_t spec_idx = 0; spec_idx < LOAD_MAX_COLUMNS; spec_idx++) {
        load_digest_old_free(&session->work[spec_idx].old);
        load_digest_list_free(&session->work[spec_idx].kept);
        free(session->work[spec_idx].refused);
    }
    free(session->moved_cards);
    load_parents_free(&session->parents);
    load_direct_free(&session->keys);
    schedule_city_free(session->city);
}

static void print_summary(FILE *out, const load_stats *stats)
{
    /* one line, so that a translation aligns its header over the columns by display width */
    fputs(_("file                       read   rejected    changed  unchanged\n"), out);
    for (size_t spec_idx = 0; spec_idx < load_file_spec_count; spec_idx++) {
        if (!stats->present[spec_idx])
            continue;
        long accepted = stats->read[spec_idx] - stats->rejected[spec_idx];
        fprintf(out, "%-20s %10ld %10ld %10ld %10ld\n", load_file_specs[spec_idx].file_name,
                stats->read[spec_idx], stats->rejected[spec_idx], stats->changed[spec_idx],
                accepted - stats->changed[spec_idx]);
    }
}

/* A file whose every row was rejected is said in one line: usually the wrong encoding (a
 * CP932 extract read as UTF-8) or the wrong file, not thousands of bad rows. */
static void warn_all_rejected(const cmd_context *ctx, const load_options *options,
                              const load_stats *stats)
{
    for (size_t spec_idx = 0; spec_idx < load_file_spec_count; spec_idx++) {
        if (stats->read[spec_idx] == 0 || stats->rejected[spec_idx] < stats->read[spec_idx])
            continue;
        const char *name = load_file_specs[spec_idx].file_name;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", options->dir, name);
        FILE *file = options->cp932 ? NULL : fopen(path, "rb");
        bool cp932 = file != NULL && load_bytes_are_cp932(file);
        if (file != NULL)
            fclose(file);
        if (cp932)
            log_line(ctx->log, LOG_WARN,
                     _("every row of %s was rejected: its bytes are CP932 (Shift_JIS), not UTF-8: "
                       "load it with --encoding cp932"),
                     name);
        else
            log_line(ctx->log, LOG_WARN, _("every row of %s was rejected (%ld rows)"), name,
                     stats->read[spec_idx]);
    }
}

kg_err cmd_load(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome)
{
    load_options options;
    kg_err err = parse_options(ctx, argc, argv, &options, &outcome->error);
    if (err != KG_OK)
        return err;
    if (options.common.help)
        return options_print_help(ctx->out, help, &outcome->error);
    load_decoder *decoder = NULL;
    if (load_decoder_new(options.cp932, &decoder) != KG_OK)
        return kg_fail(&outcome->error, KG_ERR_CONFIG,
                       _("unable to convert from CP932: iconv has no CP932"));
    load_stats *stats = calloc(1, sizeof(*stats));
    load_session *session = calloc(1, sizeof(*session));
    db_conn *conn = NULL;
    if (stats == NULL || session == NULL) {
        err = kg_fail(&outcome->error, KG_ERR_NOMEM, _("unable to load: out of memory"));
        goto cleanup;
    }
    err = db_connect(&options.db, &outcome->error, &conn);
    if (err == KG_OK)
        err = migrations_require_current(conn, &outcome->error);
    if (err == KG_OK)
        err = db_exec(conn, "BEGIN", &outcome->error);
    if (err == KG_OK)
        err = load_digest_store_claim(conn, &outcome->error);
    if (err != KG_OK)
        goto cleanup;
    session->conn = conn;
    session->options = &options;
    session->decoder = decoder;
    session->stats = stats;
    session->report_stream = ctx->log->stream != NULL ? ctx->log->stream : stderr;
    session->log = ctx->log;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    err = stage_all(session, &outcome->error);
    if (err == KG_OK && !session->direct)
        err = load_stage_check(conn, refuse_row, session, stats->rejected, &outcome->error);
    if (err == KG_OK)
        log_line(ctx->log, LOG_DETAIL, _("load: %s (%.2f s)"),
                 session->direct ? _("first load, keys validated") : _("checks"), lap(&start));
    long staged = 0;
    for (size_t spec_idx = 0; spec_idx < load_file_spec_count; spec_idx++)
        staged += stats->staged[spec_idx];
    if (err == KG_OK && session->direct)
        memcpy(stats->changed, stats->staged, sizeof(stats->changed));
    int sole = 1;
    if (err == KG_OK && !session->direct && options.bulk)
        err = db_sole_municipality(conn, &sole, &outcome->error);
    if (err == KG_OK && !sole) /* load_stage_merge keeps them (D126) */
        log_line(ctx->log, LOG_INFO,
                 _("load: --bulk keeps the foreign keys in place: with several municipalities "
                   "they are every municipality's"));
    if (err == KG_OK && !session->direct)
        err = load_stage_merge(conn, options.bulk || staged > LOAD_BULK_ROWS, stats->changed,
                               &outcome->error);
    if (err == KG_OK && !session->direct)
        log_line(ctx->log, LOG_DETAIL, _("load: upsert of %ld rows (%.2f s)"), staged, lap(&start));
    if (err == KG_OK)
        err = write_digests(session, &outcome->error);
    if (err == KG_OK)
        log_line(ctx->log, LOG_DETAIL, _("load: digests written (%.2f s)"), lap(&start));
    if (err == KG_OK)
        err = db_exec(conn, "COMMIT", &outcome->error);
    if (err == KG_OK)
        log_line(ctx->log, LOG_DETAIL, _("load: committed (%.2f s)"), lap(&start));
    if (err != KG_OK) {
        db_exec(conn, "ROLLBACK", NULL);
        log_line(ctx->log, LOG_ERROR, _("load rolled back: the database is unchanged"));
        goto cleanup;
    }
    print_summary(ctx->out, stats);
    warn_all_rejected(ctx, &options, stats);
    /* the load is committed: a failure here leaves the residents stale (the run reads
     * them in full), which is reported but loses nothing */
    long refreshed = 0;
    err = schedule_refresh(conn, ctx->log, &refreshed, &outcome->error);
    /* a rejected row did not reach the database: exit status 1 (D77) */
    for (size_t spec_idx = 0; spec_idx < load_file_spec_count; spec_idx++)
        outcome->exceptions += stats->rejected[spec_idx];
cleanup:
    db_close(conn);
    if (session != NULL)
        session_free(session);
    free(session);
    free(stats);
    load_decoder_free(decoder);
    return err;
}
