// Contract: fencing by attempt and the batch operations of the dispatch hot path
// (beginDispatch, transitionMany, getCalls, findByProviderCallIds).
#include <algorithm>
#include <set>
#include <thread>

#include "vo/contract/StoreContract.h"

namespace vo::contract {
namespace {

using vo::api::Call;
using vo::api::CallStatus;
using vo::api::CallTransition;
using vo::api::ErrorCode;

TEST_P(StoreContract, TransitionWhileAttemptsIgnoresAStaleWriteForAnEarlierAttempt) {
  seedTenants();
  Call call = makeCall("c1", msOfDay(0));
  call.status = CallStatus::kDispatching;
  call.attempts = 2;
  insert({call});

  // A worker that dialed attempt 1 reports late: the call is on attempt 2 now.
  CallTransition stale = transitionOf("c1", {CallStatus::kDispatching}, CallStatus::kFailed, 50);
  stale.whileAttempts = 1;
  stale.lastError = "timeout of attempt 1";
  stale.attempt = vo::api::CallAttempt{1, 40, "failed", "", "timeout"};
  const auto refused = store_->transition(stale);
  ASSERT_TRUE(refused.ok()) << refused.error().message;
  EXPECT_FALSE(refused.value());
  auto read = store_->getCall("c1");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->status, CallStatus::kDispatching);
  EXPECT_EQ(read->attempts, 2);
  EXPECT_EQ(read->lastError, "");
  EXPECT_EQ(read->updatedAtMs, call.updatedAtMs);
  EXPECT_TRUE(store_->getAttempts("c1")->empty());

  // The current attempt's write applies.
  CallTransition current = stale;
  current.whileAttempts = 2;
  current.to = CallStatus::kInitiated;
  current.lastError.reset();
  current.attempt = vo::api::CallAttempt{2, 45, "accepted", "conv_2", ""};
  EXPECT_TRUE(store_->transition(current).value());
  read = store_->getCall("c1");
  EXPECT_EQ(read->status, CallStatus::kInitiated);
  ASSERT_EQ(store_->getAttempts("c1")->size(), 1u);
  EXPECT_EQ(store_->getAttempts("c1")->front().number, 2);

  // Unfenced (a provider event) applies whatever the attempt.
  CallTransition event = transitionOf("c1", {CallStatus::kInitiated}, CallStatus::kCompleted, 60);
  EXPECT_TRUE(store_->transition(event).value());

