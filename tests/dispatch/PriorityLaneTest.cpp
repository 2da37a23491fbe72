// The priority call: leased before it is written, written `dispatching`, dialed on the caller's
// thread, with no lock shared with the workers; and what happens when it cannot be.
#include "DispatcherFixture.h"

namespace vo::testing {
namespace {

using api::CallStatus;

TEST_F(DispatcherTest, PriorityCallIsWrittenDispatchingAndDialedOnTheCallersThread) {
  pacing_.phoneNumber.maxConcurrentCalls = 1;
  clock_.freezeAt(1'800'000'000'000);
  auto first = dispatcher().submitPriority(makeCall("p1", api::Lane::kPriority), noAnswer);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->status, CallStatus::kInitiated);
  EXPECT_EQ(first->providerCallId, "prov_p1");
  EXPECT_EQ(first->attempts, 1);
  EXPECT_EQ(stored("p1").status, CallStatus::kInitiated);
  EXPECT_EQ(stored("p1").updatedAtMs, 1'800'000'000'000);  // the injected clock's time
  EXPECT_EQ(store_.beginDispatchCalls(), 0);  // written dispatching: no second write to begin
  auto attempts = store_.getAttempts("p1");
  ASSERT_TRUE(attempts.ok());
  ASSERT_EQ(attempts->size(), 1u);
  EXPECT_EQ(attempts->front().startedAtMs, 1'800'000'000'000);

  // The phone number's one slot is held by p1: p2 is stored queued, first in line, not dialed.
  auto second = dispatcher().submitPriority(makeCall("p2", api::Lane::kPriority), noAnswer);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->status, CallStatus::kQueued);
  EXPECT_EQ(stored("p2").status, CallStatus::kQueued);
  EXPECT_EQ(provider_.dials("p2"), 0);

  const api::CallEvent ended[] = {finalEvent("prov_p1", CallStatus::kNoAnswer)};
  ASSERT_TRUE(dispatcher().applyEvents(ended).ok());
  auto third = dispatcher().submitPriority(makeCall("p3", api::Lane::kPriority), noAnswer);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->status, CallStatus::kInitiated);
}

TEST_F(DispatcherTest, PriorityCallWithAQueueWithoutLeaseNewIsStillDialedAtOnce) {
  queue_->enableLeaseNew(false);
  auto placed = dispatcher().submitPriority(makeCall("q1", api::Lane::kPriority), noAnswer);
  ASSERT_TRUE(placed.ok()) << placed.error().message;
  EXPECT_EQ(placed->status, CallStatus::kInitiated);
  EXPECT_EQ(provider_.dials("q1"), 1);
}

TEST_F(DispatcherTest, PriorityCallsAmongBusyWorkersAreEachDialedOnceOnTheirOwnThread) {
  config_.concurrency = 8;
  std::vector<api::Call> bulk;
  for (int i = 0; i < 200; ++i) bulk.push_back(makeCall("b" + std::to_string(1000 + i)));
  submit(bulk);
  dispatcher().start();
  for (int i = 0; i < 50; ++i) {
    const std::string id = "race" + std::to_string(i);
    auto placed = dispatcher().submitPriority(makeCall(id, api::Lane::kPriority), noAnswer);
    ASSERT_TRUE(placed.ok()) << placed.error().message;
    // leaseNew hands the job to no worker: the caller always gets its own dial's answer.
    EXPECT_EQ(placed->status, CallStatus::kInitiated) << id;
  }
  ASSERT_TRUE(waitUntilAll([](const api::Call& c) { return c.status == CallStatus::kInitiated; }));
  EXPECT_EQ(provider_.totalDials(), 250);
  for (const auto& call : store_.allCalls()) EXPECT_EQ(provider_.dials(call.id), 1) << call.id;
}

TEST_F(DispatcherTest, PriorityCallThatCouldNotBeStoredIsNotDialedAndGivesBackItsLease) {
  pacing_.phoneNumber.maxConcurrentCalls = 1;
  store_.putCall(makeCall("dup"));  // the insert conflicts
  auto placed = dispatcher().submitPriority(makeCall("dup", api::Lane::kPriority), noAnswer);
  ASSERT_FALSE(placed.ok());
  EXPECT_EQ(provider_.dials("dup"), 0);
  EXPECT_EQ(queueCounts().active, 0);
  EXPECT_EQ(queueCounts().slotsHeld, 0);  // the slot is free for the next call
  auto next = dispatcher().submitPriority(makeCall("after", api::Lane::kPriority), noAnswer);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->status, CallStatus::kInitiated);
}

TEST_F(DispatcherTest, APriorityRequestWaitsForItsDialAtMostPriorityWaitMsThenTheDialGoesOn) {
  config_.priorityWaitMs = 50;
  auto gate = std::make_shared<Gate>();
  Gate::OpenAtExit openAtExit{gate};
  provider_.onDial([gate](const api::DialRequest& request) {
    gate->pass();
    return acceptedAs("prov_" + request.call.id);
  });
  dispatcher().start();
  auto placed = dispatcher().submitPriority(makeCall("slow", api::Lane::kPriority), noAnswer);
  ASSERT_TRUE(placed.ok()) << placed.error().message;
  EXPECT_EQ(placed->status, CallStatus::kDispatching);  // answered 202 while the dial runs
  EXPECT_TRUE(gate->reached());
  gate->open();
  // The dial's answer is recorded all the same, by the dispatcher's recorder.
  ASSERT_TRUE(waitForStatus("slow", CallStatus::kInitiated));
  EXPECT_EQ(stored("slow").providerCallId, "prov_slow");
  EXPECT_EQ(provider_.dials("slow"), 1);
}

TEST_F(DispatcherTest, APriorityCallWhoseWriteFailedButWasCommittedIsDialedOnce) {
  // The store commits the call but reports a failure (the connection broke before the answer).
  store_.failNextInsertAfterWriting();
  auto placed = dispatcher().submitPriority(makeCall("kept", api::Lane::kPriority), noAnswer);
  ASSERT_TRUE(placed.ok()) << placed.error().message;
  EXPECT_EQ(placed->status, CallStatus::kInitiated);
  EXPECT_EQ(provider_.dials("kept"), 1);
}

TEST_F(DispatcherTest, LeaseOfAPriorityCallNeverWrittenIsDroppedByRecovery) {
  // A process leased a priority call and died before writing it.
  api::QueueJob job;
  job.callId = "ghost";
  job.workspaceId = "ws1";
  job.lane = api::Lane::kPriority;
  job.dueAtMs = clock_.nowMs();
  auto lease = queue_->leaseNew(job, clock_.nowMs(), 1);
  ASSERT_TRUE(lease.ok());
  ASSERT_TRUE(lease->has_value());
  const uint64_t recoveredBefore = counter("vo_leases_recovered_total", "");
  dispatcher().start();
  ASSERT_TRUE(waitUntil([&] { return queueCounts().active == 0; }));
  EXPECT_GT(counter("vo_leases_recovered_total", ""), recoveredBefore);
  EXPECT_EQ(provider_.totalDials(), 0);
  EXPECT_FALSE(store_.getCall("ghost").ok());
  EXPECT_EQ(queueCounts().waiting, 0);
}

}  // namespace
}  // namespace vo::testing
