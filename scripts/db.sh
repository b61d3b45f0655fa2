#!/bin/sh
# The embedded PostgreSQL cluster: a throwaway database for the demo and the tests, Unix
# socket only (no TCP), open to the invoking OS user alone (peer authentication mapped to
# the database user kigen, socket and directories 0700, no trust anywhere). Not for
# production: users point kigen at their own server with PGHOST/PGSERVICE/--db.
#   scripts/db.sh start|stop|status|sockdir|env|recreate NAME|destroy
#
# Where it lives (README "The embedded database", docs/internals.md):
# - var/ of the checkout (pgdata/, run/ for the socket, log/) when it can serve: the
#   socket path fits a Unix socket (100 bytes) and, as root, the server user `postgres`
#   can reach the checkout (PostgreSQL refuses to run as root);
# - otherwise a fresh private directory made by `mktemp -d` in /var/tmp, whose random
#   name var/db-location records for later calls. Both the pointer and the directory
#   are verified on every read; a directory that vanished (a reboot cleaned /var/tmp) is
#   replaced by a new one.
# Every directory on the way to the cluster must be owned by root, postgres or the
# invoking user and writable by nobody else (a sticky directory such as /var/tmp
# excepted): otherwise db.sh refuses, since its owner could swap the cluster's files.
set -eu

ROOT=$(cd -P "$(dirname "$0")/.." && pwd -P)
VAR="$ROOT/var"
POINTER="$VAR/db-location"
PORT=5432
DB_NAME=kigen
DB_USER=kigen
# sun_path holds 108 bytes; PostgreSQL also needs room for its lock file's name
SOCK_MAX=100
cd /

fail() {
    echo "db: $1" >&2
    [ -z "${2:-}" ] || echo "HINT: $2" >&2
    exit 1
}

INVOKER_UID=$(id -u)
INVOKER_NAME=$(id -un 2>/dev/null) ||
    fail "unable to name the user with uid $INVOKER_UID: peer authentication needs a name"
POSTGRES_UID=$(id -u postgres 2>/dev/null || echo none)
if [ "$INVOKER_UID" -eq 0 ] && [ "$POSTGRES_UID" = none ]; then
    fail "unable to find the user 'postgres': PostgreSQL refuses to run as root" "make deps"
fi

is_root() { [ "$INVOKER_UID" -eq 0 ]; }
case $INVOKER_NAME in
    root | postgres) TRUSTED_NAMES="root or postgres" ;;
    *) TRUSTED_NAMES="root, postgres or $INVOKER_NAME" ;;
esac

