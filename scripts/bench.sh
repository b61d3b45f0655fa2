#!/bin/sh
# `make bench`: throughput benchmarks, each against its baseline in the same run (ratios
# matter, not absolute times: these machines are shared). Database: kigen_bench in the
# embedded cluster. Scratch files under var/bench/.
#   load:   kigen load of a 1,000,000-resident extract, the same again, and the next night's
#           (0.5% of the residents changed, scripts/bench_edit.py)  vs  psql \copy of the
#           same files into plain tables (no constraints, no validation)
#   sample: kigen sample --residents 1000000 into the database and as CSV
#   run:    kigen run on that city vs raw reads of its scan query; the catch-up night's
#           ledger write vs a plain COPY of its rows into the same tables (D97)
#   xlsx:   kigen export of 1,000,000 ledger rows vs Python XlsxWriter (BENCH_XLSX_ROWS)
#   render: kigen's print files of 20,000 notices, 1 and 2 threads, vs Python ReportLab
#   tenancy: 40 municipalities of 25,000 residents, their first nights from the queue with
#           1 and 2 kigen workers: nights per hour and the ratio (issue 17)
#   BENCH_ONLY=load, run, xlsx, render or tenancy runs only that section (load includes the
#           run; run alone puts the generator's city straight into the database)
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
# whether a section runs: all of them, or only BENCH_ONLY's
section() { [ -z "${BENCH_ONLY:-}" ] || [ "$BENCH_ONLY" = "$1" ]; }

if section load; then

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

# A city's next night comes a day after its first load: autovacuum has long since
# vacuumed and analysed the freshly loaded tables and the checkpoint has written them.
# Timed right away, the reloads below would share the two cores with that work (the
# next night measured 5.8 to 9.9 s in one run), so it is done here, untimed.
settle() { $PSQL -q -c "VACUUM ANALYZE" -c "CHECKPOINT"; }
settle

# the same load again: every row compared, nothing changed
t0=$(now)
"$KIGEN" -q load "$WORK/extract" >/dev/null 2>/dev/null || true
t1=$(now)
reload_secs=$(elapsed "$t0" "$t1")

