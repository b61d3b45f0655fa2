/*
 * cmd_run.c - `kigen run --date D --out DIR`: the nightly run (docs/formats.md).
 *
 * Takes the run lock (run_lock.h), then either finishes a run of D that already recorded its ledger
 * (files rewritten from the ledger, nothing new recorded), or scans, selects, records
 * the ledger in one transaction, and writes the files. The scan reads on one
 * connection while the outcomes stream into the recording transaction on a second.
 * --dry-run scans and reports without recording or writing anything. A run date more than
 * max_days_ahead days after today is refused before anything is read (D78).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "common/clock.h"
#include "common/crash.h"
#include "common/options.h"
#include "common/reasons.h"
#include "common/progress.h"
#include "db/db.h"
#include "db/migrations.h"
#include "../render/notice.h"
#include "../render/template.h"
#include "export/audit_export.h"
#include "run/forecast_cache.h"
#include "run/ledger.h"
#include "run/outputs.h"
#include "run/mail_list_file.h"
#include "run/print.h"
#include "run/printable.h"
#include "run/run_templates.h"
#include "run/run_config.h"
#include "run/run_lock.h"
#include "run/order_key.h"
#include "run/scan.h"
#include "run/schedule.h"
#include "run/select.h"
#include "version.h"
#include "common/i18n.h"
#include "common/municipality_code.h"
#include "db/db_tenancy.h"

#define PROGRESS_EVERY 50000
#define JSON_MAX 4096

typedef struct run_options {
    kdate run_date;
    const char *out_dir; /* --out, then OUT/<CODE> for a named municipality (D129) */
    char municipal_out[4096];
    int dry_run;
    int whole_city;             /* --whole-city: read every resident, not only the schedule's */
    int no_render;              /* --no-render: ledger and CSV files only; the run stays
                                   `recorded` and its next run draws the print files */
    int force;                  /* --force: a run date past max_days_ahead (D78) */
    int strict;                 /* --strict or strict = true: bad_data exits 1 (D76) */
    const char *print_scan_sql; /* --scan-sql create|fill|select: print that SQL (for
                                   `make bench`) and stop */
    run_config config;
    options_common common;
    char db_origin[1100]; /* "db in FILE" when the configuration names the database */
    db_target db;         /* every connection of the run */
} run_options;

typedef struct run_counts {
    long residents;
    long notices; /* residents noticed */
    long certificates_noticed;
    long already_noticed;
    long already_excluded; /* excluded for good by an earlier run (D28) */
    long excluded;
    long findings;
    long per_reason[REASON__COUNT];
} run_counts;

static const char synopsis[] =
    N_("usage: kigen run [--date YYYY-MM-DD] --out DIR [--config FILE] [--lead-days N] "
       "[--mover-months N]\n"
       "                 [--w2] [--feb29=feb28|mar1] [--whole-city] [--no-render] [--dry-run]\n"
       "                 [--strict] [--force]");
static const char help[] =
    N_("usage: kigen run [--date YYYY-MM-DD] --out DIR [--config FILE] [OPTIONS]\n"
       "\n"
       "The nightly run for one date: notices, proxy forms, print files, CSV files,\n"
       "manifest.json and audit.xlsx under DIR/DATE/, from a ledger recorded once (a re-run\n"
       "of the date rewrites the same files and records nothing).\n"
       "\n"
       "  --date D            the run date, YYYY-MM-DD (default: today in Japan); more than\n"
       "                      max_days_ahead days after today (default 1) is refused\n"
       "  --force             run a date further ahead all the same\n"
       "  --out DIR           the folder for the run's folder DIR/DATE/\n"
       "  --config FILE       the configuration (kigen(1) and kigen.conf.example: every key);\n"
       "                      the options below override it\n"
       "  --lead-days N       lead_days (0..120)\n"
       "  --mover-months N    mover_months (0..24)\n"
       "  --w2                the W2 window (window = w2)\n"
       "  --feb29=R           feb28 or mar1: 29 February in a common year\n"
       "  --whole-city        read every resident, not only the schedule's (same result)\n"
       "  --no-render         the ledger and the CSV files only; the next run of the date\n"
       "                      draws the print files and the workbook\n"
       "  --dry-run           scan and print the counts; record and write nothing (no --out)\n"
       "  --strict            exit 1 when the night has bad_data exclusions (strict = true)\n"
       "  --db CONNINFO       the database (else the configuration's db, else libpq's\n"
       "                      environment)\n"
       "  -h, --help          this text\n"
       "\n"
       "Exit status 0 when the night is recorded and written, bad_data or not (they are in\n"
       "the summary, excluded.csv and audit.xlsx); 1 for bad_data only with --strict.\n");

