#!/bin/sh
# `make test`'s runner inside scripts/with-db.sh: the CUnit binary (every suite, or the one
# named), then each script test; all of them run. Exits with the binary's status, or 1
# when only a script failed.
#   tests/run-tests.sh KIGEN_TESTS [SUITE] -- [SCRIPT...]
set -u
binary=$1
shift
suite=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    suite="$suite $1"
    shift
done
[ $# -gt 0 ] && shift
# shellcheck disable=SC2086
"$binary" $suite
status=$?
for script in "$@"; do
    sh "$script" || { [ "$status" -ne 0 ] || status=1; }
done
exit $status
