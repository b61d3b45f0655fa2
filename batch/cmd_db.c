/*
 * cmd_db.c - `kigen db migrate|version`: create or upgrade kigen's schema, or show it.
 *
 * migrate is idempotent: a database already at the newest version is left untouched.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "db/db.h"
#include "db/migrations.h"

kg_err cmd_db(const cmd_context *ctx, int argc, char **argv, cmd_outcome *outcome)
{
    if (argc != 2 || (strcmp(argv[1], "migrate") != 0 && strcmp(argv[1], "version") != 0))
        return kg_fail(&outcome->error, KG_ERR_USAGE,
                       "unable to parse 'db': use 'kigen db "
                       "migrate' or 'kigen db version'");
    db_conn *conn = NULL;
    kg_err err = db_connect(&(db_target){ctx->conninfo, NULL, "kigen db"}, &outcome->error, &conn);
    if (err != KG_OK)
        return err;
    int version = 0;
    if (strcmp(argv[1], "migrate") == 0) {
        int applied = 0;
        err = migrations_apply(conn, &applied, &version, &outcome->error);
        if (err == KG_OK)
            log_line(ctx->log, LOG_INFO, "schema at version %d (%d migration(s) applied now)",
                     version, applied);
    } else {
        err = migrations_current(conn, &version, &outcome->error);
        if (err == KG_OK)
            fprintf(ctx->out, "%d\n", version);
    }
    db_close(conn);
    return err;
}
