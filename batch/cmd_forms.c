/*
 * cmd_forms.c - `kigen forms return|status|reissue`: the counter's commands for the proxy
 * forms (照会書兼回答書) that come back.
 *
 * Reads the control number as typed or scanned (common/control_no.h), asks the ledger
 * (forms/form_counter.h) and prints what happened on stdout. Never creates a form: the
 * nightly run does. A return, an undo or a reissue dated after today is refused (D79); a
 * scan recorded by mistake is taken back with `return --undo` (D80). Rules:
 * docs/decisions.md D58-D62, D79, D80.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common/clerk.h"
#include "common/clock.h"
#include "common/control_no.h"
#include "common/options.h"
#include "db/db.h"
#include "db/migrations.h"
#include "forms/form_counter.h"
#include "run/run_config.h"

#define TYPED_MAX 256 /* bytes of a control number as typed, separators included */

static const char synopsis[] =
    "usage: kigen forms return CONTROL_NO [--date YYYY-MM-DD] [--undeliverable | --undo]\n"
    "       kigen forms status [--date YYYY-MM-DD] [--overdue-days N]\n"
    "       kigen forms reissue CONTROL_NO [--date YYYY-MM-DD]\n"
    "       (each also takes --config FILE and --db CONNINFO)";
static const char return_synopsis[] =
    "usage: kigen forms return CONTROL_NO [--date YYYY-MM-DD] [--undeliverable | --undo] "
    "[--config FILE]";
static const char status_synopsis[] =
    "usage: kigen forms status [--date YYYY-MM-DD] [--overdue-days N] [--config FILE]";
static const char reissue_synopsis[] =
    "usage: kigen forms reissue CONTROL_NO [--date YYYY-MM-DD] [--config FILE]";
static const char help_options[] =
    "  --date D            the day of the action (default: today in Japan); a return, an\n"
    "                      undo or a reissue dated after today is refused; for status, the\n"
    "                      day the forms' age is counted to\n"
    "  --undeliverable     return: the form came back from the post office unopened\n"
    "  --undo              return: take back the last scan of the form (recorded by\n"
    "                      mistake); the history keeps both\n"
    "  --overdue-days N    status: days after its run date before an inquiry form is\n"
    "                      overdue (1..365; form_overdue_days, default 30)\n"
    "  --config FILE       the configuration: form_overdue_days, db\n"
    "  --db CONNINFO       the database (else the configuration's db, else libpq's\n"
    "                      environment)\n"
    "  -h, --help          this text\n";
static const char help_intro[] =
    "\n"
    "The counter's commands for the proxy forms (照会書兼回答書): CONTROL_NO as printed or\n"
    "scanned (XXXX-XXXX-XXXX; lower case, spaces and full-width characters are read too).\n"
    "  return              a form came back (answered, or --undeliverable), or --undo\n"
    "  status              inquiry forms overdue, forms returned as undeliverable\n"
    "  reissue             void an inquiry form so that the next run mails a new one\n"
    "\n";

typedef enum forms_action {
    ACTION_NONE,
    ACTION_RETURN,
    ACTION_STATUS,
    ACTION_REISSUE
} forms_action;

typedef struct forms_options {
    forms_action action;
    kdate day;             /* --date, default today in Japan */
    int undeliverable;     /* return --undeliverable */
    int undo;              /* return --undo */
    int overdue_days;      /* status: --overdue-days, form_overdue_days */
    int overdue_given;     /* --overdue-days was given */
    char typed[TYPED_MAX]; /* the number's arguments, joined by spaces */
    size_t typed_len;
    int typed_parts;                  /* arguments that made it up */
    char control_no[CONTROL_NO_SIZE]; /* canonical, once read */
    run_config config;
    const char *config_path;
    options_common common;
    char db_origin[1100];
    db_target db;
} forms_options;

enum { OPT_DATE = OPTIONS_FIRST, OPT_UNDELIVERABLE, OPT_UNDO, OPT_OVERDUE_DAYS, OPT_CONFIG };

static const struct option long_options[] = {
    {"date", required_argument, NULL, OPT_DATE},
    {"undeliverable", no_argument, NULL, OPT_UNDELIVERABLE},
    {"undo", no_argument, NULL, OPT_UNDO},
    {"overdue-days", required_argument, NULL, OPT_OVERDUE_DAYS},
    {"config", required_argument, NULL, OPT_CONFIG},
    OPTIONS_DB_ENTRY,
    OPTIONS_HELP_ENTRY,
    OPTIONS_END,
};

