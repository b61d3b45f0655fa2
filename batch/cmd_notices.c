/*
 * cmd_notices.c - `kigen notices return|status`: the counter records a notice that the
 * post office brought back (転送不要 mail, 還付) and lists the returns to follow up
 * (居住実態調査).
 *
 * Reads the notice number as typed (notices/notice_no.h), asks the ledger
 * (notices/notice_counter.h) and prints what happened on stdout. Every text a person reads
 * from this command is in this file (the messages table below), so that it can be
 * translated in one place. A return or an undo dated after today is refused (exit 2, as
 * D79); one dated before the notice was mailed, a second return, an undo with nothing to
 * take back are refused with exit 3. Rules: docs/decisions.md D88-D91.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common/clerk.h"
#include "common/clock.h"
#include "common/i18n.h"
#include "common/options.h"
#include "common/text_table.h"
#include "db/db.h"
#include "db/migrations.h"
#include "notices/notice_counter.h"
#include "notices/notice_no.h"
#include "notices/return_reason.h"
#include "run/run_config.h"

#define TYPED_MAX 128 /* bytes of a notice number as typed, separators included */

/* Usage and help. */
static const char synopsis[] =
    "usage: kigen notices return NOTICE_NO [--date YYYY-MM-DD] [--reason R | --undo]\n"
    "       kigen notices status [--date YYYY-MM-DD] [--csv]\n"
    "       (each also takes --config FILE and --db CONNINFO)";
static const char return_synopsis[] =
    "usage: kigen notices return NOTICE_NO [--date YYYY-MM-DD] [--reason R | --undo] "
    "[--config FILE]";
static const char status_synopsis[] = "usage: kigen notices status [--date YYYY-MM-DD] [--csv] "
                                      "[--config FILE]";
static const char help_options[] =
    N_("  --date D            the day of the action (default: today in Japan); a return or an\n"
       "                      undo dated after today is refused; for status, the day the\n"
       "                      returns are judged on\n"
       "  --reason R          return: why the post office brought it back, as its stamp says\n"
       "                      (default unknown_at_address):\n"
       "%s"
       "  --undo              return: take back the notice's return (recorded by mistake); the\n"
       "                      history keeps both\n"
       "  --csv               status: the table as CSV for a spreadsheet (csv_bom, csv_encoding)\n"
       "  --config FILE       the configuration: db, language, csv_bom, csv_encoding\n"
       "  --db CONNINFO       the database (else the configuration's db, else libpq's\n"
       "                      environment)\n"
       "  -h, --help          this text\n");
static const char help_reason_line[] = "                        %-20s %s\n";
static const char help_intro[] =
    N_("\n"
       "The counter's commands for the notices that the post office brought back (転送不要):\n"
       "NOTICE_NO as printed on the notice (YYYYMMDD-nnnnnn; full-width digits are read too).\n"
       "  return              a notice came back: the resident's next certificates are not\n"
       "                      mailed to the same address until it changes; or --undo\n"
       "  status              the returns to follow up (居住実態調査): not yet lifted by an\n"
       "                      address change\n"
       "\n");

/* What the command prints and refuses. */
static const char msg_not_an_action[] =
    N_("unable to run kigen notices %s: not an action of kigen notices\n%s");
static const char msg_no_action[] = N_("unable to run kigen notices: no action given\n%s");
static const char msg_number_missing[] =
    N_("unable to run kigen notices return: the notice number is missing\n%s");
static const char msg_number_too_long[] =
    N_("unable to read notice number: more than %d bytes were given");
static const char msg_bad_date[] = N_("unable to use --date '%s': not a day as YYYY-MM-DD");
static const char msg_bad_reason[] = N_("unable to use --reason '%s': not a reason of a return");
static const char hint_reasons[] = N_("the reasons: %s");
static const char msg_reason_and_undo[] =
    N_("unable to parse option '--reason': --undo takes back the return whatever its reason, and "
       "goes without --reason\n%s");
static const char msg_return_after_today[] =
    N_("unable to record the return of notice %s on %s: that day is after today (%s in Japan)");
static const char msg_undo_after_today[] =
    N_("unable to take back the return of notice %s on %s: that day is after today (%s in "
       "Japan)");
