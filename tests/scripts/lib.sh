# lib.sh - what the script tests share: `check DESCRIPTION COMMAND...` runs the command
# and prints "NAME: ok: ..." or "NAME: FAILED: ..." (setting failed=1), `contains TEXT
# PART`, `needs_database` (a script that needs the test cluster skips without it) and
# `finish` (the verdict and the exit status). Sourced by tests/scripts/test_*.sh after they
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
# the last line: "NAME: all passed" and exit 0, or "NAME: FAILED" and exit 1
finish() {
    if [ "$failed" -ne 0 ]; then
        echo "$NAME: FAILED"
        exit 1
    fi
    echo "$NAME: all passed"
    exit 0
}
