// Contract: reports, roll-ups, freezes, purges and leases.
#include <map>
#include <tuple>

#include "vo/contract/StoreContract.h"

namespace vo::contract {
namespace {

using vo::api::Call;
using vo::api::CallStatus;
using vo::api::ErrorCode;

// Calls over days 0..3: per day, 10 calls alternating workspaces and agents, with statuses and
// durations that differ per call.
std::vector<Call> spreadCalls() {
  std::vector<Call> calls;
  const CallStatus statuses[] = {CallStatus::kCompleted, CallStatus::kNoAnswer, CallStatus::kBusy,
                                 CallStatus::kFailed, CallStatus::kQueued};
  for (int day = 0; day < 4; ++day) {
    for (int i = 0; i < 10; ++i) {
      char id[32];
      std::snprintf(id, sizeof id, "d%d-call%02d", day, i);
      Call call = makeCall(id, msOfDay(day, i * 3'600'000));
      call.workspaceId = i % 3 == 0 ? "ws2" : "ws1";
      call.agentId = i % 2 == 0 ? "ag1" : "ag2";
      call.campaignId = call.workspaceId == "ws1" ? "cmp1" : "";
      call.status = statuses[(i + day) % 5];
      if (call.status == CallStatus::kCompleted) call.durationSecs = 10 * (i + 1) + day;
      calls.push_back(call);
    }
  }
  return calls;
}

using GroupKey = std::tuple<std::string, std::string, std::string>;

// The report the calls must give, computed here from the calls themselves.
vo::api::Report expectedReport(const std::vector<Call>& calls, const vo::api::ReportQuery& q) {
  std::map<GroupKey, vo::api::ReportRow> groups;
  vo::api::Report report;
  for (const Call& call : calls) {
    const std::string day = dayText(static_cast<int>((call.createdAtMs - msOfDay(0)) / 86'400'000));
    if (!q.fromDay.empty() && day < q.fromDay) continue;
    if (!q.toDay.empty() && day > q.toDay) continue;
    if (!q.workspaceId.empty() && call.workspaceId != q.workspaceId) continue;
    if (!q.agentId.empty() && call.agentId != q.agentId) continue;
    vo::api::ReportRow& row = groups[{day, call.workspaceId, call.agentId}];
    row.day = day;
    row.workspaceId = call.workspaceId;
    row.agentId = call.agentId;
    row.total += 1;
    row.byStatus[call.status] += 1;
    row.durationSecs += call.durationSecs.value_or(0);
    report.total += 1;
    report.byStatus[call.status] += 1;
    report.durationSecs += call.durationSecs.value_or(0);
  }
  for (auto& [key, row] : groups) report.rows.push_back(row);
  return report;
}

void expectSameReport(const vo::api::Report& actual, const vo::api::Report& expected) {
  EXPECT_EQ(actual.total, expected.total);
  EXPECT_EQ(actual.byStatus, expected.byStatus);
  EXPECT_EQ(actual.durationSecs, expected.durationSecs);
  ASSERT_EQ(actual.rows.size(), expected.rows.size());
  for (std::size_t i = 0; i < actual.rows.size(); ++i) {
    SCOPED_TRACE(expected.rows[i].day + " " + expected.rows[i].workspaceId + " " +
                 expected.rows[i].agentId);
    EXPECT_EQ(actual.rows[i].day, expected.rows[i].day);
    EXPECT_EQ(actual.rows[i].workspaceId, expected.rows[i].workspaceId);
    EXPECT_EQ(actual.rows[i].agentId, expected.rows[i].agentId);
    EXPECT_EQ(actual.rows[i].total, expected.rows[i].total);
    EXPECT_EQ(actual.rows[i].byStatus, expected.rows[i].byStatus);
    EXPECT_EQ(actual.rows[i].durationSecs, expected.rows[i].durationSecs);
  }
}

std::vector<vo::api::ReportQuery> reportQueries() {
  return {{"", "", dayText(0), dayText(3)},       {"ws1", "", dayText(0), dayText(3)},
          {"ws1", "ag2", dayText(0), dayText(3)}, {"", "ag1", dayText(1), dayText(2)},
          {"ws2", "", dayText(2), dayText(2)},    {"", "", dayText(5), dayText(9)}};
}

void expectReportsMatch(vo::api::CallStore& store, const std::vector<Call>& calls) {
  for (const vo::api::ReportQuery& query : reportQueries()) {
    SCOPED_TRACE("report " + query.workspaceId + "/" + query.agentId + " " + query.fromDay + ".." +
                 query.toDay);
    const auto report = store.report(query);
    ASSERT_TRUE(report.ok()) << report.error().message;
    expectSameReport(report.value(), expectedReport(calls, query));
  }
}

TEST_P(StoreContract, ReportSumsLiveCallsByDayWorkspaceAgentAndStatus) {
  seedTenants();
  const std::vector<Call> calls = spreadCalls();
  insert(calls);
  expectReportsMatch(*store_, calls);
  const auto report = store_->report({"", "", dayText(0), dayText(0)});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->total, 10);
  ASSERT_FALSE(report->rows.empty());
  EXPECT_EQ(report->rows.front().day, dayText(0));
}

TEST_P(StoreContract, ReportRefusesDaysThatAreNotDates) {
  for (const char* day : {"2026-13-01", "2026-02-30", "yesterday", "2026-1-1"}) {
    const auto refused = store_->report({"", "", day, ""});
    ASSERT_FALSE(refused.ok()) << day;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalid);
    EXPECT_NE(refused.error().message.find("fromDay"), std::string::npos);
  }
  EXPECT_EQ(store_->report({"", "", "", "2026-02-30"}).error().code, ErrorCode::kInvalid);
  const auto empty = store_->report({"", "", dayText(0), dayText(3)});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->total, 0);
  EXPECT_TRUE(empty->rows.empty());
}

