/*
 * cmd_purge.c - `kigen purge [--before YYYY-MM-DD] [--config FILE] [--dry-run]`: removes
 * the personal data that the ledger keeps past its retention (D73).
 *
 * The names, postal codes and addresses that the ledger copied from the letters of the
 * runs dated before the day (and the proxies' names of their forms) are emptied; ids,
 * dates, reasons, counts and every other column stay, so the statistics and the audit's
 * counts of those runs are unchanged. The purge is one transaction and is recorded in
 * kigen.purges; the purged runs carry purged_at, and `kigen run` refuses to write their
 * letters again (they would print blanks). The day must lie at least retention_years
 * (configuration, default 5) before today in Japan: a typo cannot purge recent letters.
 * The city's own data tables are not touched (that is the register system's business).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common/clock.h"
#include "common/options.h"
#include "db/db.h"
#include "db/migrations.h"
#include "run/run_config.h"
#include "common/i18n.h"

/* What each table keeps of a letter after the purge: nothing that names or locates a
 * person. $1 is the first run date kept. */
static const char *const purge_sql[] = {
    "UPDATE kigen.notices SET family_name = NULL, given_name = NULL, postal_code = NULL, "
    "address = NULL, banchi = NULL, address2 = NULL WHERE run_date < $1::date AND "
    "(family_name IS NOT NULL OR given_name IS NOT NULL OR postal_code IS NOT NULL OR "
    "address IS NOT NULL OR banchi IS NOT NULL OR address2 IS NOT NULL)",
    "UPDATE kigen.exclusions e SET family_name = NULL, given_name = NULL, postal_code = NULL "
    "FROM kigen.runs ru WHERE ru.run_id = e.run_id AND ru.run_date < $1::date AND "
    "(e.family_name IS NOT NULL OR e.given_name IS NOT NULL OR e.postal_code IS NOT NULL)",
    "UPDATE kigen.forms SET family_name = '', given_name = '', postal_code = NULL, "
    "address = NULL, banchi = NULL, address2 = NULL, proxy_name = NULL WHERE run_date < "
    "$1::date AND (family_name <> '' OR given_name <> '' OR postal_code IS NOT NULL OR "
    "address IS NOT NULL OR banchi IS NOT NULL OR address2 IS NOT NULL OR proxy_name IS NOT "
    "NULL)",
};

typedef struct purge_options {
    kdate before; /* KDATE_NONE: today - retention_years */
    int dry_run;
    run_config config;
    options_common common;
    char db_origin[1100]; /* "db in FILE" when the configuration names the database */
    db_target db;
} purge_options;

static const char synopsis[] = N_("usage: kigen purge [--before YYYY-MM-DD] [--config FILE] "
                                  "[--dry-run]");
static const char help[] =
    N_("usage: kigen purge [--before YYYY-MM-DD] [--config FILE] [--dry-run]\n"
       "\n"
       "Removes the names, postal codes and addresses that the ledger kept of the letters of\n"
       "the runs dated before the day (ids, dates, reasons and counts stay; D73).\n"
       "\n"
       "  --before D          the first run date kept (default: today in Japan minus\n"
       "                      retention_years); a later day than that is refused\n"
       "  --config FILE       the configuration: retention_years, db, language\n"
       "  --dry-run           count what would be removed; change nothing\n"
       "  --db CONNINFO       the database (else the configuration's db, else libpq's\n"
       "                      environment)\n"
       "  -h, --help          this text\n");

enum { OPT_BEFORE = OPTIONS_FIRST, OPT_DRY_RUN };

static const struct option long_options[] = {
    {"before", required_argument, NULL, OPT_BEFORE},
    OPTIONS_CONFIG_ENTRY,
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    OPTIONS_DB_ENTRY,
    OPTIONS_HELP_ENTRY,
    OPTIONS_END,
};

