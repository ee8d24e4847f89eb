# Sourced by scripts/test.sh and scripts/bench.sh: starts a PostgreSQL cluster
# in a temporary folder on a free port, removed when the script exits, and
# sets THROWAWAY_PG_URL to its `postgres` database.
throwaway_pg_dir=$(mktemp -d /tmp/kasar-pg.XXXXXX)
chmod 755 "$throwaway_pg_dir"
throwaway_pg_port=$(scripts/pg.sh free-port)
throwaway_pg_cleanup() { scripts/pg.sh stop "$throwaway_pg_dir"; rm -rf "$throwaway_pg_dir"; }
trap throwaway_pg_cleanup EXIT
scripts/pg.sh ensure "$throwaway_pg_dir" "$throwaway_pg_port" fast
THROWAWAY_PG_URL="postgres://postgres@127.0.0.1:$throwaway_pg_port/postgres"
