/*
 * cmd_municipality.c - `kigen municipality add CODE NAME | list`: the municipalities of a
 * database (docs/operations.md "Municipalities", D125).
 *
 * add checks the code (municipality_code.h), then kigen.municipality_add (sql/016) makes
 * the municipality, its partition of every table and its role kigen_m<CODE>, in one
 * transaction. Run it as the tables' owner, with CREATEROLE, without --municipality.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "common/i18n.h"
#include "common/municipality_code.h"
#include "common/options.h"
#include "common/text_table.h"
#include "db/db.h"
#include "db/migrations.h"
#include "run/run_config.h"

#define NAME_MAX_CHARS 100

static const char synopsis[] =
    N_("usage: kigen municipality add CODE NAME | kigen municipality list");
static const char help[] =
    N_("usage: kigen municipality add CODE NAME | kigen municipality list\n"
       "\n"
       "  add CODE NAME       a municipality (CODE: its 6-digit 全国地方公共団体コード, check\n"
       "                      digit included; NAME: 1 to 100 characters), its partition of\n"
       "                      every table and its LOGIN role kigen_m<CODE>, which may read and\n"
       "                      write that municipality's rows only; run it as the tables' owner,\n"
       "                      with CREATEROLE\n"
       "  list                the municipalities: code, name, role, when added\n"
       "\n"
       "  --config FILE       the configuration: db, language (default: the installed\n"
       "                      kigen.conf)\n"
       "  --db CONNINFO       the database (libpq connection string, URI or database name)\n"
       "  -h, --help          this text\n");

static const struct option long_options[] = {OPTIONS_DB_ENTRY, OPTIONS_CONFIG_ENTRY,
                                             OPTIONS_HELP_ENTRY, OPTIONS_END};

static kg_err add(db_conn *conn, const char *code, const char *name, const cmd_context *ctx,
                  kg_errbuf *errbuf)
{
    kg_err err = municipality_code_check(code, errbuf);
    if (err != KG_OK)
        return err;
    size_t chars = 0;
    for (const char *byte = name; *byte != '\0'; byte++)
        chars += ((unsigned char)*byte & 0xC0) != 0x80;
    if (chars == 0 || chars > NAME_MAX_CHARS)
        return kg_fail(errbuf, KG_ERR_USAGE,
                       _("unable to add municipality %s: its name must have 1 to %d characters"),
                       code, NAME_MAX_CHARS);
    const char *params[] = {code, name};
    err = db_exec(conn, "BEGIN", errbuf);
    if (err == KG_OK)
        err = db_query(conn, "SELECT kigen.municipality_add($1, $2)", 2, params, errbuf, NULL);
    if (err == KG_OK)
        err = db_exec(conn, "COMMIT", errbuf);
    if (err != KG_OK) {
        db_exec(conn, "ROLLBACK", NULL);
        char cause[KG_ERRBUF_SIZE];
        snprintf(cause, sizeof(cause), "%s", errbuf->text);
        kg_fail(errbuf, err, _("unable to add municipality %s: %s"), code, cause);
        kg_hint(errbuf, _("run it as the owner of kigen's tables (PGOPTIONS='-c "
                          "role=kigen_owner'), a role with CREATEROLE, without --municipality; "
                          "kigen municipality list shows the codes already added"));
        return err;
    }
    log_line(ctx->log, LOG_INFO, _("municipality %s (%s) added, its role kigen_m%s"), code, name,
             code);
    return KG_OK;
}

static kg_err list(db_conn *conn, FILE *out, kg_errbuf *errbuf)
{
    db_result *result = NULL;
    kg_err err = db_query(conn,
                          "SELECT municipality_code, name, coalesce(role_name, ''), "
                          "to_char(created_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD HH24:MI') "
                          "FROM kigen.municipalities ORDER BY municipality_code",
                          0, NULL, errbuf, &result);
    if (err != KG_OK)
        return err;
    const text_column columns[] = {{_("code"), 0, false},
                                   {_("name"), 0, false},
                                   {_("role"), 0, false},
                                   {_("added"), 0, false}};
    text_table table;
    err = text_table_init(&table, columns, sizeof(columns) / sizeof(columns[0]));
    for (int row = 0; err == KG_OK && row < db_result_rows(result); row++) {
        const char *cells[] = {db_result_value(result, row, 0), db_result_value(result, row, 1),
                               db_result_value(result, row, 2), db_result_value(result, row, 3)};
        err = text_table_add(&table, cells);
    }
    if (err == KG_OK && text_table_print(&table, out) < 0)
        err = kg_fail(errbuf, KG_ERR_IO_WRITE, _("unable to write standard output"));
    text_table_free(&table);
    db_result_free(result);
    return err;
}

kg_err cmd_municipality(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome)
{
    options_common common = {.conninfo = ctx->conninfo};
    const char *operands[3] = {NULL, NULL, NULL};
    size_t operand_count = 0;
    options_start();
    int opt;
    while ((opt = options_next(argc, argv, long_options)) != -1) {
        if (opt == OPTIONS_OPERAND && operand_count < 3)
            operands[operand_count++] = optarg;
        else if (opt == OPTIONS_OPERAND)
            return options_extra_operand(optarg, "municipality", synopsis, &outcome->error);
        else if (!options_take_common(&common, opt))
            return options_fail(argc, argv, opt, long_options, "municipality", synopsis,
                                &outcome->error);
    }
    for (; optind < argc; optind++) {
        if (operand_count >= 3)
            return options_extra_operand(argv[optind], "municipality", synopsis, &outcome->error);
        operands[operand_count++] = argv[optind];
    }
    run_config config = run_config_default(); /* --config or the default: db, language */
    kg_err err = run_config_read_command(&config, &common.config_path, &outcome->error);
    if (err != KG_OK)
        return err;
    if (common.help)
        return options_print_help(ctx->out, help, &outcome->error);
    const char *action = operands[0];
    bool adding = action != NULL && strcmp(action, "add") == 0;
    bool listing = action != NULL && strcmp(action, "list") == 0;
    if (action == NULL)
        return kg_fail(&outcome->error, KG_ERR_USAGE,
                       _("unable to run kigen municipality: no action given\n%s"), _(synopsis));
    if (!adding && !listing)
        return kg_fail(&outcome->error, KG_ERR_USAGE,
                       _("unable to run kigen municipality %s: not an action of kigen "
                         "municipality\n%s"),
                       action, _(synopsis));
    if ((adding && operand_count != 3) || (listing && operand_count != 1))
        return kg_fail(&outcome->error, KG_ERR_USAGE,
                       _("unable to run kigen municipality %s: wrong number of operands\n%s"),
                       action, _(synopsis));
    char db_origin[1100];
    db_target target = db_target_choose(
        common.conninfo, config.db, common.config_path, db_origin, sizeof(db_origin),
        adding ? "kigen municipality add" : "kigen municipality list");
    db_conn *conn = NULL;
    err = db_connect(&target, &outcome->error, &conn);
    if (err == KG_OK)
        err = migrations_require_version(conn, &outcome->error);
    if (err == KG_OK)
        err = adding ? add(conn, operands[1], operands[2], ctx, &outcome->error)
                     : list(conn, ctx->out, &outcome->error);
    db_close(conn);
    return err;
}