static const char hint_after_today[] =
    N_("nothing was recorded; give the day it happened (--date YYYY-MM-DD), or leave --date out "
       "for today");
static const char msg_unknown[] =
    N_("unable to find notice %s: no notice with this number is in the ledger");
static const char hint_unknown[] =
    N_("check the number on the returned letter (YYYYMMDD-nnnnnn: the run date, then the number)");
static const char msg_before_mailed[] =
    N_("unable to record the return of notice %s on %s: it was mailed on %s");
static const char msg_not_printed[] =
    N_("unable to record the return of notice %s: it has not been mailed, its run of %s has not "
       "written its print files (the run is %s)");
static const char hint_not_printed[] =
    N_("kigen run --date %s writes them; check the number on the returned letter");
static const char msg_already_returned[] =
    N_("unable to record the return of notice %s: it is already returned on %s (%s), recorded by "
       "%s at %s");
static const char hint_already_returned[] =
    N_("nothing was recorded; if that return was a mistake, kigen notices return %s --undo takes "
       "it back");
static const char msg_nothing_to_undo[] =
    N_("unable to take back the return of notice %s: it has no return to take back");
static const char msg_undo_before_return[] =
    N_("unable to take back the return of notice %s on %s: it was returned on %s");
static const char out_returned[] =
    N_("notice %s returned on %s (%s %s): resident %ld %s, mailed on %s\n"
       "the resident's next certificates are not mailed to the same address until it changes "
       "(returned_mail)\n");
static const char out_undone[] =
    N_("notice %s: return of %s (%s, recorded by %s at %s) taken back on %s: resident %ld %s\n");
static const char out_status_title[] =
    N_("returned notices as of %s (to follow up, 居住実態調査: not yet lifted by an address "
       "change)\n\n");
static const char out_status_count[] = N_("returned notices to follow up: ");
static const char out_status_none[] = N_("none\n");
/* The status table's columns, at least as wide as the English screen always had them
 * (D119). */
static const text_column status_columns[] = {
    {N_("notice no"), 15, false},
    {N_("mailed"), 10, false},
    {N_("notices column|returned"), 10, false},
    {N_("days"), 4, true},
    {N_("reason"), 18, false},
    {N_("resident"), 8, true},
    {N_("office"), 6, false},
    {N_("name"), 0, false},
};
#define STATUS_COLUMN_COUNT (sizeof(status_columns) / sizeof(status_columns[0]))

typedef enum notices_action { ACTION_NONE, ACTION_RETURN, ACTION_STATUS } notices_action;

typedef struct notices_options {
    notices_action action;
    kdate day; /* --date, default today in Japan */
    return_reason reason;
    int reason_given;
    int undo;
    int csv;               /* status --csv */
    char typed[TYPED_MAX]; /* the number's arguments, joined by spaces */
    size_t typed_len;
    int typed_parts;
    char notice_no[NOTICE_NO_SIZE]; /* canonical, once read */
    run_config config;
    options_common common; /* --db, --config, --help */
    char db_origin[1100];
    db_target db;
} notices_options;

enum { OPT_DATE = OPTIONS_FIRST, OPT_REASON, OPT_UNDO, OPT_CSV };

static const struct option long_options[] = {
    {"date", required_argument, NULL, OPT_DATE},
    {"reason", required_argument, NULL, OPT_REASON},
    {"undo", no_argument, NULL, OPT_UNDO},
    OPTIONS_CONFIG_ENTRY,
    {"csv", no_argument, NULL, OPT_CSV},
    OPTIONS_DB_ENTRY,
    OPTIONS_HELP_ENTRY,
    OPTIONS_END,
};

static const char *action_name(notices_action action)
{
    return action == ACTION_RETURN   ? "notices return"
           : action == ACTION_STATUS ? "notices status"
                                     : "notices";
}

static const char *action_synopsis(notices_action action)
{
    return action == ACTION_RETURN   ? return_synopsis
           : action == ACTION_STATUS ? status_synopsis
                                     : synopsis;
}

/* "unknown_at_address (あて所に尋ねあたりません), moved_unknown (転居先不明), ..." */
static void reason_list(char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (int idx = 0; idx < RETURN__COUNT && len < cap; idx++) {
        int wrote = snprintf(out + len, cap - len, "%s%s (%s)", idx > 0 ? ", " : "",
                             return_reason_code((return_reason)idx),
                             return_reason_stamp((return_reason)idx));
        if (wrote < 0)
            break;
        len += (size_t)wrote;
    }
}

