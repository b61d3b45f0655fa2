/*
 * cmd_sample.c - `kigen sample --residents N [--seed S] [--as-of D] [--csv DIR] [--replace]`:
 * a synthetic city, into the database (COPY, one transaction) or as a CSV extract.
 *
 * Deterministic for a seed and as-of date. Into the database it refuses to mix with
 * existing residents unless --replace (which empties kigen's data and ledger tables).
 * One pass generates every resident once: the residents table streams straight into
 * COPY (with each resident's print-order key, as `kigen load` writes it: D98), the other
 * tables into temporary files that are copied after it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common/kdate.h"
#include "common/order_key.h"
#include "common/options.h"
#include "run/run_config.h"
#include "common/out_file.h"
#include "common/strbuf.h"
#include "db/db.h"
#include "db/db_tenancy.h"
#include "db/migrations.h"
#include "load/load_spec.h"
#include "run/schedule.h"
#include "sample/sample_city.h"
#include "sample/sample_rows.h"
#include "common/i18n.h"

#define SAMPLE_FLUSH (1 << 20)
#define SAMPLE_BUF_MAX (8 << 20)
#define SAMPLE_MAX_RESIDENTS 100000000L

typedef struct sample_options {
    long residents;
    unsigned long long seed;
    kdate as_of;
    const char *csv_dir;
    int replace;
    options_common common;
    run_config config;    /* --config FILE or the installed kigen.conf: db, language */
    db_target db;         /* --db, else the configuration's db */
    char db_origin[1100]; /* "db in FILE" when the configuration names the database */
} sample_options;

static kg_err parse_number(const char *text, unsigned long long max, unsigned long long *out)
{
    if (text == NULL || *text == '\0')
        return KG_ERR_USAGE;
    unsigned long long value = 0;
    for (const char *ch = text; *ch != '\0'; ch++) {
        if (*ch < '0' || *ch > '9' || value > (max - (unsigned)(*ch - '0')) / 10)
            return KG_ERR_USAGE;
        value = value * 10 + (unsigned)(*ch - '0');
    }
    *out = value;
    return KG_OK;
}

static const char synopsis[] =
    N_("usage: kigen sample --residents N [--seed S] [--as-of YYYY-MM-DD] "
       "[--csv DIR] [--replace]");
static const char help[] =
    N_("usage: kigen sample --residents N [--seed S] [--as-of YYYY-MM-DD] [--csv DIR] [--replace]\n"
       "\n"
       "A deterministic synthetic city (for a seed and a date), into the database or as an\n"
       "extract that kigen load reads. For demonstrations and tests: never a real city's.\n"
       "\n"
       "  --residents N       residents, 1 to 100,000,000\n"
       "  --seed S            the generator's seed (default 1)\n"
       "  --as-of D           the day the city is generated around (default 2026-12-01)\n"
       "  --csv DIR           write the extract's CSV files into DIR instead of the database\n"
       "  --replace           empty kigen's data and ledger tables first (a database that holds\n"
       "                      residents is refused otherwise)\n"
       "  --config FILE       the configuration: db, language (default: the installed\n"
       "                      kigen.conf)\n"
       "  --db CONNINFO       the database (libpq connection string, URI or database name)\n"
       "  -h, --help          this text\n");

enum { OPT_RESIDENTS = OPTIONS_FIRST, OPT_SEED, OPT_AS_OF, OPT_CSV, OPT_REPLACE };

static const struct option long_options[] = {
    {"residents", required_argument, NULL, OPT_RESIDENTS},
    {"seed", required_argument, NULL, OPT_SEED},
    {"as-of", required_argument, NULL, OPT_AS_OF},
    {"csv", required_argument, NULL, OPT_CSV},
    {"replace", no_argument, NULL, OPT_REPLACE},
    OPTIONS_DB_ENTRY,
    OPTIONS_CONFIG_ENTRY,
    OPTIONS_HELP_ENTRY,
    OPTIONS_END,
};

