// Calls: bulk insert, lookups, keyset listing, campaign-wide transitions and scans.
#include <array>
#include <set>

#include "vo/sql/CallColumns.h"
#include "vo/sql/SqlCallStore.h"

namespace vo::sql {

using vo::api::Call;
using vo::api::ErrorCode;
using vo::api::makeError;
using vo::api::Result;

namespace {

std::string str(std::string_view text) {
  return std::string(text);
}

Result<Call> singleCall(std::vector<SqlRow> rows, const std::string& what) {
  if (rows.empty()) return makeError(ErrorCode::kNotFound, what + " not found");
  return rowToCall(std::move(rows.front()));
}

// Checks once per distinct parent, inside the insert's transaction, what per-row foreign keys
// would check per call: every workspace, agent, phone number and campaign named exists.
Result<void> checkParents(SqlRunner& sql, std::span<const Call> calls) {
  // One round trip per distinct set of parents (a priority call has one): each count is 0 or 1.
  static const std::string kParents =
      "SELECT (SELECT COUNT(*) FROM workspaces WHERE id = ?), "
      "(SELECT COUNT(*) FROM agents WHERE workspace_id = ? AND id = ?), "
      "(SELECT COUNT(*) FROM phone_numbers WHERE workspace_id = ? AND id = ?), "
      "(SELECT COUNT(*) FROM campaigns WHERE id = ?)";
  std::set<std::array<std::string_view, 4>> checked;
  for (const Call& call : calls) {
    if (!checked.insert({call.workspaceId, call.agentId, call.agentPhoneNumberId, call.campaignId})
             .second) {
      continue;
    }
    const std::vector<SqlRow> rows = sql.prepared().query(
        kParents, {call.workspaceId, call.workspaceId, call.agentId, call.workspaceId,
                   call.agentPhoneNumberId, call.campaignId});
    const auto found = [&](std::size_t column) {
      return !rows.empty() && intOf(rows.front()[column]) > 0;
    };
    if (!found(0)) return makeError(ErrorCode::kInvalid, "unknown workspace " + call.workspaceId);
    if (!found(1)) return makeError(ErrorCode::kInvalid, "unknown agent " + call.agentId);
    if (!found(2)) {
      return makeError(ErrorCode::kInvalid, "unknown phone number " + call.agentPhoneNumberId);
    }
    if (!call.campaignId.empty() && !found(3)) {
      return makeError(ErrorCode::kInvalid, "unknown campaign " + call.campaignId);
    }
  }
  return Result<void>::success();
}

// Inside a write: the calls' rows once every parent they name is known to exist.
Result<void> insertWithParents(SqlBackend& backend, SqlRunner& sql, std::span<const Call> calls) {
  if (calls.empty()) return Result<void>::success();
  Result<void> parents = checkParents(sql, calls);
  if (!parents.ok()) return parents;
  backend.insertCalls(sql, calls);
  return Result<void>::success();
}

// Each value cast to its column's type, which a SELECT list does not infer.
template <std::size_t N>
std::string castParams(const std::array<const char*, N>& types) {
  std::string text;
  for (std::size_t i = 0; i < N; ++i) {
    text += std::string(i == 0 ? "" : ", ") + "CAST(? AS " + types[i] + ")";
  }
  return text;
}

// One call inserted only if its parents exist, both its rows in one statement: where the backend
// pipelines (PostgreSQL), BEGIN, INSERT and COMMIT then go in one round trip, as a priority call
// needs.
const std::string& insertOneIfParentsExist() {
  static const std::string sql = [] {
    static constexpr std::array<const char*, kCallRecordColumnCount> kRecordTypes = {
        "TEXT", "TEXT", "TEXT",    "TEXT",   "TEXT", "TEXT", "TEXT",
        "TEXT", "TEXT", "INTEGER", "BIGINT", "TEXT", "TEXT"};
    static constexpr std::array<const char*, kCallStateColumnCount> kStateTypes = {
        "TEXT", "TEXT", "INTEGER", "TEXT", "TEXT", "TEXT", "BIGINT", "TEXT", "BIGINT", "BIGINT"};
    return "WITH inserted AS (INSERT INTO calls (" + std::string(kCallRecordColumns) + ") SELECT " +
           castParams(kRecordTypes) +
           " WHERE EXISTS (SELECT 1 FROM workspaces WHERE id = ?)"
           " AND EXISTS (SELECT 1 FROM agents WHERE workspace_id = ? AND id = ?)"
           " AND EXISTS (SELECT 1 FROM phone_numbers WHERE workspace_id = ? AND id = ?)"
           " AND (? = '' OR EXISTS (SELECT 1 FROM campaigns WHERE id = ?)) RETURNING id) "
           "INSERT INTO call_states (" +
           std::string(kCallStateColumns) + ") SELECT " + castParams(kStateTypes) +
           " FROM inserted RETURNING id";
  }();
  return sql;
}

SqlParams insertOneParams(const Call& call) {
  SqlParams params = recordParams(call);
  for (const std::string* parent :
       {&call.workspaceId, &call.workspaceId, &call.agentId, &call.workspaceId,
        &call.agentPhoneNumberId, &call.campaignId, &call.campaignId}) {
    params.emplace_back(*parent);
  }
  for (SqlValue& value : stateParams(call)) params.push_back(std::move(value));
  return params;
}

}  // namespace

Result<void> SqlCallStore::insertCalls(std::span<const Call> calls,
                                       const vo::api::IdempotencyRecord* answer) {
  if (calls.empty() && answer == nullptr) return Result<void>::success();
  if (calls.size() == 1 && answer == nullptr && backend_->batchesInOneRoundTrip()) {
    auto inserted = writeOne<bool>([&](SqlRunner& sql) -> Result<bool> {
      const SqlStatement statement{insertOneIfParentsExist(), insertOneParams(calls.front())};
      return !sql.prepared().queryInOneTransaction(std::span(&statement, 1)).front().empty();
    });
    if (!inserted) return inserted.error();
    if (inserted.value()) return Result<void>::success();
    // A parent is missing: the general path below names it.
  }
  return write<void>([&](SqlRunner& sql) -> Result<void> {
    // The answer first: a repeat of the request stops here, before any call is written.
    if (answer != nullptr) {
      if (auto stored = insertAnswer(sql, *answer); !stored) return stored;
    }
    return insertWithParents(*backend_, sql, calls);
  });
}

Result<void> SqlCallStore::createCampaignWithCalls(const vo::api::Campaign& campaign,
                                                   std::span<const Call> calls,
                                                   const vo::api::IdempotencyRecord* answer) {
  // One transaction, one commit: a bulk request of 1,000 calls spent 2.2 ms of its ~23 on the
  // campaign's own commit (bench/RESULTS.md).
  return write<void>([&](SqlRunner& sql) -> Result<void> {
    if (answer != nullptr) {
      if (auto stored = insertAnswer(sql, *answer); !stored) return stored;
    }
    insertCampaign(sql, campaign);
    return insertWithParents(*backend_, sql, calls);
  });
}

Result<Call> SqlCallStore::getCall(std::string_view id) {
  return read<Call>([&](SqlRunner& sql) {
    return singleCall(sql.prepared().query(selectCalls() + " WHERE id = ?", {str(id)}),
                      "call " + str(id));
  });
}

Result<std::vector<vo::api::CallAttempt>> SqlCallStore::getAttempts(std::string_view callId) {
  return read<std::vector<vo::api::CallAttempt>>(
      [&](SqlRunner& sql) -> Result<std::vector<vo::api::CallAttempt>> {
        if (sql.query("SELECT id FROM calls WHERE id = ?", {str(callId)}).empty()) {
          return makeError(ErrorCode::kNotFound, "call " + str(callId) + " not found");
        }
        std::vector<vo::api::CallAttempt> attempts;
        for (const SqlRow& row :
             sql.query("SELECT attempt_number, started_at_ms, outcome, provider_call_id, error "
                       "FROM call_attempts WHERE call_id = ? ORDER BY attempt_number",
                       {str(callId)})) {
          attempts.push_back({static_cast<int>(intOf(row[0])), intOf(row[1]), textOf(row[2]),
                              textOf(row[3]), textOf(row[4])});
        }
        return attempts;
      });
}

Result<Call> SqlCallStore::findByProviderCallId(std::string_view providerCallId) {
  if (providerCallId.empty()) {
    return makeError(ErrorCode::kInvalid, "providerCallId must not be empty");
  }
  return read<Call>([&](SqlRunner& sql) {
    return singleCall(
        sql.prepared().query(selectCalls() + " WHERE provider_call_id = ? ORDER BY id LIMIT 1",
                             {str(providerCallId)}),
        "call with provider call id " + str(providerCallId));
  });
}

Result<vo::api::CallPage> SqlCallStore::listCalls(const vo::api::CallFilter& filter, int limit,
                                                  std::string_view cursor) {
  if (limit < 1) return makeError(ErrorCode::kInvalid, "limit must be at least 1");
  SqlWhere where;
  if (!filter.workspaceId.empty()) where.add("workspace_id = ?", filter.workspaceId);
  if (!filter.agentId.empty()) where.add("agent_id = ?", filter.agentId);
  if (!filter.campaignId.empty()) where.add("campaign_id = ?", filter.campaignId);
  if (!filter.to.empty()) where.add("to_number = ?", filter.to);
  if (filter.status) where.add("status = ?", str(toString(*filter.status)));
  if (filter.createdFromMs) where.add("created_at_ms >= ?", *filter.createdFromMs);
  if (filter.createdToMs) where.add("created_at_ms < ?", *filter.createdToMs);
  if (!cursor.empty()) where.add("id < ?", str(cursor));
  // One row more than asked tells whether another page exists.
  where.params.emplace_back(int64_t{limit} + 1);
  return read<vo::api::CallPage>([&](SqlRunner& sql) {
    vo::api::CallPage page;
    page.calls = rowsToCalls(
        sql.query(selectCalls() + where.clause() + " ORDER BY id DESC LIMIT ?", where.params));
    if (page.calls.size() > static_cast<std::size_t>(limit)) {
      page.calls.resize(static_cast<std::size_t>(limit));
      page.nextCursor = page.calls.back().id;
    }
    return page;
  });
}

Result<int64_t> SqlCallStore::transitionCampaignCalls(std::string_view campaignId,
                                                      std::span<const vo::api::CallStatus> from,
                                                      vo::api::CallStatus to, int64_t atMs) {
  if (from.empty()) return int64_t{0};
  SqlWhere where;
  where.params = {str(toString(to)), atMs};
  where.add("id IN (SELECT id FROM calls WHERE campaign_id = ?)", str(campaignId));
  where.addIn("status", statusTexts(from));
  return writeOne<int64_t>([&](SqlRunner& sql) -> Result<int64_t> {
    return sql.execute("UPDATE call_states SET status = ?, updated_at_ms = ?" + where.clause(),
                       where.params);
  });
}

Result<std::vector<Call>> SqlCallStore::scanCalls(const vo::api::CallScan& scan) {
  if (scan.statuses.empty()) return makeError(ErrorCode::kInvalid, "scan needs a status");
  if (scan.limit < 1) return makeError(ErrorCode::kInvalid, "scan limit must be at least 1");
  SqlWhere where;
  where.addIn("status", statusTexts(scan.statuses));
  if (scan.dueAtOrBeforeMs) where.add("next_attempt_at_ms <= ?", *scan.dueAtOrBeforeMs);
  if (scan.updatedBeforeMs) where.add("updated_at_ms < ?", *scan.updatedBeforeMs);
  if (!scan.afterId.empty()) where.add("id > ?", scan.afterId);
  where.params.emplace_back(int64_t{scan.limit});
  // The page is chosen in call_states alone and only its rows are joined with their calls:
  // PostgreSQL, with statistics of a table still filling ("queued is rare"), joined every
  // queued call before sorting out the page's 500, 120-250 ms per sweep during a 100,000-call
  // drain (auto_explain, bench/RESULTS.md).
  return read<std::vector<Call>>([&](SqlRunner& sql) {
    return rowsToCalls(sql.query(selectCalls() + " WHERE id IN (SELECT id FROM call_states" +
                                     where.clause() + " ORDER BY id LIMIT ?) ORDER BY id",
                                 where.params));
  });
}

Result<vo::api::StatusCounts> SqlCallStore::countByStatus() {
  return read<vo::api::StatusCounts>([&](SqlRunner& sql) {
    vo::api::StatusCounts counts;
    for (const SqlRow& row :
         sql.query("SELECT status, COUNT(*) FROM call_states GROUP BY status")) {
      counts[statusOf(row[0])] += intOf(row[1]);
    }
    return counts;
  });
}

}  // namespace vo::sql
