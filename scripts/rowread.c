/*
 * rowread.c - benchmark baseline (not product code): runs SETUP, then QUERY in libpq's
 * single-row mode and discards every row; prints the row count. Connection settings
 * from the environment (PG*). Used by scripts/bench.sh as the "fastest raw read".
 */
#include <libpq-fe.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: rowread SETUP_SQL QUERY\n");
        return 2;
    }
    PGconn *conn = PQconnectdb("");
    if (PQstatus(conn) != CONNECTION_OK) {
        fprintf(stderr, "rowread: %s", PQerrorMessage(conn));
        PQfinish(conn);
        return 1;
    }
    PGresult *setup = PQexec(conn, argv[1]);
    int ok = PQresultStatus(setup) == PGRES_COMMAND_OK;
    PQclear(setup);
    if (!ok || !PQsendQuery(conn, argv[2]) || !PQsetSingleRowMode(conn)) {
        fprintf(stderr, "rowread: %s", PQerrorMessage(conn));
        PQfinish(conn);
        return 1;
    }
    long rows = 0;
    PGresult *result;
    while ((result = PQgetResult(conn)) != NULL) {
        ExecStatusType status = PQresultStatus(result);
        if (status == PGRES_SINGLE_TUPLE)
            rows++;
        else if (status != PGRES_TUPLES_OK) {
            fprintf(stderr, "rowread: %s", PQresultErrorMessage(result));
            ok = 0;
        }
        PQclear(result);
    }
    PQfinish(conn);
    printf("%ld\n", rows);
    return ok ? 0 : 1;
}
