#!/usr/bin/env bash
# Regenerates data/nicknames/ from the public carltonnorthern/nicknames
# repository (Apache-2.0) at COMMIT: names.csv and the licence, unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
commit=${1:?usage: scripts/nicknames.sh COMMIT}
base="https://raw.githubusercontent.com/carltonnorthern/nicknames/$commit"
curl -fsSL "$base/names.csv" -o data/nicknames/names.csv
curl -fsSL "$base/License.txt" -o data/nicknames/LICENSE
sed -i "s/at commit \`[0-9a-f]*\`/at commit \`$commit\`/" data/nicknames/README.md
echo "data/nicknames/ now holds names.csv at $commit"