# the next night's whole register: 0.5% of the residents changed (scripts/bench_edit.py:
# moves, new and renewed certificates, name changes, removals, proxy requests, deleted rows)
rm -rf "$WORK/extract-next"
python3 "$ROOT/scripts/bench_edit.py" "$WORK/extract" "$WORK/extract-next" 0.005 >/dev/null
next_rows=0
for f in "$WORK"/extract-next/*.csv; do
    next_rows=$((next_rows + $(wc -l <"$f") - 1))
done
settle
t0=$(now)
"$KIGEN" -q load "$WORK/extract-next" >/dev/null 2>/dev/null || true
t1=$(now)
next_load_secs=$(elapsed "$t0" "$t1")

# the same next night from gzip files (D95): the first extract again (untimed), then the
# next one as NAME.csv.gz
rm -rf "$WORK/extract-next-gz"
mkdir -p "$WORK/extract-next-gz"
for f in "$WORK"/extract-next/*.csv; do
    gzip -c "$f" >"$WORK/extract-next-gz/$(basename "$f").gz"
done
"$KIGEN" -q load "$WORK/extract" >/dev/null 2>/dev/null || true
settle
t0=$(now)
"$KIGEN" -q load "$WORK/extract-next-gz" >/dev/null 2>/dev/null || true
t1=$(now)
next_gz_secs=$(elapsed "$t0" "$t1")

# baseline: psql \copy of the same files into plain text tables (created empty each time)
copy_files() {
    $PSQL -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS bench_raw CASCADE; CREATE SCHEMA bench_raw"
    for f in "$1"/*.csv; do
        table=$(basename "$f" .csv)
        cols=$(head -1 "$f" | sed 's/,/ text, /g; s/$/ text/')
        $PSQL -c "CREATE TABLE bench_raw.$table ($cols)"
    done
    t0=$(now)
    for f in "$1"/*.csv; do
        table=$(basename "$f" .csv)
        $PSQL -c "\\copy bench_raw.$table FROM '$f' WITH (FORMAT csv, HEADER true)"
    done
    t1=$(now)
    elapsed "$t0" "$t1"
}
copy_secs=$(copy_files "$WORK/extract")
next_copy_secs=$(copy_files "$WORK/extract-next")

printf '\n%-46s %10s %12s\n' "load ($rows rows, $((bytes / 1048576)) MiB)" "seconds" "rows/s"
printf '%-46s %10.2f %12s\n' "psql \\copy into plain tables (baseline)" "$copy_secs" "$(rate "$rows" "$copy_secs")"
printf '%-46s %10.2f %12s\n' "kigen load, first load (validate+stage+upsert)" "$load_secs" "$(rate "$rows" "$load_secs")"
printf '%-46s %10.2f %12s\n' "kigen load, same extract again (no change)" "$reload_secs" "$(rate "$rows" "$reload_secs")"
printf '%-46s %10.2f %12s\n' "psql \\copy of the next night's files" "$next_copy_secs" "$(rate "$next_rows" "$next_copy_secs")"
printf '%-46s %10.2f %12s\n' "kigen load, next night (0.5% changed)" "$next_load_secs" "$(rate "$next_rows" "$next_load_secs")"
printf '%-46s %10.2f %12s\n' "kigen load, next night from .csv.gz files" "$next_gz_secs" "$(rate "$next_rows" "$next_gz_secs")"
printf 'ratio kigen load / psql \\copy: %.2f first load (target >= 0.5), %.2f next night (target >= 1.0); rows rejected: %s\n' \
    "$(echo "$copy_secs / $load_secs" | bc -l)" "$(echo "$next_copy_secs / $next_load_secs" | bc -l)" "$rejected"
printf 'ratio next night .csv.gz / .csv time: %.2f (target <= 1.3)\n' "$(echo "$next_gz_secs / $next_load_secs" | bc -l)"
printf '\n%-46s %10s\n' "generator ($RESIDENTS residents)" "seconds"
printf '%-46s %10.2f\n' "kigen sample --csv" "$csv_secs"
printf '%-46s %10.2f\n' "kigen sample into the database" "$db_secs"
fi

# ---- the nightly run (issue 4) on the city just loaded, without rendering ----------
# BENCH_ONLY=run: the city from the generator straight into the database (seed 1), the
# nightly runs and the catch-up night's ledger against a plain COPY of its rows (D97)
if section load || section run; then
if ! section load; then
    echo "== bench: $RESIDENTS residents (seed 1), the nightly run alone"
    sh "$ROOT/scripts/db.sh" recreate kigen_bench >/dev/null
    "$KIGEN" -q db migrate
    "$KIGEN" -q sample --residents "$RESIDENTS" --seed 1
fi

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
# --force: the bench's nights are a simulation, whatever today is (D78); -v for the
# ledger's log line (its write time)
"$KIGEN" -v run --date "$RUN_DATE" --out "$WORK/run" --no-render --force >"$WORK/run-first.txt" \
    2>"$WORK/run-first.log" || true
t1=$(now)
run_secs=$(elapsed "$t0" "$t1")

# The catch-up night's ledger against a plain COPY of the same rows (D97). The rows the
# night wrote into the ledger's tables (its notices, their certificates, forms,
# exclusions, findings) are copied out to files, then, in one transaction committed like
# the run's, COPYed into empty tables of the same definition in the scratch schema
# bench_copy: columns, defaults, checks, primary keys, indexes (LIKE ... INCLUDING ALL)
# and the foreign keys (the ledger's own point into bench_copy). kigen's side is the
# run's `ledger:` log line: the end of the COPY of the night's rows, the statements that
# fill the tables, the COMMIT. The night's settled marks (an UPDATE of cert_schedule),
# run_offices and run_returns (a few rows) are kigen's alone.
LEDGER_TABLES="notices notice_certificates forms exclusions findings"
first_run_id=$($PSQL -At -c "SELECT run_id FROM kigen.runs WHERE run_date = '$RUN_DATE' AND status IN ('recorded', 'done')")
rm -rf "$WORK/ledger-rows"
mkdir -p "$WORK/ledger-rows"
ledger_rows=0
for table in $LEDGER_TABLES; do
    case $table in
    notice_certificates) where="notice_no IN (SELECT notice_no FROM kigen.notices WHERE run_id = $first_run_id)" ;;
    *) where="run_id = $first_run_id" ;;
    esac
    $PSQL -c "\\copy (SELECT * FROM kigen.$table WHERE $where) TO '$WORK/ledger-rows/$table.copy'"
    ledger_rows=$((ledger_rows + $(wc -l <"$WORK/ledger-rows/$table.copy")))
done
$PSQL <<SQL
SET client_min_messages = warning;
SET search_path = ''; -- names and constraint definitions come schema-qualified
DROP SCHEMA IF EXISTS bench_copy CASCADE;
CREATE SCHEMA bench_copy;
DO \$\$
DECLARE
    ledger text[] := string_to_array('$LEDGER_TABLES', ' ');
    tab text;
    fk record;
BEGIN
    FOREACH tab IN ARRAY ledger LOOP
        EXECUTE format('CREATE TABLE bench_copy.%I (LIKE kigen.%I INCLUDING ALL)', tab, tab);
    END LOOP;
    -- the ledger's foreign keys join a municipality's own partitions (D122): those of the
    -- default's, kigen.<table>_000000, pointed at bench_copy's tables within the ledger
    FOR fk IN SELECT regexp_replace(c.conrelid::regclass::text, '^kigen\.|_000000$', '', 'g')
            AS tab, c.conname, pg_get_constraintdef(c.oid) AS def
        FROM pg_constraint c WHERE c.contype = 'f' AND c.conparentid = 0
        AND c.conrelid::regclass::text = ANY (SELECT 'kigen.' || t || s
            FROM unnest(ledger) t, unnest(ARRAY['', '_000000']) s)
    LOOP
        FOREACH tab IN ARRAY ledger LOOP
            fk.def := replace(replace(fk.def, 'REFERENCES kigen.' || tab || '_000000(',
                'REFERENCES bench_copy.' || tab || '('), 'REFERENCES kigen.' || tab || '(',
                'REFERENCES bench_copy.' || tab || '(');
        END LOOP;
        EXECUTE format('ALTER TABLE bench_copy.%I ADD CONSTRAINT %I %s', fk.tab, fk.conname,
            fk.def);
    END LOOP;
    IF (SELECT count(*) FROM pg_catalog.pg_constraint c WHERE c.contype = 'f'
        AND c.connamespace = 'bench_copy'::regnamespace) = 0 THEN
        RAISE EXCEPTION 'bench_copy: no foreign key copied';
    END IF;
END
\$\$;
SQL
{
    echo "BEGIN;"
    for table in $LEDGER_TABLES; do
        printf "\\\\copy bench_copy.%s FROM '%s'\n" "$table" "$WORK/ledger-rows/$table.copy"
    done
    echo "COMMIT;"
} >"$WORK/ledger-rows/copy.sql"
t0=$(now)
$PSQL -f "$WORK/ledger-rows/copy.sql"
t1=$(now)
ledger_copy_secs=$(elapsed "$t0" "$t1")
ledger_line=$(grep 'ledger: ' "$WORK/run-first.log" | sed 's/.*ledger: //; s/[(),]/ /g' || true)
set -- $ledger_line
ledger_secs=${5:-0}                                              # the whole transaction
ledger_tables_secs=$(echo "${11:-0} + ${17:-0} + ${24:-0}" | bc -l) # less the settled marks
ledger_settle_secs=${21:-0}
$PSQL -c "SET client_min_messages = warning; DROP SCHEMA bench_copy CASCADE"

raw_reads "$NEXT_DATE"
t0=$(now)
"$KIGEN" -q run --date "$NEXT_DATE" --out "$WORK/run" --no-render --force >"$WORK/run-next.txt" || true
t1=$(now)
next_secs=$(elapsed "$t0" "$t1")

# the whole city on the night after (--whole-city): the per-row cost of scan, rules and
# ledger once the night's fixed costs (a durable ledger transaction, the fsynced files)
# are spread over every resident, against the single-row read of the same rows
WHOLE_DATE=$(date -d "$NEXT_DATE + 1 day" +%F)
t0=$(now)
whole_rows=$("$ROWREAD" "$SCAN_CREATE; INSERT INTO pg_temp.scan_residents SELECT resident_id FROM kigen.residents; ANALYZE pg_temp.scan_residents" "$SCAN_SQL")
t1=$(now)
whole_raw=$(elapsed "$t0" "$t1")
t0=$(now)
"$KIGEN" -q run --date "$WHOLE_DATE" --out "$WORK/run" --no-render --whole-city --force >/dev/null || true
t1=$(now)
whole_secs=$(elapsed "$t0" "$t1")

printf '\n%-56s %10s %10s %12s\n' "nightly run ($RESIDENTS residents)" "rows" "seconds" "rows/s"
printf '%-56s %10s %10.2f %12s\n' "DBA query (5th birthday by date arithmetic), $RUN_DATE" "$dba_rows" "$dba_secs" "$(rate "$dba_rows" "$dba_secs")"
printf '%-56s %10s %10.2f %12s\n' "raw read $RUN_DATE: psql COPY of the scan to /dev/null" "$first_rows" "$first_copy" "$(rate "$first_rows" "$first_copy")"
printf '%-56s %10s %10.2f %12s\n' "raw read $RUN_DATE: libpq single-row mode" "$first_rows" "$first_single" "$(rate "$first_rows" "$first_single")"
printf '%-56s %10s %10.2f %12s\n' "kigen run $RUN_DATE (first run: catch-up)" "$first_rows" "$run_secs" "$(rate "$first_rows" "$run_secs")"
printf '%-56s %10s %10.2f %12s\n' "raw read $NEXT_DATE: psql COPY of the scan to /dev/null" "$single_rows" "$copy_secs" "$(rate "$single_rows" "$copy_secs")"
printf '%-56s %10s %10.2f %12s\n' "raw read $NEXT_DATE: libpq single-row mode" "$single_rows" "$single_secs" "$(rate "$single_rows" "$single_secs")"
printf '%-56s %10s %10.2f %12s\n' "kigen run $NEXT_DATE (the next night)" "$single_rows" "$next_secs" "$(rate "$single_rows" "$next_secs")"
printf '%-56s %10s %10.2f %12s\n' "raw read, whole city: libpq single-row mode" "$whole_rows" "$whole_raw" "$(rate "$whole_rows" "$whole_raw")"
printf '%-56s %10s %10.2f %12s\n' "kigen run $WHOLE_DATE --whole-city" "$whole_rows" "$whole_secs" "$(rate "$whole_rows" "$whole_secs")"
printf 'first night: run / faster raw read %.2f (target >= 0.7); DBA query / run %.2f (target >= 2)\n' \
    "$(echo "$first_faster / $run_secs" | bc -l)" "$(echo "$dba_secs / $run_secs" | bc -l)"
printf 'next night:  run / faster raw read %.2f (target >= 0.7); DBA query / run %.2f (target >= 2)\n' \
    "$(echo "$faster / $next_secs" | bc -l)" "$(echo "$dba_secs / $next_secs" | bc -l)"
printf 'whole city:  run / single-row read %.2f (the per-row cost, fixed costs spread)\n' \
    "$(echo "$whole_raw / $whole_secs" | bc -l)"
printf '\n%-56s %10s %10s %12s\n' "catch-up night's ledger, $RUN_DATE (D97)" "rows" "seconds" "rows/s"
printf '%-56s %10s %10.2f %12s\n' "plain COPY of its rows into the same tables (baseline)" "$ledger_rows" "$ledger_copy_secs" "$(rate "$ledger_rows" "$ledger_copy_secs")"
printf '%-56s %10s %10.2f %12s\n' "kigen's ledger write into those tables" "$ledger_rows" "$ledger_tables_secs" "$(rate "$ledger_rows" "$ledger_tables_secs")"
printf '%-56s %10s %10.2f %12s\n' "kigen's recording transaction (+ settled marks)" "$ledger_rows" "$ledger_secs" "$(rate "$ledger_rows" "$ledger_secs")"
printf 'catch-up night: ledger write / plain COPY rate %.2f into its tables, %.2f with the settled marks (%.2f s) (target >= 0.5)\n' \
    "$(echo "$ledger_copy_secs / $ledger_tables_secs" | bc -l)" "$(echo "$ledger_copy_secs / $ledger_secs" | bc -l)" "$ledger_settle_secs"
printf 'catch-up night: run %.2f s vs 1.5 x (faster raw read %.2f + COPY %.2f) = %.2f s: %.2f of it (target <= 1)\n' \
    "$run_secs" "$first_faster" "$ledger_copy_secs" \
    "$(echo "1.5 * ($first_faster + $ledger_copy_secs)" | bc -l)" \
    "$(echo "$run_secs / (1.5 * ($first_faster + $ledger_copy_secs))" | bc -l)"
grep 'ledger: ' "$WORK/run-first.log" | sed 's/^.*ledger: /kigen ledger: /' || true
head -1 "$WORK/run-first.txt"
head -1 "$WORK/run-next.txt"

fi

if section load; then
# ---- a whole night, end to end (issue 18): tonight's whole register (0.5% of the
# residents changed since last night's), the run that records it, then its print files and
# workbook (the run's re-run of the date writes them from the ledger: print files timed by
# its `print:` log line, the workbook and CSV files are the rest). Wall and CPU per stage.
NIGHT_DATE=$(date -d "$WHOLE_DATE + 1 day" +%F)
rm -rf "$WORK/extract-night"
python3 "$ROOT/scripts/bench_edit.py" "$WORK/extract-next" "$WORK/extract-night" 0.005 11 >/dev/null
timed() { # label command...: wall and CPU seconds into $WORK/night-<label>.time
    label=$1
    shift
    /usr/bin/time -f '%e %U %S' -o "$WORK/night-$label.time" "$@"
}
timed load "$KIGEN" -q load "$WORK/extract-night" >/dev/null 2>&1 || true
(cd "$ROOT" && timed record "$KIGEN" -q run --date "$NIGHT_DATE" --out "$WORK/run" --no-render \
    --force >"$WORK/night-record.txt") || true
(cd "$ROOT" && timed files "$KIGEN" run --date "$NIGHT_DATE" --out "$WORK/run" --force \
    >/dev/null 2>"$WORK/night-files.log") || true
# the last line of each: /usr/bin/time writes "Command exited with non-zero status 1"
# before it when the load rejected rows
set -- $(tail -n 1 "$WORK/night-load.time")
load_wall=$1 load_user=$2 load_sys=$3
set -- $(tail -n 1 "$WORK/night-record.time")
record_wall=$1 record_user=$2 record_sys=$3
set -- $(tail -n 1 "$WORK/night-files.time")
files_wall=$1 files_user=$2 files_sys=$3
print_line=$(grep 'print: ' "$WORK/night-files.log" | sed 's/.*print: //; s/[(),]/ /g' || true)
set -- $print_line
print_wall=${6:-0} print_cpu=${12:-0}
cpu() { echo "$1 + $2" | bc -l; }
printf '\n%-52s %10s %10s\n' "a whole night, $NIGHT_DATE ($RESIDENTS residents)" "wall s" "CPU s"
printf '%-52s %10.2f %10.2f\n' "kigen load (whole register, 0.5% changed)" "$load_wall" "$(cpu "$load_user" "$load_sys")"
printf '%-52s %10.2f %10.2f\n' "kigen run --no-render (scan, rules, ledger)" "$record_wall" "$(cpu "$record_user" "$record_sys")"
printf '%-52s %10.2f %10.2f\n' "print files (the re-run's print: line)" "$print_wall" "$print_cpu"
printf '%-52s %10.2f %10.2f\n' "workbook, CSV files, manifest (the rest of the re-run)" \
    "$(echo "$files_wall - $print_wall" | bc -l)" "$(echo "$files_user + $files_sys - $print_cpu" | bc -l)"
printf '%-52s %10.2f %10.2f\n' "the night" "$(echo "$load_wall + $record_wall + $files_wall" | bc -l)" \
    "$(echo "$load_user + $load_sys + $record_user + $record_sys + $files_user + $files_sys" | bc -l)"
head -1 "$WORK/night-record.txt"
fi

# ---- the auditor workbook (issue 7): kigen export vs Python XlsxWriter ---------------
# Database kigen_bench_xlsx: a synthetic ledger of BENCH_XLSX_ROWS notice rows (default
# 1,000,000) inserted with SQL: residents with two certificates each (auth + sign, one
# notice per resident), the notices spread over 250 run dates of 2026. Both writers read
# the rows of the same query (kigen's Notices sheet, `kigen export --notices-sql`) and
# are timed end to end (query included) with /usr/bin/time (wall clock, peak RSS).
if section xlsx; then
XLSX_ROWS=${BENCH_XLSX_ROWS:-1000000}
XLSX_RESIDENTS=$(((XLSX_ROWS + 1) / 2))
export PGDATABASE=kigen_bench_xlsx
sh "$ROOT/scripts/db.sh" recreate kigen_bench_xlsx >/dev/null
"$KIGEN" -q db migrate
echo
echo "== bench: auditor workbook, a synthetic ledger of $XLSX_ROWS notice rows"
t0=$(now)
$PSQL <<SQL
INSERT INTO kigen.offices (office_code, name) SELECT 'K' || lpad(o::text, 2, '0'),
  '架空市' || o || '区役所 区民課' FROM generate_series(1, 12) o;
INSERT INTO kigen.residents (resident_id, office_code, family_name, given_name, birth_date,
  sex, postal_code, address, banchi, status)
SELECT g, 'K' || lpad((g % 12 + 1)::text, 2, '0'),
  (ARRAY['佐藤','鈴木','髙橋','田中','渡邊','伊藤','山﨑','中村'])[g % 8 + 1],
  (ARRAY['一郎','花子','翔太','美咲','健','陽菜'])[g % 6 + 1],
  date '1950-01-01' + (g * 7 % 25000), 1 + g % 2, lpad((g::bigint * 7919 % 10000000)::text, 7, '0'),
  '神奈川県架空市中央区本町', (g % 50 + 1) || '-' || (g % 20 + 1), 'current'
FROM generate_series(1, $XLSX_RESIDENTS) g;
INSERT INTO kigen.cards (card_id, resident_id, issued_on, expires_on)
SELECT g, g, date '2021-06-01' + (g % 300), date '2031-06-01' + (g % 300)
FROM generate_series(1, $XLSX_RESIDENTS) g;
INSERT INTO kigen.certificates (certificate_id, resident_id, card_id, type, issued_on)
SELECT 2 * g - 1 + t, g, g, CASE t WHEN 0 THEN 'auth' ELSE 'sign' END, date '2021-06-01' + (g % 300)
FROM generate_series(1, $XLSX_RESIDENTS) g, generate_series(0, 1) t
WHERE 2 * g - 1 + t <= $XLSX_ROWS;
INSERT INTO kigen.runs (run_date, status, software_version, config)
SELECT date '2026-01-05' + d, 'done', 'bench', '{}' FROM generate_series(0, 249) d;
INSERT INTO kigen.notices (notice_no, run_id, run_date, resident_id, office_code)
SELECT to_char(ru.run_date, 'YYYYMMDD') || '-' || lpad(g::text, 6, '0'), ru.run_id, ru.run_date,
  g, 'K' || lpad((g % 12 + 1)::text, 2, '0')
FROM generate_series(1, $XLSX_RESIDENTS) g JOIN kigen.runs ru ON ru.run_date = date '2026-01-05' + g % 250;
INSERT INTO kigen.notice_certificates (certificate_id, notice_no, expiry, window_open, cause)
SELECT c.certificate_id, n.notice_no, n.run_date + 100, n.run_date + 9, 'birthday'
FROM kigen.certificates c JOIN kigen.notices n ON n.resident_id = c.resident_id;
VACUUM ANALYZE;
SQL
t1=$(now)
printf 'ledger generated in %.1f s: %s notice rows\n' "$(elapsed "$t0" "$t1")" \
    "$($PSQL -At -c 'SELECT count(*) FROM kigen.notice_certificates')"

rm -rf "$WORK/xlsx"
mkdir -p "$WORK/xlsx/tmp"
NOTICES_SQL=$("$KIGEN" export --notices-sql)
/usr/bin/time -f '%e %M' -o "$WORK/xlsx/python.time" /usr/bin/python3 \
    "$ROOT/scripts/xlsx_baseline.py" "$NOTICES_SQL" 2026-01-01 2026-12-31 \
    "$WORK/xlsx/python.xlsx" "$WORK/xlsx/tmp" >"$WORK/xlsx/python.rows"
/usr/bin/time -f '%e %M' -o "$WORK/xlsx/kigen.time" "$KIGEN" -q export --from 2026-01-01 \
    --to 2026-12-31 --xlsx "$WORK/xlsx/kigen.xlsx" >"$WORK/xlsx/kigen.out"
/usr/bin/time -f '%e %M' -o "$WORK/xlsx/kigen-nf.time" "$KIGEN" -q export --from 2026-01-01 \
    --to 2026-12-31 --xlsx "$WORK/xlsx/kigen-nf.xlsx" --no-forecast >/dev/null
read -r py_secs py_kb <"$WORK/xlsx/python.time"
read -r kg_secs kg_kb <"$WORK/xlsx/kigen.time"
read -r nf_secs nf_kb <"$WORK/xlsx/kigen-nf.time"
py_rows=$(cat "$WORK/xlsx/python.rows")
kg_rows=$(head -1 "$WORK/xlsx/kigen.out" | sed 's/.*: \([0-9]*\) notice rows.*/\1/')
printf '\n%-52s %10s %10s %12s %10s %10s\n' "export of the ledger to XLSX" "rows" "seconds" "rows/s" \
    "peak MB" "MB out"
