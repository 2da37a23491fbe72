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
// rolling up the same day waits for this one instead of double counting. A frozen day's roll-up
// counts its purged calls only: freezing empties it, and each purge adds the calls it deletes,
// in the same transaction (purgeDay), while the report counts the day's remaining calls live.
int64_t SqlCallStore::rollUp(SqlRunner& sql, const std::string& day, int64_t nowMs, bool freeze) {
  const auto state = sql.query(
      "INSERT INTO call_days (day, rolled_up_at_ms, calls_counted) VALUES (?, ?, 0) "
      "ON CONFLICT (day) DO UPDATE SET rolled_up_at_ms = call_days.rolled_up_at_ms "
      "RETURNING frozen_at_ms",
      {day, nowMs});
  if (!state.empty() && !state[0][0].isEmpty()) return 0;  // frozen: only purges change it
  sql.execute("DELETE FROM call_daily_aggregates WHERE day = ?", {day});
  if (freeze) {
    sql.execute(
        "UPDATE call_days SET rolled_up_at_ms = ?, calls_counted = 0, frozen_at_ms = ? "
        "WHERE day = ?",
        {nowMs, nowMs, day});
    return 0;
  }
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
  sql.execute("UPDATE call_days SET rolled_up_at_ms = ?, calls_counted = ? WHERE day = ?",
              {nowMs, calls, day});
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
  std::vector<vo::api::CallStatus> finals;
  for (const vo::api::CallStatus status : vo::api::kAllCallStatuses) {
    if (vo::api::isFinal(status)) finals.push_back(status);
  }
  return write<int64_t>([&](SqlRunner& sql) -> Result<int64_t> {
    const auto state = sql.query("SELECT frozen_at_ms FROM call_days WHERE day = ?", {str(day)});
    if (state.empty() || state[0][0].isEmpty()) {
      return makeError(ErrorCode::kConflict,
                       "day " + str(day) + " is not frozen; freeze it before purging its calls");
    }
    // A page of the day's final calls; the others (queued, dispatching, initiated) stay until
    // they end, and are reported live meanwhile.
    SqlWhere where;
    where.add("created_day = ?", str(day));
    where.addIn("status", statusTexts(finals));
    where.params.emplace_back(int64_t{limit});
    std::vector<std::string> ids;
    for (const SqlRow& row :
         sql.query("SELECT id FROM calls_with_state" + where.clause() + " ORDER BY id LIMIT ?",
                   where.params)) {
      ids.push_back(textOf(row[0]));
    }
    if (ids.empty()) return int64_t{0};
    const SqlParams page{jsonArrayOf(ids)};
    // Counted into the frozen roll-up in the same transaction that deletes them: the day's
    // report (roll-up plus remaining calls) is exact before, during and after a purge.
    sql.execute(
        "INSERT INTO call_daily_aggregates (day, workspace_id, agent_id, status, total, "
        "duration_secs) SELECT created_day, workspace_id, agent_id, status, COUNT(*), "
        "CAST(COALESCE(SUM(duration_secs), 0) AS BIGINT) FROM calls_with_state WHERE " +
            backend_->inJsonTextArray("id") +
            " GROUP BY created_day, workspace_id, agent_id, status "
            "ON CONFLICT (day, workspace_id, agent_id, status) DO UPDATE SET "
            "total = call_daily_aggregates.total + excluded.total, "
            "duration_secs = call_daily_aggregates.duration_secs + excluded.duration_secs",
        page);
    sql.execute("UPDATE call_days SET calls_counted = calls_counted + ? WHERE day = ?",
                {static_cast<int64_t>(ids.size()), str(day)});
    sql.execute("DELETE FROM call_attempts WHERE " + backend_->inJsonTextArray("call_id"), page);
    sql.execute("DELETE FROM call_states WHERE " + backend_->inJsonTextArray("id"), page);
    return sql.execute("DELETE FROM calls WHERE " + backend_->inJsonTextArray("id"), page);
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