static kg_err take_option(sample_options *options, int opt, kg_errbuf *errbuf)
{
    unsigned long long number;
    if (opt == OPT_RESIDENTS && parse_number(optarg, SAMPLE_MAX_RESIDENTS, &number) == KG_OK &&
        number > 0)
        options->residents = (long)number;
    else if (opt == OPT_SEED && parse_number(optarg, 0xFFFFFFFFFFFFFFFFull, &number) == KG_OK)
        options->seed = number;
    else if (opt == OPT_AS_OF && kdate_parse(optarg, strlen(optarg), &options->as_of) == KG_OK)
        return KG_OK;
    else if (opt == OPT_CSV)
        options->csv_dir = optarg;
    else if (opt == OPT_REPLACE)
        options->replace = 1;
    else
        return kg_fail(errbuf, KG_ERR_USAGE, _("unable to use --%s '%s': %s\n%s"),
                       opt == OPT_RESIDENTS ? "residents"
                       : opt == OPT_SEED    ? "seed"
                                            : "as-of",
                       optarg,
                       opt == OPT_RESIDENTS ? _("a whole number from 1 to 100000000 is needed")
                       : opt == OPT_SEED    ? _("a whole number is needed")
                                            : _("not a day as YYYY-MM-DD"),
                       _(synopsis));
    return KG_OK;
}

static kg_err parse_options(const cmd_context *ctx, int argc, char **argv, sample_options *options,
                            kg_errbuf *errbuf)
{
    memset(options, 0, sizeof(*options));
    options->seed = 1;
    options->common.conninfo = ctx->conninfo;
    kdate_parse("2026-12-01", 10, &options->as_of);
    options_start();
    int opt;
    kg_err err = KG_OK;
    while (err == KG_OK && (opt = options_next(argc, argv, long_options)) != -1) {
        if (opt == OPTIONS_OPERAND)
            err = options_extra_operand(optarg, "sample", synopsis, errbuf);
        else if (opt == '?' || opt == ':')
            err = options_fail(argc, argv, opt, long_options, "sample", synopsis, errbuf);
        else if (!options_take_common(&options->common, opt))
            err = take_option(options, opt, errbuf);
    }
    if (err == KG_OK && optind < argc)
        err = options_extra_operand(argv[optind], "sample", synopsis, errbuf);
    options->config = run_config_default();
    if (err == KG_OK) /* --config, else the installed kigen.conf; then its language */
        err = run_config_read_command(&options->config, &options->common.config_path, errbuf);
    if (err != KG_OK || options->common.help)
        return err;
    options->db =
        db_target_choose(options->common.conninfo, options->config.db, options->common.config_path,
                         options->db_origin, sizeof(options->db_origin), "kigen sample");
    if (options->residents == 0)
        return kg_fail(errbuf, KG_ERR_USAGE,
                       _("unable to generate: --residents N is required (1..100000000)\n%s"),
                       _(synopsis));
    return KG_OK;
}

/* A sink for one table: an unnamed temporary file (tmpfile: into the database), or the
 * extract's CSV file (out_file: personal data, even when synthetic). */
typedef struct table_sink {
    FILE *file;    /* into the database; owned */
    out_file *out; /* CSV mode; owned, ended by write_csv */
    strbuf buf;
} table_sink;

static kg_err sink_flush(table_sink *sink, kg_errbuf *errbuf)
{
    kg_err err = KG_OK;
    if (sink->out != NULL)
        err = out_file_write(sink->out, sink->buf.data, sink->buf.len, errbuf);
    else if (sink->buf.len > 0 &&
             fwrite(sink->buf.data, 1, sink->buf.len, sink->file) != sink->buf.len)
        err = kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to write a temporary file: %s"),
                      strerror(errno));
    strbuf_reset(&sink->buf);
    return err;
}

/* Ends the CSV files (in place when err is KG_OK, removed otherwise), closes the
 * temporary files, frees the buffers; returns the first failure, err included. */
