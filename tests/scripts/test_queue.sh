#!/bin/sh
# The queue of nights with several workers (issue 17, part 3; docs/operations.md "A queue
# of nights"): a synthetic city's nights, each run alone with `kigen run` in a reference
# database, then the same nights queued in a second database and worked by three `kigen
# worker --until-empty` processes sharing one output root; the worker running the first
# (long) night is killed with SIGKILL in the middle of it, after its ledger is recorded,
# while its run draws the print files. Checked: the killed worker's run dies with it
# (PR_SET_PDEATHSIG); another worker takes the night over once the lease expired; every
# night is done exactly once (one run of each date in the ledger), its files the same as
# the night run alone (tests/queue/night_compare.py: byte for byte but for the random control
# numbers, D63) and byte for byte what its ledger gives (the date run again); no night was
# started by two workers; a night that cannot run (a date too far ahead) fails alone after
# its attempts, with its error, and the others finish; a worker sent SIGTERM in the middle of
# a night stops after it, the night done. The workers' logs and `kigen queue status` are
# printed for the note. Run by make test inside scripts/with-db.sh; skips without a database.
set -u

ROOT=$(cd -P "$(dirname "$0")/../.." && pwd -P)
NAME=test_queue
KIGEN=${KIGEN_BIN:-$ROOT/build/release/kigen}
. "$ROOT/tests/scripts/lib.sh" # check, contains, needs_database, wait_exit, finish
needs_database

