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
#include "common/i18n.h"
#include "common/options.h"
#include "common/text_table.h"
#include "db/db.h"
#include "db/migrations.h"
#include "forms/form_counter.h"
#include "run/run_config.h"

#define TYPED_MAX 256 /* bytes of a control number as typed, separators included */

static const char synopsis[] =
    "usage: kigen forms return CONTROL_NO [--date YYYY-MM-DD] [--undeliverable | --undo]\n"
    "       kigen forms status [--date YYYY-MM-DD] [--overdue-days N] [--csv]\n"
    "       kigen forms reissue CONTROL_NO [--date YYYY-MM-DD]\n"
    "       (each also takes --config FILE and --db CONNINFO)";
static const char return_synopsis[] =
    "usage: kigen forms return CONTROL_NO [--date YYYY-MM-DD] [--undeliverable | --undo] "
    "[--config FILE]";
static const char status_synopsis[] =
    "usage: kigen forms status [--date YYYY-MM-DD] [--overdue-days N] [--csv] [--config FILE]";
static const char reissue_synopsis[] =
    "usage: kigen forms reissue CONTROL_NO [--date YYYY-MM-DD] [--config FILE]";
static const char help_options[] =
    N_("  --date D            the day of the action (default: today in Japan); a return, an\n"
       "                      undo or a reissue dated after today is refused; for status, the\n"
       "                      day the forms' age is counted to\n"
       "  --undeliverable     return: the form came back from the post office unopened\n"
       "  --undo              return: take back the last scan of the form (recorded by\n"
       "                      mistake); the history keeps both\n"
       "  --overdue-days N    status: days after its run date before an inquiry form is\n"
       "                      overdue (1..365; form_overdue_days, default 30)\n"
       "  --csv               status: the table as CSV for a spreadsheet (csv_bom, csv_encoding)\n"
       "  --config FILE       the configuration: form_overdue_days, db, language, csv_bom,\n"
       "                      csv_encoding\n"
       "  --db CONNINFO       the database (else the configuration's db, else libpq's\n"
       "                      environment)\n"
       "  -h, --help          this text\n");
static const char help_intro[] =
    N_("\n"
       "The counter's commands for the proxy forms (照会書兼回答書): CONTROL_NO as printed or\n"
       "scanned (XXXX-XXXX-XXXX; lower case, spaces and full-width characters are read too).\n"
       "  return              a form came back (answered, or --undeliverable), or --undo\n"
       "  status              inquiry forms overdue, forms returned as undeliverable\n"
       "  reissue             void an inquiry form so that the next run mails a new one\n"
       "\n");

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
    int csv;               /* status --csv */
    char typed[TYPED_MAX]; /* the number's arguments, joined by spaces */
    size_t typed_len;
    int typed_parts;                  /* arguments that made it up */
    char control_no[CONTROL_NO_SIZE]; /* canonical, once read */
    run_config config;
    options_common common; /* --db, --config, --help */
    char db_origin[1100];
    db_target db;
} forms_options;

enum { OPT_DATE = OPTIONS_FIRST, OPT_UNDELIVERABLE, OPT_UNDO, OPT_OVERDUE_DAYS, OPT_CSV };

