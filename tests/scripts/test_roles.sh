#!/bin/sh
# The database roles of docs/operations.md (section 3) do what the page says: its SQL,
# taken from the page itself, run in the test cluster under other names (the cluster's
# superuser is already called kigen); `kigen db migrate` as the owner role makes the owner
# own the schema; the nightly role loads a full extract (--bulk, which alters the tables'
# foreign keys) and runs a night; the counter role answers forms and exports, and cannot
# run or load (exit 4, nothing recorded); a role with every table privilege but not the
# owner's cannot load in bulk, which is why the nightly role is a member of the owner.
# Each role is taken with PGOPTIONS='-c role=...' on the superuser's connection, so that
# what is checked is the role's privileges (logging in is pg_hba.conf's business). Run by
# make test inside scripts/with-db.sh; skips without a database.
set -u

ROOT=$(cd -P "$(dirname "$0")/../.." && pwd -P)
NAME=test_roles
KIGEN=${KIGEN_BIN:-$ROOT/build/release/kigen}
. "$ROOT/tests/scripts/lib.sh" # check, contains, needs_database, finish
needs_database

DB=kigen_roles_test
SCRATCH=$(mktemp -d /tmp/kigen-test-roles-XXXXXX)
sql() {
    db=$1
    shift
    psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@" 2>&1
}
query() { psql -X -qtA -d "$DB" -c "$1" 2>&1; }
cleanup() {
    PGOPTIONS="-c client_min_messages=warning" psql -X -q -d postgres \
        -c "DROP DATABASE IF EXISTS $DB" -c "DROP ROLE IF EXISTS kt_night" \
        -c "DROP ROLE IF EXISTS kt_counter" -c "DROP ROLE IF EXISTS kt_dml" \
        -c "DROP ROLE IF EXISTS kt_owner" >/dev/null 2>&1
    rm -rf "$SCRATCH"
}
cleanup
mkdir -p "$SCRATCH"
trap cleanup EXIT
trap 'exit 1' INT TERM

# The page's ```sql blocks, in order, with the roles and the database renamed.
awk '/^```sql$/ { n++; out = sprintf("%s/block%d.sql", dir, n); next }
     /^```$/ { out = ""; next }
     out != "" { print > out }' dir="$SCRATCH" "$ROOT/docs/operations.md"
rename() {
    sed -E -e 's/\bkigen_owner\b/kt_owner/g' -e 's/\bkigen_counter\b/kt_counter/g' \
        -e 's/ROLE kigen LOGIN/ROLE kt_night LOGIN/' -e 's/TO kigen,/TO kt_night,/' \
        -e "s/DATABASE kigen([ ;])/DATABASE $DB\\1/" "$1"
}
two_blocks() {
    [ -s "$SCRATCH/block1.sql" ] && [ -s "$SCRATCH/block2.sql" ] && [ ! -e "$SCRATCH/block3.sql" ]
}
check "docs/operations.md has its two SQL blocks" two_blocks
rename "$SCRATCH/block1.sql" >"$SCRATCH/roles.sql"
rename "$SCRATCH/block2.sql" >"$SCRATCH/grants.sql"

echo "== $NAME (1): the roles and the database, as the page says"
out=$(sql postgres -f "$SCRATCH/roles.sql")
status=$?
[ "$status" -eq 0 ] || echo "  $out"
check "the roles and the database are created" [ "$status" -eq 0 ]
as_role() {
    role=$1
    shift
    (cd / && PGDATABASE=$DB PGOPTIONS="-c role=$role" "$KIGEN" -q "$@")
}
as_role kt_owner db migrate
check "kigen db migrate as the owner role" [ $? -eq 0 ]
check "the owner role owns the schema and every table" [ "$(query "SELECT string_agg(DISTINCT
    pg_get_userbyid(relowner), ',') FROM pg_class WHERE relnamespace = 'kigen'::regnamespace")" \
    = kt_owner ]
out=$(sql "$DB" -f "$SCRATCH/grants.sql")
status=$?
[ "$status" -eq 0 ] || echo "  $out"
check "the counter's grants" [ "$status" -eq 0 ]

echo "== $NAME (2): the nightly role"
as_role kt_night load --bulk "$ROOT/samples/extract" >/dev/null 2>"$SCRATCH/load.log"
status=$?
[ "$status" -le 1 ] || sed 's/^/  /' "$SCRATCH/load.log"
check "loads the extract in bulk (exit $status)" [ "$status" -le 1 ]
as_role kt_night run --date 2026-12-01 --out "$SCRATCH/out" >/dev/null 2>"$SCRATCH/run.log"
status=$?
[ "$status" -le 1 ] || sed 's/^/  /' "$SCRATCH/run.log"
check "runs a night (exit $status)" [ "$status" -le 1 ]
check "its files are there" [ -s "$SCRATCH/out/2026-12-01/manifest.json" ]

echo "== $NAME (3): the counter role"
control_no=$(sed -n 2p "$SCRATCH/out/2026-12-01/registered-mail.csv" | cut -d, -f1)
as_role kt_counter forms status --date 2027-01-15 >/dev/null
check "forms status" [ $? -eq 0 ]
as_role kt_counter forms return "$control_no" --date 2026-12-02 >/dev/null
check "forms return $control_no" [ $? -eq 0 ]
notice_no=$(sed -n 2p "$SCRATCH/out/2026-12-01/notices.csv" | cut -d, -f1)
as_role kt_counter notices return "$notice_no" --date 2026-12-05 >/dev/null
check "notices return $notice_no" [ $? -eq 0 ]
as_role kt_counter notices status --date 2026-12-06 >/dev/null
check "notices status" [ $? -eq 0 ]
as_role kt_counter notices return "$notice_no" --undo --date 2026-12-06 >/dev/null
check "notices return $notice_no --undo" [ $? -eq 0 ]
as_role kt_counter export --from 2026-12-01 --to 2026-12-31 --xlsx "$SCRATCH/audit.xlsx" >/dev/null
check "export" [ $? -eq 0 ]
runs_before=$(query "SELECT count(*) FROM kigen.runs")
out=$(as_role kt_counter run --date 2026-12-02 --out "$SCRATCH/out" 2>&1 >/dev/null)
status=$?
refused() { [ "$status" -eq 4 ] && contains "$out" "$1"; }
check "cannot run: exit 4 (permission denied)" refused "permission denied"
check "and nothing was recorded" [ "$(query "SELECT count(*) FROM kigen.runs")" = "$runs_before" ]
as_role kt_counter load "$ROOT/samples/extract" >/dev/null 2>&1
check "cannot load: exit 4" [ $? -eq 4 ]

echo "== $NAME (4): why the nightly role is a member of the owner"
sql "$DB" -c "CREATE ROLE kt_dml; GRANT CONNECT, TEMPORARY ON DATABASE $DB TO kt_dml;
    GRANT USAGE ON SCHEMA kigen TO kt_dml;
    GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA kigen TO kt_dml;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA kigen TO kt_dml" >/dev/null
out=$(as_role kt_dml load --bulk "$ROOT/samples/extract" 2>&1 >/dev/null)
status=$?
check "every table privilege but ownership: a bulk load fails (exit 4, must be owner)" \
    refused "must be owner"

finish
