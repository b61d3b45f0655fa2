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