TEST_P(StoreContract, DaysWithCallsListsOlderDaysOldestFirst) {
  seedTenants();
  insert(spreadCalls());
  const auto days = store_->daysWithCalls(dayText(3));
  ASSERT_TRUE(days.ok());
  EXPECT_EQ(days.value(), (std::vector<std::string>{dayText(0), dayText(1), dayText(2)}));
  EXPECT_TRUE(store_->daysWithCalls(dayText(0))->empty());
}

TEST_P(StoreContract, RollUpCountsTheDayAndKeepsTheReport) {
  seedTenants();
  const std::vector<Call> calls = spreadCalls();
  insert(calls);
  const auto counted = store_->rollUpDay(dayText(1), msOfDay(5));
  ASSERT_TRUE(counted.ok()) << counted.error().message;
  EXPECT_EQ(counted.value(), 10);
  EXPECT_EQ(store_->rollUpDay(dayText(1), msOfDay(5)).value(), 10);  // idempotent
  EXPECT_EQ(store_->rollUpDay(dayText(8), msOfDay(9)).value(), 0);   // a day without calls
  expectReportsMatch(*store_, calls);
}

// Issue 9 changed this test: a purge used to delete every call of a frozen day, queued ones
// included, and a frozen day's report never moved again. Now only final calls are purged (each
// counted into the day's roll-up as it goes); the others stay, are reported live, and are
// purged once they end.
TEST_P(StoreContract, FrozenDaysArePurgedOfTheirFinalCallsInBatchesWithTheSameReport) {
  seedTenants();
  std::vector<Call> calls = spreadCalls();
  insert(calls);
  vo::api::CallTransition attempt =
      transitionOf("d0-call01", {CallStatus::kNoAnswer}, CallStatus::kNoAnswer, 1);
  attempt.attempt = vo::api::CallAttempt{1, 1, "accepted", "conv", ""};
  ASSERT_TRUE(store_->transition(attempt).value());

  const auto unfrozen = store_->purgeDay(dayText(0), 3);
  ASSERT_FALSE(unfrozen.ok());
  EXPECT_EQ(unfrozen.error().code, ErrorCode::kConflict);
  ASSERT_TRUE(store_->rollUpDay(dayText(0), msOfDay(4)).ok());
  EXPECT_EQ(store_->purgeDay(dayText(0), 3).error().code, ErrorCode::kConflict);

  ASSERT_TRUE(store_->freezeDay(dayText(0), msOfDay(5)).ok());
  ASSERT_TRUE(store_->freezeDay(dayText(0), msOfDay(6)).ok());      // idempotent
  EXPECT_EQ(store_->rollUpDay(dayText(0), msOfDay(6)).value(), 0);  // frozen: left alone
  expectReportsMatch(*store_, calls);

  // Day 0 holds 8 final calls and 2 queued ones (d0-call04, d0-call09).
  int64_t purged = 0;
  std::vector<int64_t> batches;
  for (int round = 0; round < 10; ++round) {
    const auto deleted = store_->purgeDay(dayText(0), 3);
    ASSERT_TRUE(deleted.ok()) << deleted.error().message;
    batches.push_back(deleted.value());
    purged += deleted.value();
    expectReportsMatch(*store_, calls);  // exact between batches too
    if (deleted.value() == 0) break;
  }
  EXPECT_EQ(batches, (std::vector<int64_t>{3, 3, 2, 0}));
  EXPECT_EQ(purged, 8);
  EXPECT_EQ(store_->getCall("d0-call01").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->getCall("d0-call04")->status, CallStatus::kQueued);
  EXPECT_EQ(store_->getCall("d0-call09")->status, CallStatus::kQueued);
  EXPECT_EQ(store_->getCall("d1-call01")->id, "d1-call01");
  // Its attempts went with it: the same id stored again starts with none.
  insert({calls[1]});
  ASSERT_EQ(calls[1].id, "d0-call01");
  EXPECT_TRUE(store_->getAttempts("d0-call01").value().empty());
  calls.push_back(calls[1]);  // a second call of that day, as far as the report goes
  ASSERT_EQ(store_->purgeDay(dayText(0), 4).value(), 1);
  // The day keeps its queued calls, so it is still listed.
  EXPECT_EQ(store_->daysWithCalls(dayText(9)).value(),
            (std::vector<std::string>{dayText(0), dayText(1), dayText(2), dayText(3)}));
  expectReportsMatch(*store_, calls);

  // A kept call that ends after the freeze is reported as it ended, then purged, counted once.
  finish("d0-call04", CallStatus::kCompleted, 500);
  calls[4].status = CallStatus::kCompleted;
  calls[4].durationSecs = 500;
  expectReportsMatch(*store_, calls);
  ASSERT_EQ(store_->purgeDay(dayText(0), 4).value(), 1);
  EXPECT_EQ(store_->purgeDay(dayText(0), 4).value(), 0);
  EXPECT_EQ(store_->getCall("d0-call09")->status, CallStatus::kQueued);
  expectReportsMatch(*store_, calls);
  finish("d0-call09", CallStatus::kCanceled, std::nullopt);
  calls[9].status = CallStatus::kCanceled;
  ASSERT_EQ(store_->purgeDay(dayText(0), 4).value(), 1);
  EXPECT_EQ(store_->daysWithCalls(dayText(9)).value(),
            (std::vector<std::string>{dayText(1), dayText(2), dayText(3)}));
  expectReportsMatch(*store_, calls);
}

TEST_P(StoreContract, LeasesAreHeldByOneHolderUntilReleasedOrExpired) {
  EXPECT_TRUE(store_->acquireLease("retention", "a", 1000, 500).value());
  EXPECT_FALSE(store_->acquireLease("retention", "b", 1200, 500).value());
  EXPECT_TRUE(store_->acquireLease("retention", "a", 1400, 500).value());  // renewed to 1900
  EXPECT_FALSE(store_->acquireLease("retention", "b", 1800, 500).value());
  EXPECT_TRUE(store_->acquireLease("other", "b", 1800, 500).value());      // another name
  EXPECT_TRUE(store_->acquireLease("retention", "b", 1900, 500).value());  // a's expired
  EXPECT_FALSE(store_->acquireLease("retention", "a", 2000, 500).value());
  ASSERT_TRUE(store_->releaseLease("retention", "a").ok());  // not a's: no effect
  EXPECT_FALSE(store_->acquireLease("retention", "a", 2000, 500).value());
  ASSERT_TRUE(store_->releaseLease("retention", "b").ok());
  EXPECT_TRUE(store_->acquireLease("retention", "a", 2000, 500).value());
}

}  // namespace
}  // namespace vo::contract