static kg_err add_typed(notices_options *options, const char *part, kg_errbuf *errbuf)
{
    size_t len = strlen(part);
    size_t need = len + (options->typed_parts > 0 ? 1 : 0);
    if (options->typed_len + need >= sizeof(options->typed))
        return kg_fail(errbuf, KG_ERR_NOTICE_NO, _(msg_number_too_long), TYPED_MAX - 1);
    if (options->typed_parts > 0)
        options->typed[options->typed_len++] = ' ';
    memcpy(options->typed + options->typed_len, part, len + 1);
    options->typed_len += len;
    options->typed_parts++;
    return KG_OK;
}

static kg_err take_operand(notices_options *options, const char *operand, kg_errbuf *errbuf)
{
    if (options->action == ACTION_NONE) {
        if (strcmp(operand, "return") == 0)
            options->action = ACTION_RETURN;
        else if (strcmp(operand, "status") == 0)
            options->action = ACTION_STATUS;
        else
            return kg_fail(errbuf, KG_ERR_USAGE, _(msg_not_an_action), operand, synopsis);
        return KG_OK;
    }
    if (options->action == ACTION_STATUS)
        return options_extra_operand(operand, "notices status", status_synopsis, errbuf);
    return add_typed(options, operand, errbuf);
}

static kg_err take_option(notices_options *options, int opt, kg_errbuf *errbuf)
{
    switch (opt) {
    case OPT_DATE:
        if (kdate_parse(optarg, strlen(optarg), &options->day) != KG_OK)
            return kg_fail(errbuf, KG_ERR_USAGE, _(msg_bad_date), optarg);
        return KG_OK;
    case OPT_REASON:
        options->reason_given = 1;
        if (!return_reason_parse(optarg, strlen(optarg), &options->reason)) {
            char reasons[512];
            reason_list(reasons, sizeof(reasons));
            kg_fail(errbuf, KG_ERR_USAGE, _(msg_bad_reason), optarg);
            kg_hint(errbuf, _(hint_reasons), reasons);
            return KG_ERR_USAGE;
        }
        return KG_OK;
    case OPT_UNDO:
        options->undo = 1;
        return KG_OK;
    case OPT_CSV:
        options->csv = 1;
        return KG_OK;
    default:
        return KG_ERR_INTERNAL;
    }
}

static kg_err check_action_options(const notices_options *options, kg_errbuf *errbuf)
{
    const char *name = action_name(options->action), *usage = action_synopsis(options->action);
    if (options->reason_given && options->action != ACTION_RETURN)
        return options_refuse("--reason", name, usage, errbuf);
    if (options->undo && options->action != ACTION_RETURN)
        return options_refuse("--undo", name, usage, errbuf);
    if (options->csv && options->action != ACTION_STATUS)
        return options_refuse("--csv", name, usage, errbuf);
    if (options->undo && options->reason_given)
        return kg_fail(errbuf, KG_ERR_USAGE, _(msg_reason_and_undo), usage);
    return KG_OK;
}

/* A return or an undo dated after today is a typing slip (as D79). */
static kg_err check_day(const notices_options *options, kg_errbuf *errbuf)
{
    kdate today = clock_today_jst();
    if (options->action == ACTION_STATUS || options->day <= today)
        return KG_OK;
    char day[KDATE_ISO_LEN + 1], today_text[KDATE_ISO_LEN + 1];
    kdate_format(options->day, day);
    kdate_format(today, today_text);
    if (options->undo)
        kg_fail(errbuf, KG_ERR_USAGE, _(msg_undo_after_today), options->notice_no, day, today_text);
    else
        kg_fail(errbuf, KG_ERR_USAGE, _(msg_return_after_today), options->notice_no, day,
                today_text);
    kg_hint(errbuf, _(hint_after_today));
    return KG_ERR_USAGE;
}

