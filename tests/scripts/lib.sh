# lib.sh - what the script tests share: `check DESCRIPTION COMMAND...` runs the command
# and prints "NAME: ok: ..." or "NAME: FAILED: ..." (setting failed=1), `contains TEXT
# PART`, `needs_database` (a script that needs the test cluster skips without it),
# `wait_exit PID SECONDS` (a child's exit status) and `finish` (the verdict and the exit
# status). Sourced by tests/scripts/test_*.sh after they
# set NAME.
failed=0
check() {
    description=$1
    shift
    if "$@"; then
        echo "$NAME: ok: $description"
    else
        echo "$NAME: FAILED: $description"
        failed=1
    fi
}
contains() { case $1 in *"$2"*) return 0 ;; esac; return 1; }
# the test cluster's PG* variables (make test's scripts/with-db.sh) and psql, else the script
# is skipped: exit 0
needs_database() {
    if [ -z "${PGHOST:-}" ] || ! command -v psql >/dev/null; then
        echo "$NAME: skipped: needs the test cluster's PG* variables and psql (run by make test)"
        exit 0
    fi
}
# the exit status of the child PID once it has ended; one still running after SECONDS is
# killed (SIGKILL: 137), so that a worker that never ends fails its check instead of
# hanging the test
wait_exit() {
    waited=0
    while kill -0 "$1" 2>/dev/null && [ $waited -lt $(($2 * 10)) ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    kill -KILL "$1" 2>/dev/null
    wait "$1"
}
# the last line: "NAME: all passed" and exit 0, or "NAME: FAILED" and exit 1
finish() {
    if [ "$failed" -ne 0 ]; then
        echo "$NAME: FAILED"
        exit 1
    fi
    echo "$NAME: all passed"
    exit 0
}