printf '%-52s %10s %10.2f %12s %10s %10s\n' "Python XlsxWriter, constant memory (baseline)" \
    "$py_rows" "$py_secs" "$(rate "$py_rows" "$py_secs")" "$((py_kb / 1024))" \
    "$(($(stat -c %s "$WORK/xlsx/python.xlsx") / 1048576))"
printf '%-52s %10s %10.2f %12s %10s %10s\n' "kigen export (all sheets + forecast scan)" \
    "$kg_rows" "$kg_secs" "$(rate "$kg_rows" "$kg_secs")" "$((kg_kb / 1024))" \
    "$(($(stat -c %s "$WORK/xlsx/kigen.xlsx") / 1048576))"
printf '%-52s %10s %10.2f %12s %10s %10s\n' "kigen export --no-forecast (five sheets)" \
    "$kg_rows" "$nf_secs" "$(rate "$kg_rows" "$nf_secs")" "$((nf_kb / 1024))" \
    "$(($(stat -c %s "$WORK/xlsx/kigen-nf.xlsx") / 1048576))"
printf 'ratio kigen / Python rows/s: %.2f with the forecast, %.2f without (target >= 4); peak RSS %s MB (target < 50)\n' \
    "$(echo "$py_secs / $kg_secs" | bc -l)" "$(echo "$py_secs / $nf_secs" | bc -l)" "$((kg_kb / 1024))"
