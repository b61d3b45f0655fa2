#!/bin/sh
# Row-level security keeps municipalities apart in the database itself (issue 17, D121-D125):
# two municipalities, A (131016, 千代田区) and B (141003, 横浜市), are added to a database of
# their own; the sample extract is loaded into each, each runs two nights, has a notice and a
# form returned and its ledger purged. Then psql, connected as A's role kigen_m131016, is
# shown for every partitioned table that it reads none of B's rows (and all of its own),
# cannot insert a row of B's, cannot move one of its own rows to B, updates and deletes none
# of B's, cannot read or empty B's partition, and cannot widen itself with SET
# kigen.municipality. A role that is no municipality's (kigen_counter's rights) reads the
# default municipality only, whatever it sets (D132); a statement prepared as A's role and
# executed as B's, after the planner has settled on a generic plan, reads B's rows, and A's
# statements plan A's partitions only. The psql sessions are printed here, whole. The role is taken with
# PGOPTIONS='-c role=...' on the superuser's connection, as tests/scripts/test_roles.sh does:
# what is checked is the role's privileges and policies (logging in is pg_hba.conf's
# business). Roles are the cluster's: both are dropped at the end. Run by make test inside
# scripts/with-db.sh; skips without a database.
set -u

ROOT=$(cd -P "$(dirname "$0")/../.." && pwd -P)
NAME=test_rls
KIGEN=${KIGEN_BIN:-$ROOT/build/release/kigen}
. "$ROOT/tests/scripts/lib.sh" # check, contains, needs_database, finish
needs_database

DB=kigen_rls_test
A=131016
B=141003
SCRATCH=$(mktemp -d /tmp/kigen-test-rls-XXXXXX)
cleanup() {
    PGOPTIONS="-c client_min_messages=warning" psql -X -q -d postgres \
        -c "DROP DATABASE IF EXISTS $DB" -c "DROP ROLE IF EXISTS kigen_m$A" \
        -c "DROP ROLE IF EXISTS kigen_m$B" -c "DROP ROLE IF EXISTS kigen_rls_reader" \
        >/dev/null 2>&1
    rm -rf "$SCRATCH"
}
cleanup
mkdir -p "$SCRATCH"
trap cleanup EXIT
trap 'exit 1' INT TERM
# the purge's retention counted from a later "today" (a binary in its checkout honours it)
export KIGEN_TODAY=2028-01-01
printf 'retention_years = 1\n' >"$SCRATCH/kigen.conf"
kigen() { (cd / && PGDATABASE=$DB "$KIGEN" -q "$@"); }
query() { PGDATABASE=$DB psql -X -qtA -c "$1" 2>&1; }
as_a() { PGDATABASE=$DB PGOPTIONS="-c role=kigen_m$A" psql -X -qtA -c "$1" 2>&1; }

echo "== $NAME (1): two municipalities, each with its nights"
psql -X -q -d postgres -c "CREATE DATABASE $DB" >/dev/null
kigen db migrate
check "kigen db migrate" [ $? -eq 0 ]
kigen municipality add "$A" 千代田区 && kigen municipality add "$B" 横浜市
check "kigen municipality add A and B" [ $? -eq 0 ]
kigen municipality list
for code in $A $B; do
    kigen --municipality "$code" load "$ROOT/samples/extract" >/dev/null 2>"$SCRATCH/load.log"
    check "$code: the extract loads as its role (exit 1: the extract's bad rows)" [ $? -eq 1 ]
    kigen --municipality "$code" run --date 2026-12-01 --out "$SCRATCH/out" >/dev/null
    check "$code: a night" [ $? -eq 0 ]
    kigen --municipality "$code" notices return 20261201-000001 --date 2026-12-03 >/dev/null
    check "$code: a notice returned" [ $? -eq 0 ]
    control=$(PGDATABASE=$DB PGOPTIONS="-c role=kigen_m$code" psql -X -qtA -c \
        "SELECT control_no FROM kigen.forms WHERE kind = 'inquiry' ORDER BY 1 LIMIT 1")
    kigen --municipality "$code" forms return "$control" --date 2026-12-03 >/dev/null
    check "$code: a form returned" [ $? -eq 0 ]
    kigen --municipality "$code" run --date 2026-12-04 --out "$SCRATCH/out" >/dev/null
    check "$code: a second night, which sees the return" [ $? -eq 0 ]
    kigen --municipality "$code" purge --config "$SCRATCH/kigen.conf" --before 2026-12-02 \
        >/dev/null
    check "$code: the first night purged" [ $? -eq 0 ]
    kigen --municipality "$code" notices return 20261201-000002 --date 2026-12-05 >/dev/null
    check "$code: another notice returned (its resident marked for the next night)" [ $? -eq 0 ]
    check "$code: its nights are under OUT/$code/" [ -f "$SCRATCH/out/$code/2026-12-01/manifest.json" ]
