#!/usr/bin/env bash
# `make test`: every unit and integration test, against a throwaway
# PostgreSQL cluster started here and removed afterwards (never a developer's
# database). Fails loudly when PostgreSQL binaries are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/throwaway-pg.sh
export KASAR_TEST_DATABASE_URL="$THROWAWAY_PG_URL"
cargo test --workspace --locked "$@"
