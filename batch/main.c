/*
 * main.c - kigen's entry point: global options, the command table, exit status.
 *
 * Parses (getopt_long) only what comes before the command name, dispatches, and reports
 * a failing command's error once. Exit statuses are those of docs/formats.md (see
 * error.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "common/error.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/options.h"
#include "common/municipality_code.h"
#include "db/db.h"
#include "db/db_tenancy.h"
#include "run/run_config.h"

typedef struct command_entry {
    const char *name;
    cmd_fn run;
    const char *summary;
} command_entry;

static const command_entry command_table[] = {
    {"db", cmd_db, N_("db migrate: create or upgrade the schema; db version: show it")},
    {"municipality", cmd_municipality,
     N_("municipality add CODE NAME | list: the municipalities and their roles")},
    {"load", cmd_load, N_("load DIR [--encoding utf8|cp932] [--bulk]: import a CSV extract")},
    {"run", cmd_run, N_("run [--date D] --out DIR [--config FILE] [--dry-run]: the nightly run")},
    {"queue", cmd_queue,
     N_("queue [--date D] | queue status: enqueue every municipality's night of D; show the "
        "queue")},
    {"worker", cmd_worker,
     N_("worker --out ROOT [--until-empty]: run the queue's nights, on any number of machines")},
    {"sample", cmd_sample, N_("sample --residents N [--seed S] [--csv DIR]: a synthetic city")},
    {"export", cmd_export,
     N_("export --from D --to D --xlsx FILE: the auditor workbook of a period")},
    {"forms", cmd_forms, N_("forms return|status|reissue: the proxy forms at the counter")},
    {"notices", cmd_notices, N_("notices return|status: notices the post office brought back")},
    {"purge", cmd_purge,
     N_("purge [--before D] [--dry-run]: remove the ledger's personal data past its retention")},
    {"verify", cmd_verify,
     N_("verify DIR/D: check a run's folder against its manifest.json (no database)")},
    {"expiry", cmd_expiry, N_("filter: certificate CSV on stdin, expiry and window on stdout")},
    {"wareki", cmd_wareki, N_("filter: ISO dates on stdin, 和暦 dates on stdout")},
    {"barcode", cmd_barcode, N_("filter: postal code and address CSV in, customer barcode out")},
    {"template", cmd_template,
     N_("template check FILE... | preview FILE OUT.pdf: for template editors")},
    {"version", cmd_version, N_("kigen's version, its schema version and its libraries'")},
};

static const char synopsis[] =
    N_("usage: kigen [--db CONNINFO] [--municipality CODE] [-v|-q] COMMAND [OPTIONS]\n"
       "       kigen --version | --help");

static void print_usage(FILE *stream)
{
    fprintf(stream, _("%s\n\ncommands:\n"), _(synopsis));
    for (size_t cmd_idx = 0; cmd_idx < sizeof(command_table) / sizeof(command_table[0]); cmd_idx++)
        fprintf(stream, "  %-12s %s\n", command_table[cmd_idx].name,
                _(command_table[cmd_idx].summary));
    fprintf(stream,
            _("\n'kigen COMMAND --help' shows a command's options.\n"
              "\noptions (before the command; --db also after it):\n"
              "  --db CONNINFO  the database: a libpq connection string, a postgresql:// URI or a\n"
              "                 database name, without a password (~/.pgpass, PGPASSFILE or a\n"
              "                 service file hold that); default: libpq's environment (PGHOST,\n"
              "                 PGPORT, PGUSER, PGDATABASE, PGSERVICE, ...)\n"
              "  --municipality CODE  the municipality's work (its 6-digit code, kigen\n"
              "                 municipality add): as its role kigen_m<CODE>, under its\n"
              "                 row-level security; a run writes under OUT/<CODE>/<D>/;\n"
              "                 default: the configuration's municipality, else none\n"
              "  -v             debug logging\n"
              "  -q             errors only\n"
              "  -V, --version  kigen's version and its libraries' (kigen version)\n"
              "  -h, --help     this text\n"
              "\nexit status: 0 ok, 1 finished with exceptions (rows a filter or kigen load\n"
              "             refused; bad_data with kigen run --strict), 2 usage, configuration,\n"
              "             templates or fonts, 3 input rejected, 4 database, 5 output could\n"
              "             not be written, 6 another run in progress\n"));
}

/* The language until the command has read its configuration (run_config_read_command),
 * for kigen --help and the usage errors, a command's own included (an unknown option is
 * found before its --config is read): the language of the --config FILE on the command
 * line (the last one, before a `--`), else of the installed kigen.conf, when that file
 * reads; a broken one is the command's to report (D107). Its `municipality` (D128) into
 * municipality (cap bytes; "" when none). */
static void use_configured_language(int argc, char **argv, char *municipality, size_t cap)
{
    const char *path = NULL;
    for (int arg_idx = 1; arg_idx < argc && strcmp(argv[arg_idx], "--") != 0; arg_idx++) {
        if (strcmp(argv[arg_idx], "--config") == 0 && arg_idx + 1 < argc)
            path = argv[++arg_idx];
        else if (strncmp(argv[arg_idx], "--config=", 9) == 0)
            path = argv[arg_idx] + 9;
    }
    run_config config = run_config_default();
    kg_errbuf ignored;
    kg_err err = path != NULL ? run_config_read_file(&config, path, &ignored)
                              : run_config_read_default(&config, &path, &ignored);
    if (err == KG_OK && path != NULL)
        i18n_use(run_config_language(&config));
    if (err == KG_OK) /* the municipality the commands work for, unless --municipality */
        snprintf(municipality, cap, "%s", config.municipality);
}

