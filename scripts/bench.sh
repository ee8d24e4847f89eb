#!/usr/bin/env bash
# `make bench`: every benchmark in one run, against its own throwaway
# PostgreSQL cluster. KASAR_BENCH_DETECT_SIZES picks the detect sizes
# (default 5000,100000,1000000).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/throwaway-pg.sh
export KASAR_BENCH_DATABASE_URL="$THROWAWAY_PG_URL"
export KASAR_BENCH_DETECT_SIZES=${KASAR_BENCH_DETECT_SIZES:-5000,100000,1000000}
cargo build --release --locked -p kasar-server --bin kasar
export KASAR_BIN=$PWD/target/release/kasar
cargo bench --locked -p kasar-server --bench api
