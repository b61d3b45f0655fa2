/*
 * cmd_queue.c - `kigen queue [--date D] [--max-attempts N]`: enqueues every municipality's
 * night of D in kigen.night_queue, for `kigen worker` to run; `kigen queue status`: every
 * night of the queue (waiting, running where and since when, done, failed with the error),
 * its attempts and next try (docs/operations.md "A queue of nights"; D140-D149).
 *
 * Enqueuing again changes nothing but a failed night, which becomes waiting again with its
 * attempts renewed (D142). The queue's rows are the database's (batch/queue/night_queue.h);
 * this file parses the command line and words the output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common/clock.h"
#include "common/i18n.h"
#include "common/options.h"
#include "common/text_table.h"
#include "db/db.h"
#include "db/migrations.h"
#include "queue/night_queue.h"
#include "run/run_config.h"

static const char synopsis[] =
    N_("usage: kigen queue [--date YYYY-MM-DD] [--max-attempts N] [--config FILE]\n"
       "       kigen queue status [--date YYYY-MM-DD] [--config FILE]");
static const char help[] =
    N_("usage: kigen queue [--date YYYY-MM-DD] [--max-attempts N] [--config FILE]\n"
       "       kigen queue status [--date YYYY-MM-DD] [--config FILE]\n"
       "\n"
       "Puts every municipality's night of the date in the queue that kigen worker runs\n"
       "(again: nothing changes, except that a failed night waits to be run again), and\n"
       "takes off the queue the done nights dated more than 35 days before it (their runs\n"
       "stay in the ledger); `status` shows every night of the queue (with --date, that\n"
       "date's only).\n"
       "\n"
       "  --date D            the run date, YYYY-MM-DD (default: today in Japan; for status,\n"
       "                      every date)\n"
       "  --max-attempts N    runs allowed to a night before it is failed (1..100, default 3)\n"
       "  --config FILE       the configuration: db, language\n"
       "  --db CONNINFO       the database (else the configuration's db, else libpq's\n"
       "                      environment)\n"
       "  -h, --help          this text\n");

typedef struct queue_options {
    int status;       /* `kigen queue status` */
    kdate day;        /* --date; KDATE_NONE: today in Japan */
    int max_attempts; /* --max-attempts */
    int max_attempts_given;
    run_config config;
    options_common common;
    char db_origin[1100];
    db_target db;
} queue_options;

enum { OPT_DATE = OPTIONS_FIRST, OPT_MAX_ATTEMPTS };

static const struct option long_options[] = {
    {"date", required_argument, NULL, OPT_DATE},
    {"max-attempts", required_argument, NULL, OPT_MAX_ATTEMPTS},
    OPTIONS_CONFIG_ENTRY,
    OPTIONS_DB_ENTRY,
    OPTIONS_HELP_ENTRY,
    OPTIONS_END,
};

/* The status table's columns. */
static const text_column status_columns[] = {
    {N_("municipality"), 0, false}, {N_("date"), 0, false},   {N_("state"), 0, false},
    {N_("attempts"), 0, true},      {N_("worker"), 0, false}, {N_("since"), 0, false},
    {N_("next try"), 0, false},     {N_("error"), 0, false},
};
#define STATUS_COLUMN_COUNT (sizeof(status_columns) / sizeof(status_columns[0]))

static kg_err take_option(queue_options *options, int opt, kg_errbuf *errbuf)
{
    if (opt == OPT_DATE) {
        if (kdate_parse(optarg, strlen(optarg), &options->day) != KG_OK)
            return kg_fail(errbuf, KG_ERR_USAGE,
                           _("unable to use --date '%s': not a day as YYYY-MM-DD"), optarg);
        return KG_OK;
    }
    char *end = NULL;
    long value = strtol(optarg, &end, 10);
    if (end == optarg || *end != '\0' || value < 1 || value > 100)
        return kg_fail(errbuf, KG_ERR_USAGE,
                       _("unable to use --max-attempts '%s': a number from 1 to 100"), optarg);
    options->max_attempts = (int)value;
    options->max_attempts_given = 1;
    return KG_OK;
}

static kg_err parse_options(const cmd_context *ctx, int argc, char **argv, queue_options *options,
                            kg_errbuf *errbuf)
{
    memset(options, 0, sizeof(*options));
    options->day = KDATE_NONE;
    options->max_attempts = NIGHT_QUEUE_MAX_ATTEMPTS;
    options->config = run_config_default();
    options->common.conninfo = ctx->conninfo;
    options_start();
    int opt;
    kg_err err = KG_OK;
    while (err == KG_OK && (opt = options_next(argc, argv, long_options)) != -1) {
        if (opt == OPT_DATE || opt == OPT_MAX_ATTEMPTS)
            err = take_option(options, opt, errbuf);
        else if (opt == OPTIONS_OPERAND && !options->status && strcmp(optarg, "status") == 0)
            options->status = 1;
        else if (opt == OPTIONS_OPERAND)
            err = options_extra_operand(optarg, "queue", synopsis, errbuf);
        else if (!options_take_common(&options->common, opt))
            err = options_fail(argc, argv, opt, long_options, "queue", synopsis, errbuf);
    }
    if (err == KG_OK && optind < argc)
        err = options_extra_operand(argv[optind], "queue", synopsis, errbuf);
    if (err == KG_OK && options->status && options->max_attempts_given)
        err = options_refuse("--max-attempts", "queue status", synopsis, errbuf);
    if (err == KG_OK)
        err = run_config_read_command(&options->config, &options->common.config_path, errbuf);
    if (err != KG_OK || options->common.help)
        return err;
    options->db =
        db_target_choose(options->common.conninfo, options->config.db, options->common.config_path,
                         options->db_origin, sizeof(options->db_origin),
                         options->status ? "kigen queue status" : "kigen queue");
    return db_check_conninfo(options->db.conninfo, options->db.origin, errbuf);
}

