// Outcomes arriving later, pacing slots, the priority fast path, campaigns, and everything that
// brings back calls a dead worker or a lost queue left behind.
#include <future>
#include <memory>

#include "DispatcherFixture.h"
#include "vo/testing/Wait.h"

namespace vo::testing {
namespace {

using api::CallStatus;

TEST_F(DispatcherTest, FinalEventIsAppliedOnceAndReleasesSlots) {
  submit({makeCall("e1")});
  dispatcher().start();
  ASSERT_TRUE(waitForStatus("e1", CallStatus::kInitiated));
  const api::CallEvent event = finalEvent("prov_e1", CallStatus::kCompleted);
  dispatcher().eventSink().publish(std::span(&event, 1));
  api::Call call = stored("e1");
  EXPECT_EQ(call.status, CallStatus::kCompleted);
  EXPECT_EQ(call.durationSecs, 42);
  EXPECT_EQ(call.endReason, "hung up");
  EXPECT_EQ(call.providerDataJson, R"({"analysis":"ok","callSid":"CA1"})");
  EXPECT_EQ(queueCounts().slotsHeld, 0);

  // A repeat, and a late contradicting outcome, change nothing.
  const uint64_t ignoredBefore = counter("vo_call_events_total", "result=\"ignored\"");
  const api::CallEvent late[] = {finalEvent("prov_e1", CallStatus::kCompleted),
                                 finalEvent("prov_e1", CallStatus::kBusy)};
  ASSERT_TRUE(dispatcher().applyEvents(late).ok());
  call = stored("e1");
  EXPECT_EQ(call.status, CallStatus::kCompleted);
  EXPECT_EQ(counter("vo_call_events_total", "result=\"ignored\""), ignoredBefore + 2);
}

TEST_F(DispatcherTest, AnOldEventForACallNobodyKnowsIsCountedAndAcknowledged) {
  clock_.freezeAt(1'800'000'000'000);
  const uint64_t before = counter("vo_call_events_total", "result=\"unknown_call\"");
  api::CallEvent stray[] = {finalEvent("prov_nobody", CallStatus::kCompleted)};
  stray[0].atMs = clock_.nowMs() - config_.leaseMs;  // any dial of ours is recorded by now
  EXPECT_TRUE(dispatcher().applyEvents(stray).ok());
  EXPECT_EQ(counter("vo_call_events_total", "result=\"unknown_call\""), before + 1);
}

TEST_F(DispatcherTest, SweeperRestoresCallsTheQueueNeverHad) {
  std::vector<api::Call> calls;
  for (int i = 0; i < 1200; ++i) calls.push_back(makeCall("s" + std::to_string(10000 + i)));
  ASSERT_TRUE(store_.insertCalls(calls, nullptr).ok());  // stored, never enqueued: a lost queue
  dispatcher().start();
  ASSERT_TRUE(waitUntilAll([](const api::Call& c) { return c.status == CallStatus::kInitiated; }));
  EXPECT_EQ(provider_.totalDials(), 1200);
}

TEST_F(DispatcherTest, LeaseOfADeadWorkerIsTakenBackAndTheCallDialedOnce) {
  submit({makeCall("l1")});
  api::ClaimRequest dead;
  dead.workerId = "dead-worker";
  dead.nowMs = clock_.nowMs();
  dead.leaseMs = 1;
  auto claimed = queue_->claim(dead);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);  // held by a worker that will never come back
  dispatcher().start();
  ASSERT_TRUE(waitForStatus("l1", CallStatus::kInitiated));
  EXPECT_EQ(provider_.dials("l1"), 1);
}

TEST_F(DispatcherTest, CallsLeftDispatchingAreReconciledNeverBlindlyRedialed) {
  config_.leaseMs = 1000;
  config_.settleWindowMs = 5000;  // "never placed" is believed 5 s after the call became unknown
  const int64_t longAgo = clock_.nowMs() - 10000;
  for (const char* id : {"d_never", "d_rang", "d_ringing", "d_mystery"}) {
    api::Call call = makeCall(id);
    call.status = CallStatus::kDispatching;
    call.attempts = 1;
    call.updatedAtMs = longAgo;
    store_.putCall(call);
  }
  provider_.onLookup([](const api::Call& call) {
    api::LookupResult result;
    if (call.id == "d_never") result.outcome = api::LookupOutcome::kNotPlaced;
    if (call.id == "d_rang") {
      result.outcome = api::LookupOutcome::kFinal;
      result.event.providerCallId = "prov_rang";
      result.event.status = CallStatus::kBusy;
    }
    if (call.id == "d_ringing") {
      result.outcome = api::LookupOutcome::kInProgress;
      result.event.providerCallId = "prov_ringing";
    }
    return result;  // d_mystery: kUnsupported
  });
  dispatcher().start();
  ASSERT_TRUE(waitForStatus("d_never", CallStatus::kInitiated));
  EXPECT_EQ(provider_.dials("d_never"), 1);
  EXPECT_EQ(stored("d_rang").status, CallStatus::kBusy);
  EXPECT_EQ(stored("d_ringing").status, CallStatus::kInitiated);
  EXPECT_EQ(stored("d_ringing").providerCallId, "prov_ringing");
  EXPECT_EQ(stored("d_mystery").status, CallStatus::kUnknown);
  EXPECT_EQ(provider_.totalDials(), 1);
}

TEST_F(DispatcherTest, InitiatedCallWithNoOutcomeIsPolled) {
  config_.reconcileAfterMs = 0;
  provider_.onLookup([](const api::Call& call) {
    api::LookupResult result;
    result.outcome = api::LookupOutcome::kFinal;
    result.event.providerCallId = call.providerCallId;
    result.event.status = CallStatus::kFailed;
    result.event.endReason = "carrier error";
    return result;
  });
  submit({makeCall("i1")});
  dispatcher().start();
  ASSERT_TRUE(waitForStatus("i1", CallStatus::kFailed));
  EXPECT_EQ(stored("i1").endReason, "carrier error");
  EXPECT_EQ(provider_.dials("i1"), 1);
  EXPECT_TRUE(waitUntil([&] { return queueCounts().slotsHeld == 0; }));
}

TEST_F(DispatcherTest, SlotsOfACallThatEndedWithoutTellingTheQueueAreGivenBack) {
  pacing_.phoneNumber.maxConcurrentCalls = 1;
  submit({makeCall("s1")});
  dispatcher().start();
  ASSERT_TRUE(waitForStatus("s1", CallStatus::kInitiated));
  // Its outcome reached the store while the queue could not be told: the slot stays held.
  api::CallTransition ended;
  ended.callId = "s1";
  ended.from = {CallStatus::kInitiated};
  ended.to = CallStatus::kCompleted;
  ended.atMs = clock_.nowMs();
  ASSERT_TRUE(store_.transition(ended).value());
  EXPECT_EQ(queueCounts().slotsHeld, 1);

  // The next call to the number limited to one goes out once the periodic pass frees it.
  submit({makeCall("s2")});
  ASSERT_TRUE(waitForStatus("s2", CallStatus::kInitiated));
  EXPECT_EQ(queueCounts().slotsHeld, 1);  // s2's own
  EXPECT_EQ(provider_.dials("s2"), 1);
}

TEST_F(DispatcherTest, ASlowDialKeepsItsLeaseAndItsCallMarkedAliveUntilItsAnswer) {
  config_.leaseMs = 300;
  auto gate = std::make_shared<Gate>();
  Gate::OpenAtExit opener{gate};
  provider_.onDial([gate](const api::DialRequest& request) {
    gate->pass();
    return acceptedAs("prov_" + request.call.id);
  });
  submit({makeCall("k1")});
  dispatcher().start();
  ASSERT_TRUE(waitUntil([&] { return provider_.totalDials() == 1; }));
  const int64_t dispatchedAt = stored("k1").updatedAtMs;
  // Three leases on: the lease was extended (recovery took nothing back) and the call's row
  // touched, so no instance takes the dial for a dead worker's.
  ASSERT_TRUE(waitUntil([&] { return stored("k1").updatedAtMs > dispatchedAt + 600; }));
  EXPECT_EQ(stored("k1").status, CallStatus::kDispatching);
  EXPECT_EQ(queueCounts().active, 1);
  gate->open();
  ASSERT_TRUE(waitForStatus("k1", CallStatus::kInitiated));
  EXPECT_EQ(stored("k1").attempts, 1);
  EXPECT_EQ(provider_.dials("k1"), 1);
}

TEST_F(DispatcherTest, ASlowProviderLookupNeverHoldsUpTheSweeper) {
  // An unknown call whose lookup hangs at the provider (issue 9, hole 9: lookups shared the
  // thread of lease recovery and the sweeper).
  auto gate = std::make_shared<Gate>();
  Gate::OpenAtExit opener{gate};
  provider_.onLookup([gate](const api::Call&) {
    gate->pass();
    return api::LookupResult{};
  });
  api::Call unknown = makeCall("u1");
  unknown.status = CallStatus::kUnknown;
  unknown.updatedAtMs = clock_.nowMs() - 60'000;
  ASSERT_TRUE(store_.insertCalls(std::span(&unknown, 1), nullptr).ok());
  dispatcher().start();
  ASSERT_TRUE(waitUntil([&] { return gate->reached(); }));

  // A queued call the queue never heard of: the sweeper puts it in line while the lookup hangs.
  api::Call lost = makeCall("q1");
  lost.createdAtMs = lost.updatedAtMs = clock_.nowMs() - 60'000;
  ASSERT_TRUE(store_.insertCalls(std::span(&lost, 1), nullptr).ok());
  EXPECT_TRUE(waitForStatus("q1", CallStatus::kInitiated));
}

class CampaignControlTest : public DispatcherTest {
 protected:
  void SetUp() override {
    api::Campaign campaign;
    campaign.id = "camp1";
    campaign.workspaceId = "ws1";
    campaign.totalCalls = 3;
    ASSERT_TRUE(store_.createCampaign(campaign).ok());
    submit({makeCall("cc1", api::Lane::kBulk, "camp1"), makeCall("cc2", api::Lane::kBulk, "camp1"),
            makeCall("cc3", api::Lane::kBulk, "camp1")});
  }
};

TEST_F(CampaignControlTest, CancelCancelsEveryQueuedCall) {
  auto canceled = dispatcher().cancelCampaign("camp1");
  ASSERT_TRUE(canceled.ok()) << canceled.error().message;
  EXPECT_EQ(canceled->status, api::CampaignStatus::kCanceled);
  for (const char* id : {"cc1", "cc2", "cc3"}) EXPECT_EQ(stored(id).status, CallStatus::kCanceled);
  EXPECT_EQ(queueCounts().waiting, 0);
  auto resumed = dispatcher().resumeCampaign("camp1");
  ASSERT_FALSE(resumed.ok());
  EXPECT_EQ(resumed.error().code, api::ErrorCode::kConflict);
  EXPECT_EQ(dispatcher().pauseCampaign("nope").error().code, api::ErrorCode::kNotFound);
}

TEST_F(CampaignControlTest, CancelWaitsForDialsInFlightAndTheirNotPlacedOutcomesEndCanceled) {
  // Every dial is held at the provider, then answered "not placed" (a 429): without the cancel
  // each would go back in line for another attempt.
  auto gate = std::make_shared<Gate>();
  Gate::OpenAtExit opener{gate};
  provider_.onDial([gate](const api::DialRequest&) {
    gate->pass();
    return answered(api::DialOutcome::kNotPlaced, "HTTP 429: too many concurrent calls");
  });
  dispatcher().start();
  ASSERT_TRUE(waitUntil([&] { return provider_.totalDials() == 3; }));

  auto cancel =
      std::async(std::launch::async, [&] { return dispatcher().cancelCampaign("camp1"); });
  // The dials are in flight: the cancel does not answer before they are settled.
  EXPECT_EQ(cancel.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  gate->open();
  auto canceled = cancel.get();
  ASSERT_TRUE(canceled.ok()) << canceled.error().message;
  EXPECT_EQ(canceled->status, api::CampaignStatus::kCanceled);
  for (const char* id : {"cc1", "cc2", "cc3"}) {
    EXPECT_EQ(stored(id).status, CallStatus::kCanceled) << id;
  }
  EXPECT_EQ(queueCounts().waiting, 0);
  EXPECT_EQ(provider_.totalDials(), 3);  // none dialed again
}

TEST_F(CampaignControlTest, AStorePauseTheQueueNeverHeardOfHoldsTheCallsAndIsAppliedToTheQueue) {
  // Paused in the store only: the queue lost the pause (Redis restarted empty), or a resume
  // crossed it. The claims find the calls held, bring the queue in step, and put them back.
  ASSERT_TRUE(store_.setCampaignStatus("camp1", api::CampaignStatus::kPaused, 1).ok());
  dispatcher().start();
  ASSERT_TRUE(waitUntil([&] { return queueCounts().paused == 3; }));
  EXPECT_EQ(provider_.totalDials(), 0);
  for (const char* id : {"cc1", "cc2", "cc3"}) EXPECT_EQ(stored(id).status, CallStatus::kQueued);

  ASSERT_TRUE(dispatcher().resumeCampaign("camp1").ok());
  ASSERT_TRUE(waitUntilAll([](const api::Call& c) { return c.status == CallStatus::kInitiated; }));
  EXPECT_EQ(provider_.totalDials(), 3);
}

TEST_F(CampaignControlTest, PauseSurvivesALostQueueAndResumeDials) {
  auto paused = dispatcher().pauseCampaign("camp1");
  ASSERT_TRUE(paused.ok());
  EXPECT_EQ(paused->status, api::CampaignStatus::kPaused);
  EXPECT_EQ(queueCounts().paused, 3);

  // A restart with an empty queue: the store's paused state is applied before the sweep.
  dispatcher_.reset();
  queue_ = std::make_unique<LeasingQueue>(queue_memory::makeMemoryQueue());
  dispatcher().start();
  EXPECT_EQ(queueCounts().paused, 3);
  EXPECT_EQ(provider_.totalDials(), 0);

  auto resumed = dispatcher().resumeCampaign("camp1");
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->status, api::CampaignStatus::kActive);
  ASSERT_TRUE(waitUntilAll([](const api::Call& c) { return c.status == CallStatus::kInitiated; }));
  EXPECT_EQ(provider_.totalDials(), 3);
}

}  // namespace
}  // namespace vo::testing
