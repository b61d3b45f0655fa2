#!/bin/sh
# The queue of nights with twenty municipalities (issue 17, part 4; D170-D174): twenty
# municipalities (valid codes, their check digits computed here), each a small city of its
# own (`kigen sample --seed`), the first one larger so that its night lasts long enough to be
# killed in the middle. Each municipality is first run alone: the only (default)
# municipality of a database of its own, its nights one after the other with `kigen run`.
# Then all twenty are added to one database, loaded with `kigen --municipality CODE load`,
# their nights queued and worked by three `kigen worker --until-empty` sharing one output
# root; the worker running the large municipality's first night is killed with SIGKILL once
# that night's ledger is recorded, while its run draws the print files. One municipality's
# data breaks its nights: a resident with more certificates than a night can weigh (70, the
# limit is 64; the load takes the rows, its night exits 5). Checked: every other night is
# done and claimed once (attempts 1; the killed one 2, taken over from the killed worker),
# one run per municipality and date in the ledger, its files under OUT/<CODE>/<D>/ those of
# the night run alone (tests/queue/night_compare.py, D150, with --other-run-ids: the runs'
# numbers are the database's, D171); the killed night's files byte for byte what its ledger
# gives; no night was started by two workers (the workers' logs); the broken municipality's
# nights failed after their attempts with the error its night gives alone (the resident named
# by its id alone), no run of it in the ledger, no file. The workers' logs and `kigen queue
# status` are printed for the note. Roles are the cluster's: dropped at the end. Run by make
# test inside scripts/with-db.sh; skips without a database.
set -u

ROOT=$(cd -P "$(dirname "$0")/../.." && pwd -P)
NAME=test_queue_many
KIGEN=${KIGEN_BIN:-$ROOT/build/release/kigen}
. "$ROOT/tests/scripts/lib.sh" # check, contains, needs_database, wait_exit, finish
needs_database

DB=kigen_many_test
ALONE_DB=kigen_many_alone
TEMPLATE_DB=kigen_many_template
DATES="2026-12-01 2026-12-02"
LARGE_RESIDENTS=${QUEUE_MANY_LARGE_RESIDENTS:-20000}
export KIGEN_TODAY=2026-12-04
SCRATCH=$(mktemp -d /tmp/kigen-test-queue-many-XXXXXX)
OUT=$SCRATCH/out
ALONE=$SCRATCH/alone
WORKERS=""

# A code's check digit (D120): weights 6..2 over the first five digits, (11 - sum mod 11) mod 10
with_check_digit() {
    sum=0
    weight=6
    for digit in $(echo "$1" | sed 's/./& /g'); do
        sum=$((sum + digit * weight))
        weight=$((weight - 1))
    done
    echo "$1$(((11 - sum % 11) % 10))"
}
# prefectures 01..20, city part 201: valid codes (D120) whether or not a city holds them
CODES=""
for prefecture in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20; do
    CODES="$CODES $(with_check_digit "${prefecture}201")"
done
LARGE=$(echo "$CODES" | awk '{ print $1 }') # the first claimed: its first night is the one killed
BROKEN=$(echo "$CODES" | awk '{ print $11 }')

drop_everything() {
    {
        echo "DROP DATABASE IF EXISTS $DB;"
        echo "DROP DATABASE IF EXISTS $ALONE_DB;"
        echo "DROP DATABASE IF EXISTS $TEMPLATE_DB;"
        for code in $CODES; do echo "DROP ROLE IF EXISTS kigen_m$code;"; done
    } | PGOPTIONS="-c client_min_messages=warning" psql -X -q -d postgres >/dev/null 2>&1
}
cleanup() {
    for pid in $WORKERS; do kill -9 "$pid" 2>/dev/null; done
    drop_everything
    [ -n "${QUEUE_TEST_KEEP:-}" ] || rm -rf "$SCRATCH"
}
drop_everything
trap cleanup EXIT
trap 'exit 1' INT TERM
query() { psql -X -qtA -d "$DB" -c "$1" 2>&1; }
mkdir -p "$OUT" "$ALONE"

echo "== $NAME (1): twenty cities, each run alone in a database of its own"
sh "$ROOT/scripts/db.sh" recreate "$TEMPLATE_DB" >/dev/null 2>&1 &&
    PGDATABASE=$TEMPLATE_DB "$KIGEN" -q db migrate
