// The write path: group commits (batching, each caller's own answer, failures), fencing by the
// attempt number, one store write per claimed batch, and provider outcomes applied in batches,
// also when they arrive before the dial that placed the call is recorded.
#include <chrono>
#include <functional>
#include <future>
#include <latch>
#include <thread>

#include "DispatcherFixture.h"
#include "dispatch/DialRoutine.h"
#include "dispatch/GroupCommit.h"

namespace vo::testing {
namespace {

using api::CallStatus;
using core::dispatch::GroupCommit;

// A group commit that doubles its items, whose first flush (of a lone caller's item 1) holds
// until release(), so that the callers arriving meanwhile queue for the next one.
class HeldFirstFlush {
 public:
  HeldFirstFlush()
      : commit_(
            [this](std::span<const int> items) -> api::Result<std::vector<int>> {
              batchSizes_.push_back(items.size());
              if (batchSizes_.size() == 1) {
                started_.set_value();
                release_.wait();
              }
              std::vector<int> doubled;
              for (int item : items) doubled.push_back(item * 2);
              return doubled;
            },
            100) {
    first_ = std::thread([this] { EXPECT_EQ(commit_.submit({1}).value(), std::vector<int>{2}); });
    started_.get_future().wait();
  }
  ~HeldFirstFlush() {
    if (first_.joinable()) first_.join();
  }
  GroupCommit<int, int>& commit() { return commit_; }
  void release() { releaseFirst_.set_value(); }
  // The sizes of the flushes so far (read after the callers have their answers).
  const std::vector<std::size_t>& batchSizes() const { return batchSizes_; }