static kg_err parse_options(const cmd_context *ctx, int argc, char **argv, purge_options *options,
                            kg_errbuf *errbuf)
{
    memset(options, 0, sizeof(*options));
    options->before = KDATE_NONE;
    options->config = run_config_default();
    options->common.conninfo = ctx->conninfo;
    options_start();
    int opt;
    kg_err err = KG_OK;
    while (err == KG_OK && (opt = options_next(argc, argv, long_options)) != -1) {
        if (opt == OPT_BEFORE) {
            if (kdate_parse(optarg, strlen(optarg), &options->before) != KG_OK)
                err = kg_fail(errbuf, KG_ERR_USAGE,
                              _("unable to use --before '%s': not a day as YYYY-MM-DD"), optarg);
        } else if (opt == OPT_DRY_RUN) {
            options->dry_run = 1;
        } else if (opt == OPTIONS_OPERAND) {
            err = options_extra_operand(optarg, "purge", synopsis, errbuf);
        } else if (!options_take_common(&options->common, opt)) {
            err = options_fail(argc, argv, opt, long_options, "purge", synopsis, errbuf);
        }
    }
    if (err == KG_OK && optind < argc)
        err = options_extra_operand(argv[optind], "purge", synopsis, errbuf);
    if (err == KG_OK) /* --config, else the installed kigen.conf; then its language */
        err = run_config_read_command(&options->config, &options->common.config_path, errbuf);
    if (err != KG_OK || options->common.help)
        return err;
    options->db =
        db_target_choose(options->common.conninfo, options->config.db, options->common.config_path,
                         options->db_origin, sizeof(options->db_origin), "kigen purge");
    return db_check_conninfo(options->db.conninfo, options->db.origin, errbuf);
}

static long affected_of(db_conn *conn, const char *sql, const char *before, kg_err *err,
                        kg_errbuf *errbuf)
{
    const char *params[] = {before};
    db_result *result = NULL;
    *err = db_query(conn, sql, 1, params, errbuf, &result);
    long rows = *err == KG_OK ? db_result_affected(result) : 0;
    db_result_free(result);
    return rows;
}

kg_err cmd_purge(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome)
{
    purge_options options;
    kg_errbuf *errbuf = &outcome->error;
    kg_err err = parse_options(ctx, argc, argv, &options, errbuf);
    if (err != KG_OK)
        return err;
    if (options.common.help)
        return options_print_help(ctx->out, help, errbuf);
    kdate today = clock_today_jst(), limit = KDATE_NONE;
    err = kdate_add_months(today, -12 * options.config.retention_years, &limit);
    if (err != KG_OK)
        return kg_fail(errbuf, KG_ERR_INTERNAL, _("unable to compute the retention limit"));
    char before[KDATE_ISO_LEN + 1], limit_text[KDATE_ISO_LEN + 1];
    kdate_format(limit, limit_text);
    if (options.before == KDATE_NONE)
        options.before = limit;
    kdate_format(options.before, before);
    if (options.before > limit) {
        err = kg_fail(errbuf, KG_ERR_USAGE,
                      _("unable to purge the letters dated before %s: the ledger keeps them %d "
                        "years (retention_years), so the latest day allowed today is %s"),
                      before, options.config.retention_years, limit_text);
        kg_hint(errbuf, _("nothing was purged; check the date, or the configuration's "
                          "retention_years if the municipality's rule is shorter"));
        return err;
    }
    db_conn *conn = NULL;
    err = db_connect(&options.db, errbuf, &conn);
    if (err == KG_OK)
        err = migrations_require_current(conn, errbuf);
    if (err == KG_OK)
        err = db_exec(conn, "BEGIN", errbuf);
    long counts[3] = {0, 0, 0};
    for (size_t idx = 0; idx < 3 && err == KG_OK; idx++)
        counts[idx] = affected_of(conn, purge_sql[idx], before, &err, errbuf);
    char numbers[3][24];
    for (size_t idx = 0; idx < 3; idx++)
        snprintf(numbers[idx], sizeof(numbers[idx]), "%ld", counts[idx]);
    const char *event[] = {before, numbers[0], numbers[1], numbers[2]};
    if (err == KG_OK && !options.dry_run)
        err = db_query(conn,
                       "INSERT INTO kigen.purges (before_date, notices, exclusions, forms) "
                       "VALUES ($1::date, $2::int, $3::int, $4::int)",
                       4, event, errbuf, NULL);
    if (err == KG_OK && !options.dry_run)
        err = db_query(conn,
                       "UPDATE kigen.runs SET purged_at = now() WHERE run_date < $1::date AND "
                       "purged_at IS NULL",
                       1, event, errbuf, NULL);
    if (err == KG_OK)
        err = db_exec(conn, options.dry_run ? "ROLLBACK" : "COMMIT", errbuf);
    if (err == KG_OK)
        fprintf(ctx->out,
                _("purge before %s%s: personal data removed from %ld notices, %ld exclusions, "
                  "%ld forms (ids, dates, reasons and counts kept)\n"),
                before, options.dry_run ? _(" (dry run, nothing changed)") : "", counts[0],
                counts[1], counts[2]);
    db_close(conn); /* on failure this rolls the transaction back */
    return err;
}
