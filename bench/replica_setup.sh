#!/bin/bash
# A PostgreSQL 15 streaming replica of the local cluster on the same machine (loopback), for
# bench/replica_export.py and for trying DATABASE_REPLICA_URL out (Debian's postgresql-common).
#
#   bench/replica_setup.sh          # make it (if missing) and start it; prints DATABASE_REPLICA_URL
#   bench/replica_setup.sh stop     # stop it (kept on disk; `bench/replica_setup.sh` starts it again)
#   bench/replica_setup.sh remove   # stop it and delete the cluster and its data
#
# Run as root. Idempotent: every step checks first and says what it did or found. The primary
# cluster is never restarted: wal_level=replica and max_wal_senders>0 are PostgreSQL's defaults
# (the script stops if they are not), the replication role is created or its password set, and
# pg_hba.conf gets a `host replication` line only if none lets the role in (then a reload).
# No replication slot is kept: a stopped replica must not hold the primary's WAL (and its disk)
# forever. A replica that fell too far behind is made again with `remove` and a new run.
# The replica copies the whole cluster: the script stops when the disk would keep less than
# MIN_FREE_GB (default 15) free after the copy.
set -euo pipefail

VERSION=${PG_VERSION:-15}
PRIMARY=${PRIMARY_CLUSTER:-main}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
NAME=${REPLICA_CLUSTER:-replica}
PORT=${REPLICA_PORT:-5433}
ROLE=${REPLICATION_ROLE:-civicdesk_replication}
PASSWORD=${REPLICATION_PASSWORD:-civicdesk_replication}
MIN_FREE_GB=${MIN_FREE_GB:-15}
DATA=/var/lib/postgresql/$VERSION/$NAME
HBA=/etc/postgresql/$VERSION/$PRIMARY/pg_hba.conf

say() { echo "replica_setup: $*"; }
psql_primary() { su postgres -c "psql -p $PRIMARY_PORT -XAtq -v ON_ERROR_STOP=1 -c \"$1\""; }
exists() { pg_lsclusters -h | awk -v v="$VERSION" -v n="$NAME" '$1 == v && $2 == n' | grep -q .; }
running() { pg_lsclusters -h | awk -v v="$VERSION" -v n="$NAME" '$1 == v && $2 == n && $4 ~ /^online/' | grep -q .; }

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
case "${1:-up}" in
stop)
    if running; then pg_ctlcluster "$VERSION" "$NAME" stop && say "stopped cluster $VERSION/$NAME"; else say "cluster $VERSION/$NAME is not running"; fi
    exit 0
    ;;
remove)
    if exists; then pg_dropcluster --stop "$VERSION" "$NAME" && say "removed cluster $VERSION/$NAME and $DATA"; else say "no cluster $VERSION/$NAME"; fi
    exit 0
    ;;
up) ;;
*) echo "usage: $0 [up|stop|remove]" >&2; exit 2 ;;
esac

# 1. The primary can stream without a restart.
wal_level=$(psql_primary "SHOW wal_level")
senders=$(psql_primary "SHOW max_wal_senders")
if [ "$wal_level" = minimal ] || [ "$senders" = 0 ]; then
    echo "the primary has wal_level=$wal_level, max_wal_senders=$senders: set wal_level=replica and max_wal_senders=10, then restart it (not done here)" >&2
    exit 1
fi
say "primary $VERSION/$PRIMARY: wal_level=$wal_level, max_wal_senders=$senders (no restart needed)"

# 2. The replication role.
if [ "$(psql_primary "SELECT count(*) FROM pg_roles WHERE rolname = '$ROLE'")" = 0 ]; then
    psql_primary "CREATE ROLE $ROLE WITH REPLICATION LOGIN PASSWORD '$PASSWORD'"
    say "created role $ROLE (REPLICATION LOGIN)"
else
    psql_primary "ALTER ROLE $ROLE WITH REPLICATION LOGIN PASSWORD '$PASSWORD'"
    say "role $ROLE exists (password set again)"
fi

