#!/bin/sh
# The embedded PostgreSQL cluster: a throwaway database under var/ for the demo and the
# tests, Unix socket only (listen_addresses is empty: no TCP). Not for production: users
# point kigen at their own server with PGHOST/PGSERVICE/--db.
#   scripts/db.sh start|stop|status|sockdir|env|recreate NAME|destroy
# PostgreSQL refuses to run as root: as root the server runs as the `postgres` system
# user (created by the postgresql package), which must be able to reach var/. When it
# cannot (a repo under /root, say) or the socket path would be too long for a Unix
# socket, the cluster lives in /var/tmp/kigen-<hash of the repo path> instead.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=5432
DB_NAME=kigen
DB_USER=kigen

pg_bindir() {
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
        [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
    echo "db: unable to find initdb: is the PostgreSQL server installed?" >&2
    echo "HINT: make deps" >&2
    exit 1
}

as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# The directory holding pgdata/, run/ (socket) and log/.
cluster_dir() {
    dir="$ROOT/var"
    fallback="/var/tmp/kigen-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)"
    sock="$dir/run/.s.PGSQL.$PORT"
    if [ ${#sock} -gt 100 ]; then
        echo "$fallback"; return 0
    fi
    if [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1; then
        mkdir -p "$dir"
        if ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
            echo "$fallback"; return 0
        fi
    fi
    echo "$dir"
}

DIR=$(cluster_dir)
PGDATA_DIR="$DIR/pgdata"
SOCK_DIR="$DIR/run"
LOG_FILE="$DIR/log/postgres.log"

is_running() {
    [ -f "$PGDATA_DIR/postmaster.pid" ] || return 1
    as_server_user "$(pg_bindir)/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1
}

init_cluster() {
    bindir=$(pg_bindir)
    mkdir -p "$DIR" "$SOCK_DIR" "$DIR/log"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres:postgres "$DIR" "$SOCK_DIR" "$DIR/log"
    fi
    chmod 700 "$DIR"
    echo "db: creating the embedded cluster in $PGDATA_DIR"
    as_server_user "$bindir/initdb" -D "$PGDATA_DIR" -U "$DB_USER" --auth=trust \
        -E UTF8 --locale=C.UTF-8 >"$DIR/log/initdb.log" 2>&1 || {
        echo "db: unable to create the cluster: see $DIR/log/initdb.log" >&2
        exit 1
    }
    cat >>"$PGDATA_DIR/postgresql.conf" <<CONF
# kigen embedded cluster: Unix socket only
listen_addresses = ''
unix_socket_directories = '$SOCK_DIR'
unix_socket_permissions = 0777
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
    [ -f "$PGDATA_DIR/PG_VERSION" ] || init_cluster
    if is_running; then
        echo "db: embedded cluster already running (socket in $SOCK_DIR)"
    else
        as_server_user "$(pg_bindir)/pg_ctl" -D "$PGDATA_DIR" -l "$LOG_FILE" -w -t 60 \
            start >/dev/null || {
            echo "db: unable to start the embedded cluster: see $LOG_FILE" >&2
            exit 1
        }
        echo "db: embedded cluster started (socket in $SOCK_DIR)"
    fi
    if ! "$(pg_bindir)/psql" -h "$SOCK_DIR" -p "$PORT" -U "$DB_USER" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
        "$(pg_bindir)/createdb" -h "$SOCK_DIR" -p "$PORT" -U "$DB_USER" "$DB_NAME"
    fi
}

stop() {
    if is_running; then
        as_server_user "$(pg_bindir)/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null
        echo "db: embedded cluster stopped"
    else
        echo "db: embedded cluster not running"
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) if is_running; then echo "db: running (socket in $SOCK_DIR)"; else echo "db: stopped"; exit 3; fi ;;
    sockdir) echo "$SOCK_DIR" ;;
    env) printf 'export PGHOST=%s PGPORT=%s PGUSER=%s PGDATABASE=%s\n' "$SOCK_DIR" "$PORT" "$DB_USER" "$DB_NAME" ;;
    recreate)
        # recreate NAME: an empty database NAME in the embedded cluster (demo, tests, bench)
        name=${2:?usage: scripts/db.sh recreate NAME}
        PGOPTIONS="-c client_min_messages=warning" "$(pg_bindir)/dropdb" -h "$SOCK_DIR" -p "$PORT" -U "$DB_USER" --if-exists --force "$name"
        "$(pg_bindir)/createdb" -h "$SOCK_DIR" -p "$PORT" -U "$DB_USER" "$name" ;;
    destroy) stop; rm -rf "$PGDATA_DIR"; echo "db: embedded cluster removed" ;;
    *) echo "usage: scripts/db.sh start|stop|status|sockdir|env|recreate NAME|destroy" >&2; exit 2 ;;
esac