DB=kigen_queue_test
REF_DB=kigen_queue_ref
RESIDENTS=${QUEUE_TEST_RESIDENTS:-60000}
DATES="2026-12-01 2026-12-02 2026-12-03 2026-12-04"
BAD_DATE=2027-03-01 # more than max_days_ahead after the test's today: the run exits 2
export KIGEN_TODAY=2026-12-04
SCRATCH=$(mktemp -d /tmp/kigen-test-queue-XXXXXX)
OUT=$SCRATCH/out
REF=$SCRATCH/ref
WORKERS=""
cleanup() {
    for pid in $WORKERS; do kill -9 "$pid" 2>/dev/null; done
    PGOPTIONS="-c client_min_messages=warning" psql -X -q -d postgres \
        -c "DROP DATABASE IF EXISTS $DB" -c "DROP DATABASE IF EXISTS $REF_DB" >/dev/null 2>&1
    [ -n "${QUEUE_TEST_KEEP:-}" ] || rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
query() { psql -X -qtA -d "$DB" -c "$1" 2>&1; }
mkdir -p "$OUT" "$REF"

echo "== $NAME (1): a city of $RESIDENTS residents in two databases; each night alone"
for db in "$DB" "$REF_DB"; do
    sh "$ROOT/scripts/db.sh" recreate "$db" >/dev/null 2>&1 &&
        PGDATABASE=$db "$KIGEN" -q db migrate &&
        PGDATABASE=$db "$KIGEN" -q sample --residents "$RESIDENTS" --seed 17 \
            --as-of 2026-12-01 >/dev/null
    check "the city in $db" [ $? -eq 0 ]
done
for date in $DATES; do
    PGDATABASE=$REF_DB "$KIGEN" -q run --date "$date" --out "$REF" >/dev/null
    check "kigen run --date $date alone" [ $? -eq 0 ]
done

echo "== $NAME (2): the nights queued, three workers, the first night's worker killed"
for date in $DATES; do
    PGDATABASE=$DB "$KIGEN" queue --date "$date" >/dev/null
done
PGDATABASE=$DB "$KIGEN" queue --date "$BAD_DATE" --max-attempts 2 >/dev/null
check "five nights in the queue" [ "$(query "SELECT count(*) FROM kigen.night_queue WHERE
    state = 'waiting'")" = 5 ]
for n in 1 2 3; do
    PGDATABASE=$DB "$KIGEN" worker --out "$OUT" --until-empty --lease 3 --poll 1 --backoff 1 \
        >"$SCRATCH/worker$n.log" 2>&1 &
    WORKERS="$WORKERS $!"
done
# the first night recorded its ledger and draws its print files: kill its worker now
victim=""
for _ in $(seq 1 600); do
    if [ "$(query "SELECT count(*) FROM kigen.runs WHERE run_date = '2026-12-01' AND
        status = 'recorded'")" = 1 ]; then
        victim=$(query "SELECT split_part(lease_owner, ':', 2) FROM kigen.night_queue WHERE
            run_date = '2026-12-01' AND state = 'running'")
        break
    fi
    sleep 0.1
done
check "the first night's run recorded its ledger under a worker" [ -n "$victim" ]
run_pid=$(ps -o pid= --ppid "${victim:-0}" | tr -d ' ')
check "that worker runs the night as its child" [ -n "$run_pid" ]
kill -9 "$victim" 2>/dev/null
killed_at=$(date +%s)
sleep 1
# gone, or a zombie that nobody reaps (a container's first process may not)
gone() { state=$(ps -o stat= -p "$1" 2>/dev/null); [ -z "$state" ] || contains "$state" Z; }
check "the night's run died with its worker (PR_SET_PDEATHSIG)" gone "${run_pid:-0}"
status_after_kill=$(query "SELECT state || ' ' || attempts FROM kigen.night_queue WHERE
    run_date = '2026-12-01'")
echo "  worker $victim killed with SIGKILL (its run $run_pid); the night: $status_after_kill"
others=0
for pid in $WORKERS; do
    [ "$pid" = "$victim" ] && continue
    wait_exit "$pid" 120
    status=$?
    others=$((others + 1))
    check "worker $pid ended by itself (status $status: 0, or 1 for the night that failed)" \
        [ "$status" -le 1 ]
done
wait "$victim" 2>/dev/null
WORKERS=""
cat "$SCRATCH"/worker*.log | grep -E "worker .*: (night|the queue)" | sort | sed 's/^/  /'
echo "  kigen queue status:"
PGDATABASE=$DB "$KIGEN" queue status | sed 's/^/  /'

echo "== $NAME (3): every night done once, as it is alone"
for date in $DATES; do
    check "$date: done in the queue" [ "$(query "SELECT state FROM kigen.night_queue WHERE
        run_date = '$date'")" = done ]
    check "$date: one run, done, in the ledger" [ "$(query "SELECT count(*) || ' ' ||
        count(*) FILTER (WHERE status = 'done') FROM kigen.runs WHERE run_date = '$date'")" = "1 1" ]
    compared=$(/usr/bin/python3 "$ROOT/tests/queue/night_compare.py" "$REF/$date" "$OUT/$date")
    status=$?
    echo "  $date: $compared" | tr '\n' ' '
    echo
    check "$date: the files are those of the night run alone (control numbers paired)" \
        [ "$status" -eq 0 ]
    PGDATABASE=$DB "$KIGEN" -q run --date "$date" --out "$SCRATCH/again" >/dev/null
    check "$date: and byte for byte those its ledger gives" diff -r "$OUT/$date" \
        "$SCRATCH/again/$date"
done
check "the same notices as alone, none twice" [ "$(query "SELECT count(*) || ' ' ||
    count(DISTINCT notice_no) FROM kigen.notices")" = "$(psql -X -qtA -d "$REF_DB" -c "SELECT
    count(*) || ' ' || count(DISTINCT notice_no) FROM kigen.notices")" ]
check "no temporary file is left in the output root" \
    [ -z "$(find "$OUT" -name '.*' -print)" ]
took_over=$(grep -h "night 2026-12-01 of 000000: taken over from worker [^ ]*:$victim," \
    "$SCRATCH"/worker*.log | wc -l)
check "another worker took the killed night over from the killed one" [ "$took_over" -eq 1 ]
check "the killed night used a second attempt" [ "$(query "SELECT attempts FROM
    kigen.night_queue WHERE run_date = '2026-12-01'")" = 2 ]
# each night started once (the killed one: started, then taken over once)
echo "  runs started per night (started, or taken over):"
cat "$SCRATCH"/worker*.log | grep -oE "night [0-9-]+ of [0-9]+: (started|taken over)" | sort |
    uniq -c | sed 's/^ */    /'
for date in 2026-12-02 2026-12-03 2026-12-04; do
    check "$date was started by one worker, once" \
        [ "$(cat "$SCRATCH"/worker*.log | grep -c "night $date of 000000: started")" -eq 1 ]
done
taken_at=$(query "SELECT extract(epoch FROM started_at)::bigint FROM kigen.night_queue WHERE
    run_date = '2026-12-01'")
check "the takeover came after the kill, once the lease expired" [ "$taken_at" -ge "$killed_at" ]

echo "== $NAME (4): the night that cannot run fails alone"
check "$BAD_DATE: failed after 2 attempts, exit status 2, with its error" [ "$(query "SELECT
    state || ' ' || attempts || ' ' || exit_status FROM kigen.night_queue WHERE
    run_date = '$BAD_DATE'")" = "failed 2 2" ]
error=$(query "SELECT last_error FROM kigen.night_queue WHERE run_date = '$BAD_DATE'")
check "its error is the run's" contains "$error" "unable to run the night of $BAD_DATE"
check "no folder for it" [ ! -e "$OUT/$BAD_DATE" ]

echo "== $NAME (5): SIGTERM stops a worker after the night it runs"
# the reference database's first night again: written anew from its ledger, a few seconds
PGDATABASE=$REF_DB "$KIGEN" queue --date 2026-12-01 >/dev/null
PGDATABASE=$REF_DB "$KIGEN" worker --out "$SCRATCH/again" --lease 3 --poll 1 \
    >"$SCRATCH/stopped.log" 2>&1 &
stopped=$!
WORKERS=$stopped
for _ in $(seq 1 300); do
    [ "$(psql -X -qtA -d "$REF_DB" -c "SELECT state FROM kigen.night_queue")" = running ] && break
    sleep 0.1
done
sleep 0.5
kill -TERM "$stopped"
wait_exit "$stopped" 60
status=$?
WORKERS=""
grep -E "stopping|night 2026-12-01|worker:" "$SCRATCH/stopped.log" | sed 's/^/  /'
check "the worker ended by itself, status 0" [ "$status" -eq 0 ]
check "it said it would stop after the night" grep -q "stopping (signal 15) after the current night" \
    "$SCRATCH/stopped.log"
check "the night it ran is done, its run not cut short" [ "$(psql -X -qtA -d "$REF_DB" -c "SELECT
    state || ' ' || exit_status FROM kigen.night_queue")" = "done 0" ]
check "and its files are all there" diff -r "$REF/2026-12-01" "$SCRATCH/again/2026-12-01"

finish