static kg_err parse_options(const cmd_context *ctx, int argc, char **argv, notices_options *options,
                            kg_errbuf *errbuf)
{
    memset(options, 0, sizeof(*options));
    options->day = clock_today_jst();
    options->reason = RETURN_REASON_DEFAULT;
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
        return kg_fail(errbuf, KG_ERR_USAGE, _(msg_no_action), synopsis);
    err = check_action_options(options, errbuf);
    if (err != KG_OK)
        return err;
    options->db = db_target_choose(
        options->common.conninfo, options->config.db, options->common.config_path,
        options->db_origin, sizeof(options->db_origin),
        options->action == ACTION_RETURN ? "kigen notices return" : "kigen notices status");
    err = db_check_conninfo(options->db.conninfo, options->db.origin, errbuf);
    if (err != KG_OK || options->action == ACTION_STATUS)
        return err;
    if (options->typed_parts == 0)
        return kg_fail(errbuf, KG_ERR_USAGE, _(msg_number_missing), return_synopsis);
    err = notice_no_parse(options->typed, options->typed_len, options->notice_no, errbuf);
    return err == KG_OK ? check_day(options, errbuf) : err;
}

static kg_err print_help(FILE *out, notices_action action, kg_errbuf *errbuf)
{
    char reasons[1024];
    size_t len = 0;
    reasons[0] = '\0';
    for (int idx = 0; idx < RETURN__COUNT && len < sizeof(reasons); idx++) {
        int wrote = snprintf(reasons + len, sizeof(reasons) - len, help_reason_line,
                             return_reason_code((return_reason)idx),
                             return_reason_stamp((return_reason)idx));
        if (wrote > 0)
            len += (size_t)wrote;
    }
    if (fprintf(out, "%s\n%s", action_synopsis(action),
                action == ACTION_NONE ? _(help_intro) : "\n") < 0 ||
        fprintf(out, _(help_options), reasons) < 0 || fflush(out) != 0)
        return kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to write standard output"));
    return KG_OK;
}

/* The message of an action the ledger refused. */
static kg_err refusal_error(kg_err err, notice_refusal refusal, const notices_options *options,
                            const notice_record *notice, const notice_return *existing,
                            kg_errbuf *errbuf)
{
    char day[KDATE_ISO_LEN + 1], other[KDATE_ISO_LEN + 1];
    kdate_format(options->day, day);
    if (err == KG_ERR_NOTICE_UNKNOWN) {
        kg_fail(errbuf, err, _(msg_unknown), options->notice_no);
        kg_hint(errbuf, _(hint_unknown));
        return err;
    }
    switch (refusal) {
    case NOTICE_REFUSAL_NOT_PRINTED:
        kg_fail(errbuf, err, _(msg_not_printed), options->notice_no,
                kdate_format(notice->run_date, other), notice->run_status);
        kg_hint(errbuf, _(hint_not_printed), other);
        return err;
    case NOTICE_REFUSAL_BEFORE_MAILED:
        return kg_fail(errbuf, err, _(msg_before_mailed), options->notice_no, day,
                       kdate_format(notice->run_date, other));
    case NOTICE_REFUSAL_ALREADY_RETURNED:
        kg_fail(errbuf, err, _(msg_already_returned), options->notice_no,
                kdate_format(existing->returned_on, other), return_reason_code(existing->reason),
                existing->clerk, existing->recorded_at);
        kg_hint(errbuf, _(hint_already_returned), options->notice_no);
        return err;
    case NOTICE_REFUSAL_NOTHING_TO_UNDO:
        return kg_fail(errbuf, err, _(msg_nothing_to_undo), options->notice_no);
    case NOTICE_REFUSAL_UNDO_BEFORE_RETURN:
        return kg_fail(errbuf, err, _(msg_undo_before_return), options->notice_no, day,
                       kdate_format(existing->returned_on, other));
    case NOTICE_REFUSAL_NONE:
    default:
        return err;
    }
}

