// The dispatch hot path: conditional transitions (one or many, fenced by attempt), the batch
// claim (beginDispatch) and the batch webhook lookup, all through prepared statements.
#include <algorithm>
#include <numeric>
#include <set>

#include "vo/sql/CallColumns.h"
#include "vo/sql/SqlCallStore.h"

namespace vo::sql {

using vo::api::Call;
using vo::api::CallTransition;
using vo::api::ErrorCode;
using vo::api::makeError;
using vo::api::Result;

namespace {

// The conditional UPDATE of one change: it returns the call's attempts when it applied, no row
// when the call is missing, not in `from`, or (fenced) on another attempt.
SqlStatement updateOf(const CallTransition& change) {
  std::string set = "status = ?, updated_at_ms = ?";
  SqlWhere where;
  where.params = {std::string(toString(change.to)), change.atMs};
  if (change.countAttempt) set += ", attempts = attempts + 1";
  const auto assign = [&](const char* column, SqlValue value) {
    set += ", ";
    set += column;
    set += " = ?";
    where.params.push_back(std::move(value));
  };
  if (change.providerCallId) {
    assign("provider_call_id", textOrNull(*change.providerCallId));
  } else if (change.providerCallIdIfNone) {
    set += ", provider_call_id = COALESCE(NULLIF(provider_call_id, ''), ?)";
    where.params.push_back(textOrNull(*change.providerCallIdIfNone));
  }
  if (change.providerDataJson) {
    assign("provider_data_json", *change.providerDataJson);
  } else if (change.providerDetailJson) {
    // Both databases know the function: PostgreSQL from the schema (version 6), SQLite from
    // each connection (overlaidProviderData).
    set += ", provider_data_json = vo_overlay_provider_data(provider_data_json, ?)";
    where.params.push_back(*change.providerDetailJson);
  }
  if (change.lastError) assign("last_error", *change.lastError);
  if (change.endReason) assign("end_reason", *change.endReason);
  if (change.durationSecs) assign("duration_secs", *change.durationSecs);
  if (change.nextAttemptAtMs) assign("next_attempt_at_ms", *change.nextAttemptAtMs);
  where.add("id = ?", change.callId);
  where.addIn("status", statusTexts(change.from));
  if (change.whileAttempts) where.add("attempts = ?", int64_t{*change.whileAttempts});
  return {"UPDATE call_states SET " + set + where.clause() + " RETURNING attempts",
          std::move(where.params)};
}

constexpr std::string_view kAttemptColumns =
    "call_id, attempt_number, started_at_ms, outcome, provider_call_id, error";

// The attempt's own number, or the call's attempt count after the move when it has none.
int64_t attemptNumber(const vo::api::CallAttempt& attempt, int64_t callAttempts) {
  return attempt.number > 0 ? int64_t{attempt.number} : std::max<int64_t>(1, callAttempts);
}

// The change as ONE statement, attempt row included (a data-modifying WITH): it returns a row
// exactly when the change applied. For databases where batchesInOneRoundTrip().
SqlStatement oneStatementOf(const CallTransition& change) {
  SqlStatement update = updateOf(change);
  if (!change.attempt) return update;
  const vo::api::CallAttempt& attempt = *change.attempt;
  update.sql = "WITH moved AS (" + update.sql + ") INSERT INTO call_attempts (" +
               std::string(kAttemptColumns) +
               ") SELECT CAST(? AS TEXT), COALESCE(CAST(? AS INTEGER), GREATEST(1, attempts)), "
               "CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT) FROM moved "
               "RETURNING attempt_number";
  SqlValue number = nullptr;
  if (attempt.number > 0) number = int64_t{attempt.number};
  update.params.insert(update.params.end(),
                       {change.callId, number, attempt.startedAtMs, attempt.outcome,
                        attempt.providerCallId, attempt.error});
  return update;
}

// Positions of the changes in call id order: every batch writer locks rows in the same order,
// so two batches touching the same calls queue instead of deadlocking. Stable, so two changes of
// one call still apply in the caller's order.
std::vector<std::size_t> inIdOrder(std::span<const CallTransition> changes) {
  std::vector<std::size_t> order(changes.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return changes[a].callId < changes[b].callId;
  });
  return order;
}

}  // namespace

Result<bool> SqlCallStore::transition(const CallTransition& change) {
  if (change.from.empty()) return false;
  const Result<std::vector<bool>> applied = transitionMany(std::span(&change, 1));
  if (!applied.ok()) return applied.error();
  if (applied.value().front()) return true;
  // Not applied: tell a missing call from one someone else moved (rare, so a second query).
  return read<bool>([&](SqlRunner& sql) -> Result<bool> {
    if (sql.prepared().query("SELECT id FROM call_states WHERE id = ?", {change.callId}).empty()) {
      return makeError(ErrorCode::kNotFound, "call " + change.callId + " not found");
    }
    return false;
  });
}