rm -rf "$WORK/xlsx"
fi

# ---- the print files (issue 5): kigen's renderer vs Python ReportLab ------------------
# Database kigen_bench_render: a city of BENCH_RENDER_RESIDENTS (default 374,000, seed 1,
# as of 2026-12-01) whose first run, on BENCH_RENDER_DATE (default 2027-02-15: a catch-up
# night eleven weeks after the city's date), records 20,009 notices: the smallest such city
# with at least 20,000 on one night. The run is recorded once (max_pages 1000); the date
# is then run again, which rewrites its print files from the ledger, with render_threads
# 1 and 2. kigen is timed by the run's `print:` log line (the rendering alone, not the
# CSV files, workbook and forecast that a re-run also writes); the baseline,
# scripts/notice_reportlab.py, draws the same notices into the same files and times
# itself the same way (database reads included, Python's start-up not).
if section render; then
RENDER_RESIDENTS=${BENCH_RENDER_RESIDENTS:-374000}
RENDER_DATE=${BENCH_RENDER_DATE:-2027-02-15}
RENDER="$WORK/render"
export PGDATABASE=kigen_bench_render
sh "$ROOT/scripts/db.sh" recreate kigen_bench_render >/dev/null
"$KIGEN" -q db migrate
rm -rf "$RENDER"
mkdir -p "$RENDER/reportlab"
echo
echo "== bench: print files, a city of $RENDER_RESIDENTS residents, run of $RENDER_DATE"
"$KIGEN" -q sample --residents "$RENDER_RESIDENTS" --seed 1
for threads in 1 2; do
    # the notice page alone, as the baseline draws it (the enclosed form is a second page
    # that ReportLab would have to draw too); the night's inquiries are print files too
    printf 'max_pages = 1000\nrender_threads = %s\nenclosure_template = none\n' "$threads" \
        >"$RENDER/threads$threads.conf"
