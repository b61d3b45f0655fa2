/*
 * db_tenancy.c - the session's municipality as the database sees it (see db_tenancy.h).
 */
#include "db_tenancy.h"

#include <string.h>

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