check "a migrated database to copy" [ $? -eq 0 ]
seed=100
for code in $CODES; do
    seed=$((seed + 1))
    residents=$((150 + (seed % 7) * 50))
    [ "$code" = "$LARGE" ] && residents=$LARGE_RESIDENTS
    "$KIGEN" -q sample --residents "$residents" --seed "$seed" --csv "$SCRATCH/city/$code"
    if [ "$code" = "$BROKEN" ]; then
        # one resident with 70 certificates more, on a card of theirs: the load takes them
        awk -F, 'NR > 1 && $3 != "" { for (n = 1; n <= 70; n++)
            printf "%d,%s,%s,auth,2021-02-06,,\n", 9000000 + n, $2, $3; exit }' \
            "$SCRATCH/city/$code/certificates.csv" >"$SCRATCH/more.csv"
        cat "$SCRATCH/more.csv" >>"$SCRATCH/city/$code/certificates.csv"
        check "$code: a resident with 70 certificates more" [ "$(wc -l <"$SCRATCH/more.csv")" -eq 70 ]
    fi
    echo "$code $residents" >>"$SCRATCH/sizes"
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $ALONE_DB" \
        -c "CREATE DATABASE $ALONE_DB TEMPLATE $TEMPLATE_DB" >/dev/null
    PGDATABASE=$ALONE_DB "$KIGEN" -q load "$SCRATCH/city/$code" >/dev/null 2>"$SCRATCH/load.log"
    status=$?
    if [ "$code" = "$BROKEN" ]; then
        more=$(psql -X -qtA -d "$ALONE_DB" -c "SELECT count(*) FROM kigen.certificates
            WHERE certificate_id > 9000000")
        check "$code: its rows loaded alone (exit 5: no schedule for that resident)" \
            [ "$status $more" = "5 70" ]
        PGDATABASE=$ALONE_DB "$KIGEN" -q run --date 2026-12-01 --out "$ALONE/$code" \
            >/dev/null 2>"$SCRATCH/broken.log"
        check "$code: its night alone exits 5" [ $? -eq 5 ]
        continue
    fi
    check "$code: $residents residents loaded alone" [ "$status" -eq 0 ]
    for date in $DATES; do
        PGDATABASE=$ALONE_DB "$KIGEN" -q run --date "$date" --out "$ALONE/$code" >/dev/null ||
            check "$code: kigen run --date $date alone" false
    done
done
check "nineteen municipalities' nights run alone" [ "$(find "$ALONE" -name manifest.json | wc -l)" -eq 38 ]

echo "== $NAME (2): the twenty in one database, their nights queued, three workers"
sh "$ROOT/scripts/db.sh" recreate "$DB" >/dev/null 2>&1 && PGDATABASE=$DB "$KIGEN" -q db migrate
check "kigen db migrate" [ $? -eq 0 ]
added=0
loaded=0
for code in $CODES; do
    PGDATABASE=$DB "$KIGEN" -q municipality add "$code" "市$code" && added=$((added + 1))
    PGDATABASE=$DB "$KIGEN" -q --municipality "$code" load "$SCRATCH/city/$code" >/dev/null \
        2>"$SCRATCH/load.log"
    status=$?
    { [ "$status" -eq 0 ] || { [ "$code" = "$BROKEN" ] && [ "$status" -eq 5 ]; }; } &&
        loaded=$((loaded + 1))
done
check "twenty municipalities added and loaded as their roles" [ "$added $loaded" = "20 20" ]
for date in $DATES; do
    PGDATABASE=$DB "$KIGEN" queue --date "$date"
done
check "forty nights in the queue, none of the default" [ "$(query "SELECT count(*) || ' ' ||
    count(*) FILTER (WHERE municipality_code = '000000') FROM kigen.night_queue WHERE
    state = 'waiting'")" = "40 0" ]
for n in 1 2 3; do
    PGDATABASE=$DB "$KIGEN" worker --out "$OUT" --until-empty --lease 3 --poll 1 --backoff 1 \
        >"$SCRATCH/worker$n.log" 2>&1 &
    WORKERS="$WORKERS $!"
done
# the large municipality's first night recorded its ledger and draws its print files
victim=""
for _ in $(seq 1 600); do
    if [ "$(query "SELECT count(*) FROM kigen.runs WHERE municipality_code = '$LARGE' AND
        run_date = '2026-12-01' AND status = 'recorded'")" = 1 ]; then
        victim=$(query "SELECT split_part(lease_owner, ':', 2) FROM kigen.night_queue WHERE
            municipality_code = '$LARGE' AND run_date = '2026-12-01' AND state = 'running'")
        break
    fi
    sleep 0.1
done
check "$LARGE's first night recorded its ledger under a worker" [ -n "$victim" ]
run_pid=$(ps -o pid= --ppid "${victim:-0}" | tr -d ' ')
check "that worker runs the night as its child" [ -n "$run_pid" ]
kill -9 "$victim" 2>/dev/null
killed_at=$(date +%s)
echo "  worker $victim killed with SIGKILL in the middle of $LARGE's night of 2026-12-01" \
    "(its run $run_pid)"
for pid in $WORKERS; do
    [ "$pid" = "$victim" ] && continue
    wait_exit "$pid" 180
    status=$?
    check "worker $pid ended by itself (status $status: 0, or 1: a night failed in its hands)" \
        [ "$status" -le 1 ]
done
wait "$victim" 2>/dev/null
WORKERS=""
cat "$SCRATCH"/worker*.log | grep -E "worker .*: (night|the queue)" | sort | sed 's/^/  /'
echo "  kigen queue status:"
PGDATABASE=$DB "$KIGEN" queue status | sed 's/^/  /'

echo "== $NAME (3): every night done once, as it is alone"
for code in $CODES; do
    [ "$code" = "$BROKEN" ] && continue
    for date in $DATES; do
        attempts=1
        [ "$code $date" = "$LARGE 2026-12-01" ] && attempts=2
        check "$code $date: done, claimed $attempts time(s)" [ "$(query "SELECT state || ' ' ||
            attempts FROM kigen.night_queue WHERE municipality_code = '$code' AND
            run_date = '$date'")" = "done $attempts" ]
        check "$code $date: one run, done, in the ledger" [ "$(query "SELECT count(*) || ' ' ||
            count(*) FILTER (WHERE status = 'done') FROM kigen.runs WHERE
            municipality_code = '$code' AND run_date = '$date'")" = "1 1" ]
        compared=$(/usr/bin/python3 "$ROOT/tests/queue/night_compare.py" --other-run-ids \
            "$ALONE/$code/$date" "$OUT/$code/$date")
        check "$code $date: the files of the night run alone ($compared)" [ $? -eq 0 ]
    done
done
check "no folder of the default municipality's nights" [ ! -e "$OUT/2026-12-01" ]
check "no temporary file is left in the output root" [ -z "$(find "$OUT" -name '.*' -print)" ]
PGDATABASE=$DB "$KIGEN" -q --municipality "$LARGE" run --date 2026-12-01 \
    --out "$SCRATCH/again" >/dev/null
check "the killed night's files are byte for byte what its ledger gives" \
    diff -r "$OUT/$LARGE/2026-12-01" "$SCRATCH/again/$LARGE/2026-12-01"
took_over=$(grep -h "night 2026-12-01 of $LARGE: taken over from worker [^ ]*:$victim," \
    "$SCRATCH"/worker*.log | wc -l)
check "another worker took the killed night over from the killed one" [ "$took_over" -eq 1 ]
taken_at=$(query "SELECT extract(epoch FROM started_at)::bigint FROM kigen.night_queue WHERE
    municipality_code = '$LARGE' AND run_date = '2026-12-01'")
check "the takeover came after the kill, once the lease expired" [ "$taken_at" -ge "$killed_at" ]
cat "$SCRATCH"/worker*.log | grep -oE "night [0-9-]+ of [0-9]+: (started|taken over)" | sort |
    uniq -c >"$SCRATCH/starts"
twice=$(grep -v " of $BROKEN: started" "$SCRATCH/starts" | awk '$1 != 1' | wc -l)
check "no night was started twice, by one worker or two (the workers' logs)" [ "$twice" -eq 0 ]
check "every good night started, the killed one taken over once" [ "$(grep -vc " of $BROKEN:" \
    "$SCRATCH/starts")" -eq 39 ]

echo "== $NAME (4): the municipality whose data breaks its nights fails alone"
for date in $DATES; do
    check "$BROKEN $date: failed after its 3 attempts, exit status 5" [ "$(query "SELECT state ||
        ' ' || attempts || ' ' || exit_status FROM kigen.night_queue WHERE
        municipality_code = '$BROKEN' AND run_date = '$date'")" = "failed 3 5" ]
    check "$BROKEN $date: its three attempts one after the other (the workers' logs)" [ "$(grep -h \
        "night $date of $BROKEN: started" "$SCRATCH"/worker*.log | sed 's/.*started //' |
        sort | tr '\n' ' ')" = "(run 1 of 3) (run 2 of 3) (run 3 of 3) " ]
done
error=$(query "SELECT last_error FROM kigen.night_queue WHERE municipality_code = '$BROKEN'
    AND run_date = '2026-12-01'")
echo "  its last error: $error"
alone_error=$(sed -n 's/^[^ ]* kigen: error: //p' "$SCRATCH/broken.log" | tail -2)
check "it is the error its night gives alone, and only that (D174)" [ "$error" = "$alone_error" ]
resident=$(head -1 "$SCRATCH/more.csv" | cut -d, -f2)
check "it names the resident by its id alone, no name or address (D175)" [ "$error" = "unable to \
read resident $resident in the night's scan: more than 64 certificates, or a field the scan cannot \
read" ]
check "no run of it in the ledger" [ "$(query "SELECT count(*) FROM kigen.runs WHERE
    municipality_code = '$BROKEN'")" = 0 ]
check "no file of it (its run made the night's folder, then failed: empty, as alone)" \
    [ -z "$(find "$OUT/$BROKEN" "$ALONE/$BROKEN" -type f)" ]
check "the other nineteen's nights all done" [ "$(query "SELECT count(*) FROM kigen.night_queue
    WHERE state = 'done' AND municipality_code <> '$BROKEN'")" = 38 ]

finish