 private:
  std::promise<void> started_;
  std::promise<void> releaseFirst_;
  std::shared_future<void> release_ = releaseFirst_.get_future().share();
  std::vector<std::size_t> batchSizes_;
  GroupCommit<int, int> commit_;
  std::thread first_;
};

TEST(GroupCommit, CallersWaitingDuringAFlushGoTogetherInTheNextAndGetTheirOwnAnswers) {
  HeldFirstFlush held;
  GroupCommit<int, int>& commit = held.commit();
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
  held.release();
  for (auto& caller : callers) caller.join();
  // One flush for the first caller, one for all the others.
  EXPECT_EQ(held.batchSizes(), (std::vector<std::size_t>{1, 30}));
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

TEST(GroupCommit, AnAsyncCallerIsCalledBackWithItsOwnItemsAndAnswersInTheSameBatch) {
  HeldFirstFlush held;
  GroupCommit<int, int>& commit = held.commit();
  std::promise<std::pair<std::vector<int>, std::vector<int>>> calledBack;
  commit.submitAsync({5, 7},
                     [&](std::span<const int> items, api::Result<std::vector<int>> answers) {
                       calledBack.set_value({{items.begin(), items.end()}, answers.value()});
                     });  // returns while the first flush still runs
  std::thread waiting([&] { EXPECT_EQ(commit.submit({3}).value(), std::vector<int>{6}); });
  ASSERT_TRUE(waitUntil([&] { return commit.waiting() == 2; }));
  held.release();
  auto [items, answers] = calledBack.get_future().get();
  waiting.join();
  EXPECT_EQ(items, (std::vector<int>{5, 7}));
  EXPECT_EQ(answers, (std::vector<int>{10, 14}));
  EXPECT_EQ(held.batchSizes(), (std::vector<std::size_t>{1, 3}));  // with the caller that waited
}

TEST(GroupCommit, AnAsyncCallerOfAFailedFlushIsToldTheError) {
  GroupCommit<int, bool> commit(
      [](std::span<const int>) -> api::Result<std::vector<bool>> {
        return api::makeError(api::ErrorCode::kUnavailable, "database gone");
      },
      100);
  std::promise<api::ErrorCode> told;
  commit.submitAsync({1}, [&](std::span<const int>, api::Result<std::vector<bool>> answers) {
    told.set_value(answers.ok() ? api::ErrorCode::kInternal : answers.error().code);
  });
  EXPECT_EQ(told.get_future().get(), api::ErrorCode::kUnavailable);
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

TEST_F(DispatcherTest, ADialWhoseRecordFailsStaysDispatchingAndIsNotDialedAgain) {
  provider_.onDial([&](const api::DialRequest& request) {
    store_.failBatches(true);  // the database goes away while the provider places the call
    return acceptedAs("prov_" + request.call.id);
  });
  submit({makeCall("r1")});
  dispatcher().start();
  ASSERT_TRUE(waitUntil([&] { return !store_.transitionManySizes().empty(); }));
  store_.failBatches(false);
  // Left for recovery to settle with the provider, its lease held: nobody redials it.
  EXPECT_EQ(stored("r1").status, CallStatus::kDispatching);
  EXPECT_EQ(queueCounts().active, 1);
  EXPECT_EQ(provider_.dials("r1"), 1);
  EXPECT_TRUE(store_.getAttempts("r1")->empty());
}

// A claim still under way when the dispatcher stops: its calls are already leased, and are
// moved to dispatching once it returns. The dialing thread used to take "no job waiting" for
// "nothing left to start" and end first, so they were never dialed and stop() waited out the
// whole grace period for dials nobody would start (seen as a 10 s shutdown under load).
TEST_F(DispatcherTest, CallsAClaimIsMovingWhenTheDispatcherStopsAreDialedBeforeItReturns) {
  provider_.onDial(
      [](const api::DialRequest& request) { return acceptedAs("prov_" + request.call.id); });
  store_.holdBeginDispatch(true);
  submit({makeCall("s1"), makeCall("s2"), makeCall("s3")});
  dispatcher().start();
  ASSERT_TRUE(waitUntil([&] { return store_.heldBeginDispatches() == 1; }));
  const auto stopStarted = std::chrono::steady_clock::now();
  std::thread stopping([&] { dispatcher().stop(); });
  // Time for the dialing thread to hear of the stop while the claim is still held.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  store_.holdBeginDispatch(false);
  stopping.join();
  EXPECT_LT(std::chrono::steady_clock::now() - stopStarted,
            std::chrono::milliseconds(config_.shutdownGraceMs));
  for (const char* id : {"s1", "s2", "s3"}) {
    EXPECT_EQ(provider_.dials(id), 1) << id;
    EXPECT_EQ(stored(id).status, CallStatus::kInitiated) << id;
  }
}

// Stops at every moment of a busy drain: whatever a claim, a dial or the dialing thread was
// doing, stop() returns once the calls it moved to dispatching are dialed and recorded, and none
// is dialed twice. Three races lost this: a claim begun after stop() woke the claimer, the last
// job taken by a provider's thread without telling the dialing thread it may end, and the one
// above; each left stop() waiting out the grace period, or for good.
TEST_F(DispatcherTest, StoppedAtAnyMomentOfADrainEveryCallMovedIsDialedOnceAndStopReturns) {
  config_.concurrency = 8;
  provider_.onDial(
      [](const api::DialRequest& request) { return acceptedAs("prov_" + request.call.id); });
  std::vector<api::Call> calls;
  for (int i = 0; i < 600; ++i) calls.push_back(makeCall("d" + std::to_string(1000 + i)));
  submit(calls);
  for (int round = 0; round < 30; ++round) {
    dispatcher().start();
    std::this_thread::sleep_for(std::chrono::microseconds(300 * (round % 7)));
    const auto stopStarted = std::chrono::steady_clock::now();
    dispatcher().stop();
    ASSERT_LT(std::chrono::steady_clock::now() - stopStarted, std::chrono::seconds(3))
        << "round " << round;
  }
  for (const api::Call& call : calls) {
    const api::Call now = stored(call.id);
    EXPECT_NE(now.status, CallStatus::kDispatching) << call.id;
    EXPECT_EQ(provider_.dials(call.id), now.status == CallStatus::kQueued ? 0 : 1) << call.id;
  }
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

// An outcome that arrives while the dial's own record ("initiated") is still being written.
class EarlyOutcomeTest : public DispatcherTest {
 protected:
  // Places a priority call whose record is held; `webhook` applies the outcome meanwhile, and
  // what it returns is checked once the record went through.
  void expectAppliedWhenItBeatsTheDial(
      const std::function<std::future<api::Result<void>>(std::span<const api::CallEvent>)>&
          webhook);
};

void EarlyOutcomeTest::expectAppliedWhenItBeatsTheDial(
    const std::function<std::future<api::Result<void>>(std::span<const api::CallEvent>)>& webhook) {
  FakeCallStore& store = store_;
  store.holdTransitions(true);
  auto placing = std::async(std::launch::async, [&] {
    return dispatcher().submitPriority(makeCall("early", api::Lane::kPriority), noAnswer);
  });
  ASSERT_TRUE(waitUntil([&] { return store.heldTransitions() == 1; }));
  const api::CallEvent event[] = {finalEvent("prov_early", CallStatus::kCompleted)};
  auto applied = webhook(event);
  store.holdTransitions(false);
  auto placed = placing.get();
  ASSERT_TRUE(placed.ok());
  auto answer = applied.get();
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  const api::Call call = stored("early");
  EXPECT_EQ(call.status, CallStatus::kCompleted);
  EXPECT_EQ(call.providerCallId, "prov_early");
  EXPECT_EQ(store.getAttempts("early")->size(), 1u);  // the dial's attempt row is kept
  EXPECT_TRUE(waitUntil([&] { return queueCounts().slotsHeld == 0; }));
}

TEST_F(EarlyOutcomeTest, AnOutcomeThatBeatsTheDialsRecordWaitsForItAndIsApplied) {
  expectAppliedWhenItBeatsTheDial([&](std::span<const api::CallEvent> events) {
    return std::async(std::launch::async, [&, events] { return dispatcher().applyEvents(events); });
  });
}

TEST_F(EarlyOutcomeTest, AnAsyncOneIsLookedUpAgainOnAThreadThatMayBlock) {
  std::atomic<int> blockingSteps = 0;
  std::vector<std::thread> blockingThreads;
  auto answered = std::make_shared<std::promise<api::Result<void>>>();
  expectAppliedWhenItBeatsTheDial([&](std::span<const api::CallEvent> events) {
    dispatcher().applyEventsAsync(
        {events.begin(), events.end()},
        [answered](api::Result<void> applied) { answered->set_value(std::move(applied)); },
        [&](std::function<void()> job) {
          blockingThreads.emplace_back(std::move(job));  // the wait for the record runs here
          ++blockingSteps;
        });
    // Not found under its provider id while the record is held: handed to a blocking thread.
    EXPECT_TRUE(waitUntil([&] { return blockingSteps == 1; }));
    return answered->get_future();
  });
  for (auto& thread : blockingThreads) thread.join();
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