Result<std::vector<bool>> SqlCallStore::transitionMany(std::span<const CallTransition> changes) {
  std::vector<bool> applied(changes.size(), false);
  if (changes.empty()) return applied;
  const std::vector<std::size_t> order = inIdOrder(changes);
  if (backend_->batchesInOneRoundTrip()) {
    std::vector<SqlStatement> statements;
    std::vector<std::size_t> positions;
    for (std::size_t i : order) {
      if (changes[i].from.empty()) continue;  // applies from no status: never
      statements.push_back(oneStatementOf(changes[i]));
      positions.push_back(i);
    }
    return writeOne<std::vector<bool>>([&](SqlRunner& sql) -> Result<std::vector<bool>> {
      const auto rows = sql.prepared().queryInOneTransaction(statements);
      for (std::size_t k = 0; k < positions.size(); ++k) applied[positions[k]] = !rows[k].empty();
      return applied;
    });
  }
  // One writer at a time in-process: separate statements in one transaction cost no round trips.
  const auto apply = [&](SqlRunner& sql) -> Result<std::vector<bool>> {
    for (std::size_t i : order) {
      const CallTransition& change = changes[i];
      if (change.from.empty()) continue;
      const SqlStatement update = updateOf(change);
      const auto moved = sql.prepared().query(update.sql, update.params);
      if (moved.empty()) continue;
      applied[i] = true;
      if (!change.attempt) continue;
      const vo::api::CallAttempt& attempt = *change.attempt;
      sql.prepared().query(
          "INSERT INTO call_attempts (" + std::string(kAttemptColumns) +
              ") VALUES (?, ?, ?, ?, ?, ?)",
          {change.callId, attemptNumber(attempt, intOf(moved[0][0])), attempt.startedAtMs,
           attempt.outcome, attempt.providerCallId, attempt.error});
    }
    return applied;
  };
  const bool oneStatement = changes.size() == 1 && !changes[0].attempt;
  return oneStatement ? writeOne<std::vector<bool>>(apply) : write<std::vector<bool>>(apply);
}

Result<std::vector<Call>> SqlCallStore::beginDispatch(std::span<const std::string> callIds,
                                                      int64_t atMs) {
  if (callIds.empty()) return std::vector<Call>();
  const SqlValue ids = jsonArrayOf(callIds);
  const SqlValue dispatching = std::string(toString(vo::api::CallStatus::kDispatching));
  const SqlValue queued = std::string(toString(vo::api::CallStatus::kQueued));
  const std::string moveQueued =
      "UPDATE call_states SET status = ?, attempts = attempts + 1, updated_at_ms = ? WHERE ";
  if (!backend_->batchesInOneRoundTrip()) {
    // One writer at a time (SQLite): the move, then the moved calls, in one transaction.
    return write<std::vector<Call>>([&](SqlRunner& runner) -> Result<std::vector<Call>> {
      const auto moved = runner.prepared().query(
          moveQueued + backend_->inJsonTextArray("id") + " AND status = ? RETURNING id",
          {dispatching, atMs, ids, queued});
      std::vector<std::string> movedIds;
      for (const SqlRow& row : moved) movedIds.push_back(textOf(row[0]));
      if (movedIds.empty()) return std::vector<Call>();
      return rowsToCalls(runner.prepared().query(
          selectCalls() + " WHERE " + backend_->inJsonTextArray("id"), {jsonArrayOf(movedIds)}));
    });
  }
  // `locked` reads and locks the listed calls in id order; a concurrent claim of the same calls
  // waits for the first, then reads them moved. The UPDATE's only condition is on id, from that
  // list: with a status condition too, PostgreSQL with statistics of a table still filling (a
  // bulk just accepted: "queued is rare") ran a bitmap scan of every queued entry of the status
  // index per claim, 15-80 ms each (auto_explain, bench/RESULTS.md). The moved states come back
  // joined with their calls: one statement, one round trip.
  const std::string sql = "WITH locked AS MATERIALIZED (SELECT id, status FROM call_states WHERE " +
                          backend_->inJsonTextArray("id") + " ORDER BY id" +
                          backend_->lockRowsRead() + "), moved AS (" + moveQueued +
                          backend_->inSubquery("id", "SELECT id FROM locked WHERE status = ?") +
                          " RETURNING " + std::string(kCallStateColumns) + ") SELECT " +
                          std::string(kJoinedCallColumns) +
                          " FROM moved s JOIN calls c ON c.id = s.id";
  return writeOne<std::vector<Call>>([&](SqlRunner& runner) -> Result<std::vector<Call>> {
    return rowsToCalls(runner.prepared().query(sql, {ids, dispatching, atMs, queued}));
  });
}

Result<std::vector<Call>> SqlCallStore::getCalls(std::span<const std::string> callIds) {
  if (callIds.empty()) return std::vector<Call>();
  const std::string sql = selectCalls() + " WHERE " + backend_->inJsonTextArray("id");
  return read<std::vector<Call>>([&](SqlRunner& runner) -> Result<std::vector<Call>> {
    return rowsToCalls(runner.prepared().query(sql, {jsonArrayOf(callIds)}));
  });
}

Result<std::vector<Call>> SqlCallStore::findByProviderCallIds(
    std::span<const std::string> providerCallIds) {
  std::vector<std::string> wanted;
  for (const std::string& id : providerCallIds) {
    if (!id.empty()) wanted.push_back(id);
  }
  if (wanted.empty()) return std::vector<Call>();
  const std::string sql =
      selectCalls() + " WHERE " + backend_->inJsonTextArray("provider_call_id") + " ORDER BY id";
  return read<std::vector<Call>>([&](SqlRunner& runner) -> Result<std::vector<Call>> {
    std::vector<Call> found;
    std::set<std::string> seen;
    // Like findByProviderCallId: the lowest id when two calls ever shared a provider id.
    for (Call& call : rowsToCalls(runner.prepared().query(sql, {jsonArrayOf(wanted)}))) {
      if (seen.insert(call.providerCallId).second) found.push_back(std::move(call));
    }
    return found;
  });
}

}  // namespace vo::sql
