#!/usr/bin/env bash
# Installs what is missing, builds build/release and runs the server on config/local.yaml
# (SQLite store, in-memory queue, simulated calls; http://127.0.0.1:3000).
# Extra arguments go to voice-orchestrator, e.g. `bash scripts/run.sh check-config`.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=${VO_JOBS:-$(nproc)}

bash "$root/scripts/install-deps.sh"
cmake -S "$root" -B "$root/build/release" -DCMAKE_BUILD_TYPE=Release -DVO_BUILD_TESTS=OFF \
  -DVO_BUILD_BENCH=OFF
cmake --build "$root/build/release" -j"$jobs" --target voice-orchestrator

cd "$root"
exec "$root/build/release/bin/voice-orchestrator" --config config/local.yaml "$@"