done
# the same pages without the sheets' envelope codes (D85): what the code costs, and the
# like-for-like comparison with the baseline, which draws none
for name in notice inquiry; do
    sed '/^\[sheet_code\]/,/^$/d' "$ROOT/templates/$name.tmpl" >"$RENDER/$name-nocode.tmpl"
done
printf 'template = %s\ninquiry_template = %s\n' "$RENDER/notice-nocode.tmpl" \
    "$RENDER/inquiry-nocode.tmpl" | cat "$RENDER/threads1.conf" - >"$RENDER/threads1nocode.conf"
# --force: a night ahead of today (D78)
(cd "$ROOT" && "$KIGEN" run --date "$RENDER_DATE" --out "$RENDER/out" --force \
    --config "$RENDER/threads2.conf") >"$RENDER/record.txt" 2>"$RENDER/record.log"
head -1 "$RENDER/record.txt"
# the timed re-runs should not meet autovacuum or the writeback of the recording run
$PSQL -c "VACUUM ANALYZE"
sync
notices=$($PSQL -At -c "SELECT count(*) FROM kigen.notices WHERE run_date = '$RENDER_DATE'")

# "print: F files, P pages in S s (R pages/s, T threads, C s CPU)" of a re-run
render_kigen() {
    (cd "$ROOT" && "$KIGEN" run --date "$RENDER_DATE" --out "$RENDER/out" --force \
        --config "$RENDER/threads$1.conf") >/dev/null 2>"$RENDER/threads$1.log"
    set -- $(grep 'print: ' "$RENDER/threads$1.log" | sed 's/.*print: //; s/[(),]/ /g')
    files=$1 pages=$3 secs=$6 cpu=${12}
    bytes=$(cat "$RENDER/out/$RENDER_DATE"/notices-*.pdf "$RENDER/out/$RENDER_DATE"/forms-*.pdf |
        wc -c)
    digest=$(cat "$RENDER/out/$RENDER_DATE"/notices-*.pdf "$RENDER/out/$RENDER_DATE"/forms-*.pdf |
        sha256sum | cut -c1-16)
}
render_kigen 2 # warm-up: the first re-run after the recording is slower (caches)
render_kigen 1
k1_files=$files k1_pages=$pages k1_secs=$secs k1_cpu=$cpu k1_bytes=$bytes k1_digest=$digest
render_kigen 2
k2_files=$files k2_pages=$pages k2_secs=$secs k2_cpu=$cpu k2_bytes=$bytes k2_digest=$digest
render_kigen 1nocode
k0_files=$files k0_pages=$pages k0_secs=$secs k0_cpu=$cpu k0_bytes=$bytes

