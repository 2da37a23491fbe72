#!/usr/bin/env bash
# Issue 8's figures, end to end over HTTP, for the production stack (config/production.yaml:
# PostgreSQL under pg_virtualenv, a private redis-server, the fake ElevenLabs at 50 ms with
# signed webhooks 1 s after each accepted call) and the embedded one (config/local.yaml: SQLite,
# memory queue, simulator at 50 ms). A fresh server (and database, Redis, fake) per phase; one
# markdown table at the end. Everything listens on 127.0.0.1 and is stopped by pid on exit.
# See bench/production/README.md.
#
# Usage: bash bench/production/run.sh [--stack production|embedded|both] [--build-dir DIR]
#          [--tools-dir DIR] [--scale F] [--phases a,b,..] [--perf PHASE] [--out DIR]
#          [--production-config FILE] [--local-config FILE] [--webhook-senders N]
#          [--priority-threads N] [--connections IDLE,BUSY] [--pg-statements]
#          [--drop-indexes "NAME ..."] [--experiment-sql "SQL"] [--webhooks] [--dnc N]
#   --build-dir   where bin/voice-orchestrator and plugins/ come from (default build/release,
#                 built here); give an old build to compare it with the same harness
#   --tools-dir   where bin/vo-load and bin/fake-elevenlabs come from (default build/release)
#   --scale       multiplies every call count and the priority runs' length (0.01: smoke run)
#   --phases      any of: accept accept4 dispatch10 dispatch100 dispatch1000 bulk10k priority
#                 prioritydrain connections (default: all), and commitsdrain (a floor, not a
#                 figure of the server: one-row commits in the server's own database at 200/s
#                 while a 100,000-call bulk drains; production stack only)
#   --perf PHASE  perf record -g the server during PHASE; summary in the --out directory
#                 (VO_BENCH_PERF_CALLGRAPH="--call-graph dwarf" for call chains of a build
#                 without frame pointers)
#   --pg-statements  load pg_stat_statements and write each production phase's 25 costliest
#                 statements (calls, execution ms, rows) to pgss-<phase>.txt; off by default,
#                 as the figures are taken on PostgreSQL's default settings
#   --drop-indexes   an experiment, never a figure of the product: drops these indexes once the
#                 server has migrated its database, to measure what maintaining them costs
#   --webhooks    every phase's server has one webhook endpoint subscribed to every call event,
#                 a loopback receiver (webhook_receiver.py) answering 204: the dispatch figures
#                 with deliveries, to compare with a run without (docs/webhooks.md: at most 10 %)
#   --experiment-sql the same kind of experiment: runs this SQL on each production phase's
#                 database once the server has migrated it (e.g. a table's fillfactor)
#   --dnc N       before each dispatch phase (dispatch*, bulk10k) puts N numbers on the global
#                 do-not-call list (POST /dnc, 100,000 a request), none of them a number the
#                 campaign calls (+3460…): the claim's list check at its full cost (issue 11)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
all_phases="accept accept4 dispatch10 dispatch100 dispatch1000 bulk10k priority prioritydrain connections"
stack=both
build=""
tools=""
scale=1
phases=$all_phases
perf_phase=""
out=""
production_config=$root/config/production.yaml
local_config=$root/config/local.yaml
webhook_senders=64
priority_threads=32
idle_connections=500
busy_connections=100
pg_statements=0
drop_indexes=""
experiment_sql=""
webhooks=0
receiver_pid=""
dnc_numbers=0
original_args=("$@")
while [[ $# -gt 0 ]]; do
  case "$1" in
    --stack) stack=$2; shift 2 ;;
    --build-dir) build=$(cd "$2" && pwd); shift 2 ;;
    --tools-dir) tools=$(cd "$2" && pwd); shift 2 ;;
    --scale) scale=$2; shift 2 ;;
    --phases) phases=${2//,/ }; shift 2 ;;
    --perf) perf_phase=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --production-config) production_config=$(realpath "$2"); shift 2 ;;
    --local-config) local_config=$(realpath "$2"); shift 2 ;;
    --webhook-senders) webhook_senders=$2; shift 2 ;;
    --priority-threads) priority_threads=$2; shift 2 ;;
    --connections) idle_connections=${2%,*}; busy_connections=${2#*,}; shift 2 ;;
    --pg-statements) pg_statements=1; shift ;;
    --drop-indexes) drop_indexes=$2; shift 2 ;;
    --experiment-sql) experiment_sql=$2; shift 2 ;;
    --webhooks) webhooks=1; shift ;;
    --dnc) dnc_numbers=$2; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ {print; next} NR > 1 {exit}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$stack" in
  production) stacks="production" ;;
  embedded) stacks="embedded" ;;
  both) stacks="production embedded" ;;
  *) echo "run.sh: --stack production|embedded|both" >&2; exit 2 ;;