static kg_err sinks_close(table_sink *sinks, kg_err err, kg_errbuf *errbuf)
{
    for (size_t spec_idx = 0; spec_idx < load_file_spec_count; spec_idx++) {
        if (sinks[spec_idx].out != NULL)
            err = out_file_end(sinks[spec_idx].out, err, errbuf);
        free(sinks[spec_idx].out);
        sinks[spec_idx].out = NULL;
        if (sinks[spec_idx].file != NULL)
            fclose(sinks[spec_idx].file);
        sinks[spec_idx].file = NULL;
        strbuf_free(&sinks[spec_idx].buf);
    }
    return err;
}

/* Ends the row just appended to out (its newline replaced) with the resident's print-order
 * key, as `kigen load` writes it (D98): the run then has no key to compute. */
static kg_err append_order_key(const sample_resident *res, strbuf *out)
{
    char key[ORDER_KEY_STORED_MAX];
    order_key_of(res->banchi, res->address2, key, sizeof(key));
    if (out->len > 0 && out->data[out->len - 1] == '\n')
        out->len--;
    kg_err err = strbuf_append_str(out, ",\"");
    if (err == KG_OK)
        err = strbuf_append_str(out, key);
    if (err == KG_OK)
        err = strbuf_append_str(out, "\"\n");
    return err;
}

/* Generates every resident once, appending each table's rows to its sink; the table
 * `direct_idx` (or none: -1) goes to the database COPY instead. */
static kg_err generate(const sample_options *options, table_sink *sinks, db_conn *conn,
                       long direct_idx, kg_errbuf *errbuf)
{
    sample_city city;
    sample_city_init(&city, options->residents, options->seed, options->as_of);
    strbuf direct;
    strbuf_init(&direct, SAMPLE_BUF_MAX);
    kg_err err = KG_OK;
    for (int office_idx = 0; office_idx < city.office_count && err == KG_OK; office_idx++) {
        sample_office office;
        sample_office_make(&city, office_idx, &office);
        err = sample_rows_office(&office, &sinks[0].buf);
    }
    sample_resident res;
    for (long resident_id = 1; resident_id <= options->residents && err == KG_OK; resident_id++) {
        sample_resident_make(&city, resident_id, &res);
        for (size_t spec_idx = 1; spec_idx < load_file_spec_count && err == KG_OK; spec_idx++) {
            if ((long)spec_idx == direct_idx) {
                err = sample_rows_append(&res, spec_idx, &direct);
                if (err == KG_OK && load_file_specs[spec_idx].order_key)
                    err = append_order_key(&res, &direct);
                if (err == KG_OK && direct.len >= SAMPLE_FLUSH) {
                    err = db_copy_put(conn, direct.data, direct.len, errbuf);
                    strbuf_reset(&direct);
                }
                continue;
            }
            err = sample_rows_append(&res, spec_idx, &sinks[spec_idx].buf);
            if (err == KG_OK && sinks[spec_idx].buf.len >= SAMPLE_FLUSH)
                err = sink_flush(&sinks[spec_idx], errbuf);
        }
    }
    if (err == KG_OK && direct.len > 0)
        err = db_copy_put(conn, direct.data, direct.len, errbuf);
    for (size_t spec_idx = 0; spec_idx < load_file_spec_count && err == KG_OK; spec_idx++)
        if ((long)spec_idx != direct_idx)
            err = sink_flush(&sinks[spec_idx], errbuf);
    strbuf_free(&direct);
    if (err == KG_ERR_CSV_TOO_LONG || err == KG_ERR_NOMEM)
        kg_fail(errbuf, err, _("unable to generate rows: out of memory"));
    return err;
}

