// The dispatch hot path: conditional transitions (one or many, fenced by attempt), the batch
// claim (beginDispatch) and the batch webhook lookup, all through prepared statements.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <numeric>
#include <set>
#include <unordered_map>

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
    // SQLite registers the function on each connection (overlaidProviderData); PostgreSQL, whose
    // batches go through batchTransitionSql instead, has it in its schema (version 6).
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

// A batch of changes as ONE statement per round (PostgreSQL; a call's first change is in the
// first round, its second in the second, ...): the changes travel as a JSON array of records, so
// the statement's text never varies and the server builds no SQL per change (its thread recording
// dials took 15-25 % less CPU; PostgreSQL's own execution time per change did not fall,
// bench/RESULTS.md). The calls are locked in id order first, as every batch writer does. Each
// applied change returns its `k`. The calls are found by `id = ANY(ARRAY(…))`: joined with the
// records instead, PostgreSQL planned a sequential scan of every call while its statistics still
// described a table filling up (auto_explain: 40 ms a batch of 30).
const std::string& batchTransitionSql() {
  static const std::string sql =
      "WITH v AS MATERIALIZED (SELECT * FROM json_to_recordset(CAST(? AS json)) AS v(k integer, "
      "id text, to_status text, at_ms bigint, count_attempt boolean, from_statuses text, "
      "while_attempts integer, pcid_set boolean, pcid text, pcid_if_none_set boolean, pcid_if_none "
      "text, data text, detail text, last_error text, end_reason text, duration_secs bigint, "
      "next_attempt_at_ms bigint, attempt_set boolean, attempt_number integer, started_at_ms "
      "bigint, outcome text, attempt_pcid text, attempt_error text)), "
      "locked AS MATERIALIZED (SELECT id FROM call_states WHERE id = ANY(ARRAY(SELECT id FROM v)) "
      "ORDER BY id FOR NO KEY UPDATE), "
      "moved AS (UPDATE call_states s SET status = v.to_status, updated_at_ms = v.at_ms, "
      "attempts = s.attempts + CASE WHEN v.count_attempt THEN 1 ELSE 0 END, "
      "provider_call_id = CASE WHEN v.pcid_set THEN v.pcid WHEN v.pcid_if_none_set THEN "
      "COALESCE(NULLIF(s.provider_call_id, ''), v.pcid_if_none) ELSE s.provider_call_id END, "
      "provider_data_json = CASE WHEN v.data IS NOT NULL THEN v.data WHEN v.detail IS NOT NULL "
      "THEN vo_overlay_provider_data(s.provider_data_json, v.detail) ELSE s.provider_data_json "
      "END, "
      "last_error = COALESCE(v.last_error, s.last_error), "
      "end_reason = COALESCE(v.end_reason, s.end_reason), "
      "duration_secs = COALESCE(v.duration_secs, s.duration_secs), "
      "next_attempt_at_ms = COALESCE(v.next_attempt_at_ms, s.next_attempt_at_ms) "
      "FROM v WHERE s.id = ANY(ARRAY(SELECT id FROM locked)) AND s.id = v.id "
      "AND s.status = ANY(string_to_array(v.from_statuses, ',')) "
      "AND (v.while_attempts IS NULL OR s.attempts = v.while_attempts) "
      "RETURNING v.k, s.attempts), "
      "recorded AS (INSERT INTO call_attempts (" +
      std::string(kAttemptColumns) +
      ") SELECT v.id, COALESCE(v.attempt_number, GREATEST(1, m.attempts)), v.started_at_ms, "
      "v.outcome, v.attempt_pcid, v.attempt_error FROM moved m JOIN v ON v.k = m.k WHERE "
      "v.attempt_set) SELECT k FROM moved";
  return sql;
}

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void writeText(JsonWriter& json, const char* name, std::string_view text) {
  json.Key(name);
  json.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void writeInt(JsonWriter& json, const char* name, int64_t value) {
  json.Key(name);
  json.Int64(value);
}

// One change as a record of batchTransitionSql's `v`; a field it does not set is left out (null).
void writeChange(JsonWriter& json, std::size_t k, const CallTransition& change) {
  json.StartObject();
  writeInt(json, "k", static_cast<int64_t>(k));
  writeText(json, "id", change.callId);
  writeText(json, "to_status", toString(change.to));
  writeInt(json, "at_ms", change.atMs);
  json.Key("count_attempt");
  json.Bool(change.countAttempt);
  std::string from;
  for (const vo::api::CallStatus status : change.from) {
    if (!from.empty()) from += ',';
    from += toString(status);
  }
  writeText(json, "from_statuses", from);
  if (change.whileAttempts) writeInt(json, "while_attempts", *change.whileAttempts);
  if (change.providerCallId) {
    json.Key("pcid_set");
    json.Bool(true);
    if (!change.providerCallId->empty()) writeText(json, "pcid", *change.providerCallId);
  } else if (change.providerCallIdIfNone) {
    json.Key("pcid_if_none_set");
    json.Bool(true);
    if (!change.providerCallIdIfNone->empty()) {
      writeText(json, "pcid_if_none", *change.providerCallIdIfNone);
    }
  }
  if (change.providerDataJson) {
    writeText(json, "data", *change.providerDataJson);
  } else if (change.providerDetailJson) {
    writeText(json, "detail", *change.providerDetailJson);
  }
  if (change.lastError) writeText(json, "last_error", *change.lastError);
  if (change.endReason) writeText(json, "end_reason", *change.endReason);
  if (change.durationSecs) writeInt(json, "duration_secs", *change.durationSecs);
  if (change.nextAttemptAtMs) writeInt(json, "next_attempt_at_ms", *change.nextAttemptAtMs);
  if (change.attempt) {
    const vo::api::CallAttempt& attempt = *change.attempt;
    json.Key("attempt_set");
    json.Bool(true);
    if (attempt.number > 0) writeInt(json, "attempt_number", attempt.number);
    writeInt(json, "started_at_ms", attempt.startedAtMs);
    writeText(json, "outcome", attempt.outcome);
    writeText(json, "attempt_pcid", attempt.providerCallId);
    writeText(json, "attempt_error", attempt.error);
  }
  json.EndObject();
}

// batchTransitionSql once per round: round r holds each call's (r+1)-th change, in id order.
std::vector<SqlStatement> batchStatementsOf(std::span<const CallTransition> changes,
                                            std::span<const std::size_t> order) {
  std::deque<rapidjson::StringBuffer> rounds;  // a deque: each writer keeps its buffer's address
  std::vector<std::unique_ptr<JsonWriter>> writers;
  std::unordered_map<std::string_view, std::size_t> seen;  // changes of each call so far
  for (std::size_t i : order) {
    const CallTransition& change = changes[i];
    if (change.from.empty()) continue;  // applies from no status: never
    const std::size_t round = seen[change.callId]++;
    if (round == rounds.size()) {
      rounds.emplace_back();
      writers.push_back(std::make_unique<JsonWriter>(rounds.back()));
      writers.back()->StartArray();
    }
    writeChange(*writers[round], i, change);
  }
  std::vector<SqlStatement> statements;
  for (std::size_t round = 0; round < rounds.size(); ++round) {
    writers[round]->EndArray();
    statements.push_back(
        {batchTransitionSql(), {std::string(rounds[round].GetString(), rounds[round].GetSize())}});
  }
  return statements;
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
    const std::vector<SqlStatement> statements = batchStatementsOf(changes, order);
    return writeOne<std::vector<bool>>([&](SqlRunner& sql) -> Result<std::vector<bool>> {
      for (const auto& rows : sql.prepared().queryInOneTransaction(statements)) {
        for (const SqlRow& row : rows) {
          const auto k = static_cast<std::size_t>(intOf(row[0], -1));
          if (k < applied.size()) applied[k] = true;
        }
      }
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
  const SqlValue canceled = std::string(toString(vo::api::CallStatus::kCanceled));
  const SqlValue suppressed = std::string(toString(vo::api::CallStatus::kSuppressed));
  const SqlValue doNotCall = std::string(vo::api::kDoNotCallEndReason);
  const SqlValue globalList = std::string(vo::api::kGlobalDncList);
  const SqlValue campaignCanceled = std::string(toString(vo::api::CampaignStatus::kCanceled));
  const SqlValue campaignPaused = std::string(toString(vo::api::CampaignStatus::kPaused));
  // The store is the truth for a campaign's state, whatever the queue believes (it may have
  // lost a pause with Redis): a queued call of a paused campaign stays queued, one of a canceled
  // campaign (back in line after a retry or a reconciliation that crossed the cancel) ends
  // canceled; neither is dialed, whichever instance claimed it. Of the others, one whose number
  // is on its workspace's or the global do-not-call list ends suppressed: two probes of the
  // list's primary key per call, in the same statement, so a number listed while its calls wait
  // stops them on any instance.
  const std::string ofCampaignsIn =
      "SELECT c.id FROM calls c JOIN campaigns p ON p.id = c.campaign_id WHERE p.status ";
  const std::string listedNumber =
      " AND EXISTS (SELECT 1 FROM dnc_numbers d WHERE d.list_id IN (c.workspace_id, ?) AND "
      "d.number = c.to_number)";
  const std::string moveQueued =
      "UPDATE call_states SET status = ?, attempts = attempts + 1, updated_at_ms = ? WHERE ";
  const std::string suppress =
      "UPDATE call_states SET status = ?, end_reason = ?, updated_at_ms = ? WHERE ";
  if (!backend_->batchesInOneRoundTrip()) {
    // One writer at a time (SQLite): the canceled, the suppressed, the move, then the calls
    // moved or suppressed, in one transaction.
    return write<std::vector<Call>>([&](SqlRunner& runner) -> Result<std::vector<Call>> {
      runner.prepared().query("UPDATE call_states SET status = ?, updated_at_ms = ? WHERE " +
                                  backend_->inJsonTextArray("id") + " AND status = ? AND id IN (" +
                                  ofCampaignsIn + "= ? AND " + backend_->inJsonTextArray("c.id") +
                                  ") RETURNING id",
                              {canceled, atMs, ids, queued, campaignCanceled, ids});
      const std::string notPaused = " AND status = ? AND id NOT IN (" + ofCampaignsIn + "= ? AND " +
                                    backend_->inJsonTextArray("c.id") + ")";
      auto ended = runner.prepared().query(
          suppress + backend_->inJsonTextArray("id") + notPaused + " AND id IN (SELECT c.id " +
              "FROM calls c WHERE " + backend_->inJsonTextArray("c.id") + listedNumber +
              ") RETURNING id",
          {suppressed, doNotCall, atMs, ids, queued, campaignPaused, ids, ids, globalList});
      const auto moved = runner.prepared().query(
          moveQueued + backend_->inJsonTextArray("id") + notPaused + " RETURNING id",
          {dispatching, atMs, ids, queued, campaignPaused, ids});
      std::vector<std::string> changedIds;
      for (const SqlRow& row : ended) changedIds.push_back(textOf(row[0]));
      for (const SqlRow& row : moved) changedIds.push_back(textOf(row[0]));
      if (changedIds.empty()) return std::vector<Call>();
      return rowsToCalls(runner.prepared().query(
          selectCalls() + " WHERE " + backend_->inJsonTextArray("id"), {jsonArrayOf(changedIds)}));
    });
  }
  // `locked` reads and locks the listed calls in id order; a concurrent claim of the same calls
  // waits for the first, then reads them moved. The UPDATE's only condition is on id, from that
  // list: with a status condition too, PostgreSQL with statistics of a table still filling (a
  // bulk just accepted: "queued is rare") ran a bitmap scan of every queued entry of the status
  // index per claim, 15-80 ms each (auto_explain, bench/RESULTS.md). `stopped` are the queued
  // ones of paused or canceled campaigns; those of canceled ones end in the same statement, as
  // do the `listed` (do-not-call) ones. The moved and suppressed states come back joined with
  // their calls: one statement, one round trip.
  const std::string queuedNotStopped =
      "SELECT id FROM locked WHERE status = ? EXCEPT SELECT id FROM stopped";
  const std::string sql =
      "WITH locked AS MATERIALIZED (SELECT id, status FROM call_states WHERE " +
      backend_->inJsonTextArray("id") + " ORDER BY id" + backend_->lockRowsRead() +
      "), stopped AS MATERIALIZED (SELECT c.id, p.status AS campaign_status FROM calls c JOIN "
      "campaigns p ON p.id = c.campaign_id WHERE p.status IN (?, ?) AND " +
      backend_->inSubquery("c.id", "SELECT id FROM locked WHERE status = ?") +
      "), listed AS MATERIALIZED (SELECT c.id FROM calls c WHERE " +
      backend_->inSubquery("c.id", queuedNotStopped) + listedNumber +
      "), ended AS (UPDATE call_states SET status = ?, updated_at_ms = ? WHERE " +
      backend_->inSubquery("id", "SELECT id FROM stopped WHERE campaign_status = ?") +
      "), suppressed AS (" + suppress + backend_->inSubquery("id", "SELECT id FROM listed") +
      " RETURNING " + std::string(kCallStateColumns) + "), moved AS (" + moveQueued +
      backend_->inSubquery("id", queuedNotStopped + " EXCEPT SELECT id FROM listed") +
      " RETURNING " + std::string(kCallStateColumns) + ") SELECT " +
      std::string(kJoinedCallColumns) +
      " FROM (SELECT * FROM moved UNION ALL SELECT * FROM suppressed) s JOIN calls c ON c.id = "
      "s.id";
  return writeOne<std::vector<Call>>([&](SqlRunner& runner) -> Result<std::vector<Call>> {
    return rowsToCalls(runner.prepared().query(
        sql, {ids, campaignCanceled, campaignPaused, queued, queued, globalList, canceled, atMs,
              campaignCanceled, suppressed, doNotCall, atMs, dispatching, atMs, queued}));
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