enum {
    OPT_DATE = OPTIONS_FIRST,
    OPT_OUT,
    OPT_LEAD_DAYS,
    OPT_MOVER_MONTHS,
    OPT_FEB29,
    OPT_W2,
    OPT_WHOLE_CITY,
    OPT_NO_RENDER,
    OPT_DRY_RUN,
    OPT_STRICT,
    OPT_FORCE,
    OPT_SCAN_SQL
};

static const struct option long_options[] = {
    {"date", required_argument, NULL, OPT_DATE},
    {"out", required_argument, NULL, OPT_OUT},
    OPTIONS_CONFIG_ENTRY,
    {"lead-days", required_argument, NULL, OPT_LEAD_DAYS},
    {"mover-months", required_argument, NULL, OPT_MOVER_MONTHS},
    {"feb29", required_argument, NULL, OPT_FEB29},
    {"w2", no_argument, NULL, OPT_W2},
    {"whole-city", no_argument, NULL, OPT_WHOLE_CITY},
    {"no-render", no_argument, NULL, OPT_NO_RENDER},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"force", no_argument, NULL, OPT_FORCE},
    {"scan-sql", required_argument, NULL, OPT_SCAN_SQL},
    OPTIONS_DB_ENTRY,
    OPTIONS_HELP_ENTRY,
    OPTIONS_END,
};

/* One option of the second pass (the configuration file is read by the first). */
static kg_err take_option(run_options *options, int opt, kg_errbuf *errbuf)
{
    switch (opt) {
    case OPT_DATE:
        if (kdate_parse(optarg, strlen(optarg), &options->run_date) != KG_OK)
            return kg_fail(errbuf, KG_ERR_USAGE,
                           _("unable to use --date '%s': not a day as YYYY-MM-DD"), optarg);
        return KG_OK;
    case OPT_OUT:
        options->out_dir = optarg;
        return KG_OK;
    case OPT_LEAD_DAYS:
        return run_config_set(&options->config, "lead_days", optarg, errbuf);
    case OPT_MOVER_MONTHS:
        return run_config_set(&options->config, "mover_months", optarg, errbuf);
    case OPT_FEB29:
        return run_config_set(&options->config, "feb29", optarg, errbuf);
    case OPT_W2:
        options->config.select.rules.window_w2 = true;
        return KG_OK;
    case OPT_WHOLE_CITY:
        options->whole_city = 1;
        return KG_OK;
    case OPT_NO_RENDER:
        options->no_render = 1;
        return KG_OK;
    case OPT_DRY_RUN:
        options->dry_run = 1;
        return KG_OK;
    case OPT_STRICT:
        options->strict = 1;
        return KG_OK;
    case OPT_FORCE:
        options->force = 1;
        return KG_OK;
    case OPT_SCAN_SQL:
        options->print_scan_sql = optarg;
        return KG_OK;
    default:
        return KG_ERR_INTERNAL; /* the caller's: an operand, a common option or an error */
    }
}

/* The run date must not lie more than max_days_ahead days after today in Japan: a typo
 * (2031-06-01) would record thousands of final notices (D78). */
static kg_err check_run_date(const run_options *options, kg_errbuf *errbuf)
{
    kdate today = clock_today_jst();
    int limit = run_config_max_days_ahead(&options->config);
    long ahead = (long)options->run_date - (long)today;
    if (options->force || options->dry_run || options->print_scan_sql != NULL || ahead <= limit)
        return KG_OK;
    char date[KDATE_ISO_LEN + 1], today_text[KDATE_ISO_LEN + 1], ahead_text[64], limit_text[64];
    snprintf(ahead_text, sizeof(ahead_text), ngettext("%ld day", "%ld days", (unsigned long)ahead),
             ahead);
    snprintf(limit_text, sizeof(limit_text), ngettext("%d day", "%d days", (unsigned long)limit),
             limit);
    kg_fail(errbuf, KG_ERR_USAGE,
            _("unable to run the night of %s: it is %s after today (%s in Japan), and a run may "
              "be at most %s ahead (max_days_ahead)"),
            kdate_format(options->run_date, date), ahead_text, kdate_format(today, today_text),
            limit_text);
    kg_hint(errbuf, _("nothing was done; check --date. To record a later night on purpose, add "
                      "--force (or set max_days_ahead, 0 to 31, in the configuration)"));
    return KG_ERR_USAGE;
}

