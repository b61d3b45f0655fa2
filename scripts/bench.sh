#!/bin/sh
# `make bench`: throughput benchmarks, each against its baseline in the same run (ratios
# matter, not absolute times: these machines are shared). Database: kigen_bench in the
# embedded cluster. Scratch files under var/bench/.
#   load:   kigen load of a 1,000,000-resident extract  vs  psql \copy of the same files
#           into plain tables (no constraints, no validation)
#   sample: kigen sample --residents 1000000 into the database and as CSV
set -eu
KIGEN=$1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RESIDENTS=${BENCH_RESIDENTS:-1000000}
WORK="$ROOT/var/bench"
mkdir -p "$WORK"
chmod 700 "$WORK"
eval "$(sh "$ROOT/scripts/db.sh" env)"
export PGDATABASE=kigen_bench
PSQL="psql -X -q -v ON_ERROR_STOP=1"

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }
rate() { echo "$1 / $2" | bc; }

echo "== bench: $RESIDENTS residents (seed 1)"
t0=$(now)
rm -rf "$WORK/extract"
"$KIGEN" -q sample --residents "$RESIDENTS" --seed 1 --csv "$WORK/extract"
t1=$(now)
csv_secs=$(elapsed "$t0" "$t1")
rows=0
for f in "$WORK"/extract/*.csv; do
    rows=$((rows + $(wc -l <"$f") - 1))
done
bytes=$(du -cb "$WORK"/extract/*.csv | tail -1 | cut -f1)

sh "$ROOT/scripts/db.sh" recreate kigen_bench >/dev/null
"$KIGEN" -q db migrate
t0=$(now)
"$KIGEN" -q sample --residents "$RESIDENTS" --seed 1
t1=$(now)
db_secs=$(elapsed "$t0" "$t1")

# kigen load into an empty schema (the first load of a city)
sh "$ROOT/scripts/db.sh" recreate kigen_bench >/dev/null
"$KIGEN" -q db migrate
t0=$(now)
"$KIGEN" -q load "$WORK/extract" >/dev/null 2>"$WORK/load-errors.txt" || true
t1=$(now)
load_secs=$(elapsed "$t0" "$t1")
rejected=$(wc -l <"$WORK/load-errors.txt")

# the same load again: every row compared, nothing changed
t0=$(now)
"$KIGEN" -q load "$WORK/extract" >/dev/null 2>/dev/null || true
t1=$(now)
reload_secs=$(elapsed "$t0" "$t1")

# baseline: psql \copy of the same files into plain text tables
$PSQL -c "DROP SCHEMA IF EXISTS bench_raw CASCADE; CREATE SCHEMA bench_raw"
for f in "$WORK"/extract/*.csv; do
    table=$(basename "$f" .csv)
    cols=$(head -1 "$f" | sed 's/,/ text, /g; s/$/ text/')
    $PSQL -c "CREATE TABLE bench_raw.$table ($cols)"
done
t0=$(now)
for f in "$WORK"/extract/*.csv; do
    table=$(basename "$f" .csv)
    $PSQL -c "\\copy bench_raw.$table FROM '$f' WITH (FORMAT csv, HEADER true)"
done
t1=$(now)
copy_secs=$(elapsed "$t0" "$t1")

printf '\n%-46s %10s %12s\n' "load ($rows rows, $((bytes / 1048576)) MiB)" "seconds" "rows/s"
printf '%-46s %10.2f %12s\n' "psql \\copy into plain tables (baseline)" "$copy_secs" "$(rate "$rows" "$copy_secs")"
printf '%-46s %10.2f %12s\n' "kigen load, first load (validate+stage+upsert)" "$load_secs" "$(rate "$rows" "$load_secs")"
printf '%-46s %10.2f %12s\n' "kigen load, same extract again (no change)" "$reload_secs" "$(rate "$rows" "$reload_secs")"
printf 'ratio kigen load / psql \\copy: %.2f (target >= 0.5); rows rejected: %s\n' \
    "$(echo "$copy_secs / $load_secs" | bc -l)" "$rejected"
printf '\n%-46s %10s\n' "generator ($RESIDENTS residents)" "seconds"
printf '%-46s %10.2f\n' "kigen sample --csv" "$csv_secs"
printf '%-46s %10.2f\n' "kigen sample into the database" "$db_secs"

# ---- the nightly run (issue 4) on the city just loaded, without rendering ----------
# The run reads only the residents its schedule lists for the date (sql/004_schedule.sql),
# so "the rows your scan needs" differ between a first, catch-up night and the nights
# after it: each raw read below is of the same date's rows, measured just before its run.
ROWREAD=$2
RUN_DATE=${BENCH_RUN_DATE:-2026-12-01}
NEXT_DATE=$(date -d "$RUN_DATE + 1 day" +%F)
SCAN_CREATE=$("$KIGEN" run --scan-sql create)
SCAN_FILL=$("$KIGEN" run --scan-sql fill)
SCAN_SQL=$("$KIGEN" run --scan-sql select)
setup_for() {
    echo "$SCAN_CREATE; PREPARE fill(date, int) AS $SCAN_FILL; EXECUTE fill('$1', 14); ANALYZE pg_temp.scan_residents"
}
$PSQL -c "VACUUM ANALYZE"
rm -rf "$WORK/run"

# raw reads of the date's rows: psql COPY and libpq single-row mode (setup included)
raw_reads() {
    t0=$(now)
    $PSQL <<SQL
$(setup_for "$1");
\copy ($SCAN_SQL) TO '/dev/null'
SQL
    t1=$(now)
    copy_secs=$(elapsed "$t0" "$t1")
    t0=$(now)
    single_rows=$("$ROWREAD" "$(setup_for "$1")" "$SCAN_SQL")
    t1=$(now)
    single_secs=$(elapsed "$t0" "$t1")
    faster=$(echo "if ($copy_secs < $single_secs) $copy_secs else $single_secs" | bc -l)
}

DBA_SQL="SELECT c.certificate_id, r.resident_id, e.expiry FROM kigen.certificates c
 JOIN kigen.residents r ON r.resident_id = c.resident_id
 CROSS JOIN LATERAL (SELECT (r.birth_date + make_interval(years =>
   extract(year FROM age(c.issued_on, r.birth_date))::int + 5))::date AS expiry) e
 WHERE c.type IN ('sign', 'auth') AND c.revoked_on IS NULL AND r.status = 'current'
   AND DATE '$RUN_DATE' BETWEEN (e.expiry - interval '3 months' - interval '14 days')::date
   AND e.expiry"
t0=$(now)
dba_rows=$($PSQL -At -c "SELECT count(*) FROM ($DBA_SQL) due")
t1=$(now)
dba_secs=$(elapsed "$t0" "$t1")

raw_reads "$RUN_DATE"
first_copy=$copy_secs first_single=$single_secs first_rows=$single_rows first_faster=$faster
t0=$(now)
"$KIGEN" -q run --date "$RUN_DATE" --out "$WORK/run" >"$WORK/run-first.txt" || true
t1=$(now)
run_secs=$(elapsed "$t0" "$t1")

raw_reads "$NEXT_DATE"
t0=$(now)
"$KIGEN" -q run --date "$NEXT_DATE" --out "$WORK/run" >"$WORK/run-next.txt" || true
t1=$(now)
next_secs=$(elapsed "$t0" "$t1")

printf '\n%-56s %10s %10s %12s\n' "nightly run ($RESIDENTS residents)" "rows" "seconds" "rows/s"
printf '%-56s %10s %10.2f %12s\n' "DBA query (5th birthday by date arithmetic), $RUN_DATE" "$dba_rows" "$dba_secs" "$(rate "$dba_rows" "$dba_secs")"
printf '%-56s %10s %10.2f %12s\n' "raw read $RUN_DATE: psql COPY of the scan to /dev/null" "$first_rows" "$first_copy" "$(rate "$first_rows" "$first_copy")"
printf '%-56s %10s %10.2f %12s\n' "raw read $RUN_DATE: libpq single-row mode" "$first_rows" "$first_single" "$(rate "$first_rows" "$first_single")"
printf '%-56s %10s %10.2f %12s\n' "kigen run $RUN_DATE (first run: catch-up)" "$first_rows" "$run_secs" "$(rate "$first_rows" "$run_secs")"
printf '%-56s %10s %10.2f %12s\n' "raw read $NEXT_DATE: psql COPY of the scan to /dev/null" "$single_rows" "$copy_secs" "$(rate "$single_rows" "$copy_secs")"
printf '%-56s %10s %10.2f %12s\n' "raw read $NEXT_DATE: libpq single-row mode" "$single_rows" "$single_secs" "$(rate "$single_rows" "$single_secs")"
printf '%-56s %10s %10.2f %12s\n' "kigen run $NEXT_DATE (the next night)" "$single_rows" "$next_secs" "$(rate "$single_rows" "$next_secs")"
printf 'first night: run / faster raw read %.2f (target >= 0.7); DBA query / run %.2f (target >= 2)\n' \
    "$(echo "$first_faster / $run_secs" | bc -l)" "$(echo "$dba_secs / $run_secs" | bc -l)"
printf 'next night:  run / faster raw read %.2f (target >= 0.7); DBA query / run %.2f (target >= 2)\n' \
    "$(echo "$faster / $next_secs" | bc -l)" "$(echo "$dba_secs / $next_secs" | bc -l)"
head -1 "$WORK/run-first.txt"
head -1 "$WORK/run-next.txt"
