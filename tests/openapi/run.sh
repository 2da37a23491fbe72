#!/usr/bin/env bash
# docs/openapi.json checked by a pinned OpenAPI 3.1 validator (ctest runs this as
# openapi_document_check):
#   run.sh <openapi.json> <work dir>
# Installs the validator pinned in package-lock.json into <work dir> (npm ci) unless it is there
# already, then runs check-openapi.mjs on the document. Exits 77 (ctest: skipped) when node or
# npm is missing; fails on anything else.
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
cp "$here/check-openapi.mjs" "$work/"
node "$work/check-openapi.mjs" "$document"
