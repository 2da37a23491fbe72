#!/usr/bin/env bash
# Builds everything and runs every test: unit, contract, end-to-end, against a private
# redis-server (started here, stopped on exit) and a throwaway PostgreSQL cluster
# (pg_virtualenv). Usage: bash scripts/test.sh [--sanitize] [extra ctest arguments...]
#   --sanitize   build/asan with AddressSanitizer and UndefinedBehaviorSanitizer
# Exits with ctest's code.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=${VO_JOBS:-$(nproc)}
build_dir="$root/build/test"
sanitize=OFF
ctest_args=()
for arg in "$@"; do
  case "$arg" in
    --sanitize) sanitize=ON; build_dir="$root/build/asan" ;;
    -h|--help) sed -n '2,7p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) ctest_args+=("$arg") ;;
  esac
done

bash "$root/scripts/install-deps.sh"
# Let ccache reuse objects across checkouts in other folders (CI builds a fresh clone).
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
cmake -S "$root" -B "$build_dir" -DVO_SANITIZE="$sanitize"
cmake --build "$build_dir" -j"$jobs"

# A private Redis on a free loopback port; stopped by its pid whatever happens next.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/vo-test.XXXXXX")
redis_pid_file="$scratch/redis.pid"
stop_redis() {
  if [[ -s "$redis_pid_file" ]]; then
    local pid
    pid=$(cat "$redis_pid_file")
    kill "$pid" 2>/dev/null || true
    # It still writes its log while it shuts down: removing the folder before it has gone
    # failed with "Directory not empty" and turned a green run red.
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -rf "$scratch" || echo "test.sh: could not remove $scratch" >&2
}
trap stop_redis EXIT

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Starts redis-server on port $1 and waits for PONG; on failure stops what it started.
start_redis() {
  redis-server --bind 127.0.0.1 --port "$1" --save "" --appendonly no --daemonize yes \
    --pidfile "$redis_pid_file" --dir "$scratch" --logfile "$scratch/redis.log" || return 1
  for _ in $(seq 1 100); do
    [[ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" == "PONG" ]] && return 0
    sleep 0.1
  done
  [[ -s "$redis_pid_file" ]] && kill "$(cat "$redis_pid_file")" 2>/dev/null
  rm -f "$redis_pid_file"
  return 1
}

redis_port=""
for _ in $(seq 1 20); do
  candidate=$((20000 + RANDOM % 40000))
  port_in_use "$candidate" && continue
  if start_redis "$candidate"; then
    redis_port=$candidate
    break
  fi
done
if [[ -z "$redis_port" ]]; then
  echo "test.sh: could not start redis-server; its log:" >&2
  cat "$scratch/redis.log" >&2 || true
  exit 1
fi
echo "test.sh: redis-server pid $(cat "$redis_pid_file") on 127.0.0.1:$redis_port"

export VO_TEST_REDIS_URL="redis://127.0.0.1:$redis_port/0"
VO_TEST_REDIS_SERVER=$(command -v redis-server)
export VO_TEST_REDIS_SERVER

if [[ "$sanitize" == ON ]]; then
  export LSAN_OPTIONS="suppressions=$root/scripts/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
fi

status=0
# -t: the cluster lives in a temporary directory even as root, so a run killed midway (which
# leaves the system-wide 15/regress cluster behind) cannot make the next run refuse to start.
pg_virtualenv -t -- ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 900 \
  "${ctest_args[@]}" || status=$?
exit "$status"