static const struct option long_options[] = {
    {"date", required_argument, NULL, OPT_DATE},
    {"undeliverable", no_argument, NULL, OPT_UNDELIVERABLE},
    {"undo", no_argument, NULL, OPT_UNDO},
    {"overdue-days", required_argument, NULL, OPT_OVERDUE_DAYS},
    OPTIONS_CONFIG_ENTRY,
    {"csv", no_argument, NULL, OPT_CSV},
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
                       _("unable to use --overdue-days '%s': a whole number of days from 1 to "
                         "365 is needed"),
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
                       _("unable to read control number: more than %d bytes were given"),
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
                           _("unable to run kigen forms %s: not an action of kigen forms\n%s"),
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
                          _("unable to use --date '%s': not a day as YYYY-MM-DD"), optarg);
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
    case OPT_CSV:
        options->csv = 1;
        return KG_OK;
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
    if (options->csv && options->action != ACTION_STATUS)
        return options_refuse("--csv", name, usage, errbuf);
    if (options->undo && options->undeliverable)
        return kg_fail(errbuf, KG_ERR_USAGE,
                       _("unable to parse option '--undo': it takes back the last scan, "
                         "whatever its kind, and goes without --undeliverable\n%s"),
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
    control_no_format(options->control_no, printed);
    kdate_format(options->day, day);
    kdate_format(today, today_text);
    if (options->action == ACTION_REISSUE)
        kg_fail(errbuf, KG_ERR_USAGE,
                _("unable to reissue form %s on %s: that day is after today (%s in Japan)"),
                printed, day, today_text);
    else if (options->undo)
        kg_fail(errbuf, KG_ERR_USAGE,
                _("unable to take back a scan of form %s on %s: that day is after today (%s in "
                  "Japan)"),
                printed, day, today_text);
    else
        kg_fail(errbuf, KG_ERR_USAGE,
                _("unable to record the return of form %s on %s: that day is after today (%s "
                  "in Japan)"),
                printed, day, today_text);
    kg_hint(errbuf, _("nothing was recorded; give the day it happened (--date YYYY-MM-DD), or "
                      "leave --date out for today"));
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
    if (err == KG_OK) /* --config or the installed kigen.conf; the counter's language (D119) */
        err = run_config_read_command(&options->config, &options->common.config_path, errbuf);
    if (err != KG_OK || options->common.help)
        return err;
    if (options->action == ACTION_NONE)
        return kg_fail(errbuf, KG_ERR_USAGE, _("unable to run kigen forms: no action given\n%s"),
                       synopsis);
    err = check_action_options(options, errbuf);
    if (err != KG_OK)
        return err;
    if (!options->overdue_given)
        options->overdue_days = options->config.form_overdue_days;
    options->db =
        db_target_choose(options->common.conninfo, options->config.db, options->common.config_path,
                         options->db_origin, sizeof(options->db_origin),
                         options->action == ACTION_RETURN   ? "kigen forms return"
                         : options->action == ACTION_STATUS ? "kigen forms status"
                                                            : "kigen forms reissue");
    err = db_check_conninfo(options->db.conninfo, options->db.origin, errbuf);
    if (err != KG_OK || options->action == ACTION_STATUS)
        return err;
    if (options->typed_parts == 0)
        return kg_fail(errbuf, KG_ERR_USAGE,
                       _("unable to run kigen %s: the control number is missing\n%s"),
                       action_name(options->action), action_synopsis(options->action));
    err = control_no_parse(options->typed, options->typed_len, options->control_no, errbuf);
    return err == KG_OK ? check_day(options, errbuf) : err;
}

/* The help text of the action (or of kigen forms). */
static kg_err print_help(FILE *out, forms_action action, kg_errbuf *errbuf)
{
    if (fprintf(out, "%s\n%s%s", action_synopsis(action),
                action == ACTION_NONE ? _(help_intro) : "\n", _(help_options)) < 0 ||
        fflush(out) != 0)
        return kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to write standard output"));
    return KG_OK;
}

/* "inquiry form of request 990001, resident 9001 佐藤　一郎" and the like. */
static void describe(const form_record *form, char *out, size_t cap)
{
    if (strcmp(form->kind, "enclosed") == 0)
        snprintf(out, cap, _("form enclosed with notice %s, resident %ld %s"), form->notice_no,
                 form->resident_id, form->name);
    else
        snprintf(out, cap, _("inquiry form of request %ld, resident %ld %s"), form->request_id,
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
        fprintf(out, _("form %s already returned on %s, scan %ld: not counted again (%s)\n"),
                printed, kdate_format(before->returned_on, earlier), after->return_scans, what);
    } else if (before->undeliverable_on != KDATE_NONE && options->undeliverable) {
        fprintf(out,
                _("form %s already returned as undeliverable on %s, scan %ld: not counted again "
                  "(%s)\n"),
                printed, kdate_format(before->undeliverable_on, earlier), after->return_scans,
                what);
    } else if (before->undeliverable_on != KDATE_NONE) {
        fprintf(out,
                _("form %s returned on %s (scan %ld; it had come back undeliverable on %s): %s\n"),
                printed, day, after->return_scans, kdate_format(before->undeliverable_on, earlier),
                what);
    } else if (options->undeliverable) {
        fprintf(out, _("form %s returned as undeliverable on %s (scan %ld): %s\n"), printed, day,
                after->return_scans, what);
        if (strcmp(after->kind, "inquiry") == 0)
            fprintf(out,
                    _("HINT: check the address; once it is right, kigen forms reissue %s has "
                      "the next run send a new form\n"),
                    printed);
    } else {
        fprintf(out, _("form %s returned on %s (scan %ld): %s\n"), printed, day,
                after->return_scans, what);
    }
}

