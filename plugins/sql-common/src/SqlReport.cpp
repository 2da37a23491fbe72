// GET /calls/report: roll-ups for rolled-up days, live calls for the others (and for what a
// frozen day still holds), in one query.
#include <set>

#include "vo/sql/CallColumns.h"
#include "vo/sql/SqlCallStore.h"

namespace vo::sql {

using vo::api::ErrorCode;
using vo::api::makeError;
using vo::api::Result;

namespace {

// Longer ranges are not enumerated day by day; their live part scans the range instead.
constexpr int64_t kMaxEnumeratedDays = 3660;

void addReportFilters(const vo::api::ReportQuery& query, const std::string& dayColumn,
                      SqlWhere& where) {
  if (!query.fromDay.empty()) where.add(dayColumn + " >= ?", query.fromDay);
  if (!query.toDay.empty()) where.add(dayColumn + " <= ?", query.toDay);
  if (!query.workspaceId.empty()) where.add("workspace_id = ?", query.workspaceId);
  if (!query.agentId.empty()) where.add("agent_id = ?", query.agentId);
}

// Adds one (day, workspace, agent, status) group; rows arrive ordered, so a new key starts a row.
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

// The days of the range that had no roll-up a moment ago, so the live half of the report seeks
// just those days instead of reading every call of the range. nullopt: do not restrict.
std::optional<std::vector<std::string>> liveDays(SqlRunner& sql, vo::api::ReportQuery range) {
  if (range.fromDay.empty() || range.toDay.empty()) {
    const auto bounds = sql.query("SELECT MIN(created_day), MAX(created_day) FROM calls");
    if (bounds.empty() || bounds[0][0].isEmpty()) return std::vector<std::string>{};
    if (range.fromDay.empty()) range.fromDay = textOf(bounds[0][0]);
    if (range.toDay.empty()) range.toDay = textOf(bounds[0][1]);
  }
  const std::optional<int64_t> first = dayNumber(range.fromDay);
  const std::optional<int64_t> last = dayNumber(range.toDay);
  if (!first || !last || *last - *first > kMaxEnumeratedDays) return std::nullopt;
  std::set<std::string> rolled;
  for (const SqlRow& row : sql.query("SELECT day FROM call_days WHERE day >= ? AND day <= ? AND "
                                     "frozen_at_ms IS NULL",
                                     {range.fromDay, range.toDay})) {
    rolled.insert(textOf(row[0]));
  }
  std::vector<std::string> days;
  for (int64_t day = *first; day <= *last; ++day) {
    std::string text = dayText(day);
    if (!rolled.contains(text)) days.push_back(std::move(text));
  }
  return days;
}

}  // namespace

Result<vo::api::Report> SqlCallStore::report(const vo::api::ReportQuery& query) {
  for (const auto& [name, day] : {std::pair{"fromDay", &query.fromDay}, {"toDay", &query.toDay}}) {
    if (!day->empty() && !dayNumber(*day)) {
      return makeError(ErrorCode::kInvalid, std::string(name) + " must be a date YYYY-MM-DD");
    }
  }
  return read<vo::api::Report>([&](SqlRunner& sql) {
    SqlWhere rolled;
    addReportFilters(query, "day", rolled);
    std::string statement =
        "SELECT day, workspace_id, agent_id, status, total, duration_secs "
        "FROM call_daily_aggregates" +
        rolled.clause();
    SqlParams params = rolled.params;
    const std::optional<std::vector<std::string>> days = liveDays(sql, query);
    if (!days || !days->empty()) {
      SqlWhere live;
      addReportFilters(query, "created_day", live);
      if (days) live.addIn("created_day", *days);
      // A day rolled up since liveDays() looked is read from its roll-up by this same statement.
      // A frozen day's roll-up holds its purged calls only: its remaining ones are read live.
      live.sql +=
          std::string(live.sql.empty() ? "" : " AND ") +
          "NOT EXISTS (SELECT 1 FROM call_days d WHERE d.day = calls_with_state.created_day "
          "AND d.frozen_at_ms IS NULL)";
      statement +=
          " UNION ALL SELECT created_day AS day, workspace_id, agent_id, status, "
          "COUNT(*) AS total, CAST(COALESCE(SUM(duration_secs), 0) AS BIGINT) AS duration_secs "
          "FROM calls_with_state" +
          live.clause() + " GROUP BY created_day, workspace_id, agent_id, status";
      params.insert(params.end(), live.params.begin(), live.params.end());
    }
    vo::api::Report report;
    for (const SqlRow& row : sql.query("SELECT day, workspace_id, agent_id, status, total, "
                                       "duration_secs FROM (" +
                                           statement +
                                           ") report_groups "
                                           "ORDER BY day, workspace_id, agent_id, status",
                                       params)) {
      addGroup(report, row);
    }
    return report;
  });
}

}  // namespace vo::sql
