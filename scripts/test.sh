#!/usr/bin/env bash
# `make test`: every unit and integration test, against a throwaway
# PostgreSQL cluster started here and removed afterwards (never a developer's
# database). Fails loudly when PostgreSQL binaries are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d /tmp/kasar-test-pg.XXXXXX)
chmod 755 "$dir"
port=$(scripts/pg.sh free-port)
cleanup() { scripts/pg.sh stop "$dir"; rm -rf "$dir"; }
trap cleanup EXIT
scripts/pg.sh ensure "$dir" "$port"
export KASAR_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
cargo test --workspace --locked "$@"
