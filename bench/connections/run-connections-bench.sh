#!/usr/bin/env bash
# A new client's /health and /calls/priority latency while IDLE kept-alive connections sit open
# and BUSY ones send requests back to back, on the embedded plugins with a simulator that
# answers at once (so the priority figure is the server's, not a provider's latency).
# Usage: bash bench/connections/run-connections-bench.sh [build-dir] [idle] [busy] [samples]
#   defaults: build/release 500 100 200 (goal: p99 <= 50 ms for both)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/release}
idle=${2:-500}
busy=${3:-100}
samples=${4:-200}
if [ ! -x "$build/bin/voice-orchestrator" ] || [ ! -x "$build/bin/vo-connections" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DVO_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" -j2 --target voice-orchestrator vo-connections >/dev/null
fi
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/connections.yaml" <<YAML
log: {level: warn}
server: {host: 127.0.0.1, port: $port}
auth: {adminKey: bench-key}
plugins:
  store: {name: sqlite, config: {path: $work/connections.db}}
  queue: {name: memory, config: {}}
  provider: {name: simulator, config: {latencyMs: 0, callDurationMs: 100}}
tenants:
  workspaces:
    - id: demo
      name: Demo
      agents: [{id: agent_demo, name: Demo agent}]
      phoneNumbers: [{id: phnum_demo, number: "+34601893170", provider: twilio}]
YAML
"$build/bin/voice-orchestrator" serve --config "$work/connections.yaml" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.1
done
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/bin/vo-connections" --port "$port" --key bench-key --idle "$idle" --busy "$busy" \
  --samples "$samples"
echo "  server peak memory: $(grep VmHWM /proc/$server_pid/status | awk '{print $2/1024 " MB"}')"
