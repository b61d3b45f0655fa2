/*
 * cmd_export.c - `kigen export --from D --to D --xlsx FILE`: the auditor workbook of a
 * period, from the ledger (docs/formats.md).
 *
 * Reads only: the ledger for the period's sheets; for the forecast as of --to, the one the
 * runs of that week keep in the cache when it matches (D49), else the data (through the
 * run's scan and the rule module). Writes FILE through out_file (0600, complete or absent;
 * what a killed export left in its directory is removed first) and prints the three
 * busiest forecast weeks per office. The workbook and the messages are in the
 * configuration's language (run_config_language; D110).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/audit_export.h"
#include "commands.h"
#include "common/clock.h"
#include "common/i18n.h"
#include "common/options.h"
#include "common/out_file.h"
#include "db/db.h"
#include "db/migrations.h"
#include "run/forecast_cache.h"
#include "run/forecast_scan.h"
#include "run/run_config.h"
#include "version.h"

typedef struct export_options {
    kdate from, to;
    const char *xlsx_path;
    double take_up;
    int no_forecast;       /* --no-forecast: skip the scan of the city */
    int print_notices_sql; /* --notices-sql: print the Notices query (for `make bench`) */
    run_config config;
    options_common common;
    char db_origin[1100]; /* "db in FILE" when the configuration names the database */
    db_target db;
} export_options;

static const char synopsis[] = N_("usage: kigen export --from YYYY-MM-DD --to YYYY-MM-DD --xlsx "
                                  "FILE [--take-up R] [--config FILE]\n"
                                  "                    [--no-forecast]");
static const char help[] =
    N_("usage: kigen export --from YYYY-MM-DD --to YYYY-MM-DD --xlsx FILE [OPTIONS]\n"
       "\n"
       "Writes the auditor workbook of the runs dated in the period (both ends included),\n"
       "from the ledger, with the renewal-load forecast as of --to.\n"
       "\n"
       "  --from D, --to D    the period\n"
       "  --xlsx FILE         the workbook to write (private, complete or absent)\n"
       "  --take-up R         the share of holders expected to renew, 0 to 1 (default 0.8)\n"
       "  --config FILE       the configuration: the rule readings of the forecast,\n"
       "                      form_overdue_days, db, language (of the workbook)\n"
       "  --no-forecast       leave the Forecast sheet empty (no scan of the city)\n"
       "  --db CONNINFO       the database (else the configuration's db, else libpq's\n"
       "                      environment)\n"
       "  -h, --help          this text\n");

enum { OPT_FROM = OPTIONS_FIRST, OPT_TO, OPT_XLSX, OPT_TAKE_UP, OPT_NO_FORECAST, OPT_NOTICES_SQL };

static const struct option long_options[] = {
    {"from", required_argument, NULL, OPT_FROM},
    {"to", required_argument, NULL, OPT_TO},
    {"xlsx", required_argument, NULL, OPT_XLSX},
    OPTIONS_CONFIG_ENTRY,
    {"take-up", required_argument, NULL, OPT_TAKE_UP},
    {"no-forecast", no_argument, NULL, OPT_NO_FORECAST},
    {"notices-sql", no_argument, NULL, OPT_NOTICES_SQL},
    OPTIONS_DB_ENTRY,
    OPTIONS_HELP_ENTRY,
    OPTIONS_END,
};

static kg_err parse_date_option(const char *name, const char *value, kdate *out, kg_errbuf *errbuf)
{
    if (kdate_parse(value, strlen(value), out) != KG_OK)
        return kg_fail(errbuf, KG_ERR_USAGE, _("unable to use %s '%s': not a day as YYYY-MM-DD"),
                       name, value);
    return KG_OK;
}

static kg_err take_option(export_options *options, int opt, kg_errbuf *errbuf)
{
    char *end = NULL;
    switch (opt) {
    case OPT_FROM:
        return parse_date_option("--from", optarg, &options->from, errbuf);
    case OPT_TO:
        return parse_date_option("--to", optarg, &options->to, errbuf);
    case OPT_XLSX:
        options->xlsx_path = optarg;
        return KG_OK;
    case OPT_TAKE_UP:
        options->take_up = strtod(optarg, &end);
        if (end == optarg || *end != '\0' || !(options->take_up >= 0 && options->take_up <= 1))
            return kg_fail(errbuf, KG_ERR_USAGE,
                           _("unable to use --take-up '%s': not a rate between 0 and 1"), optarg);
        return KG_OK;
    case OPT_NO_FORECAST:
        options->no_forecast = 1;
        return KG_OK;
    case OPT_NOTICES_SQL:
        options->print_notices_sql = 1;
        return KG_OK;
    default:
        return KG_ERR_INTERNAL;
    }
}

