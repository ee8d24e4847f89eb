#!/usr/bin/env bash
# The Splink half of the side-by-side duplicate-detection benchmark: runs
# scripts/splink_bench.py (Splink 4, DuckDB backend) on a CSV written by
# `kasar-testdata` and prints its one-line JSON result on stdout; everything
# else goes to stderr.
#
#   target/release/kasar-testdata contacts --records 10000 > contacts.csv
#   scripts/splink.sh contacts.csv contacts
#
# The venv .kasar/splink-venv is (re)built from scripts/requirements-splink.txt
# when it is missing or that file has changed (its hash is kept in the venv).
set -euo pipefail

usage="usage: scripts/splink.sh <csv-file> contacts|companies"
if [[ $# -ne 2 || ( $2 != contacts && $2 != companies ) ]]; then
    echo "$usage" >&2
    exit 2
fi
if [[ ! -f $1 ]]; then
    echo "splink.sh: no such file: $1" >&2
    echo "$usage" >&2
    exit 2
fi

root=$(cd "$(dirname "$0")/.." && pwd)
venv=$root/.kasar/splink-venv
requirements=$root/scripts/requirements-splink.txt
stamp=$venv/requirements.sha256
wanted=$(sha256sum "$requirements" | cut -d ' ' -f 1)

if [[ ! -x $venv/bin/python || "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]]; then
    echo "splink.sh: building $venv from $requirements" >&2
    mkdir -p "$(dirname "$venv")"
    python3 -m venv --clear "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
    echo "$wanted" >"$stamp"
fi

exec "$venv/bin/python" "$root/scripts/splink_bench.py" "$1" "$2"