static const command_entry *find_command(const char *name)
{
    for (size_t cmd_idx = 0; cmd_idx < sizeof(command_table) / sizeof(command_table[0]); cmd_idx++)
        if (strcmp(command_table[cmd_idx].name, name) == 0)
            return &command_table[cmd_idx];
    return NULL;
}

/* The global options, up to the command's name (getopt_long's "+" mode). */
static const struct option global_options[] = {
    {"db", required_argument, NULL, OPTIONS_DB},
    {"municipality", required_argument, NULL, OPTIONS_FIRST},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* The operator's commands: they work for every municipality and connect as the operator's
 * role, never as one municipality's (D151). */
static bool works_for_every_municipality(const char *name)
{
    return strcmp(name, "queue") == 0 || strcmp(name, "worker") == 0 ||
           strcmp(name, "municipality") == 0;
}

int main(int argc, char **argv)
{
    /* Every file and folder kigen or a library creates is its user's alone: out_file
     * makes kigen's own 0600 whatever the umask, this covers the rest (fontconfig's cache,
     * a library's scratch file). Before anything opens a file. */
    umask(077);
    /* the environment's language until a command's configuration says otherwise */
    i18n_use(i18n_language_of_environment());
    char municipality[MUNICIPALITY_CODE_SIZE + 1] = "";
    use_configured_language(argc, argv, municipality, sizeof(municipality));
    bool municipality_named = false; /* --municipality, not the configuration's */
    log_level level = LOG_INFO;
    const char *conninfo = NULL;
    const command_entry *command = NULL;
    bool version = false;
    kg_errbuf errbuf;
    memset(&errbuf, 0, sizeof(errbuf));
    kg_err err = KG_OK;
    options_start();
    int opt;
    while (err == KG_OK && (opt = getopt_long(argc, argv, "+:hvqV", global_options, NULL)) != -1) {
        if (opt == 'h') {
            print_usage(stdout);
            return fflush(stdout) == 0 ? KG_EXIT_OK : KG_EXIT_OUTPUT;
        } else if (opt == 'V') {
            version = true;
        } else if (opt == 'v') {
            level = LOG_DEBUG;
        } else if (opt == 'q') {
            level = LOG_ERROR;
        } else if (opt == OPTIONS_DB) {
            conninfo = optarg;
        } else if (opt == OPTIONS_FIRST) { /* --municipality CODE (D128) */
            if (!municipality_is_default(optarg))
                err = municipality_code_check(optarg, &errbuf);
            snprintf(municipality, sizeof(municipality), "%s", optarg);
            municipality_named = true;
        } else {
            err = options_fail(argc, argv, opt, global_options, "", synopsis, &errbuf);
        }
    }
    if (err == KG_OK) /* a password is refused before anything runs */
        err = db_check_conninfo(conninfo, "--db", &errbuf);
    /* the command parses its own words: its name is its argv[0] */
    char version_name[] = "version";
    char *version_argv[] = {version_name, NULL};
    int command_argc = argc - optind;
    char **command_argv = argv + optind;
    if (err == KG_OK && version) { /* -V, --version: as `kigen version` */
        command = find_command(version_name);
        command_argc = 1;
        command_argv = version_argv;
    } else if (err == KG_OK && command_argc <= 0) {
        err = kg_fail(&errbuf, KG_ERR_USAGE, _("unable to run: no command given\n%s"), _(synopsis));
    } else if (err == KG_OK && (command = find_command(command_argv[0])) == NULL) {
        err = kg_fail(&errbuf, KG_ERR_USAGE, _("unable to run '%s': not a command of kigen\n%s"),
                      command_argv[0], _(synopsis));
    }
    if (err == KG_OK && works_for_every_municipality(command->name)) {
        /* the operator's role, whatever municipality the configuration names (D151) */
        if (municipality_named && !municipality_is_default(municipality)) {
            err = kg_fail(&errbuf, KG_ERR_USAGE,
                          _("unable to run kigen %s for municipality %s: it works for every "
                            "municipality, as the operator's role"),
                          command->name, municipality);
            kg_hint(&errbuf, _("leave --municipality out"));
        }
        municipality[0] = '\0';
    }
    if (err == KG_OK) /* every connection from here on is the municipality's */
        err = db_tenancy_select(municipality, &errbuf);
    log_sink log = log_sink_stderr(level);
    if (err != KG_OK) {
        log_line(&log, LOG_ERROR, "%s", errbuf.text);
        log_line(&log, LOG_ERROR, _("HINT: %s"),
                 errbuf.hint[0] != '\0' ? errbuf.hint
                                        : _("kigen --help lists the commands and options"));
        return kg_err_exit_status(err);
    }
    cmd_context ctx = {.log = &log, .conninfo = conninfo, .in = stdin, .out = stdout};
    cmd_outcome outcome;
    memset(&outcome, 0, sizeof(outcome));
    err = command->run(&ctx, command_argc, command_argv, &outcome);
    if (err != KG_OK) {
        log_line(&log, LOG_ERROR, "%s",
                 outcome.error.text[0] != '\0' ? outcome.error.text : kg_strerror(err));
        if (outcome.error.hint[0] != '\0')
            log_line(&log, LOG_ERROR, _("HINT: %s"), outcome.error.hint);
        return kg_err_exit_status(err);
    }
    if (outcome.exceptions > 0) {
        log_line(&log, LOG_DETAIL, _("%ld row(s) finished as exceptions"), outcome.exceptions);
        return KG_EXIT_EXCEPTIONS;
    }
    return KG_EXIT_OK;
}