static kg_err write_csv(const sample_options *options, kg_errbuf *errbuf)
{
    kg_err err = out_file_make_dir(options->csv_dir, errbuf);
    if (err == KG_OK) /* what a killed `kigen sample --csv` left there */
        err = out_file_sweep(options->csv_dir, errbuf);
    table_sink sinks[16];
    memset(sinks, 0, sizeof(sinks));
    for (size_t spec_idx = 0; spec_idx < load_file_spec_count && err == KG_OK; spec_idx++) {
        table_sink *sink = &sinks[spec_idx];
        strbuf_init(&sink->buf, SAMPLE_BUF_MAX);
        out_file *out = malloc(sizeof(*out));
        if (out == NULL)
            err = kg_fail(errbuf, KG_ERR_NOMEM, _("unable to write '%s': out of memory"),
                          options->csv_dir);
        else
            err =
                out_file_begin(out, options->csv_dir, load_file_specs[spec_idx].file_name, errbuf);
        if (err == KG_OK)
            sink->out = out;
        else
            free(out);
        if (err == KG_OK)
            err = sample_rows_header(spec_idx, &sink->buf);
    }
    if (err == KG_OK)
        err = generate(options, sinks, NULL, -1, errbuf);
    return sinks_close(sinks, err, errbuf);
}

/* COPY of a table's rows from its temporary file. */
static kg_err copy_from_file(db_conn *conn, size_t spec_idx, table_sink *sink, kg_errbuf *errbuf)
{
    char sql[1024];
    const load_file_spec *spec = &load_file_specs[spec_idx];
    size_t used = (size_t)snprintf(sql, sizeof(sql), "COPY kigen.%s (", spec->table);
    for (size_t col_idx = 0; col_idx < spec->column_count && used < sizeof(sql); col_idx++)
        used += (size_t)snprintf(sql + used, sizeof(sql) - used, "%s%s", col_idx ? ", " : "",
                                 spec->columns[col_idx].name);
    if (used < sizeof(sql) && spec->order_key) /* appended by append_order_key */
        used += (size_t)snprintf(sql + used, sizeof(sql) - used, ", order_key");
    if (used < sizeof(sql))
        snprintf(sql + used, sizeof(sql) - used, ") FROM STDIN (FORMAT csv)");
    kg_err err = db_copy_begin(conn, sql, errbuf);
    if (err != KG_OK || sink == NULL)
        return err;
    if (fflush(sink->file) != 0 || fseek(sink->file, 0, SEEK_SET) != 0) {
        db_copy_end(conn, NULL);
        return kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to reread a temporary file: %s"),
                       strerror(errno));
    }
    char chunk[1 << 16];
    size_t got;
    while (err == KG_OK && (got = fread(chunk, 1, sizeof(chunk), sink->file)) > 0)
        err = db_copy_put(conn, chunk, got, errbuf);
    kg_err end_err = db_copy_end(conn, err == KG_OK ? errbuf : NULL);
    return err != KG_OK ? err : end_err;
}

static kg_err prepare_tables(db_conn *conn, int replace, kg_errbuf *errbuf)
{
    if (replace)
        return db_exec(
            conn,
            /* the municipality's own partitions (D124) */
            "SELECT kigen.truncate_own('run_returns', 'notice_events', 'run_offices', 'purges', "
            "'form_events', 'forms', 'run_forecasts', 'forecast_weeks', 'forecasts', 'findings', "
            "'exclusions', 'notice_certificates', 'notices', 'runs', 'proxy_requests', "
            "'changes', 'moves', 'certificates', 'cards', 'residents', 'offices')",
            errbuf);
    db_result *result = NULL;
    kg_err err =
        db_query(conn, "SELECT EXISTS (SELECT 1 FROM kigen.residents)", 0, NULL, errbuf, &result);
    if (err != KG_OK)
        return err;
    int has_rows = db_result_value(result, 0, 0)[0] == 't';
    db_result_free(result);
    if (has_rows) {
        kg_fail(errbuf, KG_ERR_USAGE, _("unable to generate into a database that holds residents"));
        kg_hint(errbuf, _("add --replace to empty kigen's tables first, or use --csv DIR"));
        return KG_ERR_USAGE;
    }
    return KG_OK;
}

