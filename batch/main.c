/*
 * main.c - kigen's entry point: global options, the command table, exit status.
 *
 * Parses only what comes before the command name, dispatches, and reports a failing
 * command's error once. Exit statuses are those of docs/formats.md (see error.h).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "common/error.h"
#include "common/log.h"
#include "common/options.h"
#include "db/db.h"
#include "version.h"

typedef struct command_entry {
    const char *name;
    cmd_fn run;
    const char *summary;
} command_entry;

static const command_entry command_table[] = {
    {"db", cmd_db, "db migrate: create or upgrade the schema; db version: show it"},
    {"load", cmd_load, "load DIR [--encoding utf8|cp932] [--bulk]: import a CSV extract"},
    {"run", cmd_run, "run [--date D] --out DIR [--config FILE] [--dry-run]: the nightly run"},
    {"sample", cmd_sample, "sample --residents N [--seed S] [--csv DIR]: a synthetic city"},
    {"export", cmd_export, "export --from D --to D --xlsx FILE: the auditor workbook of a period"},
    {"forms", cmd_forms, "forms return|status|reissue: the proxy forms at the counter"},
    {"purge", cmd_purge,
     "purge [--before D] [--dry-run]: remove the ledger's personal data past its retention"},
    {"expiry", cmd_expiry, "filter: certificate CSV on stdin, expiry and window on stdout"},
    {"wareki", cmd_wareki, "filter: ISO dates on stdin, 和暦 dates on stdout"},
    {"barcode", cmd_barcode, "filter: postal code and address CSV in, customer barcode out"},
    {"template", cmd_template,
     "template check FILE... | preview FILE OUT.pdf: for template editors"},
};

static void print_usage(FILE *stream)
{
    fprintf(stream, "usage: kigen [--db CONNINFO] [-v|-q] COMMAND [OPTIONS]\n\ncommands:\n");
    for (size_t cmd_idx = 0; cmd_idx < sizeof(command_table) / sizeof(command_table[0]); cmd_idx++)
        fprintf(stream, "  %-8s %s\n", command_table[cmd_idx].name, command_table[cmd_idx].summary);
    fprintf(stream, "\nexit status: 0 ok, 1 finished with exceptions, 2 usage, configuration, "
                    "templates\n             or fonts, 3 input rejected, 4 database, 5 output "
                    "could not be\n             written, 6 another run in progress\n");
}

static const command_entry *find_command(const char *name)
{
    for (size_t cmd_idx = 0; cmd_idx < sizeof(command_table) / sizeof(command_table[0]); cmd_idx++)
        if (strcmp(command_table[cmd_idx].name, name) == 0)
            return &command_table[cmd_idx];
    return NULL;
}

int main(int argc, char **argv)
{
    /* Every file and folder kigen or a library creates is its user's alone: out_file
     * makes kigen's own 0600 whatever the umask, this covers the rest (fontconfig's cache,
     * a library's scratch file). Before anything opens a file. */
    umask(077);
    log_level level = LOG_INFO;
    const char *conninfo = NULL;
    int arg_idx = 1;
    for (; arg_idx < argc && argv[arg_idx][0] == '-'; arg_idx++) {
        const char *arg = argv[arg_idx];
        const char *value;
        if (strcmp(arg, "--version") == 0) {
            printf("kigen %s\n", KIGEN_VERSION);
            return KG_EXIT_OK;
        } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            print_usage(stdout);
            return KG_EXIT_OK;
        } else if (strcmp(arg, "-v") == 0) {
            level = LOG_DEBUG;
        } else if (strcmp(arg, "-q") == 0) {
            level = LOG_ERROR;
        } else if ((value = options_value(argc, argv, &arg_idx, "--db")) != NULL) {
            conninfo = value;
        } else {
            fprintf(stderr, "kigen: error: unknown option '%s'\n", arg);
            print_usage(stderr);
            return KG_EXIT_USAGE;
        }
    }
    if (arg_idx >= argc) {
        print_usage(stderr);
        return KG_EXIT_USAGE;
    }
    kg_errbuf errbuf;
    memset(&errbuf, 0, sizeof(errbuf));
    if (db_check_conninfo(conninfo, "--db", &errbuf) != KG_OK) { /* before anything runs */
        fprintf(stderr, "kigen: error: %s\nkigen: error: HINT: %s\n", errbuf.text, errbuf.hint);
        return KG_EXIT_USAGE;
    }
    const command_entry *command = find_command(argv[arg_idx]);
    if (command == NULL) {
        fprintf(stderr, "kigen: error: unknown command '%s'\n", argv[arg_idx]);
        print_usage(stderr);
        return KG_EXIT_USAGE;
    }

    log_sink log = log_sink_stderr(level);
    cmd_context ctx = {.log = &log, .conninfo = conninfo, .in = stdin, .out = stdout};
    cmd_outcome outcome;
    memset(&outcome, 0, sizeof(outcome));
    kg_err err = command->run(&ctx, argc - arg_idx, argv + arg_idx, &outcome);
    if (err != KG_OK) {
        log_line(&log, LOG_ERROR, "%s",
                 outcome.error.text[0] != '\0' ? outcome.error.text : kg_strerror(err));
        if (outcome.error.hint[0] != '\0')
            log_line(&log, LOG_ERROR, "HINT: %s", outcome.error.hint);
        return kg_err_exit_status(err);
    }
    if (outcome.exceptions > 0) {
        log_line(&log, LOG_DETAIL, "%ld row(s) finished as exceptions", outcome.exceptions);
        return KG_EXIT_EXCEPTIONS;
    }
    return KG_EXIT_OK;
}
