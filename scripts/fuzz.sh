#!/usr/bin/env bash
# `make fuzz`: property-based fuzzing of the HTTP API with schemathesis,
# driven by the served OpenAPI documents (`/api/v1/openapi.json`: the generic
# one, fetched without a token, once per token; then the organization's own,
# fetched with the admin's token); both documents validated and turned into a
# typed client; the docs page opened in headless Chromium.
#
# Starts a throwaway PostgreSQL cluster (like `make test`), builds and migrates
# the server, creates an organization with an admin (`mcp`), a member
# (`records:write`) and a read-only member (`records:read`) token, seeds a few
# records, serves on a free port, then runs schemathesis once per token with
# every check on. Exits non-zero on any failure: a 5xx, a response that does
# not match the document, invalid input that is accepted, valid input that is
# rejected.
#
# Knobs (environment): KASAR_FUZZ_MAX_EXAMPLES (test cases per operation and
# phase, default 100: about a minute for the three runs on two cores),
# KASAR_FUZZ_SEED (default 1), KASAR_FUZZ_PROFILE (`release`, the default and
# what CI uses, or `debug`), KASAR_FUZZ_SKIP_BUILD (non-empty: use the binary
# already built). Settings per operation: scripts/schemathesis.toml.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
VALIDATOR_VERSION=0.9.0
CLIENT_GENERATOR_VERSION=0.29.1
SELENIUM_VERSION=4.50.0
max_examples=${KASAR_FUZZ_MAX_EXAMPLES:-100}
seed=${KASAR_FUZZ_SEED:-1}
profile=${KASAR_FUZZ_PROFILE:-release}

# schemathesis from PyPI, in a venv under .kasar/ (git-ignored), installed once.
venv=.kasar/fuzz-venv
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qF "$SCHEMATHESIS_VERSION"; then
  echo "installing schemathesis $SCHEMATHESIS_VERSION into $venv..." >&2
  rm -rf "$venv"
  mkdir -p .kasar
  python3 -m venv "$venv" || {
    echo "error: python3 -m venv failed (Debian: apt-get install python3-venv python3-pip)" >&2
    exit 1
  }
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
if ! "$venv/bin/pip" show openapi-spec-validator 2>/dev/null | grep -qx "Version: $VALIDATOR_VERSION"; then
  "$venv/bin/pip" install -q --disable-pip-version-check "openapi-spec-validator==$VALIDATOR_VERSION"
fi
if ! "$venv/bin/pip" show openapi-python-client 2>/dev/null | grep -qx "Version: $CLIENT_GENERATOR_VERSION"; then
  "$venv/bin/pip" install -q --disable-pip-version-check "openapi-python-client==$CLIENT_GENERATOR_VERSION"
fi
if ! "$venv/bin/pip" show selenium 2>/dev/null | grep -qx "Version: $SELENIUM_VERSION"; then
  "$venv/bin/pip" install -q --disable-pip-version-check "selenium==$SELENIUM_VERSION"
fi
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "error: the docs page check needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)" >&2
  exit 1
fi

if [ -z "${KASAR_FUZZ_SKIP_BUILD:-}" ]; then
  if [ "$profile" = release ]; then
    cargo build --release --locked -p kasar-server
  else
    cargo build --locked -p kasar-server
  fi
fi
bin="target/$profile/kasar"

dir=$(mktemp -d /tmp/kasar-fuzz.XXXXXX)
chmod 755 "$dir"
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  scripts/pg.sh stop "$dir"
  rm -rf "$dir"
}
trap cleanup EXIT

pg_port=$(scripts/pg.sh free-port)
scripts/pg.sh ensure "$dir" "$pg_port" fast
psql "postgres://postgres@127.0.0.1:$pg_port/postgres" -qc "CREATE DATABASE kasar_fuzz" >/dev/null
export KASAR__DATABASE__URL="postgres://postgres@127.0.0.1:$pg_port/kasar_fuzz"
export KASAR__LOG__LEVEL=warn
export KASAR__RATE_LIMIT__ENABLED=false
export KASAR__SERVER__WORKERS=2

"$bin" migrate >/dev/null
"$bin" org create fuzz --name "Fuzz Inc." >/dev/null
token() { # EMAIL ROLE SCOPE
  "$bin" user add --org fuzz --email "$1" --name "$2 user" --role "$2" >/dev/null
  "$bin" token create --org fuzz --email "$1" --scope "$3" --name fuzz | tail -n 1
}
admin_token=$(token admin@fuzz.test admin mcp)
member_token=$(token member@fuzz.test member records:write)
reader_token=$(token reader@fuzz.test member records:read)

api_port=$(scripts/pg.sh free-port)
export KASAR__SERVER__HOST=127.0.0.1 KASAR__SERVER__PORT=$api_port
api="http://127.0.0.1:$api_port"
"$bin" serve >"$dir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "$api/health" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  sleep 0.1
done
curl -fsS "$api/health" >/dev/null