done
check "nothing under OUT/<D>/ of the default municipality" [ ! -e "$SCRATCH/out/2026-12-01" ]

# load_digests first: a write to a data table forgets the load's digests (sql/013), A's own
TABLES=$(query "SELECT string_agg(c.relname, ' ' ORDER BY c.relname <> 'load_digests', c.relname)
    FROM pg_class c WHERE c.relnamespace = 'kigen'::regnamespace AND c.relkind = 'p'")
table_count=$(echo "$TABLES" | wc -w)
check "24 partitioned tables" [ "$table_count" -eq 24 ]
echo "  rows per municipality (as the superuser):"
for table in $TABLES; do
    echo "    $table: $(query "SELECT string_agg(municipality_code || ' ' || n, ', ' ORDER BY
        municipality_code) FROM (SELECT municipality_code, count(*) n FROM kigen.$table
        GROUP BY 1) x")"
done | tee "$SCRATCH/counts"
both=0
for table in $TABLES; do
    [ "$(query "SELECT count(DISTINCT municipality_code) FROM kigen.$table
        WHERE municipality_code IN ('$A', '$B')")" = 2 ] &&
        both=$((both + 1))
done
check "every table holds rows of both A and B ($both of $table_count)" [ "$both" -eq "$table_count" ]

echo "== $NAME (2): psql as A's role, every table"
{
    echo "SELECT current_user, kigen.current_municipality();"
    for table in $TABLES; do
        # a row of A's, as A would write it, then named B's
        echo "CREATE TEMP TABLE row_$table AS SELECT * FROM kigen.$table LIMIT 1;"
        echo "UPDATE row_$table SET municipality_code = '$B';"
        echo "SELECT '$table' AS tbl, count(*) FILTER (WHERE municipality_code <> '$A') AS not_a, count(*) AS a_rows FROM kigen.$table;"
        echo "INSERT INTO kigen.$table SELECT * FROM row_$table;"
        echo "UPDATE kigen.$table SET municipality_code = '$B' WHERE ctid = (SELECT ctid FROM kigen.$table LIMIT 1);"
        echo "UPDATE kigen.$table SET municipality_code = municipality_code WHERE municipality_code = '$B';"
        echo "DELETE FROM kigen.$table WHERE municipality_code = '$B';"
        echo "SELECT count(*) FROM kigen.${table}_$B;"
        echo "TRUNCATE kigen.${table}_$B;"
    done
    echo "SET kigen.municipality = '$B';"
    echo "SELECT kigen.current_municipality(), count(*) FROM kigen.residents WHERE municipality_code = '$B';"
    echo "ALTER TABLE kigen.residents DISABLE ROW LEVEL SECURITY;"
    echo "DROP POLICY municipality ON kigen.residents;"
} >"$SCRATCH/session.sql"
PGDATABASE=$DB PGOPTIONS="-c role=kigen_m$A" psql -X -e -P pager=off -v ON_ERROR_STOP=0 \
    -f "$SCRATCH/session.sql" >"$SCRATCH/session.log" 2>&1
sed 's/^/  | /' "$SCRATCH/session.log"
count() { grep -c -- "$1" "$SCRATCH/session.log"; }
reads_none=0
for table in $TABLES; do
    own=$(grep "^    $table: " "$SCRATCH/counts" | sed -E "s/.*$A ([0-9]+).*/\1/")
    grep -Eq "^ $table +\| +0 \| +$own\$" "$SCRATCH/session.log" && reads_none=$((reads_none + 1))
done
check "reads none of B's rows and all of its own, in every table ($reads_none of $table_count)" \
    [ "$reads_none" -eq "$table_count" ]
check "cannot insert a row of B's, nor move one of its own to B, in any table" \
    [ "$(count 'new row violates row-level security policy\|never changed')" -eq $((table_count * 2)) ]
check "updates and deletes none of B's rows in any table" \
    [ "$(count '^UPDATE 0$')" -eq "$table_count" ] && [ "$(count '^DELETE 0$')" -eq "$table_count" ]
check "cannot read or empty B's partition of any table" \
    [ "$(count "permission denied for table [a-z_]*_$B")" -eq $((table_count * 2)) ]
check "SET kigen.municipality does not widen the role" grep -q "^ $A *| *0$" "$SCRATCH/session.log"
check "cannot turn row-level security off or drop the policy" \
    [ "$(count 'must be owner of \(table\|relation\) residents')" -eq 2 ]
for table in $TABLES; do
    [ "$(query "SELECT count(*) FROM kigen.$table WHERE municipality_code = '$B'")" != 0 ] ||
        echo "  B's rows of $table are gone"
done
check "B's rows are all there" [ "$(query "SELECT count(*) FROM kigen.residents
    WHERE municipality_code = '$B'")" -eq 324 ]

echo "== $NAME (3): a role that is no municipality's, and plans that follow the role (D132)"
PGDATABASE=$DB psql -X -q -v ON_ERROR_STOP=1 -c "CREATE ROLE kigen_rls_reader NOLOGIN" \
    -c "GRANT USAGE ON SCHEMA kigen TO kigen_rls_reader" \
    -c "GRANT SELECT ON ALL TABLES IN SCHEMA kigen TO kigen_rls_reader"
{
    echo "SET ROLE kigen_rls_reader;"
    echo "SELECT 'reader default' AS who, kigen.current_municipality(), count(*) FROM kigen.residents;"
    echo "SET kigen.municipality = '$B';"
    echo "SELECT 'reader names B' AS who, kigen.current_municipality(), count(*) FROM kigen.residents;"
    echo "RESET ROLE;"
    echo "SET ROLE kigen_m$A;"
    echo "PREPARE residents_of AS SELECT current_user, string_agg(DISTINCT municipality_code, ',') AS codes, count(*) FROM kigen.residents;"
    for run in 1 2 3 4 5 6 7; do echo "EXECUTE residents_of;"; done
    echo "EXPLAIN (COSTS OFF) SELECT count(*) FROM kigen.notices;"
    echo "RESET ROLE;"
    echo "SET ROLE kigen_m$B;"
    echo "EXECUTE residents_of;"
} >"$SCRATCH/plans.sql"
PGDATABASE=$DB psql -X -e -P pager=off -v ON_ERROR_STOP=0 -f "$SCRATCH/plans.sql" \
    >"$SCRATCH/plans.log" 2>&1
sed 's/^/  | /' "$SCRATCH/plans.log"
plans() { grep -c -- "$1" "$SCRATCH/plans.log"; }
a_rows=$(query "SELECT count(*) FROM kigen.residents WHERE municipality_code = '$A'")
check "a role that is no municipality's reads the default's rows only (none here), SET or not" \
    [ "$(plans '^ reader [a-z B]* | 000000 *| *0$')" -eq 2 ]
check "a prepared statement reads A's rows as A's role, seven times" \
    [ "$(plans "^ kigen_m$A *| $A *| *$a_rows$")" -eq 7 ]
check "the same statement executed as B's role reads B's rows (planned again for the role)" \
    [ "$(plans "^ kigen_m$B *| $B *| *324$")" -eq 1 ]
check "A's statement plans A's partition of the table only (pruned when planned)" \
    grep -q "Seq Scan on notices_$A notices\|Index Only Scan using notices_${A}_[a-z_]* on notices_$A" \
        "$SCRATCH/plans.log"
check "no partition left for the executor to remove" [ "$(plans 'Subplans Removed')" -eq 0 ]

# the generator as a municipality's role: its rows in its own partitions; ANALYZE, which is
# the owner's, left to autovacuum instead of a warning a table
kigen --municipality "$A" sample --replace --residents 200 --seed 7 >/dev/null \
    2>"$SCRATCH/sample.log"
check "a municipality's kigen sample --replace works as its role" [ $? -eq 0 ]
check "and writes no warning" [ ! -s "$SCRATCH/sample.log" ]
check "its residents replaced, B's kept" [ "$(query "SELECT string_agg(municipality_code || ' ' ||
    n, ', ' ORDER BY municipality_code) FROM (SELECT municipality_code, count(*) n FROM
    kigen.residents GROUP BY 1) x")" = "$A 200, $B 324" ]

finish