esac
for phase in $phases; do
  [[ " $all_phases commitsdrain " == *" $phase "* ]] \
    || { echo "run.sh: unknown phase $phase" >&2; exit 2; }
done

# The production stack needs PostgreSQL: run the rest inside a throwaway pg_virtualenv cluster
# (default settings; -t: in a temporary directory even as root, so it never meets another
# session's cluster), which removes it when this script ends, however it ends.
if [[ "$stacks" == *production* && -z "${VO_BENCH_IN_PG_VIRTUALENV:-}" ]]; then
  pg_options=()
  if [[ "$pg_statements" == 1 ]]; then
    pg_options=(-o shared_preload_libraries=pg_stat_statements -o pg_stat_statements.track=all)
  fi
  exec pg_virtualenv -t "${pg_options[@]}" -- env VO_BENCH_IN_PG_VIRTUALENV=1 \
    bash "${BASH_SOURCE[0]}" "${original_args[@]}"
fi

# --- build ----------------------------------------------------------------------------------
release=$root/build/release
build_release() {
  export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
  cmake -S "$root" -B "$release" -DCMAKE_BUILD_TYPE=Release -DVO_BUILD_TESTS=ON \
    -DVO_BUILD_BENCH=ON >/dev/null
  cmake --build "$release" -j2 --target "$@" >/dev/null
}
if [[ -z "$build" ]]; then
  build=$release
  build_release voice-orchestrator
fi
if [[ -z "$tools" ]]; then
  tools=$release
  build_release vo-load fake-elevenlabs
fi
for binary in "$build/bin/voice-orchestrator" "$tools/bin/vo-load" "$tools/bin/fake-elevenlabs"; do
  [[ -x "$binary" ]] || { echo "run.sh: $binary is missing" >&2; exit 1; }
done

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=${out:-$root/bench/results/production/$stamp}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vo-prod-bench.XXXXXX")

# --- processes started here, stopped by pid whatever happens --------------------------------
server_pid=""
fake_pid=""
redis_pid=""
perf_pid=""
stop_pid() {  # stop_pid <pid>: SIGTERM, then SIGKILL after 10 s
  local pid=$1
  [[ -n "$pid" ]] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  stop_pid "$receiver_pid"; receiver_pid=""
  stop_pid "$server_pid"; server_pid=""
  stop_pid "$perf_pid"; perf_pid=""
  stop_pid "$fake_pid"; fake_pid=""
  stop_pid "$redis_pid"; redis_pid=""
  # Keep each phase's server log beside the table (warnings, errors, what the server saw).
  local log
  for log in "$work"/*/server.log; do
    [[ -f "$log" ]] && cp "$log" "$out/$(basename "$(dirname "$log")")-server.log"
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# wait_for <seconds> <command...>: polls the command every 0.1 s, bounded.
wait_for() {
  local limit=$(( $1 * 10 )); shift
  for _ in $(seq 1 "$limit"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}
scaled() {  # scaled <n> <minimum>
  python3 -c "import sys; print(max(int(sys.argv[2]), round(int(sys.argv[1]) * float(sys.argv[3]))))" \
    "$1" "$2" "$scale"
}
clk_tck=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
# Busy ticks of the whole machine (user, nice, system, irq, softirq, steal), every process.
machine_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
# "<tid> <thread name> <CPU ticks>" for every thread of a process (names hold no spaces here).
thread_ticks() {
  local task
  for task in /proc/"$1"/task/*; do
    awk -v tid="${task##*/}" -v name="$(cat "$task/comm" 2>/dev/null)" \
      'FNR == NR {ticks = $14 + $15; next} /ctxt_switches/ {switches += $2}
       END {print tid, name, ticks, switches + 0}' "$task/stat" "$task/status" 2>/dev/null || true
  done
}

