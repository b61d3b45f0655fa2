/*
 * cmd_barcode.c - `kigen barcode`: the customer barcode module as a streaming CSV filter.
 *
 * Reads `postal_code,address` (header-driven, any order, extra columns ignored; `address`
 * is the part after the town name) and writes `data,check,bars` per input record, or
 * `error:<code>`. One record in memory at a time; a bad record never stops the filter.
 * It does not draw bars: that is the PDF renderer's job.
 */
#include <stdio.h>

#include "commands.h"
#include "common/csv.h"
#include "common/options.h"
#include "run/run_config.h"
#include "render/barcode.h"
#include "common/i18n.h"

enum barcode_column { COL_POSTAL_CODE, COL_ADDRESS, COL__COUNT };
#define COL_REQUIRED 2

static const char *const column_names[COL__COUNT] = {
    [COL_POSTAL_CODE] = "postal_code",
    [COL_ADDRESS] = "address",
};

static kg_err record_to_symbol(const csv_record *record, const size_t *positions,
                               size_t header_fields, barcode_symbol *symbol)
{
    if (record->error != KG_OK)
        return record->error;
    if (record->field_count > header_fields)
        return KG_ERR_CSV_FIELD_COUNT;
    csv_field postal_code = csv_record_field(record, positions[COL_POSTAL_CODE]);
    csv_field address = csv_record_field(record, positions[COL_ADDRESS]);
    return barcode_encode_n(postal_code.data, postal_code.len, address.data, address.len, symbol);
}

static int write_result(FILE *out, kg_err err, const barcode_symbol *symbol)
{
    if (err != KG_OK)
        return fprintf(out, "error:%s\n", kg_err_code(err));
    return fprintf(out, "%s,%c,%s\n", symbol->data, symbol->check, symbol->bars);
}

static const char synopsis[] = N_("usage: kigen barcode < ADDRESSES.csv");
static const char help[] =
    N_("usage: kigen barcode < ADDRESSES.csv\n"
       "\n"
       "Filter: a CSV with the columns postal_code and address (the part after the town name)\n"
       "on stdin, Japan Post's customer barcode data,check,bars (or error:<code>) per record\n"
       "on stdout. Exit status 1 when a line is an error. No options.\n"
       "\n"
       "  --config FILE       the configuration, for its language (default: the installed\n"
       "                      kigen.conf)\n"
       "  -h, --help          this text\n");

static const struct option long_options[] = {OPTIONS_CONFIG_ENTRY, OPTIONS_HELP_ENTRY, OPTIONS_END};

kg_err cmd_barcode(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome)
{
    options_common common = {.conninfo = ctx->conninfo};
    options_start();
    int opt;
    while ((opt = options_next(argc, argv, long_options)) != -1) {
        if (opt == OPTIONS_OPERAND)
            return options_extra_operand(optarg, "barcode", synopsis, &outcome->error);
        if (!options_take_common(&common, opt))
            return options_fail(argc, argv, opt, long_options, "barcode", synopsis,
                                &outcome->error);
    }
    if (optind < argc)
        return options_extra_operand(argv[optind], "barcode", synopsis, &outcome->error);
    run_config settings = run_config_default(); /* --config or the default: its language */
    kg_err config_err = run_config_read_command(&settings, &common.config_path, &outcome->error);
    if (config_err != KG_OK)
        return config_err;
    if (common.help)
        return options_print_help(ctx->out, help, &outcome->error);

    csv_reader *reader = NULL;
    kg_err err = csv_reader_new(ctx->in, NULL, &reader);
    if (err != KG_OK)
        return kg_fail(&outcome->error, err, _("unable to start the CSV reader: out of memory"));

    csv_record record;
    size_t positions[COL__COUNT];
    err = csv_read_header(reader, &record, column_names, COL__COUNT, COL_REQUIRED,
                          "postal_code,address", positions, &outcome->error);
    if (err != KG_OK)
        goto cleanup;
    size_t header_fields = record.field_count;

    if (fputs("data,check,bars\n", ctx->out) < 0) {
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
        barcode_symbol symbol;
        kg_err row_err = record_to_symbol(&record, positions, header_fields, &symbol);
        if (row_err != KG_OK)
            outcome->exceptions++;
        if (write_result(ctx->out, row_err, &symbol) < 0) {
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
