#!/usr/bin/env bash
# docs/openapi.json checked by a pinned OpenAPI 3.1 validator (ctest runs this as
# openapi_document_check, and with the server as openapi_responses_check):
#   run.sh <openapi.json> <work dir> [<voice-orchestrator binary>]
# Installs the validator pinned in package-lock.json into <work dir> (npm ci) unless it is there
# already, then runs check-openapi.mjs on the document; with the binary, also starts it on a free
# 127.0.0.1 port (SQLite, memory queue, simulator) so real answers are checked against the
# document, and stops it by its pid. Exits 77 (ctest: skipped) when node or npm is missing; fails
# on anything else.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
document="${1:?usage: run.sh <openapi.json> <work dir>}"
work="${2:?usage: run.sh <openapi.json> <work dir>}"
readonly kSkipped=77

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: '$tool' is not on PATH; the OpenAPI check needs Node.js 18+ and npm" \
      "(bash scripts/install-deps.sh installs them)" >&2
    exit "$kSkipped"
  fi
done

# The validator at the pinned version, installed again only when the lock file changes.
source "$here/../support/install-pinned-npm.sh"
install_pinned_npm "$here" "$work" "@seriousme/openapi-schema-validator" "validator" || exit 1
# Next to its node_modules, so the validator resolves from the script's own folder.
cp "$here/check-openapi.mjs" "$here/check-responses.mjs" "$work/"
if [[ $# -lt 3 ]]; then
  exec node "$work/check-openapi.mjs" "$document"
fi

binary="$3"
admin_key="openapi-check-admin-key-0123456789"
port="$(node -e 'const s = require("net").createServer();
                 s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')"
rm -f "$work"/openapi-check.db*
cat >"$work/server.yaml" <<YAML
log:
  level: warn
server:
  host: 127.0.0.1
  port: \${SERVICE_PORT}
  threads: 2
auth:
  adminKey: $admin_key
dispatcher:
  concurrency: 2
plugins:
  store: {name: sqlite, config: {path: ./openapi-check.db}}
  queue: {name: memory, config: {}}
  provider:
    name: simulator
    config: {latencyMs: 0, callDurationMs: 50, outcomes: {completed: 1}}
tenants:
  workspaces:
    - id: workspace_id
      name: Seed workspace
      agents: [{id: agent_id, name: Seed agent}]
      phoneNumbers: [{id: phnum_xxx, number: "+34601893170", provider: twilio}]
YAML
(cd "$work" && SERVICE_PORT="$port" exec "$binary" serve --config server.yaml) >"$work/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "FAIL: voice-orchestrator exited:" >&2
    cat "$work/server.log" >&2
    exit 1
  fi
  node -e 'fetch(process.argv[1]).then(() => process.exit(0), () => process.exit(1))' \
    "http://127.0.0.1:$port/health" && break
  sleep 0.2
done
status=0
node "$work/check-openapi.mjs" "$document" "http://127.0.0.1:$port" "$admin_key" || status=$?
if [[ $status -ne 0 ]]; then
  echo "voice-orchestrator's output:" >&2
  cat "$work/server.log" >&2
fi
exit "$status"