# A few records, duplicates included, so lists, detect and merge see data.
post() { # OBJECT JSON -> id
  curl -fsS -H "Authorization: Bearer $admin_token" -H "Content-Type: application/json" \
    "$api/api/v1/records/$1" -d "$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
tag=$(post tags '{"name":"vip","color":"red"}')
company=$(post companies '{"name":"Initech","domain":"initech.example"}')
for n in 1 2 3; do
  post contacts "{\"first_name\":\"Ann\",\"last_name\":\"Lee\",\"email\":\"ANN@initech.example\",\"phone\":\"+1 555 010 000$n\",\"company\":\"$company\",\"tags\":[\"$tag\"]}" >/dev/null
done
post opportunities "{\"name\":\"Deal\",\"amount\":1000,\"company\":\"$company\"}" >/dev/null

# The served document validates against the OpenAPI schema (unique
# operationIds, a description on every response, ...).
curl -fsS "$api/api/v1/openapi.json" -o "$dir/openapi.json"
"$venv/bin/openapi-spec-validator" "$dir/openapi.json" || status_doc=1
if [ -n "${status_doc:-}" ]; then
  echo "error: the OpenAPI document does not validate" >&2
  exit 1
fi
# ...and a typed Python client is generated from it without a warning.
"$venv/bin/openapi-python-client" generate --path "$dir/openapi.json" \
  --output-path "$dir/client" --config scripts/openapi-client.yaml >"$dir/client.log" 2>&1 \
  || { cat "$dir/client.log" >&2; echo "error: openapi-python-client failed" >&2; exit 1; }
if grep -qi "warning" "$dir/client.log"; then
  cat "$dir/client.log" >&2
  echo "error: openapi-python-client warned about the document" >&2
  exit 1
fi

# The organization's own document (with a token: a schema per object, the
# object routes written out per object) validates and gives a client too.
curl -fsS -H "Authorization: Bearer $admin_token" "$api/api/v1/openapi.json" -o "$dir/openapi-org.json"
"$venv/bin/openapi-spec-validator" "$dir/openapi-org.json" \
  || { echo "error: the organization's OpenAPI document does not validate" >&2; exit 1; }
"$venv/bin/openapi-python-client" generate --path "$dir/openapi-org.json" \
  --output-path "$dir/client-org" --config scripts/openapi-client.yaml >"$dir/client-org.log" 2>&1 \
  || { cat "$dir/client-org.log" >&2; echo "error: openapi-python-client failed on the organization's document" >&2; exit 1; }
if grep -qi "warning" "$dir/client-org.log"; then
  cat "$dir/client-org.log" >&2
  echo "error: openapi-python-client warned about the organization's document" >&2
  exit 1
fi
for model in contacts contacts_create contacts_update opportunities_create; do
  [ -f "$dir/client-org/"*/models/"$model.py" ] || { echo "error: no $model model in the generated client" >&2; exit 1; }
done

# The API reference page, opened in headless Chromium: every operation
# listed, every asset served by the service.
"$venv/bin/python" scripts/docs_page.py "$api" || { echo "error: the docs page check failed" >&2; exit 1; }

# One worker: schemathesis threads can trip a CPython 3.11 race in ast.parse
# ("AST constructor recursion depth mismatch"), and the server has the other core.
# Run from the temporary folder, so nothing schemathesis writes lands in the tree.
status=0
start=$SECONDS
root=$PWD
fuzz() { # CONFIG DOCUMENT TOKEN [schemathesis options...]
  local config=$1 document=$2 token=$3
  shift 3
  (cd "$dir" && "$root/$venv/bin/schemathesis" --config-file "$root/scripts/$config" run "$document" \
    --url "$api" \
    --header "Authorization: Bearer $token" \
    --max-examples "$max_examples" \
    --seed "$seed" \
    --generation-database none \
    --workers 1 \
    --request-timeout 30 \
    --no-color "$@")
}
for who in admin member reader; do
  var="${who}_token"
  echo "=== schemathesis as $who"
  fuzz schemathesis.toml "$dir/openapi.json" "${!var}" --checks all || status=1
done
# The organization's own document, as its admin: a schema-valid body must be
# accepted and responses must match the per-object schemas. Every check runs
# (schemathesis's default); not through `--checks all`, which would override
# the per-operation settings of the config (batches and imports judge records
# one by one). The hooks give relation fields ids of records that exist.
echo "=== schemathesis as admin, on the organization's document"
SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH="$root/scripts" \
  KASAR_FUZZ_API="$api" KASAR_FUZZ_TOKEN="$admin_token" \
  fuzz schemathesis-org.toml "$dir/openapi-org.json" "$admin_token" \
  --include-path-regex '^/api/v1/((records|export|import)/|bulk$)' || status=1
echo "fuzzing took $((SECONDS - start))s"
# Errors the server logged (internal errors, panics), except actix-http's
# reports of requests it could not parse (answered 400 before any handler).
if grep -E '"level":"ERROR"|panicked' "$dir/server.log" | grep -v '"target":"actix_http::h1::dispatcher"' >"$dir/errors.log"; then
  echo "the server logged errors:" >&2
  head -20 "$dir/errors.log" >&2
  status=1
fi
exit $status
