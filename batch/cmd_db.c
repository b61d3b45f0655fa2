/*
 * cmd_db.c - `kigen db migrate|version`: create or upgrade kigen's schema, or show it.
 *
 * migrate is idempotent: a database already at the newest version is left untouched.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "common/options.h"
#include "db/db.h"
#include "db/migrations.h"
#include "run/run_config.h"
#include "common/i18n.h"

static const char synopsis[] = N_("usage: kigen db migrate | kigen db version");
static const char help[] =
    N_("usage: kigen db migrate | kigen db version\n"
       "\n"
       "  migrate             create or upgrade kigen's schema (idempotent; each migration in\n"
       "                      its own transaction)\n"
       "  version             print the database's schema version (0: no schema; kigen version\n"
       "                      shows the one this kigen expects)\n"
       "\n"
       "  --config FILE       the configuration: db, language (default: the installed\n"
       "                      kigen.conf)\n"
       "  --db CONNINFO       the database (libpq connection string, URI or database name)\n"
       "  -h, --help          this text\n");

static const struct option long_options[] = {OPTIONS_DB_ENTRY, OPTIONS_CONFIG_ENTRY,
                                             OPTIONS_HELP_ENTRY, OPTIONS_END};

kg_err cmd_db(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome)
{
    options_common common = {.conninfo = ctx->conninfo};
    const char *action = NULL;
    options_start();
    int opt;
    while ((opt = options_next(argc, argv, long_options)) != -1) {
        if (opt == OPTIONS_OPERAND && action == NULL)
            action = optarg;
        else if (opt == OPTIONS_OPERAND)
            return options_extra_operand(optarg, "db", synopsis, &outcome->error);
        else if (!options_take_common(&common, opt))
            return options_fail(argc, argv, opt, long_options, "db", synopsis, &outcome->error);
    }
    if (optind < argc && action == NULL)
        action = argv[optind++];
    if (optind < argc)
        return options_extra_operand(argv[optind], "db", synopsis, &outcome->error);
    run_config config = run_config_default(); /* --config or the default: db, language */
    kg_err err = run_config_read_command(&config, &common.config_path, &outcome->error);
    if (err != KG_OK)
        return err;
    if (common.help)
        return options_print_help(ctx->out, help, &outcome->error);
    if (action == NULL)
        return kg_fail(&outcome->error, KG_ERR_USAGE,
                       _("unable to run kigen db: no action given\n%s"), _(synopsis));
    if (strcmp(action, "migrate") != 0 && strcmp(action, "version") != 0)
        return kg_fail(&outcome->error, KG_ERR_USAGE,
                       _("unable to run kigen db %s: not an action of kigen db\n%s"), action,
                       _(synopsis));
    char db_origin[1100];
    db_target target = db_target_choose(
        common.conninfo, config.db, common.config_path, db_origin, sizeof(db_origin),
        strcmp(action, "migrate") == 0 ? "kigen db migrate" : "kigen db version");
    db_conn *conn = NULL;
    err = db_connect(&target, &outcome->error, &conn);
    if (err != KG_OK)
        return err;
    int version = 0;
    if (strcmp(action, "migrate") == 0) {
        int applied = 0;
        err = migrations_apply(conn, &applied, &version, &outcome->error);
        if (err == KG_OK)
            log_line(ctx->log, LOG_INFO, _("schema at version %d (%d migration(s) applied now)"),
                     version, applied);
    } else {
        err = migrations_current(conn, &version, &outcome->error);
        if (err == KG_OK)
            fprintf(ctx->out, "%d\n", version);
    }
    db_close(conn);
    return err;
}