static kg_err parse_options(const cmd_context *ctx, int argc, char **argv, run_options *options,
                            kg_errbuf *errbuf)
{
    memset(options, 0, sizeof(*options));
    options->run_date = clock_today_jst();
    options->config = run_config_default();
    options->common.conninfo = ctx->conninfo;
    /* the file first, so that the other options override it */
    options_start();
    int opt;
    kg_err err = KG_OK;
    while (err == KG_OK && (opt = options_next(argc, argv, long_options)) != -1) {
        if (opt == OPTIONS_CONFIG) {
            options->common.config_path = optarg;
        } else if (opt == OPTIONS_OPERAND) {
            err = options_extra_operand(optarg, "run", synopsis, errbuf);
        } else if (opt == '?' || opt == ':') {
            err = options_fail(argc, argv, opt, long_options, "run", synopsis, errbuf);
        }
    }
    if (err == KG_OK && optind < argc)
        err = options_extra_operand(argv[optind], "run", synopsis, errbuf);
    if (err == KG_OK) /* --config, else the installed kigen.conf; then its language */
        err = run_config_read_command(&options->config, &options->common.config_path, errbuf);
    options_start();
    while (err == KG_OK && (opt = options_next(argc, argv, long_options)) != -1)
        if (!options_take_common(&options->common, opt))
            err = take_option(options, opt, errbuf);
    if (err != KG_OK || options->common.help)
        return err;
    options->strict |= options->config.strict;
    options->db =
        db_target_choose(options->common.conninfo, options->config.db, options->common.config_path,
                         options->db_origin, sizeof(options->db_origin), "kigen run");
    if (options->out_dir == NULL && !options->dry_run && options->print_scan_sql == NULL)
        return kg_fail(errbuf, KG_ERR_USAGE, _("unable to run: --out DIR is missing\n%s"),
                       _(synopsis));
    err = db_check_conninfo(options->db.conninfo, options->db.origin, errbuf);
    if (err == KG_OK)
        err = check_run_date(options, errbuf);
    return err;
}

static void counts_json(const run_counts *counts, char *buf, size_t cap)
{
    int len = snprintf(buf, cap,
                       "{\"residents_scanned\": %ld, \"notices\": %ld, "
                       "\"certificates_noticed\": %ld, \"already_noticed\": %ld, "
                       "\"already_excluded\": %ld, \"excluded\": %ld, \"findings\": %ld, "
                       "\"excluded_per_reason\": {",
                       counts->residents, counts->notices, counts->certificates_noticed,
                       counts->already_noticed, counts->already_excluded, counts->excluded,
                       counts->findings);
    for (int reason = 0; reason < REASON__COUNT && len > 0 && (size_t)len < cap; reason++)
        len += snprintf(buf + len, cap - (size_t)len, "%s\"%s\": %ld", reason > 0 ? ", " : "",
                        select_reason_name((select_reason)reason), counts->per_reason[reason]);
    if (len > 0 && (size_t)len < cap)
        snprintf(buf + len, cap - (size_t)len, "}}");
}

static void count_resident(const scan_resident *scanned, const select_result *results,
                           run_counts *counts)
{
    int noticed = 0;
    counts->residents++;
    for (size_t idx = 0; idx < scanned->res.cert_count; idx++) {
        const select_result *result = &results[idx];
        if (result->outcome == OUTCOME_NOTICE) {
            counts->certificates_noticed++;
            noticed = 1;
        } else if (result->outcome == OUTCOME_ALREADY_NOTICED) {
            counts->already_noticed++;
        } else if (result->outcome == OUTCOME_ALREADY_EXCLUDED) {
            counts->already_excluded++;
        } else if (result->outcome == OUTCOME_EXCLUDED) {
            counts->excluded++;
            counts->per_reason[result->reason]++;
        }
        if (select_result_is_finding(result))
            counts->findings++;
    }
    counts->notices += noticed;
}

/* Scans every resident, decides, and (unless writer is NULL) streams the outcomes into
 * the recording transaction on writer. */
/* The addressee as the notice will print it. */
static ledger_addressee addressee_of(const scan_resident *scanned, const run_options *options)
{
    bool minor = select_to_representative(scanned->res.birth_date, options->run_date,
                                          &options->config.select);
    ledger_addressee to = {
        scanned->office_code, scanned->postal_code, scanned->family_name, scanned->given_name,
        scanned->address,     scanned->banchi,      scanned->address2,    minor};
    return to;
}

/* What the night's letters are checked against before anything is recorded (D72). */
typedef struct run_checks {
    printable_pages notice_pages;  /* the notice and its enclosed form */
    printable_pages inquiry_pages; /* the inquiry */
    printable_offices offices;     /* owned: each office's sender block */
} run_checks;