static kg_err run_return(db_conn *conn, FILE *out, const notices_options *options,
                         const char *clerk, kg_errbuf *errbuf)
{
    notice_record notice;
    notice_return ret;
    notice_refusal refusal = NOTICE_REFUSAL_NONE;
    char day[KDATE_ISO_LEN + 1], mailed[KDATE_ISO_LEN + 1], returned[KDATE_ISO_LEN + 1];
    kg_err err = options->undo ? notice_counter_undo(conn, options->notice_no, options->day, clerk,
                                                     &notice, &ret, &refusal, errbuf)
                               : notice_counter_return(conn, options->notice_no, options->day,
                                                       options->reason, clerk, &notice, &ret,
                                                       &refusal, errbuf);
    if (err == KG_ERR_NOTICE_UNKNOWN || err == KG_ERR_NOTICE_STATE)
        return refusal_error(err, refusal, options, &notice, &ret, errbuf);
    if (err != KG_OK)
        return err;
    kdate_format(options->day, day);
    if (options->undo)
        fprintf(out, _(out_undone), notice.notice_no, kdate_format(ret.returned_on, returned),
                return_reason_code(ret.reason), ret.clerk, ret.recorded_at, day, notice.resident_id,
                notice.name);
    else
        fprintf(out, _(out_returned), notice.notice_no, day, return_reason_code(ret.reason),
                return_reason_stamp(ret.reason), notice.resident_id, notice.name,
                kdate_format(notice.run_date, mailed));
    return KG_OK;
}

/* A message whose msgid carries a context before '|' ("notices column|returned": 返戻日,
 * where a form's "returned" is 返却): its translation, or the text after the '|'. */
static const char *in_context(const char *msgid)
{
    const char *text = gettext(msgid);
    const char *bar = strchr(text, '|');
    return text == msgid && bar != NULL ? bar + 1 : text;
}

static kg_err run_status(db_conn *conn, const cmd_context *ctx, const notices_options *options,
                         kg_errbuf *errbuf)
{
    FILE *out = ctx->out;
    notice_return_list list = {NULL, 0};
    kg_err err = notice_counter_list(conn, options->day, &list, errbuf);
    if (err != KG_OK)
        return err;
    bool japanese = run_config_language(&options->config) == KG_LANG_JA;
    text_column columns[STATUS_COLUMN_COUNT];
    for (size_t col = 0; col < STATUS_COLUMN_COUNT; col++) {
        columns[col] = status_columns[col];
        columns[col].header = in_context(status_columns[col].header);
    }
    text_table table;
    err = text_table_init(&table, columns, STATUS_COLUMN_COUNT);
    for (size_t idx = 0; err == KG_OK && idx < list.count; idx++) {
        const notice_return *ret = &list.rows[idx];
        char mailed[KDATE_ISO_LEN + 1], returned[KDATE_ISO_LEN + 1], days[24], resident[24];
        snprintf(days, sizeof(days), "%ld", (long)options->day - (long)ret->returned_on);
        snprintf(resident, sizeof(resident), "%ld", ret->notice.resident_id);
        const char *cells[STATUS_COLUMN_COUNT] = {
            ret->notice.notice_no,
            kdate_format(ret->notice.run_date, mailed),
            kdate_format(ret->returned_on, returned),
            days,
            japanese ? return_reason_stamp(ret->reason) : return_reason_code(ret->reason),
            resident,
            ret->notice.office_code[0] != '\0' ? ret->notice.office_code : "-",
            ret->notice.name};
        err = text_table_add(&table, cells);
    }
    if (err != KG_OK) {
        err =
            kg_fail(errbuf, KG_ERR_NOMEM, _("unable to list the returned notices: out of memory"));
    } else if (options->csv) {
        csv_format format = run_config_csv_format(&options->config);
        err = text_table_write_csv(&table, &format, out, ctx->log, errbuf);
    } else {
        char day[KDATE_ISO_LEN + 1];
        fprintf(out, _(out_status_title), kdate_format(options->day, day));
        fprintf(out, "%s", _(out_status_count));
        if (list.count == 0)
            fprintf(out, "%s", _(out_status_none));
        else
            fprintf(out, "%zu\n", list.count);
        if (list.count > 0 && text_table_print(&table, out) < 0)
            err = kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to write standard output"));
    }
    text_table_free(&table);
    notice_return_list_free(&list);
    return err;
}

kg_err cmd_notices(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome)
{
    kg_errbuf *errbuf = &outcome->error;
    notices_options options;
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
    if (err == KG_OK && options.action == ACTION_STATUS)
        err = run_status(conn, ctx, &options, errbuf);
    else if (err == KG_OK)
        err = run_return(conn, ctx->out, &options, clerk, errbuf);
    db_close(conn);
    return err;
}
