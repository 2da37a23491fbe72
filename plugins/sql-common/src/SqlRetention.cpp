// Reports over roll-ups and live calls, daily roll-ups, freezes, purges and leases.
#include "vo/sql/CallColumns.h"
#include "vo/sql/SqlCallStore.h"

namespace vo::sql {

using vo::api::ErrorCode;
using vo::api::makeError;
using vo::api::Result;

namespace {

std::string str(std::string_view text) {
  return std::string(text);
}

// Filters of the report, applied to both halves of its union with the given table alias.
void addReportFilters(const vo::api::ReportQuery& query, const char* dayColumn, SqlWhere& where) {
  const std::string day = dayColumn;
  if (!query.fromDay.empty()) where.add(day + " >= ?", query.fromDay);
  if (!query.toDay.empty()) where.add(day + " <= ?", query.toDay);
  if (!query.workspaceId.empty()) where.add("workspace_id = ?", query.workspaceId);
  if (!query.agentId.empty()) where.add("agent_id = ?", query.agentId);
}

// Adds one (day, workspace, agent, status) group to the report, merging rows of the same key.
void addGroup(vo::api::Report& report, const SqlRow& row) {
  const std::string day = textOf(row[0]);
  const std::string workspaceId = textOf(row[1]);
  const std::string agentId = textOf(row[2]);
  const vo::api::CallStatus status = statusOf(row[3]);
  const int64_t total = intOf(row[4]);
  const int64_t duration = intOf(row[5]);
  if (report.rows.empty() || report.rows.back().day != day ||
      report.rows.back().workspaceId != workspaceId || report.rows.back().agentId != agentId) {
    report.rows.push_back({day, workspaceId, agentId, 0, {}, 0});
  }
  vo::api::ReportRow& target = report.rows.back();
  target.total += total;
  target.byStatus[status] += total;
  target.durationSecs += duration;
  report.total += total;
  report.byStatus[status] += total;
  report.durationSecs += duration;
}

}  // namespace

// One query: rolled-up days from call_daily_aggregates, every other day from the live calls.
Result<vo::api::Report> SqlCallStore::report(const vo::api::ReportQuery& query) {
  SqlWhere rolled;
  addReportFilters(query, "day", rolled);
  SqlWhere live;
  addReportFilters(query, "created_day", live);
  live.sql += std::string(live.sql.empty() ? "" : " AND ") +
              "NOT EXISTS (SELECT 1 FROM call_days d WHERE d.day = calls.created_day)";
  SqlParams params = rolled.params;
  params.insert(params.end(), live.params.begin(), live.params.end());
  const std::string sql =
      "SELECT day, workspace_id, agent_id, status, total, duration_secs FROM ("
      "SELECT day, workspace_id, agent_id, status, total, duration_secs "
      "FROM call_daily_aggregates" +
      rolled.clause() +
      " UNION ALL SELECT created_day AS day, workspace_id, agent_id, status, COUNT(*) AS total, "
      "CAST(COALESCE(SUM(duration_secs), 0) AS BIGINT) AS duration_secs FROM calls" +
      live.clause() +
      " GROUP BY created_day, workspace_id, agent_id, status) report_groups "
      "ORDER BY day, workspace_id, agent_id, status";
  return read<vo::api::Report>([&](SqlRunner& runner) {
    vo::api::Report report;
    for (const SqlRow& row : runner.query(sql, params)) addGroup(report, row);
    return report;
  });
}

Result<std::vector<std::string>> SqlCallStore::daysWithCalls(std::string_view beforeDay) {
  return read<std::vector<std::string>>([&](SqlRunner& sql) {
    std::vector<std::string> days;
    for (const SqlRow& row : sql.query("SELECT DISTINCT created_day FROM calls "
                                       "WHERE created_day < ? ORDER BY created_day",
                                       {str(beforeDay)})) {
      days.push_back(textOf(row[0]));
    }
    return days;
  });
}

// Inside a write transaction. The first statement claims the day's row, so a second instance
// rolling up the same day waits for this one instead of double counting.
int64_t SqlCallStore::rollUp(SqlRunner& sql, const std::string& day, int64_t nowMs, bool freeze) {
  const auto state = sql.query(
      "INSERT INTO call_days (day, rolled_up_at_ms, calls_counted) VALUES (?, ?, 0) "
      "ON CONFLICT (day) DO UPDATE SET rolled_up_at_ms = call_days.rolled_up_at_ms "
      "RETURNING frozen_at_ms",
      {day, nowMs});
  if (!state.empty() && !state[0][0].isEmpty()) return 0;  // frozen: never changes again
  sql.execute("DELETE FROM call_daily_aggregates WHERE day = ?", {day});
  sql.execute(
      "INSERT INTO call_daily_aggregates (day, workspace_id, agent_id, status, total, "
      "duration_secs) SELECT created_day, workspace_id, agent_id, status, COUNT(*), "
      "CAST(COALESCE(SUM(duration_secs), 0) AS BIGINT) FROM calls WHERE created_day = ? "
      "GROUP BY created_day, workspace_id, agent_id, status",
      {day});
  const auto counted = sql.query(
      "SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM call_daily_aggregates WHERE day = ?",
      {day});
  const int64_t calls = counted.empty() ? 0 : intOf(counted[0][0]);
  SqlValue frozenAt = nullptr;
  if (freeze) frozenAt = nowMs;
  sql.execute(
      "UPDATE call_days SET rolled_up_at_ms = ?, calls_counted = ?, frozen_at_ms = ? "
      "WHERE day = ?",
      {nowMs, calls, frozenAt, day});
  return calls;
}

Result<int64_t> SqlCallStore::rollUpDay(std::string_view day, int64_t nowMs) {
  return write<int64_t>(
      [&](SqlRunner& sql) -> Result<int64_t> { return rollUp(sql, str(day), nowMs, false); });
}

Result<void> SqlCallStore::freezeDay(std::string_view day, int64_t nowMs) {
  return write<void>([&](SqlRunner& sql) -> Result<void> {
    rollUp(sql, str(day), nowMs, true);
    return Result<void>::success();
  });
}

Result<int64_t> SqlCallStore::purgeDay(std::string_view day, int limit) {
  if (limit < 1) return makeError(ErrorCode::kInvalid, "purge limit must be at least 1");
  return write<int64_t>([&](SqlRunner& sql) -> Result<int64_t> {
    const auto state = sql.query("SELECT frozen_at_ms FROM call_days WHERE day = ?", {str(day)});
    if (state.empty() || state[0][0].isEmpty()) {
      return makeError(ErrorCode::kConflict,
                       "day " + str(day) + " is not frozen; freeze it before purging its calls");
    }
    // Attempts go with their calls (ON DELETE CASCADE).
    return sql.execute(
        "DELETE FROM calls WHERE id IN (SELECT id FROM calls WHERE created_day = ? "
        "ORDER BY id LIMIT ?)",
        {str(day), int64_t{limit}});
  });
}

Result<bool> SqlCallStore::acquireLease(std::string_view name, std::string_view holder,
                                        int64_t nowMs, int64_t ttlMs) {
  return writeOne<bool>([&](SqlRunner& sql) -> Result<bool> {
    const auto granted = sql.query(
        "INSERT INTO leases (name, holder, expires_at_ms) VALUES (?, ?, ?) "
        "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
        "expires_at_ms = excluded.expires_at_ms "
        "WHERE leases.holder = excluded.holder OR leases.expires_at_ms <= ? RETURNING holder",
        {str(name), str(holder), nowMs + ttlMs, nowMs});
    return !granted.empty();
  });
}

Result<void> SqlCallStore::releaseLease(std::string_view name, std::string_view holder) {
  return writeOne<void>([&](SqlRunner& sql) -> Result<void> {
    sql.execute("DELETE FROM leases WHERE name = ? AND holder = ?", {str(name), str(holder)});
    return Result<void>::success();
  });
}

}  // namespace vo::sql