static kg_err run_checks_begin(db_conn *conn, const run_templates *templates, kdate run_date,
                               const log_sink *log, run_checks *checks, kg_errbuf *errbuf)
{
    memset(checks, 0, sizeof(*checks));
    checks->notice_pages.painters[checks->notice_pages.count++] = templates->notice_painter;
    if (templates->enclosure_painter != NULL)
        checks->notice_pages.painters[checks->notice_pages.count++] = templates->enclosure_painter;
    checks->inquiry_pages.painters[checks->inquiry_pages.count++] = templates->inquiry_painter;
    const printable_pages *sets[] = {&checks->notice_pages, &checks->inquiry_pages};
    kg_err err = printable_offices_check(conn, sets, 2, run_date, &checks->offices, errbuf);
    for (size_t idx = 0; err == KG_OK && idx < checks->offices.count; idx++) {
        const printable_office *office = &checks->offices.offices[idx];
        if (office->problem[0] != '\0')
            log_line(log, LOG_WARN,
                     _("office %s: %s: its letters are held back as undeliverable until "
                       "offices.csv or the template is fixed"),
                     office->office_code, office->problem);
    }
    return err;
}

/* A resident about to be noticed whose letter cannot be printed (a character no font of
 * the notice or its enclosure has, a name or address that does not fit the envelope
 * window, an office whose sender block cannot be printed) is decided again as
 * glyph_missing or undeliverable (D50, D54, D72), with the reason in problem. */
static kg_err check_printable(const run_checks *checks, const run_options *options,
                              scan_resident *scanned, const ledger_addressee *to,
                              select_result *results, char *problem, size_t cap)
{
    if (!select_any_noticed(results, scanned->res.cert_count))
        return KG_OK;
    notice_data data = {.notice_no = "",
                        .family_name = to->family_name,
                        .given_name = to->given_name,
                        .postal_code = to->postal_code,
                        .address = to->address,
                        .banchi = to->banchi,
                        .address2 = to->address2,
                        .to_representative = to->to_representative};
    printable_verdict verdict = printable_addressee(&checks->notice_pages, &data, problem, cap);
    const char *office_problem = printable_office_problem(&checks->offices, to->office_code);
    if (verdict == PRINTABLE_OK && office_problem != NULL) {
        snprintf(problem, cap, "office %s: %s", to->office_code, office_problem);
        verdict = PRINTABLE_LAYOUT;
    }
    if (verdict == PRINTABLE_OK)
        return KG_OK;
    if (verdict == PRINTABLE_GLYPH)
        scanned->res.glyph_problem = problem;
    else
        scanned->res.layout_problem = problem;
    kg_err err = select_resident_evaluate(&scanned->res, &options->config.select, options->run_date,
                                          results);
    /* an office's sender block is the municipality's to fix, and fixing it marks no
     * resident stale: decided afresh every night until then (not final, D28) */
    for (size_t idx = 0; office_problem != NULL && idx < scanned->res.cert_count; idx++)
        if (results[idx].outcome == OUTCOME_EXCLUDED && results[idx].reason == REASON_UNDELIVERABLE)
            results[idx].final = false;
    return err;
}

static kg_err scan_and_select(db_conn *reader, ledger_writer *writer, const run_checks *checks,
                              const run_options *options, const log_sink *log, run_counts *counts,
                              kg_errbuf *errbuf)
{
    char print_problem[SELECT_DETAIL_MAX];
    scan_resident *scanned = malloc(sizeof(*scanned));
    select_result *results = malloc(sizeof(*results) * SELECT_MAX_CERTS);
    if (scanned == NULL || results == NULL) {
        free(scanned);
        free(results);
        return kg_fail(errbuf, KG_ERR_NOMEM, _("unable to scan: out of memory"));
    }
    long listed = 0;
    kg_err err = db_exec(reader, "BEGIN ISOLATION LEVEL REPEATABLE READ", errbuf);
    if (err == KG_OK)
        err = scan_prepare_due(reader, options->run_date, options->config.select.lead_days,
                               options->whole_city, &listed, errbuf);
    if (err == KG_OK) {
        log_line(log, LOG_DETAIL, _("scan: %ld residents can have something due"), listed);
        err = scan_begin(reader, true, errbuf);
    }
    time_t started = time(NULL);
    progress line;
    progress_begin(&line, log, _("run: scan"), _("residents"), listed);
    const text_fonts *fonts = notice_painter_fonts(checks->notice_pages.painters[0]);
    while (err == KG_OK && (err = scan_next(reader, fonts, scanned, errbuf)) == KG_OK) {
        err = select_resident_evaluate(&scanned->res, &options->config.select, options->run_date,
                                       results);
        ledger_addressee to = addressee_of(scanned, options);
        if (err == KG_OK)
            err = check_printable(checks, options, scanned, &to, results, print_problem,
                                  sizeof(print_problem));
        if (err != KG_OK) {
            kg_fail(errbuf, err, _("unable to decide for resident %lld"), scanned->res.resident_id);
            break;
        }
        if (writer != NULL)
            err = ledger_add_resident(writer, &scanned->res, &to, results, errbuf);
        count_resident(scanned, results, counts);
        if (counts->residents == 2) /* the ledger holds rows, the scan goes on */
            crash_point("scan");
        progress_update(&line, counts->residents, counts->residents);
        if (counts->residents % PROGRESS_EVERY == 0 && !progress_live(&line))
            log_line(log, LOG_INFO, _("scanned %ld residents: %ld notices, %ld excluded (%ld s)"),
                     counts->residents, counts->notices, counts->excluded,
                     (long)(time(NULL) - started));
    }
    progress_end(&line);
    if (err == KG_EOF)
        err = writer != NULL ? ledger_read_returns(writer, reader, errbuf) : KG_OK;
    if (err == KG_OK)
        err = db_exec(reader, "COMMIT", errbuf);
    free(scanned);
    free(results);
    return err;
}