# 3. pg_hba.conf lets it in over loopback for replication.
lets_in=$(psql_primary "SELECT count(*) FROM pg_hba_file_rules WHERE type = 'host' AND 'replication' = ANY(database)
    AND ('all' = ANY(user_name) OR '$ROLE' = ANY(user_name)) AND address = '127.0.0.1'
    AND auth_method IN ('scram-sha-256', 'md5') AND error IS NULL")
if [ "$lets_in" = 0 ]; then
    printf '%s\n' "host    replication     $ROLE    127.0.0.1/32    scram-sha-256" >>"$HBA"
    psql_primary "SELECT pg_reload_conf()" >/dev/null
    say "added a host replication line for $ROLE to $HBA and reloaded the primary"
else
    say "$HBA already lets $ROLE replicate over 127.0.0.1"
fi

# 4. The replica cluster: a base backup of the primary, streaming from it.
if exists && [ -f "$DATA/standby.signal" ]; then
    say "cluster $VERSION/$NAME exists and is a standby"
else
    used_kb=$(du -sk "/var/lib/postgresql/$VERSION/$PRIMARY" | cut -f1)
    free_kb=$(df -k --output=avail /var/lib/postgresql | tail -1)
    left_gb=$(((free_kb - used_kb) / 1024 / 1024))
    if [ "$left_gb" -lt "$MIN_FREE_GB" ]; then
        echo "a copy of the cluster ($((used_kb / 1024 / 1024)) GB) would leave $left_gb GB free (< $MIN_FREE_GB GB): not made" >&2
        exit 1
    fi
    say "the copy takes about $((used_kb / 1024 / 1024)) GB and leaves about $left_gb GB free"
    if ! exists; then
        pg_createcluster "$VERSION" "$NAME" --port "$PORT" >/dev/null
        say "created cluster $VERSION/$NAME on port $PORT (configuration in /etc/postgresql/$VERSION/$NAME)"
    fi
    if running; then pg_ctlcluster "$VERSION" "$NAME" stop; fi
    rm -rf "$DATA"
    install -d -o postgres -g postgres -m 700 "$DATA"
    started=$(date +%s)
    su postgres -c "PGPASSWORD='$PASSWORD' pg_basebackup -h 127.0.0.1 -p $PRIMARY_PORT -U $ROLE -D $DATA -R -X stream -c fast"
    say "pg_basebackup -R -X stream into $DATA took $(($(date +%s) - started)) s ($(du -sh "$DATA" | cut -f1))"
fi

# 5. Long reads (a year's export) are not cancelled by the primary's vacuum: the replica tells
#    the primary which rows it still reads (hot_standby_feedback), and replay waits at most 5 min.
CONF=/etc/postgresql/$VERSION/$NAME/conf.d/civicdesk-replica.conf
if [ ! -f "$CONF" ]; then
    printf '%s\n' "# written by bench/replica_setup.sh" "hot_standby_feedback = on" \
        "max_standby_streaming_delay = 300s" "jit = off" >"$CONF"
    say "wrote $CONF (hot_standby_feedback = on, max_standby_streaming_delay = 300s, jit = off)"
    if running; then pg_ctlcluster "$VERSION" "$NAME" reload; fi
else
    say "$CONF exists"
fi

# 6. Started, and streaming.
if running; then
    say "cluster $VERSION/$NAME is running"
else
    # The first start syncs the copied files and replays the WAL of the copy: it takes a while.
    pg_ctlcluster "$VERSION" "$NAME" start -- -t 900
    say "started cluster $VERSION/$NAME"
fi
for _ in $(seq 30); do
    state=$(psql_primary "SELECT state FROM pg_stat_replication WHERE usename = '$ROLE' LIMIT 1")
    [ "$state" = streaming ] && break
    sleep 1
done
say "primary sees the replica as: ${state:-not connected}"
say "in recovery: $(su postgres -c "psql -p $PORT -XAtq -c 'SELECT pg_is_in_recovery()'")"
say "DATABASE_REPLICA_URL=postgres://civicdesk:civicdesk@127.0.0.1:$PORT/<the same database name as DATABASE_URL>"
