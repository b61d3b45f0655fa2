/*
 * cmd_version.c - `kigen version` (also `kigen --version`, `kigen -V`): kigen's version,
 * the schema version it expects, and the versions of the libraries it runs with.
 *
 * For a bug report or an upgrade: the libraries are those loaded now (libpq's
 * PQlibVersion, cairo_version_string, hb_version_string, lxw_version), which a
 * distribution's update can change under the same kigen.
 */
#include <stdio.h>

#include <cairo.h>
#include <hb.h>
#include <xlsxwriter.h>

#include "commands.h"
#include "common/options.h"
#include "run/run_config.h"
#include "db/db.h"
#include "db/migrations.h"
#include "version.h"
#include "common/i18n.h"
#include "common/log.h"

static const char synopsis[] = N_("usage: kigen version");
static const char help[] =
    N_("usage: kigen version\n"
       "\n"
       "Prints kigen's version, the schema version it expects (kigen db migrate brings a\n"
       "database there; kigen db version shows a database's), and the versions of libpq,\n"
       "Cairo, HarfBuzz and libxlsxwriter it runs with. Also kigen --version, kigen -V.\n"
       "\n"
       "  --config FILE       the configuration, for its language (default: the installed\n"
       "                      kigen.conf)\n"
       "  -h, --help          this text\n");

static const struct option long_options[] = {OPTIONS_CONFIG_ENTRY, OPTIONS_HELP_ENTRY, OPTIONS_END};

kg_err cmd_version(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome)
{
    options_common common = {.conninfo = ctx->conninfo};
    options_start();
    int opt;
    while ((opt = options_next(argc, argv, long_options)) != -1) {
        if (opt == OPTIONS_OPERAND)
            return options_extra_operand(optarg, "version", synopsis, &outcome->error);
        if (!options_take_common(&common, opt))
            return options_fail(argc, argv, opt, long_options, "version", synopsis,
                                &outcome->error);
    }
    if (optind < argc)
        return options_extra_operand(argv[optind], "version", synopsis, &outcome->error);
    /* --config or the default, for its language. A configuration that cannot be read is
     * said, and the version printed all the same: a bug report needs it most then (D161) */
    run_config settings = run_config_default();
    kg_errbuf config_error = {.text = "", .hint = ""};
    if (run_config_read_command(&settings, &common.config_path, &config_error) != KG_OK)
        log_line(ctx->log, LOG_WARN, _("%s (the version is printed all the same)"),
                 config_error.text);
    if (common.help)
        return options_print_help(ctx->out, help, &outcome->error);
    char libpq[32];
    db_client_version(libpq, sizeof(libpq));
    fprintf(ctx->out,
            /* not translated: read by scripts and bug reports as it is (D106) */
            "kigen %s\n"
            "schema version %d\n"
            "libpq %s\n"
            "cairo %s\n"
            "harfbuzz %s\n"
            "libxlsxwriter %s\n",
            KIGEN_VERSION, migration_table[migration_count - 1].version, libpq,
            cairo_version_string(), hb_version_string(), lxw_version());
    if (fflush(ctx->out) != 0 || ferror(ctx->out))
        return kg_fail(&outcome->error, KG_ERR_IO_WRITE, _("unable to write standard output"));
    return KG_OK;
}