static void print_summary(FILE *out, const run_options *options, const run_counts *counts,
                          const char *what)
{
    char date[KDATE_ISO_LEN + 1];
    fprintf(out,
            _("run %s: %s: %ld residents scanned, %ld notices (%ld certificates), %ld already "
              "noticed, %ld excluded, %ld already excluded, %ld findings"),
            kdate_format(options->run_date, date), what, counts->residents, counts->notices,
            counts->certificates_noticed, counts->already_noticed, counts->excluded,
            counts->already_excluded, counts->findings);
    if (options->out_dir != NULL && !options->dry_run)
        fprintf(out, _("; outputs in %s/%s/"), options->out_dir, date);
    fputc('\n', out);
    kg_language language = run_config_language(&options->config);
    for (int reason = 0; reason < REASON__COUNT; reason++) {
        if (counts->per_reason[reason] == 0)
            continue;
        const char *code = select_reason_name((select_reason)reason);
        fprintf(out, _("  excluded %-17s %ld"), code, counts->per_reason[reason]);
        if (language == KG_LANG_JA) /* the code, then its label for the clerk (D111) */
            fprintf(out, "  %s", reasons_label(REASON_GROUP_EXCLUSION, code, language));
        fputc('\n', out);
    }
}

/* A new run: record it, scan into the recording transaction, commit, write the files. */
static kg_err fresh_run(const cmd_context *ctx, db_conn *conn, const run_templates *templates,
                        const run_checks *checks, const run_options *options,
                        const char *config_json, run_counts *counts, long *run_id,
                        kg_errbuf *errbuf)
{
    db_conn *writer = NULL;
    ledger_writer ledger;
    memset(&ledger, 0, sizeof(ledger));
    long refreshed = 0;
    int pages = run_templates_pages_per_notice(templates);
    long keyed = 0;
    struct timespec keys_started, keys_ended;
    /* the keys of residents the loader did not key (their UPDATE marks nobody stale:
     * sql/011; D98) */
    clock_gettime(CLOCK_MONOTONIC, &keys_started);
    kg_err err = order_key_refresh(conn, &keyed, errbuf);
    clock_gettime(CLOCK_MONOTONIC, &keys_ended);
    if (err == KG_OK && keyed > 0)
        log_line(ctx->log, LOG_DETAIL, _("print order: %ld address keys computed in %.2f s"), keyed,
                 (double)(keys_ended.tv_sec - keys_started.tv_sec) +
                     (double)(keys_ended.tv_nsec - keys_started.tv_nsec) / 1e9);
    if (err == KG_OK)
        err = schedule_refresh(conn, ctx->log, &refreshed, errbuf);
    if (err == KG_OK)
        err = schedule_unsettle_if_changed(conn, KIGEN_VERSION, config_json, ctx->log, errbuf);
    if (err == KG_OK)
        err = ledger_start_run(conn, options->run_date, KIGEN_VERSION, config_json, run_id, errbuf);
    if (err == KG_OK)
        err = db_connect(&options->db, errbuf, &writer);
    if (err == KG_OK)
        err = ledger_begin(&ledger, writer, options->run_date, options->config.max_pages / pages,
                           pages, templates->enclosure != NULL, errbuf);
    if (err == KG_OK)
        err = scan_and_select(conn, &ledger, checks, options, ctx->log, counts, errbuf);
    char counts_text[JSON_MAX];
    counts_json(counts, counts_text, sizeof(counts_text));
    forms_setup forms = {&checks->inquiry_pages, &checks->offices, &options->config.select,
                         options->config.max_pages};
    if (err == KG_OK)
        err = ledger_commit(&ledger, *run_id, counts_text, &forms, errbuf);
    if (err == KG_OK) /* the bench's ledger write time (D97) */
        log_line(ctx->log, LOG_DETAIL,
                 _("ledger: %ld rows written in %.2f s (end of the COPY %.2f s, into the ledger "
                   "tables %.2f s, settled marks %.2f s, commit %.2f s)"),
                 ledger.rows,
                 ledger.copy_end_seconds + ledger.distribute_seconds + ledger.settle_seconds +
                     ledger.commit_seconds,
                 ledger.copy_end_seconds, ledger.distribute_seconds, ledger.settle_seconds,
                 ledger.commit_seconds);
    ledger_writer_free(&ledger);
    db_close(writer); /* on failure this rolls the recording transaction back */
    if (err == KG_OK) {
        log_line(ctx->log, LOG_DETAIL, _("ledger recorded for run %ld"), *run_id);
        crash_point("recorded");
    }
    return err;
}

