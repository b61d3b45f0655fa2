#!/bin/sh
# No other local user reaches the embedded cluster (scripts/db.sh). As root, with the user
# `nobody` as the attacker: (1) nobody cannot connect to the running test cluster, which
# has peer authentication only and a 0700 socket; (2) a checkout too deep for var/ gets a
# fresh private directory, not the /var/tmp/kigen-<cksum> that nobody planted with links,
# and a cluster with the old trust settings is migrated on start; (3) db.sh refuses a
# checkout under a directory nobody owns, anyone can write, or a var/ that is a link.
# Skips (status 0) when not root or without `nobody`. Run by `make test`.
set -u

ROOT=$(cd -P "$(dirname "$0")/../.." && pwd -P)
NAME=test_db_security
if [ "$(id -u)" -ne 0 ] || ! id nobody >/dev/null 2>&1 || ! command -v runuser >/dev/null; then
    echo "$NAME: skipped: needs root, runuser and a 'nobody' user (running as $(id -un))"
    exit 0
fi
cd /
. "$ROOT/tests/scripts/lib.sh" # check, contains, finish
owner() { stat -c %U -- "$1"; }
is_link_of_nobody() { [ -L "$1" ] && [ "$(owner "$1")" = nobody ]; }
pg_ctl_bin=$(ls -d /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -n 1)
[ -n "$pg_ctl_bin" ] || pg_ctl_bin=$(command -v pg_ctl)

# psql as root (the positive control) and as nobody (output and status kept)
root_query() { psql -X -h "$1" -U kigen -d postgres -tAc "$2" 2>&1; }
nobody_connects() {
    nobody_out=$(runuser -u nobody -- psql -X -h "$1" -U kigen -d postgres -tAc 'SELECT 1' 2>&1)
}
# refused by the socket's permissions (or, past them, by peer authentication)
nobody_refused() {
    if nobody_connects "$1"; then
        echo "  nobody connected: $nobody_out"
        return 1
    fi
    echo "  nobody: $(echo "$nobody_out" | head -n 1)"
    contains "$nobody_out" "Permission denied" || contains "$nobody_out" "authentication failed"
}
auth_rules() {
    root_query "$1" "SELECT string_agg(type || ' ' || auth_method || ' ' ||
        coalesce(array_to_string(options, ','), ''), '; ') FROM pg_hba_file_rules"
}