# --- the production stack's services --------------------------------------------------------
redis_port=""
start_redis() {
  redis_port=$(free_port)
  redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
    --dir "$work" >"$work/redis.log" 2>&1 &
  redis_pid=$!
  wait_for 10 redis-cli -h 127.0.0.1 -p "$redis_port" ping \
    || { echo "redis-server did not start:" >&2; cat "$work/redis.log" >&2; exit 1; }
}
database_url=""
fresh_database() {  # a new database per phase; Redis emptied
  local name=vo_bench_$1
  PGOPTIONS="-c client_min_messages=warning" psql -h 127.0.0.1 -q \
    -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
  database_url="postgresql://$PGUSER:$PGPASSWORD@127.0.0.1:$PGPORT/$name"
  redis-cli -h 127.0.0.1 -p "$redis_port" flushall >/dev/null
}
fake_url=""
start_fake() {  # start_fake <server port>
  "$tools/bin/fake-elevenlabs" --latency-ms 50 --call-duration-ms 1000 \
    --webhook-url "http://127.0.0.1:$1/webhooks/elevenlabs" --webhook-secret wsec_bench \
    --api-key xi-bench-key --webhook-senders "$webhook_senders" >"$work/fake.log" 2>&1 &
  fake_pid=$!
  wait_for 10 grep -q '^port ' "$work/fake.log" \
    || { echo "fake-elevenlabs did not start:" >&2; cat "$work/fake.log" >&2; exit 1; }
  fake_url="http://127.0.0.1:$(awk '/^port /{print $2}' "$work/fake.log")"
}

# The configuration as an operator runs it, bound to 127.0.0.1 (the file says 0.0.0.0; this
# also works with builds older than the SERVICE_HOST override) and with the benchmark's tenant.
tenant_yaml='tenants:
  workspaces:
    - id: demo
      name: Demo
      agents: [{id: agent_demo, name: Demo agent}]
      phoneNumbers: [{id: phnum_demo, number: "+34601893170", provider: twilio}]'
loopback_config() {  # loopback_config <source> <destination>
  sed -E 's/^(  host:).*/\1 127.0.0.1/' "$1" >"$2"
  grep -q '^  host: 127.0.0.1$' "$2" || { echo "run.sh: no server.host in $1" >&2; exit 1; }
  if ! grep -q '^tenants:' "$2"; then printf '%s\n' "$tenant_yaml" >>"$2"; fi
  if [[ "$webhooks" == 1 ]]; then
    sed -i -E 's/^( +allowPrivateTargets:).*/\1 true/' "$2"
    grep -q 'allowPrivateTargets: true' "$2" || printf 'webhooks:\n  allowPrivateTargets: true\n' >>"$2"
  fi
}

# --webhooks: a receiver on loopback, and the demo workspace's endpoint subscribed to every
# call event (the config copy allows loopback targets).
subscribe_receiver() {  # subscribe_receiver <phase dir>
  /usr/bin/python3 "$root/bench/production/webhook_receiver.py" >"$1/receiver.log" 2>&1 &
  receiver_pid=$!
  wait_for 10 grep -q '^port ' "$1/receiver.log" \
    || { echo "webhook_receiver.py did not start:" >&2; cat "$1/receiver.log" >&2; exit 1; }
  local events='"call.initiated","call.completed","call.no_answer","call.busy","call.failed"'
  events+=',"call.unknown","call.canceled","call.suppressed","call.expired"'
  curl -fs -X POST "http://127.0.0.1:$port/workspaces/demo/webhooks" \
    -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' \
    -d "{\"url\":\"http://127.0.0.1:$(awk '/^port /{print $2}' "$1/receiver.log")/hooks\",\"events\":[$events]}" \
    >/dev/null || { echo "run.sh: registering the webhook endpoint failed" >&2; exit 1; }
}

