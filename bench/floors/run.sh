#!/usr/bin/env bash
# The floors under issue 8's accept and CPU targets: the kernel's cost of one loopback exchange,
# and what SQLite and PostgreSQL alone (no server) take for the accept's rows. See README.md.
#
#   bash bench/floors/run.sh                                  # all, on the quiet machine
#   bash bench/floors/run.sh --postgres-only --beside-server  # 15 s after a server started:
#       # start the drain first: bash bench/production/run.sh --stack production \
#       #   --phases dispatch100 --scale 2
#   bash bench/floors/run.sh --sqlite-only --beside-server    # the same beside the embedded one
#   bash bench/floors/run.sh --kernel-only --beside-server    # the kernel and the scheduler
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
release=$root/build/release
admin_key=floor-admin-key-0123456789abcdef0123
wait_for_server() {
  until pgrep -x voice-orchestra >/dev/null; do sleep 1; done
  sleep 15
  echo "== beside a running voice-orchestrator (load average $(cut -d' ' -f1-3 /proc/loadavg))"
}

if [[ -z "${VO_FLOORS_IN_PG_VIRTUALENV:-}" ]]; then
  run_kernel=true run_sqlite=true run_postgres=true beside_server=false
  for arg in "$@"; do
    case $arg in
      --postgres-only) run_kernel=false run_sqlite=false ;;
      --sqlite-only) run_kernel=false run_postgres=false ;;
      --kernel-only) run_sqlite=false run_postgres=false ;;
      --beside-server) beside_server=true ;;
      *) echo "usage: run.sh [--postgres-only|--sqlite-only|--kernel-only] [--beside-server]" >&2
         exit 2 ;;
    esac
  done
  export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
  cmake -S "$root" -B "$release" -DCMAKE_BUILD_TYPE=Release -DVO_BUILD_TESTS=ON \
    -DVO_BUILD_BENCH=ON >/dev/null
  cmake --build "$release" -j2 --target voice-orchestrator vo-sqlite-insert-floor \
    vo-loopback-floor vo-wakeup-chain-floor >/dev/null
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  python3 "$root/bench/floors/rows.py" "$work/rows" 100 1000
  echo "== $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  if $run_kernel; then
    if $beside_server; then wait_for_server; fi
    echo "== the kernel: 100,000 request/answer exchanges of 300 bytes on 127.0.0.1"
    "$release/bin/vo-loopback-floor" 100000 300
    echo "== the scheduler: chains of round trips to other processes, 200 a second for 20 s"
    for hops in 1 3; do "$release/bin/vo-wakeup-chain-floor" $hops 200 20; done
  fi
  if $run_sqlite; then
    printf 'auth: {adminKey: %s}\nplugins:\n  store: {name: sqlite, config: {path: %s}}\n  queue: {name: memory}\n  provider: {name: simulator}\n' \
      "$admin_key" "$work/floor.db" >"$work/sqlite.yaml"
    if $beside_server; then wait_for_server; fi
    echo "== SQLite: 100 transactions of 1,000 calls (a row of calls and one of call_states each), one prepared INSERT per table"
    for flag in "" --primary-key-only; do
      rm -f "$work"/floor.db*
      "$release/bin/voice-orchestrator" migrate --config "$work/sqlite.yaml" >/dev/null 2>&1
      sync
      "$release/bin/vo-sqlite-insert-floor" "$work/floor.db" "$work/rows" $flag
      if $beside_server; then break; fi  # the drain is over by the second
    done
  fi
  if $run_postgres; then
    VO_FLOORS_IN_PG_VIRTUALENV=1 VO_FLOORS_WORK=$work VO_FLOORS_BESIDE=$beside_server \
      pg_virtualenv -t -- bash "${BASH_SOURCE[0]}" 2>&1 | grep -v '^Creating\|^Dropping'
  fi
  exit 0
fi