/* A notice or inquiry whose office code is missing or not in offices.csv names no
 * counter (its sender block is blank): said once a run, for the clerk to fix the data. */
static kg_err warn_unknown_offices(const cmd_context *ctx, db_conn *conn, kdate run_date,
                                   kg_errbuf *errbuf)
{
    char date[KDATE_ISO_LEN + 1];
    const char *params[] = {kdate_format(run_date, date)};
    db_result *result = NULL;
    kg_err err =
        db_query(conn,
                 "SELECT (SELECT count(*) FROM kigen.notices n WHERE n.run_date = $1::date "
                 "AND NOT EXISTS (SELECT 1 FROM kigen.run_offices o WHERE o.run_id = n.run_id "
                 "AND o.office_code = n.office_code)) + (SELECT count(*) FROM kigen.forms f WHERE "
                 "f.run_date = $1::date AND f.kind = 'inquiry' AND f.file IS NOT NULL "
                 "AND NOT EXISTS (SELECT 1 FROM kigen.run_offices o WHERE o.run_id = f.run_id "
                 "AND o.office_code = f.office_code))",
                 1, params, errbuf, &result);
    long unknown = err == KG_OK ? strtol(db_result_value(result, 0, 0), NULL, 10) : 0;
    if (unknown > 0)
        log_line(
            ctx->log, LOG_WARN,
            _("%ld letters of %s name no counter: their office code is missing or not in "
              "offices.csv, so the sender block is blank (load the office and run the date again)"),
            unknown, date);
    db_result_free(result);
    return err;
}

/* The print files of the run, from its ledger, on all cores (or render_threads). */
static kg_err print_files(const cmd_context *ctx, db_conn *conn, const run_templates *templates,
                          const run_options *options, kg_errbuf *errbuf)
{
    char dir[4096];
    kg_err err = outputs_run_dir(options->out_dir, options->run_date, dir, sizeof(dir), errbuf);
    print_job job = {.db = &options->db,
                     .templates = templates,
                     .dir = dir,
                     .run_date = options->run_date,
                     .threads = options->config.render_threads,
                     .log = ctx->log};
    print_totals totals;
    struct timespec started, ended;
    if (err == KG_OK)
        err = warn_unknown_offices(ctx, conn, options->run_date, errbuf);
    clock_gettime(CLOCK_MONOTONIC, &started);
    if (err == KG_OK)
        err = print_notices(&job, &totals, errbuf);
    clock_gettime(CLOCK_MONOTONIC, &ended); /* the print files alone: the log line's rate */
    if (err == KG_OK)                       /* the post office's list of the night's inquiries */
        err = outputs_set_params(conn, 0, options->run_date, errbuf);
    if (err == KG_OK)
        err = mail_list_file_write(conn, notice_painter_fonts(templates->inquiry_painter), dir,
                                   options->run_date, errbuf);
    double seconds =
        (double)(ended.tv_sec - started.tv_sec) + (double)(ended.tv_nsec - started.tv_nsec) / 1e9;
    if (err == KG_OK)
        log_line(ctx->log, LOG_INFO,
                 _("print: %ld files, %ld pages in %.2f s (%.0f pages/s, %d threads, %.2f s CPU)"),
                 totals.files, totals.pages, seconds,
                 seconds > 0 ? (double)totals.pages / seconds : 0.0, totals.threads,
                 totals.cpu_seconds);
    return err;
}