/usr/bin/python3 "$ROOT/scripts/notice_reportlab.py" "$ROOT/templates/notice.tmpl" \
    "$RENDER_DATE" "$RENDER/reportlab" "$KIGEN" >"$RENDER/reportlab.txt"
set -- $(sed 's/.*reportlab: //; s/[(),]/ /g' "$RENDER/reportlab.txt")
rl_files=$1 rl_pages=$3 rl_secs=$6 rl_cpu=${10}
rl_bytes=$(cat "$RENDER/reportlab"/*.pdf | wc -c)

printf '\n%-44s %7s %8s %9s %10s %13s %11s\n' "print files ($notices notices)" "files" "pages" \
    "seconds" "pages/s" "pages/CPU s" "bytes/page"
line() {
    printf '%-44s %7s %8s %9.2f %10s %13s %11s\n' "$1" "$2" "$3" "$4" "$(rate "$3" "$4")" \
        "$(rate "$3" "$5")" "$(rate "$6" "$3")"
}
line "Python ReportLab, every page drawn (baseline)" "$rl_files" "$rl_pages" "$rl_secs" \
    "$rl_cpu" "$rl_bytes"
line "kigen, render_threads 1" "$k1_files" "$k1_pages" "$k1_secs" "$k1_cpu" "$k1_bytes"
line "kigen, render_threads 2" "$k2_files" "$k2_pages" "$k2_secs" "$k2_cpu" "$k2_bytes"
line "kigen, 1 thread, no envelope code (D85)" "$k0_files" "$k0_pages" "$k0_secs" "$k0_cpu" \
    "$k0_bytes"
# pages per CPU second: what the machine's other load does not change (the wall clock does)
# the target compares the same page: the baseline draws no envelope code, so neither does
# kigen's third row; the code's own cost is the next line (D85)
printf 'ratio kigen 1 thread / ReportLab, the same page (no envelope code), pages/s: %.2f (target >= 5); per CPU second: %.2f\n' \
    "$(echo "($k0_pages / $k0_secs) / ($rl_pages / $rl_secs)" | bc -l)" \
    "$(echo "($k0_pages / $k0_cpu) / ($rl_pages / $rl_cpu)" | bc -l)"
printf 'ratio kigen with / without the envelope code: CPU per page %.2f, bytes per page %.2f; with the code / ReportLab without it, per CPU second: %.2f\n' \
    "$(echo "($k1_cpu / $k1_pages) / ($k0_cpu / $k0_pages)" | bc -l)" \
    "$(echo "($k1_bytes / $k1_pages) / ($k0_bytes / $k0_pages)" | bc -l)" \
    "$(echo "($k1_pages / $k1_cpu) / ($rl_pages / $rl_cpu)" | bc -l)"
printf 'ratio kigen 2 threads / 1 thread pages/s: %.2f (target near 2); CPU per page: %.2f\n' \
    "$(echo "($k2_pages / $k2_secs) / ($k1_pages / $k1_secs)" | bc -l)" \
    "$(echo "($k2_cpu / $k2_pages) / ($k1_cpu / $k1_pages)" | bc -l)"
printf 'ratio bytes/page kigen / ReportLab: %.2f (target <= 1); 1 and 2 threads, same bytes: %s\n' \
    "$(echo "($k1_bytes / $k1_pages) / ($rl_bytes / $rl_pages)" | bc -l)" \
    "$([ "$k1_digest" = "$k2_digest" ] && echo yes || echo NO)"
rm -rf "$RENDER/out" "$RENDER/reportlab"
fi

# ---- many municipalities, a queue of nights (issue 17): first nights with 1 and 2 workers
# Database kigen_bench_tenancy: BENCH_TENANCY_MUNICIPALITIES (default 40) municipalities of
# BENCH_TENANCY_RESIDENTS (default 25,000) residents each, every one its own synthetic city
# (`kigen --municipality CODE sample`, seed 1001, 1002, ...; as of BENCH_TENANCY_DATE,
# default 2026-12-01). That loaded state is copied four times (CREATE DATABASE ... TEMPLATE),
# so that every pass works the same first nights from the same start: `kigen queue --date D`
# enqueues every municipality's night, then `kigen worker --until-empty` (the nights
# rendered, print files included), timed from the workers' start to the last one's exit.
# The passes: 1 and 2 workers whose runs draw their print files on one thread each
# (render_threads = 1: the queue's scaling, like for like; the target's ratio, D181), then 1
# and 2 workers with the default (render_threads = 0, one per core: the most nights an hour,
# each worker's run already using more than one core). BENCH_TENANCY_CONFIG=FILE: settings
# added to both passes' configuration (not render_threads). The codes are real-shaped
# (prefecture 01..40, city 100, their check digit), the roles kigen_m<CODE> are the
# cluster's: dropped before and after.
if section tenancy; then
TEN_COUNT=${BENCH_TENANCY_MUNICIPALITIES:-40}
TEN_RESIDENTS=${BENCH_TENANCY_RESIDENTS:-25000}
TEN_DATE=${BENCH_TENANCY_DATE:-2026-12-01}
TEN_DB=kigen_bench_tenancy
TENANCY="$WORK/tenancy"
# the codes: PP100 and its check digit, weights 6 5 4 3 2, (11 - sum mod 11) mod 10 (D120)
TEN_CODES=$(awk -v n="$TEN_COUNT" 'BEGIN {
    for (p = 1; p <= n; p++) {
        prefix = sprintf("%02d100", p); sum = 0
        for (i = 1; i <= 5; i++) sum += substr(prefix, i, 1) * (7 - i)
        printf "%s%d\n", prefix, (11 - sum % 11) % 10
    } }')
tenancy_drop() { # the databases, then the roles (cluster-wide)
    {
        for db in "$TEN_DB" "${TEN_DB}_1_1" "${TEN_DB}_2_1" "${TEN_DB}_1_0" "${TEN_DB}_2_0"; do
            echo "DROP DATABASE IF EXISTS $db;"
        done
        for code in $TEN_CODES; do
            echo "DROP ROLE IF EXISTS kigen_m$code;"
        done
    } | PGOPTIONS="-c client_min_messages=warning" $PSQL -d postgres
}
tenancy_drop
rm -rf "$TENANCY"
mkdir -p "$TENANCY"
echo
echo "== bench: $TEN_COUNT municipalities of $TEN_RESIDENTS residents, first nights of $TEN_DATE"
export PGDATABASE=$TEN_DB
sh "$ROOT/scripts/db.sh" recreate "$TEN_DB" >/dev/null
"$KIGEN" -q db migrate
t0=$(now)
seed=1000
for code in $TEN_CODES; do
    seed=$((seed + 1))
    "$KIGEN" -q municipality add "$code" "架空市$seed"
    # its role may not ANALYZE the shared tables (a warning each): done below, untimed
    "$KIGEN" -q --municipality "$code" sample --residents "$TEN_RESIDENTS" --seed "$seed" \
        --as-of "$TEN_DATE" 2>"$TENANCY/sample-$code.log"
done
t1=$(now)
ten_load_secs=$(elapsed "$t0" "$t1")
$PSQL -c "VACUUM ANALYZE"
ten_residents=$($PSQL -At -c "SELECT count(*) FROM kigen.residents")
for copy in 1_1 2_1 1_0 2_0; do
    $PSQL -d postgres -c "CREATE DATABASE ${TEN_DB}_$copy TEMPLATE $TEN_DB"
done
# each pass's configuration: render_threads, then BENCH_TENANCY_CONFIG's settings
for threads in 0 1; do
    { printf 'render_threads = %s\n' "$threads"
      if [ -n "${BENCH_TENANCY_CONFIG:-}" ]; then grep -v '^ *render_threads' "$BENCH_TENANCY_CONFIG"; fi
    } >"$TENANCY/threads$threads.conf"
done
# The CPU of the database server's sessions: the postmaster's reaped children (fields 16
# and 17 of its /proc stat, clock ticks), where every backend's CPU lands when its
# connection closes (each run's sessions close with it; the server's own background
# processes, which live on, are not counted)
PGDATA_DIR=$($PSQL -At -c "SHOW data_directory")
server_cpu() {
    postmaster=$(head -1 "$PGDATA_DIR/postmaster.pid")
    awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($14 + $15) / hz }' \
        "/proc/$postmaster/stat"
}
# the nights: WORKERS workers whose runs draw on THREADS render threads (0: one per core)
# until the queue is empty; seconds into ten_secs, nights done (one recorded run per
# municipality) into ten_done, CPU seconds of kigen (the workers and their runs,
# /usr/bin/time) into ten_kigen_cpu and of the server's sessions into ten_server_cpu
tenancy_nights() {
    workers=$1 threads=$2
    export PGDATABASE="${TEN_DB}_${workers}_$threads"
    $PSQL -c "CHECKPOINT"
    "$KIGEN" -q queue --date "$TEN_DATE" >/dev/null
    pids=""
    cpu0=$(server_cpu)
    t0=$(now)
    for n in $(seq 1 "$workers"); do
        (cd "$ROOT" && KIGEN_TODAY=$TEN_DATE exec /usr/bin/time -f '%U %S' \
            -o "$TENANCY/worker$workers-$n.time" "$KIGEN" -q worker \
            --out "$TENANCY/out$workers-$threads" --until-empty --poll 1 \
            --config "$TENANCY/threads$threads.conf") >"$TENANCY/worker$workers-$n.log" 2>&1 &
        pids="$pids $!"
    done
    for pid in $pids; do wait "$pid" || true; done
    t1=$(now)
    ten_secs=$(elapsed "$t0" "$t1")
    ten_server_cpu=$(echo "$(server_cpu) - $cpu0" | bc -l)
    ten_kigen_cpu=$(tail -q -n 1 "$TENANCY"/worker"$workers"-*.time | awk '{ s += $1 + $2 } END { print s }')
    ten_done=$($PSQL -At -c "SELECT count(*) FROM kigen.night_queue WHERE run_date = '$TEN_DATE'
        AND state = 'done'")
    ten_runs=$($PSQL -At -c "SELECT count(DISTINCT municipality_code) || ' ' || count(*) FROM
        kigen.runs WHERE run_date = '$TEN_DATE' AND status = 'done'")
    ten_notices=$($PSQL -At -c "SELECT count(*) FROM kigen.notices WHERE run_date = '$TEN_DATE'")
}
# a pass's figures into w<WORKERS>_<THREADS>_secs, _done, _runs, _notices, _kigen, _server
tenancy_pass() {
    tenancy_nights "$1" "$2"
    eval "w$1_$2_secs=\$ten_secs w$1_$2_done=\$ten_done w$1_$2_runs=\$ten_runs"
    eval "w$1_$2_notices=\$ten_notices w$1_$2_kigen=\$ten_kigen_cpu w$1_$2_server=\$ten_server_cpu"
}
tenancy_pass 1 1
tenancy_pass 2 1
tenancy_pass 1 0
tenancy_pass 2 0
export PGDATABASE=$TEN_DB
printf '\n%-44s %7s %9s %12s %8s %11s %11s %6s\n' "first nights ($ten_residents residents)" \
    "nights" "seconds" "nights/hour" "notices" "kigen CPU s" "server CPU" "cores"
ten_line() {
    printf '%-44s %7s %9.2f %12.1f %8s %11.1f %11.1f %6.2f\n' "$1" "$2" "$3" \
        "$(echo "$2 * 3600 / $3" | bc -l)" "$4" "$5" "$6" "$(echo "($5 + $6) / $3" | bc -l)"
}
ten_line "1 worker, render_threads 1" "$w1_1_done" "$w1_1_secs" "$w1_1_notices" "$w1_1_kigen" \
    "$w1_1_server"
ten_line "2 workers, render_threads 1" "$w2_1_done" "$w2_1_secs" "$w2_1_notices" "$w2_1_kigen" \
    "$w2_1_server"
ten_line "1 worker, render_threads 0 (one per core)" "$w1_0_done" "$w1_0_secs" "$w1_0_notices" \
    "$w1_0_kigen" "$w1_0_server"
ten_line "2 workers, render_threads 0 (one per core)" "$w2_0_done" "$w2_0_secs" "$w2_0_notices" \
    "$w2_0_kigen" "$w2_0_server"
ratio() { echo "($3 / $4) / ($1 / $2)" | bc -l; }
printf 'ratio 2 workers / 1 worker nights/hour, render_threads 1: %.2f (target >= 1.8 on 2 cores); render_threads 0: %.2f; runs done (municipalities, runs): %s, %s, %s, %s; %d cities generated in %.1f s; %s\n' \
    "$(ratio "$w1_1_done" "$w1_1_secs" "$w2_1_done" "$w2_1_secs")" \
    "$(ratio "$w1_0_done" "$w1_0_secs" "$w2_0_done" "$w2_0_secs")" \
    "$w1_1_runs" "$w2_1_runs" "$w1_0_runs" "$w2_0_runs" \
    "$TEN_COUNT" "$ten_load_secs" "$(uptime | sed 's/.*load/load/')"
tenancy_drop
rm -rf "$TENANCY"
fi