pg_bindir() {
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
        [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
    echo "db: unable to find initdb: is the PostgreSQL server installed?" >&2
    echo "HINT: make deps" >&2
    exit 1
}

# The server runs as postgres under root, as the invoking user otherwise.
as_server_user() {
    if is_root; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# Owned by root, postgres or the invoking user.
trusted_uid() {
    [ "$1" = 0 ] || [ "$1" = "$INVOKER_UID" ] || [ "$1" = "$POSTGRES_UID" ]
}

# One directory on the way to the cluster: a real directory (not a symbolic link), owned
# by a trusted user, writable by no one else unless sticky (nobody can then rename or
# remove what a trusted user put there).
check_component() {
    [ ! -L "$1" ] || fail "unable to use '$1': it is a symbolic link" \
        "the cluster's path must not go through links others could change"
    [ -d "$1" ] || fail "unable to use '$1': not a directory"
    owner_uid=$(stat -c %u -- "$1")
    mode=$(stat -c %a -- "$1")
    trusted_uid "$owner_uid" ||
        fail "unable to use '$1': owned by $(stat -c %U -- "$1"), not by $TRUSTED_NAMES" \
            "its owner could swap the cluster's files: every directory on the way to the \
cluster must belong to $TRUSTED_NAMES"
    if [ $((0$mode & 022)) -ne 0 ] && [ $((0$mode & 01000)) -eq 0 ]; then
        fail "unable to use '$1': writable by group or others (mode $mode)" \
            "chmod go-w '$1', or use a checkout whose parents only their owners can write"
    fi
}

# Every component of an absolute path without . or .. components, / first.
check_path() {
    case $1 in
        /*) ;;
        *) fail "unable to use '$1': not an absolute path" ;;
    esac
    case /$1/ in
        */./* | */../*) fail "unable to use '$1': it has . or .. components" ;;
    esac
    check_component /
    prefix=""
    rest=${1#/}
    while [ -n "$rest" ]; do
        part=${rest%%/*}
        case $rest in
            */*) rest=${rest#*/} ;;
            *) rest="" ;;
        esac
        [ -n "$part" ] || continue
        prefix="$prefix/$part"
        check_component "$prefix"
    done
}

# Whether var/ can hold the cluster: its socket path fits, and under root the server
# user can reach the checkout.
var_serves() {
    sock_len=$(printf '%s' "$VAR/run/.s.PGSQL.$PORT" | wc -c)
    [ "$sock_len" -le "$SOCK_MAX" ] || return 1
    if is_root; then
        runuser -u postgres -- test -x "$ROOT" 2>/dev/null || return 1
    fi
    return 0
}

# The fallback directory named by var/db-location, in DIR; DIR is empty when there is no
# pointer or its directory vanished or belongs to another checkout. A pointer or a
# directory that fails the checks stops db.sh.
read_pointer() {
    DIR=""
    [ -e "$POINTER" ] || [ -L "$POINTER" ] || return 0
    remove_hint="remove '$POINTER' (and the directory it names, once you know what it is)"
    [ ! -L "$POINTER" ] || fail "unable to use '$POINTER': it is a symbolic link" "$remove_hint"
    [ -f "$POINTER" ] || fail "unable to use '$POINTER': not a regular file" "$remove_hint"
    [ "$(stat -c %u -- "$POINTER")" = "$INVOKER_UID" ] ||
        fail "unable to use '$POINTER': owned by $(stat -c %U -- "$POINTER"), \
not by $INVOKER_NAME" "$remove_hint"
    pointer_mode=$(stat -c %a -- "$POINTER")
    [ $((0$pointer_mode & 022)) -eq 0 ] ||
        fail "unable to use '$POINTER': writable by group or others (mode $pointer_mode)" \
            "$remove_hint"
    target=$(sed -n 1p "$POINTER")
    case $target in
        /*/kigen-*) ;;
        *) fail "unable to use '$POINTER': '$target' is not a cluster directory" "$remove_hint" ;;
    esac
    if [ ! -e "$target" ] && [ ! -L "$target" ]; then
        echo "db: the cluster directory '$target' is gone (cleaned from /var/tmp?)" >&2
        return 0
    fi
    check_path "$target"
    target_mode=$(stat -c %a -- "$target")
    [ "$target_mode" = 700 ] ||
        fail "unable to use '$target': mode $target_mode, not 700" "$remove_hint"
    if [ "$(cat "$target/checkout" 2>/dev/null || true)" != "$ROOT" ]; then
        echo "db: '$target' is not this checkout's cluster (var/ copied from another?)" >&2
        return 0
    fi
    DIR=$target
}

# A fresh private directory for the cluster: mktemp -d makes it 0700 with a random name,
# so nothing in it can have been planted; the pointer replaces the old one atomically.
allocate() {
    base=/var/tmp
    [ -d "$base" ] || base=/tmp
    base=$(cd -P "$base" && pwd -P)
    check_path "$base"
    DIR=$(mktemp -d "$base/kigen-XXXXXXXXXX") ||
        fail "unable to create a directory in '$base'"
    printf '%s\n' "$ROOT" >"$DIR/checkout"
    mkdir -m 700 "$DIR/run" "$DIR/log"
    if is_root; then
        chown -h postgres:postgres "$DIR/run" "$DIR/log" "$DIR"
    fi
    pointer_new=$(mktemp "$VAR/.db-location.XXXXXX")
    printf '%s\n' "$DIR" >"$pointer_new"
    mv -f "$pointer_new" "$POINTER"
    echo "db: the embedded cluster of $ROOT lives in $DIR (named by $POINTER)" >&2
}

# Sets DIR, the directory holding pgdata/, run/ and log/. With $1 = 1 a missing fallback
# directory is made (start, sockdir, env, recreate); with 0, DIR stays empty (stop,
# status, destroy).
locate() {
    check_path "$ROOT"
    if [ -e "$VAR" ] || [ -L "$VAR" ]; then
        check_component "$VAR"
    fi
    if var_serves; then
        DIR=$VAR
        return 0
    fi
    if [ ! -d "$VAR" ]; then
        DIR=""
        [ "$1" = 1 ] || return 0
        mkdir -m 700 "$VAR"
        check_component "$VAR"
    fi
    read_pointer
    if [ -z "$DIR" ] && [ "$1" = 1 ]; then
        allocate
    fi
    return 0
}

set_paths() {
    PGDATA_DIR="$DIR/pgdata"
    SOCK_DIR="$DIR/run"
    LOG_FILE="$DIR/log/postgres.log"
}

# Before a start: DIR, run/ and log/ exist, are real directories, 0700, owned by the
# server user. DIR was checked (trusted owner, writable by no one else), so no one else
# can have planted links inside it; chown -h would not follow one anyway.
prepare_dir() {
    if [ "$DIR" = "$VAR" ] && [ ! -e "$VAR" ] && [ ! -L "$VAR" ]; then
        mkdir -m 700 "$VAR"
    fi
    check_component "$DIR"
    dir_owner=$(stat -c %U -- "$DIR")
    if ! is_root && [ "$dir_owner" != "$INVOKER_NAME" ]; then
        [ "$dir_owner" != postgres ] || dir_owner=root
        fail "unable to use '$DIR': it is the cluster of another user" "run db.sh as $dir_owner"
    fi
    for sub in run log pgdata; do
        [ ! -L "$DIR/$sub" ] || fail "unable to use '$DIR/$sub': it is a symbolic link"
    done
    for sub in run log; do
        [ -d "$DIR/$sub" ] || mkdir -m 700 "$DIR/$sub"
    done
    if is_root; then
        chown -h postgres:postgres "$DIR/run" "$DIR/log" "$DIR"
    fi
    chmod 700 "$DIR" "$DIR/run" "$DIR/log"
}

hba_conf() {
    cat <<HBA
# kigen embedded cluster (scripts/db.sh): Unix socket only, peer authentication; the
# OS users of pg_ident.conf's map "kigen" may connect as the database user kigen, nobody
# else may connect at all.
# TYPE  DATABASE  USER  METHOD
local   all       all   peer map=kigen
HBA
}

# The invoking user, root and postgres, each as the database user kigen.
ident_conf() {
    echo "# kigen embedded cluster (scripts/db.sh): who may connect as the database user kigen"
    echo "# MAPNAME  SYSTEM-USERNAME  PG-USERNAME"
    mapped=""
    for os_user in root postgres "$INVOKER_NAME"; do
        case " $mapped " in
            *" $os_user "*) continue ;;
        esac
        mapped="$mapped $os_user"
        printf 'kigen      %-16s %s\n' "$os_user" "$DB_USER"
    done
}

# Writes stdin to a file of the cluster's, as the server user (so it keeps its owner).
write_server_file() {
    as_server_user sh -c 'cat >"$1"' sh "$1"
}

# Appends NAME = VALUE to postgresql.conf unless it is already the setting's last value.
ensure_setting() {
    conf="$PGDATA_DIR/postgresql.conf"
    current=$(sed -n "s/#.*//; s/[[:space:]]//g; /^$1=/p" "$conf" | tail -n 1)
    want=$(printf '%s=%s' "$1" "$2" | tr -d '[:space:]')
    [ "$current" != "$want" ] || return 0
    printf '%s = %s\n' "$1" "$2" | as_server_user sh -c 'cat >>"$1"' sh "$conf"
    config_changed=1
}

# Peer authentication, no trust, socket 0700, no TCP: written at creation and checked at
# every start, which also migrates a cluster made by the old db.sh (trust, socket 0777).
secure_config() {
    config_changed=0
    if grep -q '^[^#]*trust' "$PGDATA_DIR/pg_hba.conf"; then
        echo "db: the cluster in $PGDATA_DIR allowed trust authentication: switching it" \
            "to peer authentication and a socket only its user can open" >&2
    fi
    if [ "$(cat "$PGDATA_DIR/pg_hba.conf")" != "$(hba_conf)" ]; then
        hba_conf | write_server_file "$PGDATA_DIR/pg_hba.conf"
        config_changed=1
    fi
    if [ "$(cat "$PGDATA_DIR/pg_ident.conf")" != "$(ident_conf)" ]; then
        ident_conf | write_server_file "$PGDATA_DIR/pg_ident.conf"
        config_changed=1
    fi
    ensure_setting listen_addresses "''"
    ensure_setting unix_socket_directories "'$SOCK_DIR'"
    ensure_setting unix_socket_permissions 0700
}

is_running() {
    [ -n "$DIR" ] && [ -f "$PGDATA_DIR/postmaster.pid" ] || return 1
    as_server_user "$(pg_bindir)/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1
}

init_cluster() {
    bindir=$(pg_bindir)
    echo "db: creating the embedded cluster in $PGDATA_DIR"
    as_server_user "$bindir/initdb" -D "$PGDATA_DIR" -U "$DB_USER" --auth-local=peer \
        --auth-host=reject -E UTF8 --locale=C.UTF-8 >"$DIR/log/initdb.log" 2>&1 || {
        echo "db: unable to create the cluster: see $DIR/log/initdb.log" >&2
        exit 1
    }
    as_server_user sh -c 'cat >>"$1"' sh "$PGDATA_DIR/postgresql.conf" <<CONF
# kigen embedded cluster: Unix socket only, open to its own user alone
listen_addresses = ''
unix_socket_directories = '$SOCK_DIR'
unix_socket_permissions = 0700
port = $PORT
fsync = on
max_connections = 40
shared_buffers = 256MB
work_mem = 64MB
maintenance_work_mem = 256MB
max_wal_size = 4GB
# throwaway cluster: no replication, so bulk loads after TRUNCATE skip the WAL
wal_level = minimal
max_wal_senders = 0
CONF
}

start() {
    locate 1
    set_paths
    prepare_dir
    [ -f "$PGDATA_DIR/PG_VERSION" ] || init_cluster
    secure_config
    if is_running; then
        if [ "$config_changed" -eq 1 ]; then
            as_server_user "$(pg_bindir)/pg_ctl" -D "$PGDATA_DIR" -l "$LOG_FILE" -m fast -w \
                -t 60 restart >/dev/null || {
                echo "db: unable to restart the embedded cluster: see $LOG_FILE" >&2
                exit 1
            }
            echo "db: embedded cluster restarted with its new settings (socket in $SOCK_DIR)"
        else
            echo "db: embedded cluster already running (socket in $SOCK_DIR)"
        fi
    else
        as_server_user "$(pg_bindir)/pg_ctl" -D "$PGDATA_DIR" -l "$LOG_FILE" -w -t 60 \
            start >/dev/null || {
            echo "db: unable to start the embedded cluster: see $LOG_FILE" >&2
            exit 1
        }
        echo "db: embedded cluster started (socket in $SOCK_DIR)"
    fi
    if ! "$(pg_bindir)/psql" -X -h "$SOCK_DIR" -p "$PORT" -U "$DB_USER" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
        "$(pg_bindir)/createdb" -h "$SOCK_DIR" -p "$PORT" -U "$DB_USER" "$DB_NAME"
    fi
}

stop() {
    locate 0
    set_paths
    if is_running; then
        as_server_user "$(pg_bindir)/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null
        echo "db: embedded cluster stopped"
    else
        echo "db: embedded cluster not running"
    fi
}

# var/: the cluster's data (var/ itself keeps the benchmarks' files); a fallback
# directory goes whole, with its pointer.
destroy() {
    stop
    if [ -z "$DIR" ]; then
        echo "db: no embedded cluster to remove"
    elif [ "$DIR" = "$VAR" ]; then
        rm -rf "$PGDATA_DIR"
        echo "db: embedded cluster removed"
    else
        rm -rf "$DIR"
        rm -f "$POINTER"
        echo "db: embedded cluster removed ($DIR)"
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status)
        locate 0
        set_paths
        if is_running; then
            echo "db: running (socket in $SOCK_DIR)"
        else
            echo "db: stopped"
            exit 3
        fi ;;
    sockdir) locate 1; set_paths; echo "$SOCK_DIR" ;;
    env)
        locate 1
        set_paths
        printf 'export PGHOST=%s PGPORT=%s PGUSER=%s PGDATABASE=%s\n' "$SOCK_DIR" "$PORT" \
            "$DB_USER" "$DB_NAME" ;;
    recreate)
        # recreate NAME: an empty database NAME in the embedded cluster (demo, tests, bench)
        name=${2:?usage: scripts/db.sh recreate NAME}
        locate 1
        set_paths
        PGOPTIONS="-c client_min_messages=warning" "$(pg_bindir)/dropdb" -h "$SOCK_DIR" \
            -p "$PORT" -U "$DB_USER" --if-exists --force "$name"
        "$(pg_bindir)/createdb" -h "$SOCK_DIR" -p "$PORT" -U "$DB_USER" "$name" ;;
    destroy) destroy ;;
    *)
        echo "usage: scripts/db.sh start|stop|status|sockdir|env|recreate NAME|destroy" >&2
        exit 2 ;;
esac