SCRATCH=$(mktemp -d /tmp/kigen-test-db-security-XXXXXX)
LONG="$SCRATCH/a-checkout-whose-path-is-too-long-for-a-unix-socket-so-db-sh-falls-back"
PLANTED="/var/tmp/kigen-$(printf '%s' "$LONG" | cksum | cut -d' ' -f1)"
FALLBACK=""
cleanup() {
    if [ -n "$FALLBACK" ] && [ -f "$FALLBACK/pgdata/postmaster.pid" ]; then
        runuser -u postgres -- "$pg_ctl_bin" -D "$FALLBACK/pgdata" -m immediate -w stop \
            >/dev/null 2>&1
    fi
    [ -z "$FALLBACK" ] || rm -rf "$FALLBACK"
    rm -rf "$PLANTED" "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

echo "== $NAME (1): the running test cluster"
MAIN_SOCK=$(sh "$ROOT/scripts/db.sh" sockdir)
check "root connects to $MAIN_SOCK as kigen" [ "$(root_query "$MAIN_SOCK" 'SELECT 1')" = 1 ]
check "nobody cannot connect to $MAIN_SOCK" nobody_refused "$MAIN_SOCK"
check "peer authentication with the map kigen is the only rule" \
    [ "$(auth_rules "$MAIN_SOCK")" = "local peer map=kigen" ]
check "the map names root, postgres and the invoking user, not nobody" [ "$(root_query \
    "$MAIN_SOCK" "SELECT string_agg(sys_name || '>' || pg_username, ' ' ORDER BY line_number)
    FROM pg_ident_file_mappings WHERE map_name = 'kigen'")" = "root>kigen postgres>kigen" ]
check "unix_socket_permissions is 0700" \
    [ "$(root_query "$MAIN_SOCK" 'SHOW unix_socket_permissions')" = 0700 ]

echo "== $NAME (2): the fallback directory, with the old predictable one planted by nobody"
mkdir -m 700 "$LONG" && cp -R "$ROOT/scripts" "$LONG/"
sock_len=$(printf '%s' "$LONG/var/run/.s.PGSQL.5432" | wc -c)
check "var/'s socket path ($sock_len bytes) is too long, forcing the fallback" \
    [ "$sock_len" -gt 100 ]
CANARY="$SCRATCH/root-owned-canary"
: >"$CANARY"
chmod 600 "$CANARY"
# the old attack: nobody makes /var/tmp/kigen-<cksum> with run/ in its own hands and log
# aimed at a root-owned file; and a pointer of its own, which root's var/ then links to
runuser -u nobody -- sh -c 'mkdir -m 777 "$1" "$1/sock" && ln -s "$1/sock" "$1/run" &&
    ln -s "$2" "$1/log" && echo "$1" >"$1/pointer"' sh "$PLANTED" "$CANARY"
check "nobody planted $PLANTED" is_link_of_nobody "$PLANTED/run"
mkdir -m 700 "$LONG/var"
ln -s "$PLANTED/pointer" "$LONG/var/db-location"
out=$(sh "$LONG/scripts/db.sh" start 2>&1)
check "a pointer that is a symbolic link is refused" \
    contains "$out" "db-location': it is a symbolic link"
rm -f "$LONG/var/db-location"
echo "$PLANTED" >"$LONG/var/db-location"
out=$(sh "$LONG/scripts/db.sh" start 2>&1)
check "a pointer naming nobody's directory is refused" contains "$out" "owned by nobody"
rm -f "$LONG/var/db-location"
out=$(sh "$LONG/scripts/db.sh" start 2>&1)
status=$?
echo "$out" | sed 's/^/  /'
check "db.sh start succeeds" [ "$status" -eq 0 ]
FALLBACK_SOCK=$(sh "$LONG/scripts/db.sh" sockdir)
FALLBACK=${FALLBACK_SOCK%/run}
fresh_dir() { [ "$FALLBACK" != "$PLANTED" ] && contains "$FALLBACK" /var/tmp/kigen-; }
check "the cluster is in a fresh directory ($FALLBACK), not $PLANTED" fresh_dir
check "var/db-location names it" [ "$(cat "$LONG/var/db-location")" = "$FALLBACK" ]
check "it is a directory of postgres's, mode 700" \
    [ "$(stat -c '%U %a %F' -- "$FALLBACK")" = "postgres 700 directory" ]
check "root connects to it as kigen" [ "$(root_query "$FALLBACK_SOCK" 'SELECT 1')" = 1 ]
check "nobody cannot connect to it" nobody_refused "$FALLBACK_SOCK"
check "no socket in nobody's planted run/" [ -z "$(ls -A "$PLANTED/sock")" ]
planted_untouched() { is_link_of_nobody "$PLANTED/run" && is_link_of_nobody "$PLANTED/log"; }
check "the planted run and log are untouched links of nobody's" planted_untouched
check "nothing under $PLANTED belongs to postgres" [ -z "$(find "$PLANTED" -user postgres)" ]
check "the root-owned file behind the planted log link is still root's" \
    [ "$(stat -c '%U %a' -- "$CANARY")" = "root 600" ]

# a cluster made by the old db.sh: trust, socket 0777, running; start migrates it
sh "$LONG/scripts/db.sh" stop >/dev/null
runuser -u postgres -- sh -c 'echo "local all all trust" >"$1/pg_hba.conf" &&
    echo "unix_socket_permissions = 0777" >>"$1/postgresql.conf" && chmod 755 "$2" &&
    "$3" -D "$1" -l "$4" -w start >/dev/null' sh "$FALLBACK/pgdata" "$FALLBACK_SOCK" \
    "$pg_ctl_bin" "$FALLBACK/log/postgres.log"
check "the old settings are in force (trust)" \
    [ "$(auth_rules "$FALLBACK_SOCK")" = "local trust " ]
out=$(sh "$LONG/scripts/db.sh" start 2>&1)
echo "$out" | sed 's/^/  /'
check "db.sh start restarts it with peer authentication" \
    [ "$(auth_rules "$FALLBACK_SOCK")" = "local peer map=kigen" ]
socket_modes() { stat -c %a -- "$FALLBACK_SOCK/.s.PGSQL.5432" "$FALLBACK_SOCK" | tr '\n' ' '; }
check "and a socket and a run/ only postgres can open" [ "$(socket_modes)" = "700 700 " ]
check "nobody cannot connect to the migrated cluster" nobody_refused "$FALLBACK_SOCK"

sh "$LONG/scripts/db.sh" destroy >/dev/null
removed() { [ ! -e "$FALLBACK" ] && [ ! -e "$LONG/var/db-location" ]; }
check "db.sh destroy removes the directory and its pointer" removed
FALLBACK=""

echo "== $NAME (3): checkouts whose path others control"
refused() {
    checkout="$SCRATCH/$1/checkout"
    out=$(sh "$checkout/scripts/db.sh" start 2>&1)
    start_status=$?
    echo "  $(echo "$out" | head -n 1)"
    sockdir=$(sh "$checkout/scripts/db.sh" sockdir 2>/dev/null)
    [ "$start_status" -ne 0 ] && contains "$out" "$2" && [ -z "$sockdir" ] &&
        [ ! -d "$checkout/var/pgdata" ]
}
for case_dir in owned-by-nobody world-writable var-is-a-link; do
    mkdir -p "$SCRATCH/$case_dir/checkout" && cp -R "$ROOT/scripts" "$SCRATCH/$case_dir/checkout/"
done
chown nobody "$SCRATCH/owned-by-nobody"
chmod 777 "$SCRATCH/world-writable"
mkdir -m 700 "$SCRATCH/elsewhere"
ln -s "$SCRATCH/elsewhere" "$SCRATCH/var-is-a-link/checkout/var"
check "a parent directory owned by nobody is refused" refused owned-by-nobody "owned by nobody"
check "a parent directory anyone can write is refused" \
    refused world-writable "writable by group or others"
check "a var/ that is a symbolic link is refused" refused var-is-a-link "is a symbolic link"
check "nothing was made behind the link" [ -z "$(ls -A "$SCRATCH/elsewhere")" ]

finish
