// Daily roll-ups, freezes, purges and leases.
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

}  // namespace

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
      "CAST(COALESCE(SUM(duration_secs), 0) AS BIGINT) FROM calls_with_state WHERE created_day = ? "
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
    // The same page of the day's calls three times: their attempts and states first, then the
    // calls themselves.
    const std::string pageIds =
        "IN (SELECT id FROM calls WHERE created_day = ? ORDER BY id LIMIT ?)";
    const std::string page = "id " + pageIds;
    const SqlParams params{str(day), int64_t{limit}};
    sql.execute("DELETE FROM call_attempts WHERE call_id " + pageIds, params);
    sql.execute("DELETE FROM call_states WHERE " + page, params);
    return sql.execute("DELETE FROM calls WHERE " + page, params);
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