# --- inside a throwaway PostgreSQL 15 cluster (default settings) -----------------------------
work=$VO_FLOORS_WORK
export PGOPTIONS="-c client_min_messages=warning"
record_columns="id,workspace_id,agent_id,agent_phone_number_id,campaign_id,to_number"
record_columns+=",from_number,variables_json,lane,max_attempts,created_at_ms,created_day"
state_columns="id,status,attempts,provider_call_id,provider_data_json,last_error,duration_secs"
state_columns+=",end_reason,updated_at_ms,next_attempt_at_ms"
printf 'auth: {adminKey: %s}\nplugins:\n  store: {name: postgres, config: {url: "${DATABASE_URL}"}}\n  queue: {name: memory}\n  provider: {name: simulator}\n' \
  "$admin_key" >"$work/postgres.yaml"
fresh_schema() {  # fresh_schema <primary key only: true|false>
  psql -h 127.0.0.1 -q -c "DROP DATABASE IF EXISTS floor" -c "CREATE DATABASE floor" >/dev/null
  DATABASE_URL="postgresql://$PGUSER:$PGPASSWORD@127.0.0.1:$PGPORT/floor" \
    "$root/build/release/bin/voice-orchestrator" migrate --config "$work/postgres.yaml" \
    >/dev/null 2>&1
  if $1; then
    psql -h 127.0.0.1 -q -d floor -c "DROP INDEX calls_workspace, calls_workspace_agent,
      calls_campaign, calls_to, calls_day, call_states_status, call_states_provider_call" \
      >/dev/null
  fi
  sync
}
copies() {  # copies <every nth batch> <offset> <of the first n batches>: psql commands
  ls "$work"/rows/*.calls.tsv | head -"$3" | awk -v n="$1" -v k="$2" 'NR % n == k' \
    | while read -r file; do
      echo "BEGIN;"
      echo "\\copy calls ($record_columns) from '$file'"
      echo "\\copy call_states ($state_columns) from '${file%.calls.tsv}.states.tsv'"
      echo "COMMIT;"
    done
}
seconds_of() {  # seconds_of <command...>: runs it, prints its wall seconds
  local start end
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$start" "$end"
}
sequential() { copies 1 0 100 | psql -h 127.0.0.1 -q -d floor -f - >/dev/null; }
four_in_flight() {
  for k in 0 1 2 3; do copies 4 "$k" 50 | psql -h 127.0.0.1 -q -d floor -f - >/dev/null & done
  wait
}
# One-row commits at 200 a second for 20 s (pgbench, latency from each one's scheduled start):
# the least a priority call's insert waits for, since it must be durable before the dial.
commit_latency() {
  psql -h 127.0.0.1 -q -d floor -c "CREATE TABLE commits (id bigserial PRIMARY KEY)"
  echo "INSERT INTO commits DEFAULT VALUES;" >"$work/commit.sql"
  (cd "$work" && pgbench -h 127.0.0.1 -n -f commit.sql -R 200 -T 20 -l --log-prefix=commits \
    floor >/dev/null 2>&1)
  cat "$work"/commits.* | awk '{print $3 / 1000}' | sort -n | awk '{a[NR] = $1} END {
    printf "postgres, one-row commits at 200/s for 20 s: p50 %.2f / p99 %.2f / max %.2f ms\n",
      a[int(NR * 0.5)], a[int(NR * 0.99)], a[NR]}'
  rm -f "$work"/commits.*
}
if [[ "$VO_FLOORS_BESIDE" == true ]]; then wait_for_server; fi
echo "== PostgreSQL: a priority call's commit"
fresh_schema false
commit_latency
echo "== PostgreSQL: COPY of the rows of both tables, one transaction per 1,000 calls (psql \\copy)"
for primary_key_only in false true; do
  label=$($primary_key_only && echo "primary key only" || echo "schema as migrated")
  fresh_schema $primary_key_only
  echo "postgres, $label: 100,000 calls one transaction at a time: $(seconds_of sequential) s"
  fresh_schema $primary_key_only
  echo "postgres, $label: 50,000 calls, 4 transactions in flight: $(seconds_of four_in_flight) s"
  if [[ "$VO_FLOORS_BESIDE" == true ]]; then break; fi  # the drain is over by the second pair
done
