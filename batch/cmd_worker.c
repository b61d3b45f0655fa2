/*
 * cmd_worker.c - `kigen worker --out ROOT [--until-empty] [--lease S] [--poll S]
 * [--backoff S] [--config FILE]`: works the queue of nights (batch/queue/worker.h) on this
 * machine, beside workers on others that share the database and the output root
 * (docs/operations.md "A queue of nights"; D140-D149).
 *
 * This file parses the command line and reports the worker's counts; exit status 1 when a
 * night failed for good in this worker's hands (a script running --until-empty sees it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common/i18n.h"
#include "common/options.h"
#include "db/db.h"
#include "db/migrations.h"
#include "queue/worker.h"
#include "run/run_config.h"

static const char synopsis[] =
    N_("usage: kigen worker --out ROOT [--until-empty] [--lease SECONDS] [--poll SECONDS]\n"
       "                    [--backoff SECONDS] [--config FILE]");
static const char help[] =
    N_("usage: kigen worker --out ROOT [--until-empty] [--lease SECONDS] [--poll SECONDS]\n"
       "                    [--backoff SECONDS] [--config FILE]\n"
       "\n"
       "Runs the nights of the queue (kigen queue), one at a time, each as `kigen run --date D\n"
       "--out ROOT` would; any number of workers, on any machines, share the queue. A night\n"
       "whose worker died is run again by another once its lease expired; a failed night is\n"
       "tried again after a backoff, up to its limit. SIGTERM or SIGINT stop the worker after\n"
       "the current night.\n"
       "\n"
       "  --out ROOT          the folder of every night's folder (shared by the workers)\n"
       "  --until-empty       stop when no night is waiting or running (else wait for work)\n"
       "  --lease SECONDS     how long a night stays the worker's without a renewal (default\n"
       "                      60; renewed every third of it)\n"
       "  --poll SECONDS      how often an empty queue is looked at (default 10)\n"
       "  --backoff SECONDS   the wait before the first retry of a failed night, doubled for\n"
       "                      each further one, at most an hour (default 60)\n"
       "  --config FILE       the configuration of the worker and of its runs\n"
       "  --db CONNINFO       the database (else the configuration's db, else libpq's\n"
       "                      environment)\n"
       "  -h, --help          this text\n"
       "\n"
       "Exit status 0 when stopped; 1 when a night failed for good in this worker's hands.\n");

typedef struct worker_options {
    const char *out_root;
    int until_empty;
    int lease_seconds;
    int poll_seconds;
    int backoff_seconds;
    run_config config;
    options_common common;
    char db_origin[1100];
    db_target db;
} worker_options;

enum { OPT_OUT = OPTIONS_FIRST, OPT_UNTIL_EMPTY, OPT_LEASE, OPT_POLL, OPT_BACKOFF };

static const struct option long_options[] = {
    {"out", required_argument, NULL, OPT_OUT},
    {"until-empty", no_argument, NULL, OPT_UNTIL_EMPTY},
    {"lease", required_argument, NULL, OPT_LEASE},
    {"poll", required_argument, NULL, OPT_POLL},
    {"backoff", required_argument, NULL, OPT_BACKOFF},
    OPTIONS_CONFIG_ENTRY,
    OPTIONS_DB_ENTRY,
    OPTIONS_HELP_ENTRY,
    OPTIONS_END,
};

static kg_err take_seconds(const char *name, int least, int *out, kg_errbuf *errbuf)
{
    char *end = NULL;
    long value = strtol(optarg, &end, 10);
    if (end == optarg || *end != '\0' || value < least || value > 86400)
        return kg_fail(errbuf, KG_ERR_USAGE,
                       _("unable to use --%s '%s': a number of seconds from %d to 86400"), name,
                       optarg, least);
    *out = (int)value;
    return KG_OK;
}

static kg_err parse_options(const cmd_context *ctx, int argc, char **argv, worker_options *options,
                            kg_errbuf *errbuf)
{
    memset(options, 0, sizeof(*options));
    options->lease_seconds = WORKER_LEASE_DEFAULT;
    options->poll_seconds = WORKER_POLL_DEFAULT;
    options->backoff_seconds = WORKER_BACKOFF_DEFAULT;
    options->config = run_config_default();
    options->common.conninfo = ctx->conninfo;
    options_start();
    int opt;
    kg_err err = KG_OK;
    while (err == KG_OK && (opt = options_next(argc, argv, long_options)) != -1) {
        if (opt == OPT_OUT)
            options->out_root = optarg;
        else if (opt == OPT_UNTIL_EMPTY)
            options->until_empty = 1;
        else if (opt == OPT_LEASE)
            err = take_seconds("lease", 3, &options->lease_seconds, errbuf);
        else if (opt == OPT_POLL)
            err = take_seconds("poll", 1, &options->poll_seconds, errbuf);
        else if (opt == OPT_BACKOFF)
            err = take_seconds("backoff", 1, &options->backoff_seconds, errbuf);
        else if (opt == OPTIONS_OPERAND)
            err = options_extra_operand(optarg, "worker", synopsis, errbuf);
        else if (!options_take_common(&options->common, opt))
            err = options_fail(argc, argv, opt, long_options, "worker", synopsis, errbuf);
    }
    if (err == KG_OK && optind < argc)
        err = options_extra_operand(argv[optind], "worker", synopsis, errbuf);
    if (err == KG_OK)
        err = run_config_read_command(&options->config, &options->common.config_path, errbuf);
    if (err != KG_OK || options->common.help)
        return err;
    if (options->out_root == NULL)
        return kg_fail(errbuf, KG_ERR_USAGE,
                       _("unable to work the queue: --out ROOT is missing\n%s"), _(synopsis));
    options->db =
        db_target_choose(options->common.conninfo, options->config.db, options->common.config_path,
                         options->db_origin, sizeof(options->db_origin), "kigen worker");
    return db_check_conninfo(options->db.conninfo, options->db.origin, errbuf);
}

kg_err cmd_worker(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome)
{
    worker_options options;
    kg_errbuf *errbuf = &outcome->error;
    kg_err err = parse_options(ctx, argc, argv, &options, errbuf);
    if (err != KG_OK)
        return err;
    if (options.common.help)
        return options_print_help(ctx->out, help, errbuf);
    /* the schema is checked once, before the first claim; the operator may be a superuser:
     * the queue holds no personal data, and each night runs as its municipality (D151) */
    db_conn *conn = NULL;
    err = db_connect(&options.db, errbuf, &conn);
    if (err == KG_OK)
        err = migrations_require_version(conn, errbuf);
    db_close(conn);
    if (err != KG_OK)
        return err;
    worker_request request = {
        .out_root = options.out_root,
        .config_path = options.common.config_path,
        .db = &options.db,
        .lease_seconds = options.lease_seconds,
        .poll_seconds = options.poll_seconds,
        .backoff_seconds = options.backoff_seconds,
        .until_empty = options.until_empty != 0,
        .log = ctx->log,
    };
    worker_counts counts;
    err = worker_run(&request, &counts, errbuf);
    if (err == KG_OK)
        fprintf(ctx->out, _("worker: %ld night(s) done, %ld to try again, %ld failed\n"),
                counts.done, counts.retried, counts.failed);
    outcome->exceptions = counts.failed;
    return err;
}