static const char *state_label(const char *state)
{
    return strcmp(state, "waiting") == 0   ? _("waiting")
           : strcmp(state, "running") == 0 ? _("running")
           : strcmp(state, "done") == 0    ? _("done")
           : strcmp(state, "failed") == 0  ? _("failed")
                                           : state;
}

/* A cell on one line: the line breaks of an error's text (its hint) as " / ". */
static void one_line(const char *text, char *out, size_t cap)
{
    size_t len = 0;
    for (const char *at = text; *at != '\0' && len + 4 < cap; at++) {
        if (*at == '\n' && at[1] != '\0') {
            memcpy(out + len, " / ", 3);
            len += 3;
        } else if (*at != '\n') {
            out[len++] = *at;
        }
    }
    out[len] = '\0';
}

/* One night's row: where and since when it runs, or when it finished; its next try. */
static kg_err add_row(text_table *table, const night_entry *entry)
{
    char attempts[32], worker[NIGHT_QUEUE_OWNER_CAP + 64], error[NIGHT_QUEUE_ERROR_CAP];
    snprintf(attempts, sizeof(attempts), "%d/%d", entry->attempts, entry->max_attempts);
    bool running = strcmp(entry->state, "running") == 0;
    bool waiting = strcmp(entry->state, "waiting") == 0;
    worker[0] = '\0';
    if (running)
        snprintf(worker, sizeof(worker), entry->lease_expired ? _("%s (lease expired)") : "%s",
                 entry->lease_owner);
    error[0] = '\0';
    if (!running && strcmp(entry->state, "done") != 0)
        one_line(entry->last_error, error, sizeof(error));
    const char *since = running ? entry->started_at : waiting ? "" : entry->finished_at;
    const char *next_try = !waiting                        ? ""
                           : entry->next_try_at[0] != '\0' ? entry->next_try_at
                                                           : _("now");
    const char *cells[STATUS_COLUMN_COUNT] = {entry->municipality,
                                              entry->run_date,
                                              state_label(entry->state),
                                              attempts,
                                              worker,
                                              since,
                                              next_try,
                                              error};
    return text_table_add(table, cells);
}

static kg_err print_status(db_conn *conn, kdate day, FILE *out, kg_errbuf *errbuf)
{
    night_list list;
    kg_err err = night_queue_list(conn, day, &list, errbuf);
    if (err != KG_OK)
        return err;
    long per_state[4] = {0, 0, 0, 0};
    static const char *const states[4] = {"waiting", "running", "done", "failed"};
    text_column columns[STATUS_COLUMN_COUNT];
    for (size_t col = 0; col < STATUS_COLUMN_COUNT; col++) {
        columns[col] = status_columns[col];
        columns[col].header = _(status_columns[col].header);
    }
    text_table table;
    err = text_table_init(&table, columns, STATUS_COLUMN_COUNT);
    for (size_t idx = 0; err == KG_OK && idx < list.count; idx++) {
        for (size_t state = 0; state < 4; state++)
            per_state[state] += strcmp(list.entries[idx].state, states[state]) == 0;
        err = add_row(&table, &list.entries[idx]);
    }
    if (err != KG_OK) {
        err = kg_fail(errbuf, KG_ERR_NOMEM, _("unable to list the queue: out of memory"));
    } else {
        fprintf(out,
                _("nights in the queue: %zu (waiting %ld, running %ld, done %ld, failed %ld)\n"),
                list.count, per_state[0], per_state[1], per_state[2], per_state[3]);
        if (list.count > 0 && (fputc('\n', out) == EOF || text_table_print(&table, out) < 0))
            err = kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to write standard output"));
    }
    text_table_free(&table);
    night_list_free(&list);
    return err;
}

kg_err cmd_queue(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome)
{
    queue_options options;
    kg_errbuf *errbuf = &outcome->error;
    kg_err err = parse_options(ctx, argc, argv, &options, errbuf);
    if (err != KG_OK)
        return err;
    if (options.common.help)
        return options_print_help(ctx->out, help, errbuf);
    db_conn *conn = NULL;
    err = db_connect(&options.db, errbuf, &conn);
    if (err == KG_OK)
        err = migrations_require_version(conn, errbuf);
    if (err == KG_OK && options.status) {
        err = print_status(conn, options.day, ctx->out, errbuf);
    } else if (err == KG_OK) {
        if (options.day == KDATE_NONE)
            options.day = clock_today_jst();
        night_queue_counts counts;
        err = night_queue_enqueue(conn, options.day, options.max_attempts, &counts, errbuf);
        char day[KDATE_ISO_LEN + 1];
        if (err == KG_OK)
            fprintf(ctx->out,
                    _("queue %s: %ld night(s) added, %ld failed night(s) to run again, %ld "
                      "already in the queue\n"),
                    kdate_format(options.day, day), counts.added, counts.retried, counts.kept);
        long forgotten = 0;
        if (err == KG_OK)
            err = night_queue_forget_done(conn, options.day, &forgotten, errbuf);
        char before[KDATE_ISO_LEN + 1];
        if (err == KG_OK && forgotten > 0)
            fprintf(ctx->out,
                    _("queue: %ld done night(s) dated before %s taken off the queue (their runs "
                      "stay in the ledger)\n"),
                    forgotten, kdate_format(options.day - NIGHT_QUEUE_KEEP_DAYS, before));
    }
    db_close(conn);
    return err;
}