static kg_err read_counts(db_conn *conn, long run_id, run_counts *counts, kg_errbuf *errbuf)
{
    char run_text[32];
    snprintf(run_text, sizeof(run_text), "%ld", run_id);
    const char *params[] = {run_text};
    db_result *result = NULL;
    kg_err err =
        db_query(conn,
                 "SELECT (counts->>'residents_scanned')::bigint, "
                 "(counts->>'notices')::bigint, (counts->>'certificates_noticed')::bigint, "
                 "(counts->>'already_noticed')::bigint, (counts->>'excluded')::bigint, "
                 "(counts->>'findings')::bigint, (counts->>'already_excluded')::bigint "
                 "FROM kigen.runs WHERE run_id = $1::bigint",
                 1, params, errbuf, &result);
    if (err == KG_OK && db_result_rows(result) == 1) {
        long *fields[] = {
            &counts->residents,       &counts->notices,  &counts->certificates_noticed,
            &counts->already_noticed, &counts->excluded, &counts->findings,
            &counts->already_excluded};
        for (int idx = 0; idx < 7; idx++) {
            const char *value = db_result_value(result, 0, idx);
            *fields[idx] = value != NULL ? strtol(value, NULL, 10) : 0;
        }
    }
    db_result_free(result);
    result = NULL;
    if (err == KG_OK)
        err = db_query(conn,
                       "SELECT r.key, r.value FROM kigen.runs, "
                       "jsonb_each_text(counts->'excluded_per_reason') r WHERE run_id = $1::bigint",
                       1, params, errbuf, &result);
    for (int row = 0; err == KG_OK && row < db_result_rows(result); row++)
        for (int reason = 0; reason < REASON__COUNT; reason++)
            if (strcmp(db_result_value(result, row, 0),
                       select_reason_name((select_reason)reason)) == 0)
                counts->per_reason[reason] = strtol(db_result_value(result, row, 1), NULL, 10);
    db_result_free(result);
    return err;
}

/* A run whose letters `kigen purge` emptied cannot write them again (D73). */
static kg_err refuse_purged(db_conn *conn, long run_id, const char *date, kg_errbuf *errbuf)
{
    char run_text[32];
    snprintf(run_text, sizeof(run_text), "%ld", run_id);
    const char *params[] = {run_text};
    db_result *result = NULL;
    kg_err err = db_query(conn,
                          "SELECT to_char(purged_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD') "
                          "FROM kigen.runs WHERE run_id = $1::bigint AND purged_at IS NOT NULL",
                          1, params, errbuf, &result);
    if (err == KG_OK && db_result_rows(result) == 1) {
        err = kg_fail(errbuf, KG_ERR_USAGE,
                      _("unable to write the files of %s again: its letters' personal data was "
                        "purged on %s (kigen purge)"),
                      date, db_result_value(result, 0, 0));
        kg_hint(errbuf, _("kigen export still reports the run's counts; nothing was done"));
    }
    db_result_free(result);
    return err;
}

/* A named municipality's nights go under OUT/<CODE>/ (D129): OUT/<CODE>/<D>/; the default
 * municipality's stay in OUT/<D>/, as before there were municipalities. */
static kg_err municipal_out_dir(db_conn *conn, run_options *options, kg_errbuf *errbuf)
{
    char code[MUNICIPALITY_CODE_SIZE + 1] = "";
    kg_err err = db_current_municipality(conn, code, sizeof(code), errbuf);
    if (err != KG_OK || municipality_is_default(code) || options->out_dir == NULL)
        return err;
    int len = snprintf(options->municipal_out, sizeof(options->municipal_out), "%s/%s",
                       options->out_dir, code);
    if (len < 0 || (size_t)len >= sizeof(options->municipal_out))
        return kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to use '%s': path too long"),
                       options->out_dir);
    options->out_dir = options->municipal_out;
    return KG_OK;
}

