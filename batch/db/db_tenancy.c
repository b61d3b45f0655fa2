/*
 * db_tenancy.c - the session's municipality as the database sees it (see db_tenancy.h).
 */
#include "db_tenancy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/i18n.h"
#include "../common/municipality_code.h"

static kg_err one_value(db_conn *conn, const char *sql, int param_count, const char *const *params,
                        char *out, size_t cap, kg_errbuf *errbuf)
{
    db_result *result = NULL;
    kg_err err = db_query(conn, sql, param_count, params, errbuf, &result);
    if (err == KG_OK)
        db_result_text(result, 0, 0, out, cap);
    db_result_free(result);
    return err;
}

kg_err db_current_municipality(db_conn *conn, char *out, size_t cap, kg_errbuf *errbuf)
{
    return one_value(conn, "SELECT kigen.current_municipality()", 0, NULL, out, cap, errbuf);
}

kg_err db_own_partition(db_conn *conn, const char *table, char *out, size_t cap, kg_errbuf *errbuf)
{
    const char *params[] = {table};
    return one_value(conn, "SELECT kigen.own_partition($1)", 1, params, out, cap, errbuf);
}

kg_err db_sole_municipality(db_conn *conn, int *sole, kg_errbuf *errbuf)
{
    char value[8] = "";
    kg_err err =
        one_value(conn, "SELECT kigen.sole_municipality()", 0, NULL, value, sizeof(value), errbuf);
    *sole = err == KG_OK && strcmp(value, "t") == 0;
    return err;
}

kg_err db_owns_tables(db_conn *conn, int *owner, kg_errbuf *errbuf)
{
    char value[8] = "";
    kg_err err =
        one_value(conn,
                  "SELECT pg_catalog.pg_has_role(c.relowner, 'USAGE') FROM "
                  "pg_catalog.pg_class c WHERE c.oid = 'kigen.residents'::pg_catalog.regclass",
                  0, NULL, value, sizeof(value), errbuf);
    *owner = err == KG_OK && strcmp(value, "t") == 0;
    return err;
}

kg_err db_tenancy_select(const char *code, kg_errbuf *errbuf)
{
    if (code == NULL || code[0] == '\0' || municipality_is_default(code))
        return KG_OK;
    const char *before = getenv("PGOPTIONS");
    char options[2048];
    int len = snprintf(options, sizeof(options), "%s%s-c role=kigen_m%s -c kigen.municipality=%s",
                       before != NULL ? before : "", before != NULL && before[0] != '\0' ? " " : "",
                       code, code);
    if (len < 0 || (size_t)len >= sizeof(options))
        return kg_fail(errbuf, KG_ERR_USAGE,
                       _("unable to use municipality %s: PGOPTIONS is too long"), code);
    if (setenv("PGOPTIONS", options, 1) != 0)
        return kg_fail(errbuf, KG_ERR_NOMEM, _("unable to use municipality %s: out of memory"),
                       code);
    return KG_OK;
}
