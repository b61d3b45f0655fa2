/*
 * cmd_expiry.c - `kigen expiry`: the rule module as a streaming CSV filter.
 *
 * Reads `type,birth_date,issued_on[,card_expires,stay_expires,auth_expires,prev_expiry]`
 * (header-driven, any order; `recorded_expiry` is accepted as an extension for E7) and
 * writes `expiry,window_open,cause` per input record, or `error:<code>`. One record in
 * memory at a time; a bad record never stops the filter.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "common/csv.h"
#include "common/kdate.h"
#include "common/options.h"
#include "run/run_config.h"
#include "rules/rules.h"
#include "common/i18n.h"

enum expiry_column {
    COL_TYPE,
    COL_BIRTH_DATE,
    COL_ISSUED_ON,
    COL_CARD_EXPIRES,
    COL_STAY_EXPIRES,
    COL_AUTH_EXPIRES,
    COL_PREV_EXPIRY,
    COL_RECORDED_EXPIRY,
    COL__COUNT
};
#define COL_REQUIRED 3

static const char *const column_names[COL__COUNT] = {
    [COL_TYPE] = "type",
    [COL_BIRTH_DATE] = "birth_date",
    [COL_ISSUED_ON] = "issued_on",
    [COL_CARD_EXPIRES] = "card_expires",
    [COL_STAY_EXPIRES] = "stay_expires",
    [COL_AUTH_EXPIRES] = "auth_expires",
    [COL_PREV_EXPIRY] = "prev_expiry",
    [COL_RECORDED_EXPIRY] = "recorded_expiry",
};

/* The error reported for a malformed date in each date column. */
static const kg_err column_date_errors[COL__COUNT] = {
    [COL_BIRTH_DATE] = KG_ERR_BAD_BIRTH_DATE,     [COL_ISSUED_ON] = KG_ERR_BAD_ISSUED_ON,
    [COL_CARD_EXPIRES] = KG_ERR_BAD_CARD_EXPIRES, [COL_STAY_EXPIRES] = KG_ERR_BAD_STAY_EXPIRES,
    [COL_AUTH_EXPIRES] = KG_ERR_BAD_AUTH_EXPIRES, [COL_PREV_EXPIRY] = KG_ERR_BAD_PREV_EXPIRY,
    [COL_RECORDED_EXPIRY] = KG_ERR_BAD_RECORDED,
};

/* An optional date column: empty is KDATE_NONE, anything else must be a valid date. */
static kg_err field_date(const csv_record *record, const size_t *positions,
                         enum expiry_column column, kdate *out)
{
    csv_field field = csv_record_field(record, positions[column]);
    if (field.len == 0) {
        *out = KDATE_NONE;
        return KG_OK;
    }
    if (kdate_parse(field.data, field.len, out) != KG_OK)
        return column_date_errors[column];
    return KG_OK;
}

/* Turns one record into a rules_cert. */
static kg_err record_to_cert(const csv_record *record, const size_t *positions,
                             size_t header_fields, rules_cert *cert)
{
    if (record->error != KG_OK)
        return record->error;
    if (record->field_count > header_fields)
        return KG_ERR_CSV_FIELD_COUNT;
    csv_field type_field = csv_record_field(record, positions[COL_TYPE]);
    cert_type type;
    kg_err err = rules_cert_type_parse(type_field.data, type_field.len, &type);
    if (err != KG_OK)
        return err;
    rules_cert_init(cert, type);
    kdate *targets[COL__COUNT] = {
        [COL_BIRTH_DATE] = &cert->birth_date,           [COL_ISSUED_ON] = &cert->issued_on,
        [COL_CARD_EXPIRES] = &cert->card_expires,       [COL_STAY_EXPIRES] = &cert->stay_expires,
        [COL_AUTH_EXPIRES] = &cert->auth_expires,       [COL_PREV_EXPIRY] = &cert->prev_expiry,
        [COL_RECORDED_EXPIRY] = &cert->recorded_expiry,
    };
    for (int column = COL_BIRTH_DATE; column < COL__COUNT; column++) {
        err = field_date(record, positions, (enum expiry_column)column, targets[column]);
        if (err != KG_OK)
            return err;
    }
    return KG_OK;
}

static int write_result(FILE *out, kg_err err, const rules_expiry *result)
{
    if (err != KG_OK)
        return fprintf(out, "error:%s\n", kg_err_code(err));
    char expiry[KDATE_ISO_LEN + 1];
    char window_open[KDATE_ISO_LEN + 1];
    return fprintf(out, "%s,%s,%s\n", kdate_format(result->expiry, expiry),
                   kdate_format(result->window_open, window_open), rules_cause_name(result->cause));
}

static const char synopsis[] =
    N_("usage: kigen expiry [--w2] [--feb29=feb28|mar1] < CERTIFICATES.csv");
