#!/usr/bin/env bash
# The fake ElevenLabs server checked by ElevenLabs' official JavaScript SDK (ctest runs this as
# fake_elevenlabs_sdk_check):
#   run.sh <fake-elevenlabs binary> <work dir>
# Starts the fake on a free 127.0.0.1 port, installs the pinned SDK (npm ci, from
# package-lock.json) into <work dir> unless it is there already, runs sdk-check.mjs against
# the fake and stops the fake by its pid. Fails, never skips, without node and npm.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fake="${1:?usage: run.sh <fake-elevenlabs binary> <work dir>}"
work="${2:?usage: run.sh <fake-elevenlabs binary> <work dir>}"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "FAIL: '$tool' is not on PATH; the SDK check needs Node.js 18+ and npm" \
      "(bash scripts/install-deps.sh installs them)" >&2
    exit 1
  fi
done

# The SDK at the pinned version, installed again only when the lock file changes.
source "$here/../../support/install-pinned-npm.sh"
install_pinned_npm "$here" "$work" "@elevenlabs/elevenlabs-js" "SDK" || exit 1
# Next to its node_modules, so the SDK resolves from the script's own folder.
cp "$here/sdk-check.mjs" "$work/"

free_port() {
  node -e 'const s = require("net").createServer();
           s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

webhook_port="$(free_port)"
secret="wsec_sdk_check_secret"
key="xi-sdk-check-key"
busy_suffix="486"
no_answer_suffix="480"

fake_log="$work/fake.log"
"$fake" --api-key "$key" --webhook-secret "$secret" \
  --webhook-url "http://127.0.0.1:$webhook_port/webhooks/elevenlabs" \
  --call-duration-ms 3000 --ringing-ms 1500 --processing-ms 500 \
  --busy-suffix "$busy_suffix" --no-answer-suffix "$no_answer_suffix" >"$fake_log" 2>&1 &
fake_pid=$!
trap 'kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true' EXIT

port=""
for _ in $(seq 1 100); do
  port="$(awk '/^port /{print $2; exit}' "$fake_log")"
  [[ -n "$port" ]] && break
  if ! kill -0 "$fake_pid" 2>/dev/null; then
    echo "FAIL: fake-elevenlabs exited:" >&2
    cat "$fake_log" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ -z "$port" ]]; then
  echo "FAIL: fake-elevenlabs did not say its port in 10 s" >&2
  exit 1
fi

started=$(date +%s%N)
status=0
FAKE_BASE_URL="http://127.0.0.1:$port" FAKE_API_KEY="$key" WEBHOOK_PORT="$webhook_port" \
  WEBHOOK_SECRET="$secret" BUSY_SUFFIX="$busy_suffix" NO_ANSWER_SUFFIX="$no_answer_suffix" \
  node "$work/sdk-check.mjs" || status=$?
echo "sdk-check took $(( ($(date +%s%N) - started) / 1000000 )) ms"
if [[ $status -ne 0 ]]; then
  echo "fake-elevenlabs' output:" >&2
  cat "$fake_log" >&2
fi
exit "$status"
