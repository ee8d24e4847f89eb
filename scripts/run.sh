#!/usr/bin/env bash
# `make run`: the service on 127.0.0.1:8080 with a demo organization.
# Without KASAR__DATABASE__URL, a private PostgreSQL cluster is created (first
# time) or reused under .kasar/ (git-ignored), from the system's binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .kasar
if [ -z "${KASAR__DATABASE__URL:-}" ]; then
  port=${KASAR_DEV_PG_PORT:-55432}
  scripts/pg.sh ensure .kasar/pg "$port"
  psql_url="postgres://postgres@127.0.0.1:$port/postgres"
  psql "$psql_url" -tAc "SELECT 1 FROM pg_database WHERE datname = 'kasar'" | grep -q 1 \
    || psql "$psql_url" -qc "CREATE DATABASE kasar" >/dev/null
  export KASAR__DATABASE__URL="postgres://postgres@127.0.0.1:$port/kasar"
fi
cargo build --release --locked -p kasar-server
bin=target/release/kasar
"$bin" migrate
"$bin" demo --token-file .kasar/demo-token
echo
echo "API on http://127.0.0.1:${KASAR__SERVER__PORT:-8080}  (token also in .kasar/demo-token)"
echo "  curl -H \"Authorization: Bearer \$(cat .kasar/demo-token)\" http://127.0.0.1:${KASAR__SERVER__PORT:-8080}/api/v1/me"
exec "$bin" serve