# --- one server per phase -------------------------------------------------------------------
child_of() { ps -o pid= --ppid "$1" | awk 'NR == 1 {print $1}'; }
perf_has_started_the_server() { [[ -n "$(child_of "$perf_pid")" ]]; }
port=""
admin_key=bench-admin-key-0123456789abcdef0123
phase_cpu_start=0 machine_cpu_start=0 fake_cpu_start=0 redis_cpu_start=0
start_server() {  # start_server <stack> <phase> <concurrency>
  local stack=$1 phase=$2 concurrency=$3
  current_stack=$stack current_phase=$phase
  port=$(free_port)
  local dir=$work/$stack-$phase
  mkdir -p "$dir/data"
  local -a env_vars=(VO_ADMIN_API_KEY="$admin_key" SERVICE_PORT="$port" SERVICE_HOST=127.0.0.1
    CALLS_WORKER_CONCURRENCY="$concurrency")
  if [[ "$stack" == production ]]; then
    fresh_database "$phase"
    start_fake "$port"
    loopback_config "$production_config" "$dir/config.yaml"
    env_vars+=(DATABASE_URL="$database_url" REDIS_URL="redis://127.0.0.1:$redis_port/0"
      ELEVENLABS_API_KEY=xi-bench-key ELEVENLABS_BASE_URL="$fake_url"
      ELEVENLABS_WEBHOOK_SECRET=wsec_bench)
  else
    loopback_config "$local_config" "$dir/config.yaml"
    # As the fake ElevenLabs does, the simulator accepts and completes every call: local.yaml's
    # simulated 429s throttle the whole account for a second each and would measure that.
    sed -i -E '/^ +(noAnswer|busy|failed|rateLimited|ambiguous): /d; s/^( +completed:) .*/\1 1.0/' \
      "$dir/config.yaml"
  fi
  # perf cannot attach to a running process on every machine (`perf record -p` wrote no
  # samples on the 2-core VM), so the profiled phase's server is started under perf instead.
  local -a profiler=()
  if [[ "$phase" == "$perf_phase" ]]; then
    profiler=(perf record -e cpu-clock ${VO_BENCH_PERF_CALLGRAPH:--g} -o "$out/perf-$stack-$phase.data" --)
  fi
  (cd "$dir" && exec env "${env_vars[@]}" "${profiler[@]}" "$build/bin/voice-orchestrator" \
    serve --config "$dir/config.yaml" >"$dir/server.log" 2>&1) &
  server_pid=$!
  if [[ ${#profiler[@]} -gt 0 ]]; then
    perf_pid=$server_pid
    server_pid=""
    wait_for 10 perf_has_started_the_server \
      || { echo "perf did not start the server:" >&2; cat "$dir/server.log" >&2; exit 1; }
    server_pid=$(child_of "$perf_pid")
  fi
  if ! wait_for 60 curl -fs "http://127.0.0.1:$port/health"; then
    echo "voice-orchestrator did not answer /health within 60 s; its log:" >&2
    tail -20 "$dir/server.log" >&2
    exit 1
  fi
  if [[ "$webhooks" == 1 ]]; then subscribe_receiver "$dir"; fi
  if [[ -n "$drop_indexes" && -n "$database_url" ]]; then
    for index in $drop_indexes; do psql "$database_url" -q -c "DROP INDEX $index"; done
  fi
  if [[ -n "$experiment_sql" && -n "$database_url" ]]; then
    psql "$database_url" -q -c "$experiment_sql"
  fi
  # Peak RSS from here on (VmHWM back to the current RSS), CPU counted from here.
  { echo 5 >"/proc/$server_pid/clear_refs"; } 2>/dev/null || true
  phase_cpu_start=$(cpu_ticks "$server_pid")
  thread_ticks "$server_pid" >"$work/threads-start.txt"
  machine_cpu_start=$(machine_ticks)
  fake_cpu_start=0 redis_cpu_start=0
  if [[ -n "$fake_pid" ]]; then fake_cpu_start=$(cpu_ticks "$fake_pid"); fi
  if [[ -n "$redis_pid" ]]; then redis_cpu_start=$(cpu_ticks "$redis_pid"); fi
}
stop_server() {  # stop_server <figures file>: CPU and peak RSS of the phase, then stop
  local figures=$1
  echo "server_cpu_s $(awk -v a="$phase_cpu_start" -v b="$(cpu_ticks "$server_pid")" \
    -v t="$clk_tck" 'BEGIN{printf "%.1f", (b - a) / t}')" >>"$figures"
  echo "server_rss_mb $(awk '/VmHWM/{printf "%.0f", $2 / 1024}' "/proc/$server_pid/status")" \
    >>"$figures"
  # Where the rest of the machine went: everything (PostgreSQL, the load tool, the kernel's
  # own work included), the fake ElevenLabs and Redis.
  local seconds='BEGIN{printf "%.1f", (b - a) / t}'
  echo "machine_cpu_s $(awk -v a="$machine_cpu_start" -v b="$(machine_ticks)" -v t="$clk_tck" \
    "$seconds")" >>"$figures"
  if [[ -n "$fake_pid" ]]; then
    echo "fake_cpu_s $(awk -v a="$fake_cpu_start" -v b="$(cpu_ticks "$fake_pid")" \
      -v t="$clk_tck" "$seconds")" >>"$figures"
  fi
  if [[ -n "$redis_pid" ]]; then
    echo "redis_cpu_s $(awk -v a="$redis_cpu_start" -v b="$(cpu_ticks "$redis_pid")" \
      -v t="$clk_tck" "$seconds")" >>"$figures"
  fi
  if [[ "$pg_statements" == 1 && -n "$database_url" ]]; then
    statement_costs >"$out/pgss-$current_stack-$current_phase.txt" 2>&1 || true
  fi
  if [[ -n "$redis_pid" ]]; then  # Redis's commands of the phase, by CPU; then cleared
    redis-cli -h 127.0.0.1 -p "$redis_port" info commandstats | tr -d '\r' \
      | awk -F'[:,=]' '/^cmdstat_/ {printf "%-28s calls %9d  usec %10d  per call %6.2f\n",
          substr($1, 9), $3, $5, $7}' | sort -k5 -rn \
      >"$out/redis-$current_stack-$current_phase.txt" || true
    redis-cli -h 127.0.0.1 -p "$redis_port" config resetstat >/dev/null || true
  fi
  # The server's CPU by thread kind (threads named by the service: vo-dial, vo-http-loop, ...),
  # for the profile's question "which part costs what".
  thread_ticks "$server_pid" | awk -v t="$clk_tck" '
    NR == FNR {start[$1] = $3; switched[$1] = $4; next}
    {cpu[$2] += $3 - start[$1]; switches[$2] += $4 - switched[$1]; count[$2]++}
    END {for (n in cpu) printf "%-16s %3d threads %8.2f s %9d context switches\n", n, count[n],
           cpu[n] / t, switches[n]}' \
    "$work/threads-start.txt" - | sort -k4 -rn >"$out/threads-$current_stack-$current_phase.txt"
  stop_pid "$server_pid"; server_pid=""
  stop_pid "$perf_pid"; perf_pid=""  # perf ends with the server it started, data written
  stop_pid "$fake_pid"; fake_pid=""; fake_url=""
  stop_pid "$receiver_pid"; receiver_pid=""
}

# The phase's costliest statements by PostgreSQL's own execution time (which includes waits for
# locks and for a core), then the counters cleared for the next phase.
statement_costs() {
  psql "$database_url" -q -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
  psql "$database_url" -c "SELECT calls, round(total_exec_time) AS exec_ms,
      round(max_exec_time::numeric, 1) AS max_ms, rows,
      left(regexp_replace(regexp_replace(query, '\s+', ' ', 'g'),
        'id, workspace_id, agent_id, .*?, next_attempt_at_ms', '<every call column>'), 250)
        AS statement
    FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25"
  # The WAL the phase wrote: every commit waits for its flush, the priority lane's too.
  psql "$database_url" -c "SELECT wal_records, wal_fpi, pg_size_pretty(wal_bytes) AS wal,
      wal_write, wal_sync, round(wal_sync_time) AS sync_ms FROM pg_stat_wal"
  psql "$database_url" -q -c "SELECT pg_stat_statements_reset()" >/dev/null
  psql "$database_url" -q -c "SELECT pg_stat_reset_shared('wal')" >/dev/null
}

# One-row commits in the server's own database, 200 a second for the priority runs' length
# (pgbench; each latency from its scheduled start, as vo-load counts a request): the least a
# priority call waits for its insert, which must be durable before the dial, while the drain
# writes to the same WAL.
commits_beside_the_drain() {
  local figures=$1 script=$work/commit.sql
  psql "$database_url" -q -c "CREATE TABLE IF NOT EXISTS bench_commits (id bigserial PRIMARY KEY)"
  echo "INSERT INTO bench_commits DEFAULT VALUES;" >"$script"
  (cd "$work" && pgbench "$database_url" -n -f "$script" -R 200 -T "$priority_seconds" -l \
    --log-prefix=commits >/dev/null 2>&1) || true
  cat "$work"/commits.* | awk '{print $3 / 1000}' | sort -n | awk '{a[NR] = $1} END {
    if (NR == 0) exit
    printf "commit_p50 %.2f\ncommit_p99 %.2f\ncommit_max %.2f\n", a[int(NR * 0.5)],
      a[int(NR * 0.99)], a[NR]}' >>"$figures"
  rm -f "$work"/commits.*
  echo "  one-row commits at 200/s: p50 $(awk '$1 == "commit_p50" {print $2}' "$figures") / p99 \
$(awk '$1 == "commit_p99" {print $2}' "$figures") ms"
}

# --- phases ---------------------------------------------------------------------------------
# --dnc: N numbers (+4470 and 8 digits, disjoint from the load's +3460…) on the global list.
load_dnc_list() {
  local total=$1 first=0 body=$work/dnc.json
  (( total > 0 )) || return 0
  while (( first < total )); do
    local count=$(( total - first > 100000 ? 100000 : total - first ))
    python3 -c "import json, sys; f, c = int(sys.argv[1]), int(sys.argv[2]); print(json.dumps(
        {'numbers': ['+4470%08d' % i for i in range(f, f + c)], 'reason': 'bench'}))" \
      "$first" "$count" >"$body"
    curl -sf -o /dev/null -X POST -H "Authorization: Bearer $admin_key" \
      -H 'Content-Type: application/json' --data-binary @"$body" \
      "http://127.0.0.1:$port/dnc" || { echo "run.sh: loading the DNC list failed" >&2; return 1; }
    first=$(( first + count ))
  done
  echo "  $total numbers on the global do-not-call list"
}