  // A fenced write for a missing call is still kNotFound.
  CallTransition ghost = stale;
  ghost.callId = "c-none";
  EXPECT_EQ(store_->transition(ghost).error().code, ErrorCode::kNotFound);
}

std::set<std::string> idsOf(const std::vector<Call>& calls) {
  std::set<std::string> ids;
  for (const Call& call : calls) ids.insert(call.id);
  return ids;
}

TEST_P(StoreContract, BeginDispatchMovesOnlyQueuedCallsAndReturnsThemAsMoved) {
  seedTenants();
  std::vector<Call> calls;
  for (const std::string id : {"c1", "c2", "c3", "c4", "c5"}) {
    calls.push_back(makeCall(id, msOfDay(0)));
  }
  calls[1].attempts = 2;  // a retry: its next dial is attempt 3
  calls[2].status = CallStatus::kInitiated;
  calls[3].status = CallStatus::kDispatching;
  calls[3].attempts = 1;
  insert(calls);

  const std::vector<std::string> ids{"c1", "c2", "c3", "c4", "c-none", "c1"};
  const auto moved = store_->beginDispatch(ids, msOfDay(0, 500));
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  ASSERT_EQ(moved->size(), 2u);
  EXPECT_EQ(idsOf(moved.value()), (std::set<std::string>{"c1", "c2"}));
  for (const Call& call : moved.value()) {
    EXPECT_EQ(call.status, CallStatus::kDispatching);
    EXPECT_EQ(call.updatedAtMs, msOfDay(0, 500));
    EXPECT_EQ(call.attempts, call.id == "c1" ? 1 : 3);
    EXPECT_EQ(call.to, "+34631021622");  // the whole row comes back
    EXPECT_EQ(call.variablesJson, R"({"customerName":"Juan"})");
  }
  // What the store now holds is what was returned.
  EXPECT_EQ(store_->getCall("c2")->attempts, 3);
  EXPECT_EQ(store_->getCall("c2")->status, CallStatus::kDispatching);
  // Calls that were not queued are untouched; c5 was not asked for.
  EXPECT_EQ(store_->getCall("c3")->status, CallStatus::kInitiated);
  EXPECT_EQ(store_->getCall("c3")->attempts, 0);
  EXPECT_EQ(store_->getCall("c4")->attempts, 1);
  EXPECT_EQ(store_->getCall("c4")->updatedAtMs, msOfDay(0));
  EXPECT_EQ(store_->getCall("c5")->status, CallStatus::kQueued);

  // Claiming them again moves nothing; an empty list is no error.
  EXPECT_TRUE(store_->beginDispatch(ids, msOfDay(0, 600))->empty());
  EXPECT_TRUE(store_->beginDispatch({}, msOfDay(0, 600))->empty());
}

TEST_P(StoreContract, BeginDispatchHoldsThePausedAndEndsTheCanceledCampaignsQueuedCalls) {
  seedTenants();
  ASSERT_TRUE(store_->createCampaign(makeCampaign("cmp2", "Stopped", 2, msOfDay(0))).ok());
  ASSERT_TRUE(store_->createCampaign(makeCampaign("cmp3", "Paused", 1, msOfDay(0))).ok());
  std::vector<Call> calls;
  for (const std::string id : {"c1", "c2", "c3", "c4"}) calls.push_back(makeCall(id, msOfDay(0)));
  calls[3].campaignId = "cmp3";
  calls[1].campaignId = "cmp2";
  calls[1].attempts = 1;  // back in line after a not-placed dial that crossed the cancel
  calls[2].campaignId = "cmp2";
  calls[2].status = CallStatus::kDispatching;
  calls[2].attempts = 1;
  insert(calls);
  ASSERT_TRUE(
      store_->setCampaignStatus("cmp2", vo::api::CampaignStatus::kCanceled, msOfDay(0, 1)).ok());
  ASSERT_TRUE(
      store_->setCampaignStatus("cmp3", vo::api::CampaignStatus::kPaused, msOfDay(0, 1)).ok());

  const auto moved =
      store_->beginDispatch(std::vector<std::string>{"c1", "c2", "c3", "c4"}, msOfDay(0, 500));
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(idsOf(moved.value()), (std::set<std::string>{"c1"}));
  const auto stopped = store_->getCall("c2");
  EXPECT_EQ(stopped->status, CallStatus::kCanceled);
  EXPECT_EQ(stopped->attempts, 1);  // no attempt begun
  EXPECT_EQ(stopped->updatedAtMs, msOfDay(0, 500));
  // A call already dispatching is its worker's to settle.
  EXPECT_EQ(store_->getCall("c3")->status, CallStatus::kDispatching);
  // A paused campaign's call stays in line, untouched, until the campaign is resumed.
  EXPECT_EQ(store_->getCall("c4")->status, CallStatus::kQueued);
  EXPECT_EQ(store_->getCall("c4")->attempts, 0);
  EXPECT_EQ(store_->getCall("c4")->updatedAtMs, msOfDay(0));
  ASSERT_TRUE(
      store_->setCampaignStatus("cmp3", vo::api::CampaignStatus::kActive, msOfDay(0, 600)).ok());
  EXPECT_EQ(idsOf(store_->beginDispatch(std::vector<std::string>{"c4"}, msOfDay(0, 700)).value()),
            (std::set<std::string>{"c4"}));
}

TEST_P(StoreContract, ConcurrentBeginDispatchOfTheSameCallsMovesEachOnce) {
  seedTenants();
  std::vector<Call> calls;
  std::vector<std::string> ids;
  for (int i = 0; i < 300; ++i) {
    ids.push_back("call" + std::to_string(1000 + i));
    calls.push_back(makeCall(ids.back(), msOfDay(0, i)));
  }
  insert(calls);
  // Two claimers over the same calls, one of them listing them backwards, in slices.
  std::vector<std::vector<Call>> claimed(2);
  std::vector<std::string> errors(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::string> mine = ids;
      if (t == 1) std::reverse(mine.begin(), mine.end());
      for (std::size_t first = 0; first < mine.size(); first += 50) {
        const std::span<const std::string> slice(mine.data() + first, 50);
        auto moved = store_->beginDispatch(slice, msOfDay(1));
        if (!moved.ok()) {
          errors[t] = moved.error().message;
          return;
        }
        for (Call& call : moved.value()) claimed[t].push_back(std::move(call));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
  std::set<std::string> all = idsOf(claimed[0]);
  for (const Call& call : claimed[1]) EXPECT_TRUE(all.insert(call.id).second) << call.id;
  EXPECT_EQ(all.size(), ids.size());
  for (const std::string& id : ids) EXPECT_EQ(store_->getCall(id)->attempts, 1) << id;
}

TEST_P(StoreContract, TransitionManyAppliesEachChangeAsTransitionWould) {
  seedTenants();
  std::vector<Call> calls;
  for (const std::string id : {"c1", "c2", "c3", "c4"}) calls.push_back(makeCall(id, msOfDay(0)));
  calls[1].status = CallStatus::kDispatching;
  calls[1].attempts = 1;
  calls[2].status = CallStatus::kDispatching;
  calls[2].attempts = 2;
  insert(calls);

  std::vector<CallTransition> changes;
  // 0: applied, with its attempt row.
  changes.push_back(transitionOf("c2", {CallStatus::kDispatching}, CallStatus::kInitiated, 10));
  changes[0].whileAttempts = 1;
  changes[0].providerCallId = "conv_2";
  changes[0].attempt = vo::api::CallAttempt{1, 9, "accepted", "conv_2", ""};
  // 1: not applied: c3 is on attempt 2 (fenced out); its attempt row is not written.
  changes.push_back(transitionOf("c3", {CallStatus::kDispatching}, CallStatus::kFailed, 10));
  changes[1].whileAttempts = 1;
  changes[1].attempt = vo::api::CallAttempt{1, 9, "failed", "", "boom"};
  // 2: not applied: missing call.
  changes.push_back(transitionOf("c-none", {CallStatus::kQueued}, CallStatus::kCanceled, 10));
  // 3: not applied: c4 is queued, not initiated.
  changes.push_back(transitionOf("c4", {CallStatus::kInitiated}, CallStatus::kCompleted, 10));
  // 4 then 5: two changes of one call apply in order, the second seeing the first.
  changes.push_back(transitionOf("c1", {CallStatus::kQueued}, CallStatus::kDispatching, 11));
  changes[4].countAttempt = true;
  changes.push_back(transitionOf("c1", {CallStatus::kDispatching}, CallStatus::kInitiated, 12));
  changes[5].whileAttempts = 1;
  changes[5].attempt = vo::api::CallAttempt{0, 11, "accepted", "conv_1", ""};  // numbered 1
  // 6: never applies: no `from`.
  changes.push_back(transitionOf("c4", {}, CallStatus::kCanceled, 10));

  const auto applied = store_->transitionMany(changes);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(applied.value(), (std::vector<bool>{true, false, false, false, true, true, false}));

  EXPECT_EQ(store_->getCall("c2")->status, CallStatus::kInitiated);
  EXPECT_EQ(store_->getCall("c2")->providerCallId, "conv_2");
  ASSERT_EQ(store_->getAttempts("c2")->size(), 1u);
  EXPECT_EQ(store_->getCall("c3")->status, CallStatus::kDispatching);
  EXPECT_TRUE(store_->getAttempts("c3")->empty());
  EXPECT_EQ(store_->getCall("c4")->status, CallStatus::kQueued);
  const auto c1 = store_->getCall("c1");
  EXPECT_EQ(c1->status, CallStatus::kInitiated);
  EXPECT_EQ(c1->attempts, 1);
  EXPECT_EQ(c1->updatedAtMs, 12);
  const auto attempts = store_->getAttempts("c1");
  ASSERT_EQ(attempts->size(), 1u);
  EXPECT_EQ(attempts->front().number, 1);
  EXPECT_EQ(attempts->front().providerCallId, "conv_1");

  EXPECT_TRUE(store_->transitionMany({})->empty());
}

TEST_P(StoreContract, TransitionManyWritesAllChangesOrNone) {
  seedTenants();
  std::vector<Call> calls;
  for (const std::string id : {"c1", "c2"}) {
    calls.push_back(makeCall(id, msOfDay(0)));
    calls.back().status = CallStatus::kDispatching;
    calls.back().attempts = 1;
  }
  insert(calls);
  CallTransition first = transitionOf("c1", {CallStatus::kDispatching}, CallStatus::kInitiated, 5);
  first.attempt = vo::api::CallAttempt{1, 5, "accepted", "conv_1", ""};
  ASSERT_TRUE(store_->transition(first).value());

  // c2's change is fine; c1's second attempt row 1 collides with the one written above.
  std::vector<CallTransition> batch;
  batch.push_back(transitionOf("c2", {CallStatus::kDispatching}, CallStatus::kInitiated, 6));
  batch.back().attempt = vo::api::CallAttempt{1, 6, "accepted", "conv_2", ""};
  batch.push_back(transitionOf("c1", {CallStatus::kInitiated}, CallStatus::kCompleted, 6));
  batch.back().attempt = vo::api::CallAttempt{1, 6, "completed", "conv_1", ""};
  const auto refused = store_->transitionMany(batch);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict) << refused.error().message;

  EXPECT_EQ(store_->getCall("c2")->status, CallStatus::kDispatching);
  EXPECT_TRUE(store_->getAttempts("c2")->empty());
  EXPECT_EQ(store_->getCall("c1")->status, CallStatus::kInitiated);
  EXPECT_EQ(store_->getAttempts("c1")->size(), 1u);

  // The store keeps working after a refused batch.
  batch.pop_back();
  EXPECT_EQ(store_->transitionMany(batch).value(), std::vector<bool>{true});
}

TEST_P(StoreContract, FindByProviderCallIdsReturnsTheKnownCallsOnce) {
  seedTenants();
  insert({makeCall("c1", msOfDay(0)), makeCall("c2", msOfDay(0)), makeCall("c3", msOfDay(0))});
  std::vector<CallTransition> accepted;
  for (const std::string id : {"c1", "c2"}) {
    accepted.push_back(transitionOf(id, {CallStatus::kQueued}, CallStatus::kInitiated, 5));
    accepted.back().providerCallId = "conv_" + id;
  }
  ASSERT_EQ(store_->transitionMany(accepted).value(), (std::vector<bool>{true, true}));

  const std::vector<std::string> wanted{"conv_c2", "conv_x", "", "conv_c1", "conv_c2"};
  const auto found = store_->findByProviderCallIds(wanted);
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ(idsOf(found.value()), (std::set<std::string>{"c1", "c2"}));
  for (const Call& call : found.value()) {
    EXPECT_EQ(call.providerCallId, "conv_" + call.id);
    EXPECT_EQ(call.status, CallStatus::kInitiated);
  }
  EXPECT_TRUE(store_->findByProviderCallIds({})->empty());
  EXPECT_TRUE(store_->findByProviderCallIds(std::vector<std::string>{"conv_y"})->empty());
}

TEST_P(StoreContract, GetCallsReturnsTheKnownCallsOnce) {
  seedTenants();
  insert({makeCall("c1", msOfDay(0)), makeCall("c2", msOfDay(0)), makeCall("c3", msOfDay(0))});
  const std::vector<std::string> wanted{"c3", "nope", "c1", "c3"};
  const auto found = store_->getCalls(wanted);
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->size(), 2u);
  EXPECT_EQ(idsOf(found.value()), (std::set<std::string>{"c1", "c3"}));
  for (const Call& call : found.value()) EXPECT_EQ(call.status, CallStatus::kQueued);
  EXPECT_TRUE(store_->getCalls({})->empty());
  EXPECT_TRUE(store_->getCalls(std::vector<std::string>{"nope"})->empty());
}

}  // namespace
}  // namespace vo::contract
