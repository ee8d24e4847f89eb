#!/usr/bin/env bash
# `make bench`: every benchmark in one run, against its own throwaway
# PostgreSQL cluster. KASAR_BENCH_DETECT_SIZES picks the detect sizes
# (default 5000,100000,1000000).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d /tmp/kasar-bench-pg.XXXXXX)
chmod 755 "$dir"
port=$(scripts/pg.sh free-port)
cleanup() { scripts/pg.sh stop "$dir"; rm -rf "$dir"; }
trap cleanup EXIT
scripts/pg.sh ensure "$dir" "$port"
export KASAR_BENCH_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
export KASAR_BENCH_DETECT_SIZES=${KASAR_BENCH_DETECT_SIZES:-5000,100000,1000000}
cargo build --release --locked -p kasar-server --bin kasar
export KASAR_BIN=$PWD/target/release/kasar
cargo bench --locked -p kasar-server --bench api
