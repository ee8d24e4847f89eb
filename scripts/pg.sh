#!/usr/bin/env bash
# PostgreSQL clusters for development and tests, from the system's binaries.
#
#   scripts/pg.sh ensure DIR PORT [fast]
#                                   create (first time) or reuse and start a cluster in DIR;
#                                   `fast` turns durability off (fsync, full pages, synchronous
#                                   commit): for throwaway test and bench clusters only, never
#                                   for the cluster of `make run`
#   scripts/pg.sh replica PRIMARY_PORT DIR PORT
#                                   a hot standby of the cluster on PRIMARY_PORT (127.0.0.1),
#                                   streaming from it, in DIR on PORT (durability off: tests)
#   scripts/pg.sh stop DIR          stop the cluster in DIR
#   scripts/pg.sh free-port         print a free TCP port on 127.0.0.1
#
# As root, the cluster runs as the `postgres` user (initdb refuses root).
# KASAR_PG_OPTIONS: more server options for `ensure` (e.g. "-c shared_buffers=1GB").
set -euo pipefail

find_bin() {
  # Resolved: the PATH may hold links to some of the binaries only.
  if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; return; fi
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  return 1
}

need_bin() {
  if ! BIN=$(find_bin); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "PostgreSQL server binaries not found: installing the Debian package..." >&2
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
      BIN=$(find_bin) || { echo "error: PostgreSQL binaries still missing after install" >&2; exit 1; }
    else
      echo "error: PostgreSQL server binaries (initdb, pg_ctl) not found; install PostgreSQL 15+ (Debian: apt-get install postgresql)" >&2
      exit 1
    fi
  fi
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd=${1:-}
case "$cmd" in
  ensure)
    dir=$2; port=$3; mode=${4:-durable}
    need_bin
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" = 0 ]; then
      id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
      chown postgres "$dir"
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || as_owner "$BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    if ! as_owner "$BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      opts="-p $port -c listen_addresses=127.0.0.1 -k $dir/data -c max_connections=300"
      if [ "$mode" = fast ]; then
        opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
      fi
      opts="$opts ${KASAR_PG_OPTIONS:-}"
      as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 -o "$opts" \
        start >/dev/null || { tail -20 "$dir/postgres.log" >&2; exit 1; }
    fi
    ;;
  replica)
    primary=$2; dir=$3; port=$4
    need_bin
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$BIN/pg_basebackup" -h 127.0.0.1 -p "$primary" -U postgres -D "$dir/data" -R -X stream -c fast \
        >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; exit 1; }
    fi
    opts="-p $port -c listen_addresses=127.0.0.1 -k $dir/data -c max_connections=300"
    opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c hot_standby=on"
    as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 -o "$opts" \
      start >/dev/null || { tail -20 "$dir/postgres.log" >&2; exit 1; }
    ;;
  stop)
    dir=$2
    need_bin
    [ -f "$dir/data/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  free-port)
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
    ;;
  *)
    echo "usage: $0 ensure DIR PORT [fast] | replica PRIMARY_PORT DIR PORT | stop DIR | free-port" >&2; exit 2 ;;
esac