load() { "$tools/bin/vo-load" "$@" --port "$port" --key "$admin_key" | tee -a "$work/load.log"; }
fake_args() { if [[ -n "$fake_url" ]]; then echo --fake-url "$fake_url"; fi; }
drain_wait() { echo $(( 120 + $1 / 100 )); }  # seconds: bounded, generous for 100 calls/s

accept_batch=$(python3 -c "print(max(10, min(1000, round(1000 * $scale))))")
priority_seconds=$(python3 -c "print(max(2, round(20 * $scale, 1)))")

# The profile's self time by library, then the top 40 symbols (no call chains: `perf report
# -i <data>` shows them).
summarize_profile() {
  local data=$1
  echo "# perf report --no-children -i $(basename "$data"): self time by library"
  perf report -i "$data" --no-children --stdio -g none --sort dso --percent-limit 0.5 2>/dev/null \
    | grep -v -e '^#' -e '^$' | head -20 | sed 's/ *$//' || true
  echo "# top symbols"
  perf report -i "$data" --no-children --stdio -g none --sort dso,symbol 2>/dev/null \
    | grep -v -e '^#' -e '^$' | head -40 | cut -c1-200 | sed 's/ *$//' || true
}

# run_phase <stack> <phase>: one fresh server, the phase's load, its figures in <stack>-<phase>.fig
run_phase() {
  local stack=$1 phase=$2
  local figures=$work/$stack-$phase.fig
  : >"$figures"
  echo "== $stack / $phase (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  local n
  case "$phase" in
    accept|accept4)
      local in_flight=1 base=100000
      if [[ "$phase" == accept4 ]]; then in_flight=4; base=50000; fi
      n=$(scaled "$base" 10)
      start_server "$stack" "$phase" 100
      load bulk --calls "$n" --batch "$accept_batch" --in-flight "$in_flight" --figures "$figures" \
        || true
      load drain --calls "$n" --wait "$(drain_wait "$n")" $(fake_args) --figures "$figures" || true
      ;;
    dispatch10|dispatch100|dispatch1000)
      local concurrency=${phase#dispatch}
      # About 20 s at the ceiling (concurrency / 50 ms), at most 50,000 calls.
      local base=$(( concurrency * 20 * 20 ))
      (( base > 50000 )) && base=50000
      n=$(scaled "$base" 100)
      start_server "$stack" "$phase" "$concurrency"
      load_dnc_list "$dnc_numbers"
      load dispatch --calls "$n" --wait "$(drain_wait "$n")" $(fake_args) --figures "$figures" \
        || true
      ;;
    bulk10k)
      n=$(scaled 10000 100)
      start_server "$stack" "$phase" 100
      load_dnc_list "$dnc_numbers"
      load dispatch --calls "$n" --wait "$(drain_wait "$n")" $(fake_args) --figures "$figures" \
        || true
      ;;
    priority)
      start_server "$stack" "$phase" 100
      load priority --rate 200 --seconds "$priority_seconds" --threads "$priority_threads" \
        --number-offset 5000000 $(fake_args) --figures "$figures" || true
      ;;
    prioritydrain)
      n=$(scaled 100000 10)
      start_server "$stack" "$phase" 100
      load bulk --calls "$n" --batch "$accept_batch" --figures "$figures" || true
      load priority --rate 200 --seconds "$priority_seconds" --threads "$priority_threads" \
        --number-offset 5000000 $(fake_args) --figures "$figures" || true
      local queued
      queued=$(curl -fs "http://127.0.0.1:$port/metrics" \
        | awk '/^vo_calls\{status="(queued|dispatching)"\}/{s+=$2} END{print s+0}')
      echo "prio_queued_after $queued" >>"$figures"
      echo "  calls still queued or dispatching when the priority run ended: $queued"
      ;;
    commitsdrain)
      [[ "$stack" == production ]] || return 0
      n=$(scaled 100000 10)
      start_server "$stack" "$phase" 100
      load bulk --calls "$n" --batch "$accept_batch" --figures "$figures" || true
      commits_beside_the_drain "$figures"
      ;;
    connections)
      start_server "$stack" "$phase" 100
      load connections --idle "$idle_connections" --busy "$busy_connections" \
        --figures "$figures" || true
      ;;
  esac
  stop_server "$figures"
  if [[ "$phase" == "$perf_phase" && -s "$out/perf-$stack-$phase.data" ]]; then
    summarize_profile "$out/perf-$stack-$phase.data" >"$out/perf-$stack-$phase.txt"
    echo "  perf profile: $out/perf-$stack-$phase.txt"
  fi
}