static kg_err parse_options(const cmd_context *ctx, int argc, char **argv, export_options *options,
                            kg_errbuf *errbuf)
{
    memset(options, 0, sizeof(*options));
    options->from = KDATE_NONE;
    options->to = KDATE_NONE;
    options->take_up = FORECAST_TAKE_UP_DEFAULT;
    options->config = run_config_default();
    options->common.conninfo = ctx->conninfo;
    options_start();
    int opt;
    kg_err err = KG_OK;
    while (err == KG_OK && (opt = options_next(argc, argv, long_options)) != -1) {
        if (opt == OPTIONS_OPERAND)
            err = options_extra_operand(optarg, "export", _(synopsis), errbuf);
        else if (opt == '?' || opt == ':')
            err = options_fail(argc, argv, opt, long_options, "export", _(synopsis), errbuf);
        else if (!options_take_common(&options->common, opt))
            err = take_option(options, opt, errbuf);
    }
    if (err == KG_OK && optind < argc)
        err = options_extra_operand(argv[optind], "export", _(synopsis), errbuf);
    if (err == KG_OK && !options->print_notices_sql) /* --config or the default, its language */
        err = run_config_read_command(&options->config, &options->common.config_path, errbuf);
    if (err != KG_OK || options->common.help || options->print_notices_sql)
        return err;
    options->db =
        db_target_choose(options->common.conninfo, options->config.db, options->common.config_path,
                         options->db_origin, sizeof(options->db_origin), "kigen export");
    if (options->from == KDATE_NONE || options->to == KDATE_NONE || options->xlsx_path == NULL)
        return kg_fail(errbuf, KG_ERR_USAGE,
                       _("unable to export: --from, --to and --xlsx are required\n%s"),
                       _(synopsis));
    if (options->from > options->to)
        return kg_fail(errbuf, KG_ERR_USAGE, "%s", _("unable to export: --from is after --to"));
    return db_check_conninfo(options->db.conninfo, options->db.origin, errbuf);
}

static void log_forecast_source(const log_sink *log, const forecast *fc, long cached)
{
    char as_of[KDATE_ISO_LEN + 1];
    if (cached != 0)
        log_line(log, LOG_INFO,
                 _("forecast as of %s: the runs' forecast of that week, from the cache"),
                 kdate_format(fc->as_of, as_of));
    else
        log_line(log, LOG_INFO, _("forecast as of %s: computed from every resident"),
                 kdate_format(fc->as_of, as_of));
}

static void print_busiest(FILE *out, const forecast *fc)
{
    char week_text[KDATE_ISO_LEN + 1];
    fprintf(out, _("forecast as of %s (take-up %.2f): the three busiest weeks per office\n"),
            kdate_format(fc->as_of, week_text), fc->take_up);
    for (size_t idx = 0; idx < fc->office_count; idx++) {
        const forecast_office *office = &fc->offices[idx];
        int weeks[3];
        forecast_busiest(office, 3, weeks);
        fprintf(out, "  %-8s", office->office_code[0] != '\0' ? office->office_code : _("(none)"));
        for (int rank = 0; rank < 3; rank++)
            fprintf(out, _("  week of %s: %7.1f"),
                    kdate_format(fc->first_week + 7 * weeks[rank], week_text),
                    office->visits[weeks[rank]]);
        fprintf(out, "\n");
    }
}

kg_err cmd_export(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome)
{
    export_options options;
    kg_errbuf *errbuf = &outcome->error;
    kg_err err = parse_options(ctx, argc, argv, &options, errbuf);
    if (err != KG_OK)
        return err;
    if (options.common.help)
        return options_print_help(ctx->out, _(help), errbuf);
    if (options.print_notices_sql) {
        fprintf(ctx->out, "%s\n", audit_export_notices_sql());
        return KG_OK;
    }
    char dir[OUT_FILE_PATH_CAP], name[OUT_FILE_PATH_CAP], written_at[CLOCK_ISO_SIZE + 16];
    err = out_file_split_path(options.xlsx_path, dir, name, errbuf);
    if (err == KG_OK) /* what a killed export left there */
        err = out_file_sweep(dir, errbuf);
    if (err != KG_OK)
        return err;
    clock_jst now = clock_now_jst();
    clock_format_iso(&now, written_at);

    db_conn *conn = NULL;
    forecast fc;
    forecast_init(&fc, options.to, options.take_up);
    err = db_connect(&options.db, errbuf, &conn);
    if (err == KG_OK)
        err = migrations_require_current(conn, errbuf);
    forecast_request forecast_for = {options.to, KIGEN_VERSION, &options.config.select,
                                     options.take_up};
    long cached = 0;
    if (err == KG_OK && !options.no_forecast)
        err = forecast_cache_find(conn, &forecast_for, &fc, &cached, errbuf);
    if (err == KG_OK && !options.no_forecast && cached == 0)
        err = forecast_scan(conn, &options.config.select, &fc, errbuf);
    if (err == KG_OK && !options.no_forecast)
        log_forecast_source(ctx->log, &fc, cached);
    /* the labels follow the export's language; the details stay as their nights wrote
     * them (D110) */
    audit_export_period period = {options.from,
                                  options.to,
                                  written_at,
                                  options.no_forecast ? NULL : &fc,
                                  options.config.form_overdue_days,
                                  run_config_language(&options.config)};
    xlsx_audit_counts counts = {0, 0, 0, 0, 0};
    if (err == KG_OK)
        err = audit_export_write(conn, dir, name, &period, &counts, errbuf);
    if (err == KG_OK) {
        char from[KDATE_ISO_LEN + 1], to[KDATE_ISO_LEN + 1];
        fprintf(ctx->out,
                _("export %s to %s: %s: %ld notice rows, %ld exclusions, %ld recent movers, %ld "
                  "forms, %ld returned-mail rows\n"),
                kdate_format(options.from, from), kdate_format(options.to, to), options.xlsx_path,
                counts.notices, counts.excluded, counts.movers, counts.forms, counts.returns);
        if (!options.no_forecast)
            print_busiest(ctx->out, &fc);
    }
    forecast_free(&fc);
    db_close(conn);
    return err;
}