static const char help[] =
    N_("usage: kigen expiry [--w2] [--feb29=feb28|mar1] < CERTIFICATES.csv\n"
       "\n"
       "Filter: a certificate CSV on stdin (type,birth_date,issued_on and the optional\n"
       "card_expires, stay_expires, auth_expires, prev_expiry, recorded_expiry), one line\n"
       "expiry,window_open,cause (or error:<code>) per record on stdout. Exit status 1 when a\n"
       "line is an error.\n"
       "\n"
       "  --w2                open the window on the date 3 months before expiry (W2)\n"
       "  --feb29=R           feb28 (default) or mar1: 29 February in a common year\n"
       "  --config FILE       the configuration, for its language (default: the installed\n"
       "                      kigen.conf)\n"
       "  -h, --help          this text\n");

enum { OPT_W2 = OPTIONS_FIRST, OPT_FEB29 };

static const struct option long_options[] = {
    {"w2", no_argument, NULL, OPT_W2},
    {"feb29", required_argument, NULL, OPT_FEB29},
    OPTIONS_CONFIG_ENTRY,
    OPTIONS_HELP_ENTRY,
    OPTIONS_END,
};

static kg_err parse_options(int argc, char **argv, rules_config *config, options_common *common,
                            cmd_outcome *outcome)
{
    options_start();
    int opt;
    while ((opt = options_next(argc, argv, long_options)) != -1) {
        if (opt == OPT_W2)
            config->window_w2 = true;
        else if (opt == OPT_FEB29 && strcmp(optarg, "feb28") == 0)
            config->feb29 = FEB29_AS_FEB28;
        else if (opt == OPT_FEB29 && strcmp(optarg, "mar1") == 0)
            config->feb29 = FEB29_AS_MAR1;
        else if (opt == OPT_FEB29)
            return kg_fail(&outcome->error, KG_ERR_USAGE,
                           _("unable to use --feb29 '%s': use feb28 or mar1\n%s"), optarg,
                           _(synopsis));
        else if (opt == OPTIONS_OPERAND)
            return options_extra_operand(optarg, "expiry", synopsis, &outcome->error);
        else if (!options_take_common(common, opt))
            return options_fail(argc, argv, opt, long_options, "expiry", synopsis, &outcome->error);
    }
    if (optind < argc)
        return options_extra_operand(argv[optind], "expiry", synopsis, &outcome->error);
    return KG_OK;
}

kg_err cmd_expiry(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome)
{
    rules_config config = rules_config_default();
    options_common common = {.conninfo = ctx->conninfo};
    kg_err err = parse_options(argc, argv, &config, &common, outcome);
    if (err != KG_OK)
        return err;
    run_config settings = run_config_default(); /* --config or the default: its language */
    kg_err config_err = run_config_read_command(&settings, &common.config_path, &outcome->error);
    if (config_err != KG_OK)
        return config_err;
    if (common.help)
        return options_print_help(ctx->out, help, &outcome->error);

    csv_reader *reader = NULL;
    err = csv_reader_new(ctx->in, NULL, &reader);
    if (err != KG_OK)
        return kg_fail(&outcome->error, err, _("unable to start the CSV reader: out of memory"));

    csv_record record;
    size_t positions[COL__COUNT];
    err = csv_read_header(reader, &record, column_names, COL__COUNT, COL_REQUIRED,
                          "type,birth_date,issued_on,...", positions, &outcome->error);
    if (err != KG_OK)
        goto cleanup;
    size_t header_fields = record.field_count;

    if (fputs("expiry,window_open,cause\n", ctx->out) < 0) {
        err = kg_fail(&outcome->error, KG_ERR_IO_WRITE, _("unable to write standard output"));
        goto cleanup;
    }
    for (;;) {
        err = csv_read(reader, &record);
        if (err == KG_EOF)
            break;
        if (err != KG_OK) {
            err = kg_fail(&outcome->error, err, _("unable to read standard input"));
            goto cleanup;
        }
        rules_cert cert;
        rules_expiry result;
        kg_err row_err = record_to_cert(&record, positions, header_fields, &cert);
        if (row_err == KG_OK)
            row_err = rules_expiry_of(&cert, &config, &result);
        if (row_err != KG_OK)
            outcome->exceptions++;
        if (write_result(ctx->out, row_err, &result) < 0) {
            err = kg_fail(&outcome->error, KG_ERR_IO_WRITE, _("unable to write standard output"));
            goto cleanup;
        }
    }
    err = KG_OK;
    if (fflush(ctx->out) != 0)
        err = kg_fail(&outcome->error, KG_ERR_IO_WRITE, _("unable to write standard output"));
cleanup:
    csv_reader_free(reader);
    return err;
}