static const char *action_name(forms_action action)
{
    return action == ACTION_RETURN    ? "forms return"
           : action == ACTION_STATUS  ? "forms status"
           : action == ACTION_REISSUE ? "forms reissue"
                                      : "forms";
}

static const char *action_synopsis(forms_action action)
{
    return action == ACTION_RETURN    ? return_synopsis
           : action == ACTION_STATUS  ? status_synopsis
           : action == ACTION_REISSUE ? reissue_synopsis
                                      : synopsis;
}

static kg_err parse_overdue_days(const char *value, int *out, kg_errbuf *errbuf)
{
    char *end = NULL;
    errno = 0;
    long days = strtol(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0' || days < 1 || days > 365)
        return kg_fail(errbuf, KG_ERR_USAGE,
                       "unable to use --overdue-days '%s': a whole number of days from 1 to 365 "
                       "is needed",
                       value);
    *out = (int)days;
    return KG_OK;
}

/* Adds one argument to the typed number (a number typed with spaces arrives in parts). */
static kg_err add_typed(forms_options *options, const char *part, kg_errbuf *errbuf)
{
    size_t len = strlen(part);
    size_t need = len + (options->typed_parts > 0 ? 1 : 0);
    if (options->typed_len + need >= sizeof(options->typed))
        return kg_fail(errbuf, KG_ERR_CONTROL_NO,
                       "unable to read control number: more than %d bytes were given",
                       TYPED_MAX - 1);
    if (options->typed_parts > 0)
        options->typed[options->typed_len++] = ' ';
    memcpy(options->typed + options->typed_len, part, len + 1);
    options->typed_len += len;
    options->typed_parts++;
    return KG_OK;
}

/* An operand: the action first, then the control number's parts. */
static kg_err take_operand(forms_options *options, const char *operand, kg_errbuf *errbuf)
{
    if (options->action == ACTION_NONE) {
        if (strcmp(operand, "return") == 0)
            options->action = ACTION_RETURN;
        else if (strcmp(operand, "status") == 0)
            options->action = ACTION_STATUS;
        else if (strcmp(operand, "reissue") == 0)
            options->action = ACTION_REISSUE;
        else
            return kg_fail(errbuf, KG_ERR_USAGE,
                           "unable to run kigen forms %s: not an action of kigen forms\n%s",
                           operand, synopsis);
        return KG_OK;
    }
    if (options->action == ACTION_STATUS)
        return options_extra_operand(operand, "forms status", status_synopsis, errbuf);
    return add_typed(options, operand, errbuf);
}

static kg_err take_option(forms_options *options, int opt, kg_errbuf *errbuf)
{
    kg_err err = KG_OK;
    switch (opt) {
    case OPT_DATE:
        if (kdate_parse(optarg, strlen(optarg), &options->day) != KG_OK)
            err = kg_fail(errbuf, KG_ERR_USAGE,
                          "unable to use --date '%s': not a day as YYYY-MM-DD", optarg);
        return err;
    case OPT_UNDELIVERABLE:
        options->undeliverable = 1;
        return KG_OK;
    case OPT_UNDO:
        options->undo = 1;
        return KG_OK;
    case OPT_OVERDUE_DAYS:
        options->overdue_given = 1;
        return parse_overdue_days(optarg, &options->overdue_days, errbuf);
    case OPT_CONFIG:
        options->config_path = optarg;
        return run_config_read_file(&options->config, optarg, errbuf);
    default:
        return KG_ERR_INTERNAL;
    }
}

/* The options given that the action does not take. */
static kg_err check_action_options(const forms_options *options, kg_errbuf *errbuf)
{
    const char *name = action_name(options->action), *usage = action_synopsis(options->action);
    if (options->undeliverable && options->action != ACTION_RETURN)
        return options_refuse("--undeliverable", name, usage, errbuf);
    if (options->undo && options->action != ACTION_RETURN)
        return options_refuse("--undo", name, usage, errbuf);
    if (options->overdue_given && options->action != ACTION_STATUS)
        return options_refuse("--overdue-days", name, usage, errbuf);
    if (options->undo && options->undeliverable)
        return kg_fail(errbuf, KG_ERR_USAGE,
                       "unable to parse option '--undo': it takes back the last scan, whatever "
                       "its kind, and goes without --undeliverable\n%s",
                       usage);
    return KG_OK;
}

/* A return, an undo or a reissue records what happened at the counter: a day after today
 * is a typing slip, refused before anything is looked up (D79). */
static kg_err check_day(const forms_options *options, kg_errbuf *errbuf)
{
    kdate today = clock_today_jst();
    if (options->action == ACTION_STATUS || options->day <= today)
        return KG_OK;
    char day[KDATE_ISO_LEN + 1], today_text[KDATE_ISO_LEN + 1], printed[CONTROL_NO_PRINT_SIZE];
    const char *what = options->action == ACTION_REISSUE ? "reissue form"
                       : options->undo                   ? "take back a scan of form"
                                                         : "record the return of form";
    kg_fail(errbuf, KG_ERR_USAGE, "unable to %s %s on %s: that day is after today (%s in Japan)",
            what, control_no_format(options->control_no, printed), kdate_format(options->day, day),
            kdate_format(today, today_text));
    kg_hint(errbuf, "nothing was recorded; give the day it happened (--date YYYY-MM-DD), or leave "
                    "--date out for today");
    return KG_ERR_USAGE;
}

static kg_err parse_options(const cmd_context *ctx, int argc, char **argv, forms_options *options,
                            kg_errbuf *errbuf)
{
    memset(options, 0, sizeof(*options));
    options->day = clock_today_jst();
    options->config = run_config_default();
    options->common.conninfo = ctx->conninfo;
    options_start();
    int opt;
    kg_err err = KG_OK;
    while (err == KG_OK && (opt = options_next(argc, argv, long_options)) != -1) {
        if (opt == OPTIONS_OPERAND)
            err = take_operand(options, optarg, errbuf);
        else if (opt == '?' || opt == ':')
            err = options_fail(argc, argv, opt, long_options, action_name(options->action),
                               action_synopsis(options->action), errbuf);
        else if (!options_take_common(&options->common, opt))
            err = take_option(options, opt, errbuf);
    }
    for (; err == KG_OK && optind < argc; optind++)
        err = take_operand(options, argv[optind], errbuf);
    if (err != KG_OK || options->common.help)
        return err;
    if (options->action == ACTION_NONE)
        return kg_fail(errbuf, KG_ERR_USAGE, "unable to run kigen forms: no action given\n%s",
                       synopsis);
    err = check_action_options(options, errbuf);
    if (err == KG_OK) /* no --config: the installed kigen.conf, when there is one */
        err = run_config_read_default(&options->config, &options->config_path, errbuf);
    if (err != KG_OK)
        return err;
    if (!options->overdue_given)
        options->overdue_days = options->config.form_overdue_days;
    options->db =
        db_target_choose(options->common.conninfo, options->config.db, options->config_path,
                         options->db_origin, sizeof(options->db_origin),
                         options->action == ACTION_RETURN   ? "kigen forms return"
                         : options->action == ACTION_STATUS ? "kigen forms status"
                                                            : "kigen forms reissue");
    err = db_check_conninfo(options->db.conninfo, options->db.origin, errbuf);
    if (err != KG_OK || options->action == ACTION_STATUS)
        return err;
    if (options->typed_parts == 0)
        return kg_fail(errbuf, KG_ERR_USAGE,
                       "unable to run kigen %s: the control number is missing\n%s",
                       action_name(options->action), action_synopsis(options->action));
    err = control_no_parse(options->typed, options->typed_len, options->control_no, errbuf);
    return err == KG_OK ? check_day(options, errbuf) : err;
}

/* The help text of the action (or of kigen forms). */
static kg_err print_help(FILE *out, forms_action action, kg_errbuf *errbuf)
{
    if (fprintf(out, "%s\n%s%s", action_synopsis(action), action == ACTION_NONE ? help_intro : "\n",
                help_options) < 0 ||
        fflush(out) != 0)
        return kg_fail(errbuf, KG_ERR_IO_WRITE, "unable to write standard output");
    return KG_OK;
}

/* "inquiry form of request 990001, resident 9001 佐藤　一郎" and the like. */
static void describe(const form_record *form, char *out, size_t cap)
{
    if (strcmp(form->kind, "enclosed") == 0)
        snprintf(out, cap, "form enclosed with notice %s, resident %ld %s", form->notice_no,
                 form->resident_id, form->name);
    else
        snprintf(out, cap, "inquiry form of request %ld, resident %ld %s", form->request_id,
                 form->resident_id, form->name);
}

static void print_return(FILE *out, const forms_options *options, const form_record *before,
                         const form_record *after)
{
    char printed[CONTROL_NO_PRINT_SIZE], what[512], day[KDATE_ISO_LEN + 1],
        earlier[KDATE_ISO_LEN + 1];
    control_no_format(after->control_no, printed);
    describe(after, what, sizeof(what));
    kdate_format(options->day, day);
    if (before->returned_on != KDATE_NONE) {
        fprintf(out, "form %s already returned on %s, scan %ld: not counted again (%s)\n", printed,
                kdate_format(before->returned_on, earlier), after->return_scans, what);
    } else if (before->undeliverable_on != KDATE_NONE && options->undeliverable) {
        fprintf(out,
                "form %s already returned as undeliverable on %s, scan %ld: not counted again "
                "(%s)\n",
                printed, kdate_format(before->undeliverable_on, earlier), after->return_scans,
                what);
    } else if (before->undeliverable_on != KDATE_NONE) {
        fprintf(out,
                "form %s returned on %s (scan %ld; it had come back undeliverable on %s): %s\n",
                printed, day, after->return_scans, kdate_format(before->undeliverable_on, earlier),
                what);
    } else if (options->undeliverable) {
        fprintf(out, "form %s returned as undeliverable on %s (scan %ld): %s\n", printed, day,
                after->return_scans, what);
        if (strcmp(after->kind, "inquiry") == 0)
            fprintf(out,
                    "HINT: check the address; once it is right, kigen forms reissue %s has the "
                    "next run send a new form\n",
                    printed);
    } else {
        fprintf(out, "form %s returned on %s (scan %ld): %s\n", printed, day, after->return_scans,
                what);
    }
}

static void print_listing(FILE *out, form_listing listing, const form_list *list, kdate day)
{
    if (listing == FORM_LIST_OVERDUE) {
        fprintf(out, "overdue inquiry forms: ");
        if (list->count == 0) {
            fprintf(out, "none\n");
            return;
        }
        fprintf(out, "%zu\n%-14s  %-10s  %4s  %8s  %-6s  %s\n", list->count, "control number",
                "run date", "days", "resident", "office", "name");
    } else {
        fprintf(out, "undeliverable forms: ");
        if (list->count == 0) {
            fprintf(out, "none\n");
            return;
        }
        fprintf(out, "%zu\n%-14s  %-8s  %-10s  %4s  %-13s  %8s  %-6s  %s\n", list->count,
                "control number", "kind", "run date", "days", "undeliverable", "resident", "office",
                "name");
    }
    for (size_t idx = 0; idx < list->count; idx++) {
        const form_record *form = &list->rows[idx];
        char printed[CONTROL_NO_PRINT_SIZE], run_date[KDATE_ISO_LEN + 1],
            returned[KDATE_ISO_LEN + 1];
        control_no_format(form->control_no, printed);
        kdate_format(form->run_date, run_date);
        long days = (long)day - (long)form->run_date;
        const char *office = form->office_code[0] != '\0' ? form->office_code : "-";
        if (listing == FORM_LIST_OVERDUE)
            fprintf(out, "%-14s  %-10s  %4ld  %8ld  %-6s  %s\n", printed, run_date, days,
                    form->resident_id, office, form->name);
        else
            fprintf(out, "%-14s  %-8s  %-10s  %4ld  %-13s  %8ld  %-6s  %s\n", printed, form->kind,
                    run_date, days, kdate_format(form->undeliverable_on, returned),
                    form->resident_id, office, form->name);
    }
}

static kg_err run_status(db_conn *conn, FILE *out, const forms_options *options, kg_errbuf *errbuf)
{
    form_list overdue = {NULL, 0}, undeliverable = {NULL, 0};
    kg_err err = form_counter_list(conn, FORM_LIST_OVERDUE, options->day, options->overdue_days,
                                   &overdue, errbuf);
    if (err == KG_OK)
        err = form_counter_list(conn, FORM_LIST_UNDELIVERABLE, options->day, options->overdue_days,
                                &undeliverable, errbuf);
    if (err == KG_OK) {
        char day[KDATE_ISO_LEN + 1];
        fprintf(out,
                "forms as of %s (overdue: an inquiry form not answered more than %d days after "
                "its run date)\n\n",
                kdate_format(options->day, day), options->overdue_days);
        print_listing(out, FORM_LIST_OVERDUE, &overdue, options->day);
        fprintf(out, "\n");
        print_listing(out, FORM_LIST_UNDELIVERABLE, &undeliverable, options->day);
    }
    form_list_free(&overdue);
    form_list_free(&undeliverable);
    return err;
}

/* "returned on 2026-12-20" or "undeliverable since 2026-12-05" or "not returned". */
static void state_text(const form_record *form, char *out, size_t cap)
{
    char day[KDATE_ISO_LEN + 1];
    if (form->returned_on != KDATE_NONE)
        snprintf(out, cap, "returned on %s", kdate_format(form->returned_on, day));
    else if (form->undeliverable_on != KDATE_NONE)
        snprintf(out, cap, "returned as undeliverable on %s",
                 kdate_format(form->undeliverable_on, day));
    else
        snprintf(out, cap, "not returned");
}

static void print_undo(FILE *out, const forms_options *options, const form_scan *undone,
                       const form_record *before, const form_record *after)
{
    char printed[CONTROL_NO_PRINT_SIZE], what[512], day[KDATE_ISO_LEN + 1],
        scanned[KDATE_ISO_LEN + 1], now[64], by[128];
    control_no_format(after->control_no, printed);
    describe(after, what, sizeof(what));
    state_text(after, now, sizeof(now));
    if (undone->clerk[0] != '\0')
        snprintf(by, sizeof(by), "recorded by %s at %s", undone->clerk, undone->recorded_at);
    else
        snprintf(by, sizeof(by), "recorded before the counter's history was kept");
    fprintf(out, "form %s: scan %ld (%s on %s, %s) taken back on %s; now %s, %ld scan%s: %s\n",
            printed, before->return_scans,
            strcmp(undone->action, "undeliverable") == 0 ? "undeliverable" : "returned",
            kdate_format(undone->day, scanned), by, kdate_format(options->day, day), now,
            after->return_scans, after->return_scans == 1 ? "" : "s", what);
}

kg_err cmd_forms(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome)
{
    kg_errbuf *errbuf = &outcome->error;
    forms_options options;
    kg_err err = parse_options(ctx, argc, argv, &options, errbuf);
    if (err != KG_OK)
        return err;
    if (options.common.help)
        return print_help(ctx->out, options.action, errbuf);
    char clerk[64];
    clerk_name(clerk, sizeof(clerk));
    db_conn *conn = NULL;
    err = db_connect(&options.db, errbuf, &conn);
    if (err == KG_OK)
        err = migrations_require_current(conn, errbuf);
    if (err == KG_OK && options.action == ACTION_STATUS) {
        err = run_status(conn, ctx->out, &options, errbuf);
    } else if (err == KG_OK && options.action == ACTION_RETURN && options.undo) {
        form_record before, after;
        form_scan undone;
        err = form_counter_undo(conn, options.control_no, options.day, clerk, &undone, &before,
                                &after, errbuf);
        if (err == KG_OK)
            print_undo(ctx->out, &options, &undone, &before, &after);
    } else if (err == KG_OK && options.action == ACTION_RETURN) {
        form_record before, after;
        err = form_counter_return(conn, options.control_no, options.day, options.undeliverable != 0,
                                  clerk, &before, &after, errbuf);
        if (err == KG_OK)
            print_return(ctx->out, &options, &before, &after);
    } else if (err == KG_OK) {
        form_record form;
        err = form_counter_reissue(conn, options.control_no, options.day, &form, errbuf);
        if (err == KG_OK) {
            char printed[CONTROL_NO_PRINT_SIZE], day[KDATE_ISO_LEN + 1];
            fprintf(ctx->out,
                    "form %s void from %s: the next run produces a new form for request %ld "
                    "(resident %ld %s)\n",
                    control_no_format(form.control_no, printed), kdate_format(form.voided_on, day),
                    form.request_id, form.resident_id, form.name);
        }
    }
    db_close(conn);
    return err;
}
