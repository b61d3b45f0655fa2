/*
 * cmd_wareki.c - `kigen wareki`: one ISO date per line in, its 和暦 form out.
 *
 * `2019-05-01` -> `令和元年5月1日`. A line that is not a valid date (or is before
 * 1873-01-01) gives `error:<code>` on its own output line; the filter goes on. Lines are
 * read into a small fixed buffer: a long line is an error, never a large allocation.
 */
#include <stdio.h>

#include "commands.h"
#include "common/kdate.h"
#include "common/options.h"
#include "run/run_config.h"
#include "common/wareki.h"
#include "common/i18n.h"

#define WAREKI_LINE_MAX 64

/* Reads one line (without its LF, and without a CR before it) into buf. Sets *too_long
 * when the line did not fit (its rest is dropped). KG_EOF when no line is left. */
static kg_err read_line(FILE *in, char *buf, size_t cap, size_t *len, int *too_long)
{
    *len = 0;
    *too_long = 0;
    int byte = getc(in);
    if (byte == EOF)
        return ferror(in) ? KG_ERR_IO_READ : KG_EOF;
    while (byte != EOF && byte != '\n') {
        if (*len < cap)
            buf[(*len)++] = (char)byte;
        else
            *too_long = 1;
        byte = getc(in);
    }
    if (ferror(in))
        return KG_ERR_IO_READ;
    if (*len > 0 && buf[*len - 1] == '\r' && !*too_long)
        (*len)--;
    return KG_OK;
}

static kg_err convert_line(const char *line, size_t len, int too_long, char *out, size_t cap)
{
    if (too_long)
        return KG_ERR_DATE_SYNTAX;
    kdate day;
    kg_err err = kdate_parse(line, len, &day);
    if (err != KG_OK)
        return err;
    return wareki_format(day, out, cap);
}

static const char synopsis[] = N_("usage: kigen wareki < DATES");
static const char help[] =
    N_("usage: kigen wareki < DATES\n"
       "\n"
       "Filter: one YYYY-MM-DD date per line on stdin, its 和暦 form on stdout\n"
       "(2019-05-01 -> 令和元年5月1日), or error:<code>. Exit status 1 when a line is an\n"
       "error. No options.\n"
       "\n"
       "  --config FILE       the configuration, for its language (default: the installed\n"
       "                      kigen.conf)\n"
       "  -h, --help          this text\n");

static const struct option long_options[] = {OPTIONS_CONFIG_ENTRY, OPTIONS_HELP_ENTRY, OPTIONS_END};

kg_err cmd_wareki(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome)
{
    options_common common = {.conninfo = ctx->conninfo};
    options_start();
    int opt;
    while ((opt = options_next(argc, argv, long_options)) != -1) {
        if (opt == OPTIONS_OPERAND)
            return options_extra_operand(optarg, "wareki", synopsis, &outcome->error);
        if (!options_take_common(&common, opt))
            return options_fail(argc, argv, opt, long_options, "wareki", synopsis, &outcome->error);
    }
    if (optind < argc)
        return options_extra_operand(argv[optind], "wareki", synopsis, &outcome->error);
    run_config settings = run_config_default(); /* --config or the default: its language */
    kg_err config_err = run_config_read_command(&settings, &common.config_path, &outcome->error);
    if (config_err != KG_OK)
        return config_err;
    if (common.help)
        return options_print_help(ctx->out, help, &outcome->error);
    char line[WAREKI_LINE_MAX];
    char formatted[WAREKI_BUF_SIZE];
    for (;;) {
        size_t len;
        int too_long;
        kg_err err = read_line(ctx->in, line, sizeof(line), &len, &too_long);
        if (err == KG_EOF)
            break;
        if (err != KG_OK)
            return kg_fail(&outcome->error, err, _("unable to read standard input"));
        err = convert_line(line, len, too_long, formatted, sizeof(formatted));
        int written;
        if (err == KG_OK) {
            written = fprintf(ctx->out, "%s\n", formatted);
        } else {
            outcome->exceptions++;
            written = fprintf(ctx->out, "error:%s\n", kg_err_code(err));
        }
        if (written < 0)
            return kg_fail(&outcome->error, KG_ERR_IO_WRITE, _("unable to write standard output"));
    }
    if (fflush(ctx->out) != 0)
        return kg_fail(&outcome->error, KG_ERR_IO_WRITE, _("unable to write standard output"));
    return KG_OK;
}
