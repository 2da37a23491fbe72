#!/usr/bin/env bash
# Runs the issue-2 benchmarks on the embedded plugins (SQLite store, memory queue, simulator)
# against a release build, each on a fresh server, and prints the figures with the server's
# peak memory (VmHWM). Usage: bash bench/load/run-core-bench.sh [build-dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/release}
if [ ! -x "$build/bin/voice-orchestrator" ] || [ ! -x "$build/bin/vo-load" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DVO_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" -j2 --target voice-orchestrator vo-load >/dev/null
fi
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# start_server <latencyMs> <concurrency> <callDurationMs>
start_server() {
  rm -rf "$work/data" && mkdir -p "$work/data"
  cat >"$work/bench.yaml" <<YAML
log: {level: warn}
server: {host: 127.0.0.1, port: $port, threads: 32}
auth: {adminKey: bench-admin-key-0123456789abcdef0123}
dispatcher: {concurrency: $2}
plugins:
  store: {name: sqlite, config: {path: $work/data/bench.db}}
  queue: {name: memory, config: {}}
  provider: {name: simulator, config: {latencyMs: $1, callDurationMs: $3}}
tenants:
  workspaces:
    - id: demo
      name: Demo
      agents: [{id: agent_demo, name: Demo agent}]
      phoneNumbers: [{id: phnum_demo, number: "+34601893170", provider: twilio}]
YAML
  "$build/bin/voice-orchestrator" serve --config "$work/bench.yaml" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server did not start:"; cat "$work/server.log"; exit 1
}
stop_server() {
  echo "  server peak memory: $(grep VmHWM /proc/$server_pid/status | awk '{print $2/1024 " MB"}')"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}
load() { "$build/bin/vo-load" "$@" --port "$port" --key bench-admin-key-0123456789abcdef0123; }

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
echo "== 1. accept 100,000 calls via /calls/bulk in batches of 1,000, then drain (latency 0 ms, concurrency 10)"
start_server 0 10 1000
load bulk --calls 100000 --batch 1000
while :; do
  queued=$(curl -fs "http://127.0.0.1:$port/metrics" | awk '/^vo_calls{status="(queued|dispatching|initiated)"}/{s+=$2} END{print s+0}')
  [ "$queued" = "0" ] && break
  sleep 1
done
stop_server
echo "== 2. dispatch rate, simulator latency 0 ms, concurrency 10 (default)"
start_server 0 10 100
load dispatch --calls 50000
stop_server
echo "== 3. dispatch rate, simulator latency 50 ms, concurrency 100 (ceiling 2,000 calls/s)"
start_server 50 100 100
load dispatch --calls 50000
stop_server
echo "== 4. /calls/priority at 200 requests/s, simulator latency 0 ms"
start_server 0 10 100
load priority --rate 200 --seconds 20
stop_server