kg_err cmd_run(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome)
{
    run_options options;
    kg_errbuf *errbuf = &outcome->error;
    kg_err err = parse_options(ctx, argc, argv, &options, errbuf);
    if (err != KG_OK)
        return err;
    if (options.common.help)
        return options_print_help(ctx->out, help, errbuf);
    if (options.print_scan_sql != NULL) {
        const char *part = options.print_scan_sql;
        const char *sql = strcmp(part, "create") == 0   ? scan_set_create_sql_text()
                          : strcmp(part, "fill") == 0   ? scan_due_fill_sql_text()
                          : strcmp(part, "select") == 0 ? scan_select_sql()
                                                        : NULL;
        if (sql == NULL)
            return kg_fail(errbuf, KG_ERR_USAGE,
                           _("unable to print '--scan-sql %s': create, fill or select"), part);
        fprintf(ctx->out, "%s\n", sql);
        return KG_OK;
    }
    /* the template first: a broken one stops the run before anything is read or written */
    run_templates templates;
    err = run_templates_load(&options.config, &templates, errbuf);
    if (err != KG_OK)
        return err;
    char config_json[JSON_MAX], date[KDATE_ISO_LEN + 1];
    run_config_hashes hashes = {templates.notice->sha256,
                                templates.enclosure != NULL ? templates.enclosure->sha256 : "",
                                templates.inquiry->sha256};
    run_config_json(&options.config, &hashes, config_json, sizeof(config_json));
    log_line(ctx->log, LOG_INFO, _("run %s%s: configuration %s"),
             kdate_format(options.run_date, date), options.dry_run ? _(" (dry run)") : "",
             config_json);

    db_conn *conn = NULL;
    run_counts counts;
    memset(&counts, 0, sizeof(counts));
    err = db_connect(&options.db, errbuf, &conn);
    if (err == KG_OK)
        err = migrations_require_current(conn, errbuf);
    run_checks checks;
    memset(&checks, 0, sizeof(checks));
    if (err == KG_OK)
        err = run_checks_begin(conn, &templates, options.run_date, ctx->log, &checks, errbuf);
    if (err == KG_OK && options.dry_run) {
        err = scan_and_select(conn, NULL, &checks, &options, ctx->log, &counts, errbuf);
        if (err == KG_OK)
            print_summary(ctx->out, &options, &counts, _("dry run, nothing recorded or written"));
        goto cleanup;
    }
    if (err == KG_OK)
        err = municipal_out_dir(conn, &options, errbuf);
    if (err == KG_OK) /* a killed run's backend is waited for; a live run refuses this one */
        err = run_lock_take(conn, date, ctx->log, errbuf);
    if (err == KG_OK) { /* an --out that cannot be written fails the run before it records */
        err = outputs_check_run_dir(options.out_dir, options.run_date, errbuf);
        if (err != KG_OK)
            kg_hint(errbuf, _("--out must name a folder kigen can create and write in; nothing was "
                              "recorded"));
    }
    ledger_status status = LEDGER_NONE;
    long run_id = 0;
    if (err == KG_OK)
        err = ledger_find_run(conn, options.run_date, &status, &run_id, errbuf);
    if (err == KG_OK && status != LEDGER_NONE)
        err = refuse_purged(conn, run_id, date, errbuf);
    const char *what = _("recorded");
    forecast fc; /* the workbook's Forecast sheet */
    forecast_init(&fc, options.run_date, FORECAST_TAKE_UP_DEFAULT);
    if (err == KG_OK && status == LEDGER_NONE) {
        err = fresh_run(ctx, conn, &templates, &checks, &options, config_json, &counts, &run_id,
                        errbuf);
    } else if (err == KG_OK) {
        what = status == LEDGER_DONE ? _("already done: files rewritten from the ledger, nothing "
                                         "new recorded")
                                     : _("finished from the ledger of an interrupted run");
        log_line(ctx->log, LOG_INFO, _("run %s: %s (run %ld)"), date, what, run_id);
        err = read_counts(conn, run_id, &counts, errbuf);
    }
    if (err == KG_OK && options.no_render) { /* the CSV files now, the rest on the next run */
        err = outputs_write(
            conn, &(outputs_request){options.out_dir, options.run_date, run_id, false, ctx->log},
            errbuf);
        if (err == KG_OK)
            print_summary(ctx->out, &options, &counts,
                          _("recorded, print files and audit.xlsx not written (--no-render: run "
                            "the date again to write them)"));
        goto cleanup;
    }
    if (err == KG_OK)
        err = print_files(ctx, conn, &templates, &options, errbuf);
    forecast_request forecast_for = {options.run_date, KIGEN_VERSION, &options.config.select,
                                     FORECAST_TAKE_UP_DEFAULT};
    if (err == KG_OK) /* the week's forecast, computed by its first run (D48, D49) */
        err = forecast_cache_for_run(conn, run_id, &forecast_for, ctx->log, &fc, NULL, errbuf);
    if (err == KG_OK)
        err = outputs_write(
            conn, &(outputs_request){options.out_dir, options.run_date, run_id, true, ctx->log},
            errbuf);
    if (err == KG_OK)
        err = audit_export_write_run(conn, options.out_dir, options.run_date, run_id, &fc, errbuf);
    forecast_free(&fc);
    crash_point("written");
    if (err == KG_OK)
        err = ledger_mark_done(conn, run_id, errbuf);
    if (err == KG_OK)
        print_summary(ctx->out, &options, &counts, what);
cleanup:
    /* bad_data is in the summary, excluded.csv and the workbook: a night that recorded
     * and wrote everything succeeds, unless the site asked for the alert (D76) */
    if (err == KG_OK && options.strict)
        outcome->exceptions = counts.per_reason[REASON_BAD_DATA];
    if (err == KG_OK && !options.strict && counts.per_reason[REASON_BAD_DATA] > 0)
        log_line(ctx->log, LOG_DETAIL,
                 _("%ld bad_data exclusions: in excluded.csv and the workbook (--strict would "
                   "exit 1)"),
                 counts.per_reason[REASON_BAD_DATA]);
    printable_offices_free(&checks.offices);
    db_close(conn);
    run_templates_free(&templates);
    return err;
}