/* A form's kind as the screen shows it. */
static const char *kind_text(const char *kind)
{
    return strcmp(kind, "enclosed") == 0  ? _("enclosed")
           : strcmp(kind, "inquiry") == 0 ? _("inquiry")
                                          : kind;
}

/* The columns of the two lists, at least as wide as the English screen always had them
 * (D119); the overdue list has no kind and no undeliverable day. */
enum {
    COL_CONTROL_NO,
    COL_KIND,
    COL_RUN_DATE,
    COL_DAYS,
    COL_UNDELIVERABLE,
    COL_RESIDENT,
    COL_OFFICE,
    COL_NAME,
    COL__COUNT
};

static void listing_columns(form_listing listing, text_column *columns, size_t *count)
{
    const text_column all[COL__COUNT] = {
        {_("control number"), 14, false}, {_("kind"), 8, false},
        {_("run date"), 10, false},       {_("days"), 4, true},
        {_("undeliverable"), 13, false},  {_("resident"), 8, true},
        {_("office"), 6, false},          {_("name"), 0, false},
    };
    *count = 0;
    for (int col = 0; col < COL__COUNT; col++)
        if (listing == FORM_LIST_UNDELIVERABLE || (col != COL_KIND && col != COL_UNDELIVERABLE))
            columns[(*count)++] = all[col];
}

/* The cells of a form in a list (count cells, as listing_columns). */
static void listing_cells(form_listing listing, const form_record *form, kdate day,
                          char texts[COL__COUNT][CONTROL_NO_PRINT_SIZE + 16], const char **cells)
{
    control_no_format(form->control_no, texts[COL_CONTROL_NO]);
    kdate_format(form->run_date, texts[COL_RUN_DATE]);
    snprintf(texts[COL_DAYS], sizeof(texts[COL_DAYS]), "%ld", (long)day - (long)form->run_date);
    kdate_format(form->undeliverable_on, texts[COL_UNDELIVERABLE]);
    snprintf(texts[COL_RESIDENT], sizeof(texts[COL_RESIDENT]), "%ld", form->resident_id);
    const char *all[COL__COUNT] = {
        texts[COL_CONTROL_NO],
        kind_text(form->kind),
        texts[COL_RUN_DATE],
        texts[COL_DAYS],
        listing == FORM_LIST_UNDELIVERABLE ? texts[COL_UNDELIVERABLE] : "",
        texts[COL_RESIDENT],
        form->office_code[0] != '\0' ? form->office_code : "-",
        form->name,
    };
    size_t count = 0;
    for (int col = 0; col < COL__COUNT; col++)
        if (listing == FORM_LIST_UNDELIVERABLE || (col != COL_KIND && col != COL_UNDELIVERABLE))
            cells[count++] = all[col];
}

static kg_err print_listing(FILE *out, form_listing listing, const form_list *list, kdate day,
                            kg_errbuf *errbuf)
{
    fprintf(out, "%s",
            listing == FORM_LIST_OVERDUE ? _("overdue inquiry forms: ")
                                         : _("undeliverable forms: "));
    if (list->count == 0) {
        fprintf(out, "%s", _("none\n"));
        return KG_OK;
    }
    fprintf(out, "%zu\n", list->count);
    text_column columns[COL__COUNT];
    size_t count = 0;
    listing_columns(listing, columns, &count);
    text_table table;
    kg_err err = text_table_init(&table, columns, count);
    for (size_t idx = 0; err == KG_OK && idx < list->count; idx++) {
        char texts[COL__COUNT][CONTROL_NO_PRINT_SIZE + 16];
        const char *cells[COL__COUNT];
        listing_cells(listing, &list->rows[idx], day, texts, cells);
        err = text_table_add(&table, cells);
    }
    if (err == KG_OK && text_table_print(&table, out) < 0)
        err = kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to write standard output"));
    else if (err != KG_OK)
        err = kg_fail(errbuf, KG_ERR_NOMEM, _("unable to list the forms: out of memory"));
    text_table_free(&table);
    return err;
}

