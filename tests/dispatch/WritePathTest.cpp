// The write path: group commits (batching, each caller's own answer, failures), fencing by the
// attempt number, one store write per claimed batch, and provider outcomes applied in batches,
// also when they arrive before the dial that placed the call is recorded.
#include <future>
#include <latch>
#include <thread>

#include "DispatcherFixture.h"
#include "dispatch/DialRoutine.h"
#include "dispatch/GroupCommit.h"
#include "dispatch/TransitionWriter.h"

namespace vo::testing {
namespace {

using api::CallStatus;
using core::dispatch::GroupCommit;

TEST(GroupCommit, CallersWaitingDuringAFlushGoTogetherInTheNextAndGetTheirOwnAnswers) {
  std::promise<void> firstFlushStarted;
  std::promise<void> releaseFirstFlush;
  std::shared_future<void> release = releaseFirstFlush.get_future().share();
  std::vector<std::size_t> batchSizes;
  GroupCommit<int, int> commit(
      [&](std::span<const int> items) -> api::Result<std::vector<int>> {
        batchSizes.push_back(items.size());
        if (batchSizes.size() == 1) {
          firstFlushStarted.set_value();
          release.wait();
        }
        std::vector<int> doubled;
        for (int item : items) doubled.push_back(item * 2);
        return doubled;
      },
      100);
  std::thread first([&] { EXPECT_EQ(commit.submit({1}).value(), std::vector<int>{2}); });
  firstFlushStarted.get_future().wait();
  // While the first flush runs, 20 callers queue up with 1 or 2 items each.
  std::vector<std::thread> callers;
  for (int caller = 0; caller < 20; ++caller) {
    callers.emplace_back([&, caller] {
      std::vector<int> items{caller * 10};
      if (caller % 2 == 0) items.push_back(caller * 10 + 1);
      auto answers = commit.submit(items);
      ASSERT_TRUE(answers.ok());
      ASSERT_EQ(answers->size(), items.size());
      for (std::size_t i = 0; i < items.size(); ++i) EXPECT_EQ(answers.value()[i], items[i] * 2);
    });
  }
  ASSERT_TRUE(waitUntil([&] { return commit.waiting() == 20; }));
  releaseFirstFlush.set_value();
  for (auto& caller : callers) caller.join();
  first.join();
  ASSERT_EQ(batchSizes.size(), 2u);  // one flush for the first caller, one for all the others
  EXPECT_EQ(batchSizes[1], 30u);
}

TEST(GroupCommit, WithTwoFlushersACallerArrivingMidFlushDoesNotWaitForIt) {
  std::atomic<int> inFlight = 0;
  std::promise<void> releaseFlushes;
  std::shared_future<void> release = releaseFlushes.get_future().share();
  GroupCommit<int, int> commit(
      [&](std::span<const int> items) -> api::Result<std::vector<int>> {
        ++inFlight;
        release.wait();
        return std::vector<int>(items.begin(), items.end());
      },
      100, 2);
  std::thread first([&] { EXPECT_EQ(commit.submit({1}).value(), std::vector<int>{1}); });
  const bool firstStarted = waitUntil([&] { return inFlight == 1; });
  std::thread second([&] { EXPECT_EQ(commit.submit({2}).value(), std::vector<int>{2}); });
  const bool bothAtOnce = waitUntil([&] { return inFlight == 2; });
  releaseFlushes.set_value();
  first.join();
  second.join();
  EXPECT_TRUE(firstStarted);
  EXPECT_TRUE(bothAtOnce);  // one flusher would have held the second until the first was done
  EXPECT_EQ(commit.flushes(), 2u);
}

TEST(GroupCommit, ABatchIsCappedButACallersItemsStayTogether) {
  std::vector<std::size_t> batchSizes;
  std::mutex sizesMutex;
  GroupCommit<int, bool> commit(
      [&](std::span<const int> items) -> api::Result<std::vector<bool>> {
        std::lock_guard lock(sizesMutex);
        batchSizes.push_back(items.size());
        return std::vector<bool>(items.size(), true);
      },
      3);
  auto answers = commit.submit({1, 2, 3, 4, 5});  // more than a batch: goes alone, whole
  ASSERT_TRUE(answers.ok());
  EXPECT_EQ(answers->size(), 5u);
  std::lock_guard lock(sizesMutex);
  EXPECT_EQ(batchSizes, std::vector<std::size_t>{5});
}

TEST(GroupCommit, AFailedFlushFailsEveryCallerInIt) {
  std::promise<void> firstFlushStarted;
  std::promise<void> releaseFirstFlush;
  std::shared_future<void> release = releaseFirstFlush.get_future().share();
  std::atomic<int> flushes = 0;
  GroupCommit<int, bool> commit(
      [&](std::span<const int>) -> api::Result<std::vector<bool>> {
        if (++flushes == 1) {
          firstFlushStarted.set_value();
          release.wait();
        }
        return api::makeError(api::ErrorCode::kUnavailable, "database gone");
      },
      100);
  std::vector<std::thread> callers;
  std::atomic<int> failed = 0;
  callers.emplace_back([&] { failed += commit.submit({0}).ok() ? 0 : 1; });
  firstFlushStarted.get_future().wait();
  for (int i = 1; i <= 10; ++i) {
    callers.emplace_back([&, i] {
      auto answer = commit.submit({i});
      if (!answer.ok() && answer.error().code == api::ErrorCode::kUnavailable) ++failed;
    });
  }
  ASSERT_TRUE(waitUntil([&] { return commit.waiting() == 10; }));
  releaseFirstFlush.set_value();
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(failed.load(), 11);
  EXPECT_EQ(flushes.load(), 2);
}

TEST_F(DispatcherTest, TransitionWriterFailsEveryWaitingCallerWhenTheStoreFails) {
  for (int i = 0; i < 8; ++i) store_.putCall(makeCall("w" + std::to_string(i)));
  store_.failBatches(true);
  core::dispatch::TransitionWriter writer(store_, 100);
  std::vector<std::thread> callers;
  std::atomic<int> failed = 0;
  for (int i = 0; i < 8; ++i) {
    callers.emplace_back([&, i] {
      api::CallTransition change;
      change.callId = "w" + std::to_string(i);
      change.from = {CallStatus::kQueued};
      change.to = CallStatus::kCanceled;
      if (!writer.apply(change).ok()) ++failed;
    });
  }
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(failed.load(), 8);
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(stored("w" + std::to_string(i)).status, CallStatus::kQueued);
}

TEST_F(DispatcherTest, AStaleWorkersLateOutcomeNeverOverwritesANewerAttempt) {
  std::promise<void> dialing;
  std::promise<void> answer;
  std::shared_future<void> answered = answer.get_future().share();
  provider_.onDial([&](const api::DialRequest& request) {
    dialing.set_value();
    answered.wait();
    return acceptedAs("prov_stale_" + std::to_string(request.call.attempts));
  });
  submit({makeCall("f1")});
  dispatcher().start();
  dialing.get_future().wait();
  // Meanwhile the call was given up and begun again elsewhere: attempt 2 is dispatching.
  api::Call newer = stored("f1");
  ASSERT_EQ(newer.attempts, 1);
  newer.attempts = 2;
  newer.status = CallStatus::kDispatching;
  store_.putCall(newer);
  answer.set_value();
  ASSERT_TRUE(waitUntil([&] { return queueCounts().active == 0; }));
  const api::Call after = stored("f1");
  EXPECT_EQ(after.status, CallStatus::kDispatching);  // attempt 1's "initiated" did not land
  EXPECT_EQ(after.attempts, 2);
  EXPECT_TRUE(after.providerCallId.empty());
  EXPECT_TRUE(store_.getAttempts("f1")->empty());
}

TEST_F(DispatcherTest, AClaimedBatchBeginsWithOneStoreWriteAndDropsCallsNoLongerQueued) {
  std::vector<api::Call> calls;
  for (int i = 0; i < 5; ++i) calls.push_back(makeCall("cb" + std::to_string(i)));
  submit(calls);
  api::Call canceled = stored("cb2");
  canceled.status = CallStatus::kCanceled;
  store_.putCall(canceled);
  api::ClaimRequest request;
  request.workerId = "test";
  request.maxJobs = 5;
  request.nowMs = clock_.nowMs();
  auto leases = queue_->claim(request);
  ASSERT_TRUE(leases.ok());
  ASSERT_EQ(leases->size(), 5u);

  core::dispatch::DispatchContext context(config_, pacing_, store_, *queue_, provider_, "scripted",
                                          metrics(), *logger_, clock_);
  core::dispatch::DialRoutine dials(context);
  const auto jobs = dials.begin(leases.value());
  EXPECT_EQ(store_.beginDispatchCalls(), 1);
  ASSERT_EQ(jobs.size(), 4u);
  for (const auto& job : jobs) {
    EXPECT_NE(job.call.id, "cb2");
    EXPECT_EQ(job.call.status, CallStatus::kDispatching);
    EXPECT_EQ(job.call.attempts, 1);  // the fencing token of this dial
    EXPECT_TRUE(context.inFlight.contains(job.call.id));
  }
  EXPECT_EQ(queueCounts().active, 4);  // the canceled call's job left the queue
  EXPECT_FALSE(context.inFlight.contains("cb2"));
  for (const auto& job : jobs) EXPECT_EQ(dials.dial(job).status, CallStatus::kInitiated);
}

TEST_F(DispatcherTest, OutcomesOfOneWebhookAreAppliedInOneStoreTransaction) {
  std::vector<api::Call> calls;
  for (int i = 0; i < 3; ++i) calls.push_back(makeCall("wb" + std::to_string(i)));
  submit(calls);
  dispatcher().start();
  ASSERT_TRUE(waitUntilAll([](const api::Call& c) { return c.status == CallStatus::kInitiated; }));
  const auto sizesBefore = store_.transitionManySizes().size();
  const api::CallEvent events[] = {finalEvent("prov_wb0", CallStatus::kCompleted),
                                   finalEvent("prov_wb1", CallStatus::kBusy),
                                   finalEvent("prov_wb2", CallStatus::kNoAnswer)};
  ASSERT_TRUE(dispatcher().applyEvents(events).ok());
  const auto sizes = store_.transitionManySizes();
  ASSERT_EQ(sizes.size(), sizesBefore + 1);
  EXPECT_EQ(sizes.back(), 3u);
  EXPECT_EQ(stored("wb1").status, CallStatus::kBusy);
  EXPECT_EQ(queueCounts().slotsHeld, 0);
}

TEST_F(DispatcherTest, ConcurrentWebhooksAreAllRecordedBeforeTheyAreAnswered) {
  std::vector<api::Call> calls;
  for (int i = 0; i < 40; ++i) calls.push_back(makeCall("cw" + std::to_string(100 + i)));
  submit(calls);
  dispatcher().start();
  ASSERT_TRUE(waitUntilAll([](const api::Call& c) { return c.status == CallStatus::kInitiated; }));
  std::latch go(40);
  std::vector<std::thread> webhooks;
  for (const auto& call : calls) {
    webhooks.emplace_back([&, id = call.id] {
      go.arrive_and_wait();
      const api::CallEvent event[] = {finalEvent("prov_" + id, CallStatus::kCompleted)};
      ASSERT_TRUE(dispatcher().applyEvents(event).ok());
      EXPECT_EQ(stored(id).status, CallStatus::kCompleted);  // durable when answered
    });
  }
  for (auto& webhook : webhooks) webhook.join();
  EXPECT_EQ(queueCounts().slotsHeld, 0);
}

TEST_F(DispatcherTest, AnOutcomeThatBeatsTheDialsRecordWaitsForItAndIsApplied) {
  // The webhook arrives while the dial's "initiated" is still being written.
  store_.holdTransitions(true);
  auto placing = std::async(std::launch::async, [&] {
    return dispatcher().submitPriority(makeCall("early", api::Lane::kPriority));
  });
  ASSERT_TRUE(waitUntil([&] { return store_.heldTransitions() == 1; }));
  auto webhook = std::async(std::launch::async, [&] {
    const api::CallEvent event[] = {finalEvent("prov_early", CallStatus::kCompleted)};
    return dispatcher().applyEvents(event);
  });
  store_.holdTransitions(false);
  auto placed = placing.get();
  ASSERT_TRUE(placed.ok());
  auto applied = webhook.get();
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  const api::Call call = stored("early");
  EXPECT_EQ(call.status, CallStatus::kCompleted);
  EXPECT_EQ(call.providerCallId, "prov_early");
  EXPECT_EQ(store_.getAttempts("early")->size(), 1u);  // the dial's attempt row is kept
  EXPECT_TRUE(waitUntil([&] { return queueCounts().slotsHeld == 0; }));
}

TEST_F(DispatcherTest, AnOutcomeForACallNotRecordedAnywhereYetIsRefusedSoItComesAgain) {
  clock_.freezeAt(1'800'000'000'000);
  api::CallEvent early[] = {finalEvent("prov_later", CallStatus::kCompleted)};
  early[0].atMs = clock_.nowMs() - 1000;
  auto refused = dispatcher().applyEvents(early);
  ASSERT_FALSE(refused.ok());  // e.g. dialed by another process that has not recorded it yet
  api::Call call = makeCall("later");
  call.status = CallStatus::kInitiated;
  call.attempts = 1;
  call.providerCallId = "prov_later";
  store_.putCall(call);
  ASSERT_TRUE(dispatcher().applyEvents(early).ok());  // the provider's retry
  EXPECT_EQ(stored("later").status, CallStatus::kCompleted);
}

}  // namespace
}  // namespace vo::testing
