#!/bin/sh
# Runs a command with the embedded database up: starts it when it is not running, and
# stops it afterwards only if this script started it. Exits with the command's status.
# A cluster already running still goes through `db.sh start`, which brings the settings
# of one made by an older db.sh up to date (peer authentication, private socket).
#   scripts/with-db.sh COMMAND [ARGS...]
set -u
DB="$(dirname "$0")/db.sh"
started=0
if sh "$DB" status >/dev/null 2>&1; then
    sh "$DB" start >/dev/null || exit 4
else
    sh "$DB" start || exit 4
    started=1
fi
db_env=$(sh "$DB" env) || exit 4
eval "$db_env"
# KIGEN_TEST_DB=name: run against a fresh, empty database of that name
if [ -n "${KIGEN_TEST_DB:-}" ]; then
    sh "$DB" recreate "$KIGEN_TEST_DB" || exit 4
    export PGDATABASE="$KIGEN_TEST_DB"
fi
"$@"
status=$?
[ "$started" -eq 1 ] && sh "$DB" stop
exit $status