/* Both lists as one CSV table (--csv): the list first, then the undeliverable list's
 * columns. */
static kg_err write_status_csv(const cmd_context *ctx, const forms_options *options,
                               const form_list *overdue, const form_list *undeliverable,
                               kg_errbuf *errbuf)
{
    text_column columns[COL__COUNT + 1] = {{_("list"), 0, false}};
    size_t count = 0;
    listing_columns(FORM_LIST_UNDELIVERABLE, columns + 1, &count);
    text_table table;
    kg_err err = text_table_init(&table, columns, count + 1);
    const form_list *lists[] = {overdue, undeliverable};
    for (int which = 0; which < 2 && err == KG_OK; which++) {
        for (size_t idx = 0; err == KG_OK && idx < lists[which]->count; idx++) {
            char texts[COL__COUNT][CONTROL_NO_PRINT_SIZE + 16];
            const char *cells[COL__COUNT + 1] = {which == 0 ? _("overdue") : _("undeliverable")};
            listing_cells(FORM_LIST_UNDELIVERABLE, &lists[which]->rows[idx], options->day, texts,
                          cells + 1);
            if (which == 0)
                cells[1 + COL_UNDELIVERABLE] = "";
            err = text_table_add(&table, cells);
        }
    }
    csv_format format = run_config_csv_format(&options->config);
    if (err == KG_OK)
        err = text_table_write_csv(&table, &format, ctx->out, ctx->log, errbuf);
    else
        err = kg_fail(errbuf, KG_ERR_NOMEM, _("unable to list the forms: out of memory"));
    text_table_free(&table);
    return err;
}

static kg_err run_status(db_conn *conn, const cmd_context *ctx, const forms_options *options,
                         kg_errbuf *errbuf)
{
    FILE *out = ctx->out;
    form_list overdue = {NULL, 0}, undeliverable = {NULL, 0};
    kg_err err = form_counter_list(conn, FORM_LIST_OVERDUE, options->day, options->overdue_days,
                                   &overdue, errbuf);
    if (err == KG_OK)
        err = form_counter_list(conn, FORM_LIST_UNDELIVERABLE, options->day, options->overdue_days,
                                &undeliverable, errbuf);
    if (err == KG_OK && options->csv) {
        err = write_status_csv(ctx, options, &overdue, &undeliverable, errbuf);
    } else if (err == KG_OK) {
        char day[KDATE_ISO_LEN + 1];
        fprintf(out,
                _("forms as of %s (overdue: an inquiry form not answered more than %d days "
                  "after its run date)\n\n"),
                kdate_format(options->day, day), options->overdue_days);
        err = print_listing(out, FORM_LIST_OVERDUE, &overdue, options->day, errbuf);
        fprintf(out, "\n");
        if (err == KG_OK)
            err = print_listing(out, FORM_LIST_UNDELIVERABLE, &undeliverable, options->day, errbuf);
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
        snprintf(out, cap, _("returned on %s"), kdate_format(form->returned_on, day));
    else if (form->undeliverable_on != KDATE_NONE)
        snprintf(out, cap, _("returned as undeliverable on %s"),
                 kdate_format(form->undeliverable_on, day));
    else
        snprintf(out, cap, "%s", _("not returned"));
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
        snprintf(by, sizeof(by), _("recorded by %s at %s"), undone->clerk, undone->recorded_at);
    else
        snprintf(by, sizeof(by), "%s", _("recorded before the counter's history was kept"));
    fprintf(out,
            ngettext("form %s: scan %ld (%s on %s, %s) taken back on %s; now %s, %ld scan: %s\n",
                     "form %s: scan %ld (%s on %s, %s) taken back on %s; now %s, %ld scans: %s\n",
                     (unsigned long)after->return_scans),
            printed, before->return_scans,
            strcmp(undone->action, "undeliverable") == 0 ? _("undeliverable") : _("returned"),
            kdate_format(undone->day, scanned), by, kdate_format(options->day, day), now,
            after->return_scans, what);
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
        err = run_status(conn, ctx, &options, errbuf);
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
                    _("form %s void from %s: the next run produces a new form for request %ld "
                      "(resident %ld %s)\n"),
                    control_no_format(form.control_no, printed), kdate_format(form.voided_on, day),
                    form.request_id, form.resident_id, form.name);
        }
    }
    db_close(conn);
    return err;
}