# --- the table ------------------------------------------------------------------------------
fig() {  # fig <stack> <phase> <name>: the figure, "–" when the phase did not record it
  awk -v k="$3" '$1 == k {v = $2; seen = 1}
    END {
      if (!seen) print "–"
      else if (v == int(v) || v >= 100 || v <= -100) printf "%.0f\n", v
      else if (v >= 10 || v <= -10) printf "%.1f\n", v
      else printf "%.2f\n", v
    }' "$work/$1-$2.fig" 2>/dev/null || echo "–"
}
ran() { [[ -f "$work/$1-$2.fig" ]]; }
cost() {
  local others="machine $(fig "$1" "$2" machine_cpu_s) s"
  if [[ "$1" == production ]]; then
    others+=": fake $(fig "$1" "$2" fake_cpu_s) s, Redis $(fig "$1" "$2" redis_cpu_s) s"
  fi
  echo "$(fig "$1" "$2" server_cpu_s) s ($others) | $(fig "$1" "$2" server_rss_mb) MB"
}
webhooks() {  # the fake's view of the webhooks of a phase
  local s=$1 p=$2
  [[ "$s" == production ]] || { echo "(no webhooks: simulator)"; return; }
  echo "webhooks: answer p50 $(fig "$s" "$p" webhook_answer_p50) / p99 $(fig "$s" "$p" \
webhook_answer_p99) / max $(fig "$s" "$p" webhook_answer_max) ms; $(fig "$s" "$p" \
webhook_other) non-2xx, $(fig "$s" "$p" webhook_no_answer) no answer in 10 s, $(fig "$s" "$p" \
webhook_conn_failures) connection failures, $(fig "$s" "$p" webhook_pending) unsent"
}
priority_row() {
  local s=$1 p=$2
  if [[ "$s" == production ]]; then
    echo "sent → fake receives the dial p50 $(fig "$s" "$p" prio_reach_p50) / p99 $(fig "$s" "$p" \
prio_reach_p99) / max $(fig "$s" "$p" prio_reach_max) ms; $(fig "$s" "$p" prio_errors) errors, \
$(fig "$s" "$p" prio_timeouts) timeouts, $(fig "$s" "$p" prio_not_reached) never dialed, \
$(fig "$s" "$p" prio_not_sent) not sent (client over 30 s behind); $(fig "$s" "$p" \
prio_status_201) of $(fig "$s" "$p" prio_requests) dialed before the answer (201); response p99 \
$(fig "$s" "$p" prio_response_p99) ms"
  else
    echo "response (includes the simulator's 50 ms) p50 $(fig "$s" "$p" prio_response_p50) / \
p99 $(fig "$s" "$p" prio_response_p99) / max $(fig "$s" "$p" prio_response_max) ms; \
$(fig "$s" "$p" prio_errors) errors, $(fig "$s" "$p" prio_timeouts) timeouts, $(fig "$s" "$p" \
prio_not_sent) not sent (client over 30 s behind); $(fig "$s" "$p" prio_status_201) of \
$(fig "$s" "$p" prio_requests) dialed before the answer (201; a 202 was only queued, its time \
says nothing of the dial)"
  fi
}
table() {
  local s=$1
  echo
  echo "### $s stack — $(date -u '+%Y-%m-%d %H:%M UTC'), scale $scale, load average at start: $load_at_start"
  echo
  echo "| phase | measured | server CPU (whole machine) | server peak RSS |"
  echo "|---|---|---|---|"
  if ran "$s" accept; then
    echo "| accept $(fig "$s" accept accept_calls) via /calls/bulk, $accept_batch per request, one at a time, draining at c=100 | $(fig "$s" accept accept_rate) calls/s ($(fig "$s" accept accept_s) s), request p50 $(fig "$s" accept accept_request_p50) / p99 $(fig "$s" accept accept_request_p99) ms; drained $(fig "$s" accept drain_wait_s) s later, $(fig "$s" accept drain_not_final) not final; $(webhooks "$s" accept) | $(cost "$s" accept) |"
  fi
  if ran "$s" accept4; then
    echo "| accept $(fig "$s" accept4 accept_calls), 4 requests in flight, draining at c=100 | $(fig "$s" accept4 accept_rate) calls/s ($(fig "$s" accept4 accept_s) s), request p50 $(fig "$s" accept4 accept_request_p50) / p99 $(fig "$s" accept4 accept_request_p99) ms; drained $(fig "$s" accept4 drain_wait_s) s later | $(cost "$s" accept4) |"
  fi
  local c
  for c in 10 100 1000; do
    if ran "$s" "dispatch$c"; then
      echo "| dispatch at c=$c ($(fig "$s" "dispatch$c" dispatch_calls) calls; ceiling $(( c * 20 ))/s) | $(fig "$s" "dispatch$c" dispatch_rate) calls/s between 10 % and 90 % | $(cost "$s" "dispatch$c") |"
    fi
  done
  if ran "$s" bulk10k; then
    echo "| $(fig "$s" bulk10k dispatch_calls)-call bulk at c=100: request sent → every call reached the provider | $(fig "$s" bulk10k dispatch_all_s) s | $(cost "$s" bulk10k) |"
  fi
  if ran "$s" priority; then
    echo "| /calls/priority at 200/s for $priority_seconds s, nothing queued | $(priority_row "$s" priority) | $(cost "$s" priority) |"
  fi
  if ran "$s" prioritydrain; then
    echo "| /calls/priority at 200/s for $priority_seconds s while a $(fig "$s" prioritydrain accept_calls)-call bulk drains at c=100 | $(priority_row "$s" prioritydrain); $(fig "$s" prioritydrain prio_queued_after) calls still queued or dispatching at the end | $(cost "$s" prioritydrain) |"
  fi
  if [[ "$s" == production ]] && ran "$s" commitsdrain; then
    echo "| floor: one-row commits in the same database at 200/s for $priority_seconds s while a $(fig "$s" commitsdrain accept_calls)-call bulk drains at c=100 | p50 $(fig "$s" commitsdrain commit_p50) / p99 $(fig "$s" commitsdrain commit_p99) / max $(fig "$s" commitsdrain commit_max) ms | $(cost "$s" commitsdrain) |"
  fi
  if ran "$s" connections; then
    echo "| a new client while $idle_connections idle + $busy_connections busy keep-alive connections are open (worst of 3; -1: no answer in 30 s) | /health $(fig "$s" connections conn_health_ms) ms, /calls/priority $(fig "$s" connections conn_priority_ms) ms, POST without a body $(fig "$s" connections conn_nobody_ms) ms | $(cost "$s" connections) |"
  fi
}

load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r); load average $load_at_start"
echo "== server: $build/bin/voice-orchestrator ($(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?') harness); results in $out"
for s in $stacks; do
  if [[ "$s" == production ]]; then start_redis; fi
  for phase in $phases; do run_phase "$s" "$phase"; done
  if [[ "$s" == production ]]; then stop_pid "$redis_pid"; redis_pid=""; fi
done
{
  for s in $stacks; do table "$s"; done
} | tee "$out/table.md"
