#!/bin/sh
# EXPLAIN ANALYZE of every query shape the PostgreSQL store sends, on data the bench leaves
# behind. Run from the build directory's parent (the repo root):
#   pg_virtualenv -- sh bench/store-postgres/explain.sh build/dev 1000000
# Prints the plans; docs/postgres.md records what they showed.
set -e
BUILD=${1:-build/dev}
STORED=${2:-1000000}
"$BUILD/bin/vo-store-bench" --store postgres --stored "$STORED" --schema vo_explain --purge no \
  > "${BENCH_OUTPUT:-/dev/null}"
CURSOR=$(psql -X -A -t -c "SELECT id FROM vo_explain.calls WHERE workspace_id = 'ws1' ORDER BY id DESC OFFSET 5000 LIMIT 1")
COLUMNS="id, workspace_id, agent_id, agent_phone_number_id, campaign_id, to_number, from_number, variables_json, status, lane, attempts, max_attempts, provider_call_id, provider_data_json, last_error, duration_secs, end_reason, created_at_ms, created_day, updated_at_ms, next_attempt_at_ms"
explain() {
  echo "### $1"
  psql -X -q -c "SET search_path TO vo_explain" -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) $2" \
    | grep -v "^ *$"
}
explain "GET /calls (no filter)" "SELECT $COLUMNS FROM calls_with_state ORDER BY id DESC LIMIT 101"
explain "GET /calls?workspaceId" "SELECT $COLUMNS FROM calls_with_state WHERE workspace_id = 'ws1' ORDER BY id DESC LIMIT 101"
explain "GET /calls?workspaceId&cursor (page 51)" "SELECT $COLUMNS FROM calls_with_state WHERE workspace_id = 'ws1' AND id < '$CURSOR' ORDER BY id DESC LIMIT 101"
explain "GET /calls?workspaceId&status" "SELECT $COLUMNS FROM calls_with_state WHERE workspace_id = 'ws1' AND status = 'busy' ORDER BY id DESC LIMIT 101"
explain "GET /calls?workspaceId&agentId" "SELECT $COLUMNS FROM calls_with_state WHERE workspace_id = 'ws1' AND agent_id = 'ag3' ORDER BY id DESC LIMIT 101"
explain "GET /calls?campaignId" "SELECT $COLUMNS FROM calls_with_state WHERE campaign_id = 'cmp-ws2' ORDER BY id DESC LIMIT 101"
explain "GET /calls?campaignId&status" "SELECT $COLUMNS FROM calls_with_state WHERE campaign_id = 'cmp-ws2' AND status = 'failed' ORDER BY id DESC LIMIT 101"
explain "GET /calls?to" "SELECT $COLUMNS FROM calls_with_state WHERE to_number = '+34631007919' ORDER BY id DESC LIMIT 101"
explain "GET /calls?workspaceId&created range" "SELECT $COLUMNS FROM calls_with_state WHERE workspace_id = 'ws1' AND created_at_ms >= 1768435200000 AND created_at_ms < 1768521600000 ORDER BY id DESC LIMIT 101"
explain "webhook: findByProviderCallId" "SELECT $COLUMNS FROM calls_with_state WHERE provider_call_id = 'conv_q0400000007' ORDER BY id LIMIT 1"
explain "campaign progress" "SELECT status, COUNT(*) FROM calls_with_state WHERE campaign_id = 'cmp-ws2' GROUP BY status"
explain "sweeper: due queued calls" "SELECT $COLUMNS FROM calls_with_state WHERE status IN ('queued') AND next_attempt_at_ms <= 1770681600000 ORDER BY id LIMIT 1000"
explain "reconciler: stale dispatching" "SELECT $COLUMNS FROM calls_with_state WHERE status IN ('dispatching') AND updated_at_ms < 1770681600000 ORDER BY id LIMIT 1000"
explain "transition" "UPDATE call_states SET status = 'completed', updated_at_ms = 1 WHERE id = 'q0400000001' AND status IN ('initiated') RETURNING attempts"
explain "report, 15 live days" "SELECT created_day, workspace_id, agent_id, status, COUNT(*), CAST(COALESCE(SUM(duration_secs), 0) AS BIGINT) FROM calls_with_state WHERE created_day >= '2026-01-26' AND created_day <= '2026-02-09' AND created_day IN ('2026-01-26','2026-01-27','2026-01-28','2026-01-29','2026-01-30','2026-01-31','2026-02-01','2026-02-02','2026-02-03','2026-02-04','2026-02-05','2026-02-06','2026-02-07','2026-02-08','2026-02-09') AND NOT EXISTS (SELECT 1 FROM call_days d WHERE d.day = calls_with_state.created_day) GROUP BY created_day, workspace_id, agent_id, status"
explain "report, rolled-up days" "SELECT day, workspace_id, agent_id, status, total, duration_secs FROM call_daily_aggregates WHERE day >= '2026-01-26' AND day <= '2026-02-09'"
explain "retention: daysWithCalls" "SELECT DISTINCT created_day FROM calls WHERE created_day < '2026-01-26' ORDER BY created_day"
explain "retention: purge batch (states)" "DELETE FROM call_states WHERE id IN (SELECT id FROM calls WHERE created_day = '2026-01-02' ORDER BY id LIMIT 5000)"
explain "retention: purge batch" "DELETE FROM calls WHERE id IN (SELECT id FROM calls WHERE created_day = '2026-01-02' ORDER BY id LIMIT 5000)"