static kg_err write_database(const cmd_context *ctx, const sample_options *options,
                             kg_errbuf *errbuf)
{
    db_conn *conn = NULL;
    table_sink sinks[16];
    memset(sinks, 0, sizeof(sinks));
    kg_err err = db_connect(&options->db, errbuf, &conn);
    /* the schema's version, and no session that bypasses the municipalities' policies (D121) */
    if (err == KG_OK)
        err = migrations_require_current(conn, errbuf);
    if (err == KG_OK)
        err = db_exec(conn, "BEGIN", errbuf);
    if (err == KG_OK)
        err = prepare_tables(conn, options->replace, errbuf);
    /* The generator's rows are consistent by construction: where the role may, skip the
     * per-row foreign-key triggers for this transaction (three times faster). */
    if (err == KG_OK)
        err = db_exec(conn,
                      "DO $$BEGIN IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = "
                      "current_user) THEN SET LOCAL session_replication_role = replica; END IF; "
                      "END$$",
                      errbuf);
    size_t residents_idx = 1; /* load_file_specs order: offices, residents, ... */
    for (size_t spec_idx = 0; spec_idx < load_file_spec_count && err == KG_OK; spec_idx++) {
        strbuf_init(&sinks[spec_idx].buf, SAMPLE_BUF_MAX);
        if (spec_idx == residents_idx)
            continue;
        sinks[spec_idx].file = tmpfile();
        if (sinks[spec_idx].file == NULL)
            err = kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to create a temporary file: %s"),
                          strerror(errno));
    }
    /* residents stream live into COPY; the other tables (offices too: residents do not
     * reference them) follow from their temporary files */
    if (err == KG_OK)
        err = copy_from_file(conn, residents_idx, NULL, errbuf);
    if (err == KG_OK) {
        err = generate(options, sinks, conn, (long)residents_idx, errbuf);
        kg_err end_err = db_copy_end(conn, err == KG_OK ? errbuf : NULL);
        if (err == KG_OK)
            err = end_err;
    }
    for (size_t spec_idx = 0; spec_idx < load_file_spec_count && err == KG_OK; spec_idx++)
        if (spec_idx != residents_idx)
            err = copy_from_file(conn, spec_idx, &sinks[spec_idx], errbuf);
    /* the triggers that mark changed residents and forget the load's digests did not fire
     * (replica role; the COPYs went to the municipality's partitions, D124): mark all */
    if (err == KG_OK)
        err = db_exec(
            conn, "SELECT kigen.schedule_mark(ARRAY[0::bigint]); DELETE FROM kigen.load_digests",
            errbuf);
    if (err == KG_OK)
        err = db_exec(conn, "COMMIT", errbuf);
    if (err != KG_OK && conn != NULL)
        db_exec(conn, "ROLLBACK", NULL);
    /* the planner's statistics: ANALYZE is the tables' owner's; a municipality's role leaves
     * them to autovacuum, as its load does */
    int owner = 0;
    if (err == KG_OK)
        err = db_owns_tables(conn, &owner, errbuf);
    if (err == KG_OK && owner)
        err = db_exec(conn,
                      "ANALYZE kigen.residents, kigen.cards, kigen.certificates, "
                      "kigen.moves, kigen.changes, kigen.proxy_requests, kigen.offices",
                      errbuf);
    long refreshed = 0;
    if (err == KG_OK)
        err = schedule_refresh(conn, ctx->log, &refreshed, errbuf);
    sinks_close(sinks, KG_OK, NULL);
    db_close(conn);
    return err;
}

kg_err cmd_sample(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome)
{
    sample_options options;
    kg_err err = parse_options(ctx, argc, argv, &options, &outcome->error);
    if (err != KG_OK)
        return err;
    if (options.common.help)
        return options_print_help(ctx->out, help, &outcome->error);
    char as_of[KDATE_ISO_LEN + 1];
    kdate_format(options.as_of, as_of);
    if (options.csv_dir != NULL)
        err = write_csv(&options, &outcome->error);
    else
        err = write_database(ctx, &options, &outcome->error);
    if (err == KG_OK)
        log_line(ctx->log, LOG_INFO, _("sample city: %ld residents, seed %llu, as of %s, into %s"),
                 options.residents, options.seed, as_of,
                 options.csv_dir != NULL ? options.csv_dir : _("the database"));
    return err;
}
