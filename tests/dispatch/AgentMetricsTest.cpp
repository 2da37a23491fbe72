// Calls by final status and dial outcomes, counted per workspace and agent where the status
// change applied: once per call, whoever applies it.
#include "DispatcherFixture.h"
#include "vo/testing/Wait.h"

namespace vo::testing {
namespace {

using api::CallStatus;
using api::DialOutcome;

struct Snapshot {
  uint64_t completed, busy, noAnswer, failed, canceled, accepted, rejected;
  static Snapshot of(const core::AgentRow& row) {
    return {row.finishedCount(CallStatus::kCompleted), row.finishedCount(CallStatus::kBusy),
            row.finishedCount(CallStatus::kNoAnswer),  row.finishedCount(CallStatus::kFailed),
            row.finishedCount(CallStatus::kCanceled),  row.dialedCount(DialOutcome::kAccepted),
            row.dialedCount(DialOutcome::kRejected)};
  }
};

TEST_F(DispatcherTest, AFinalStatusIsCountedOncePerCallUnderItsWorkspaceAndAgent) {
  const Snapshot before = Snapshot::of(agentRow());
  submit({makeCall("m1"), makeCall("m2")});
  dispatcher().start();
  ASSERT_TRUE(waitForStatus("m1", CallStatus::kInitiated));
  ASSERT_TRUE(waitForStatus("m2", CallStatus::kInitiated));
  EXPECT_EQ(agentRow().dialedCount(DialOutcome::kAccepted), before.accepted + 2);

  const api::CallEvent first[] = {finalEvent("prov_m1", CallStatus::kCompleted),
                                  finalEvent("prov_m2", CallStatus::kNoAnswer)};
  ASSERT_TRUE(dispatcher().applyEvents(first).ok());
  // Repeats and a late contradicting outcome move no row: nothing more is counted.
  const api::CallEvent again[] = {finalEvent("prov_m1", CallStatus::kCompleted),
                                  finalEvent("prov_m1", CallStatus::kBusy),
                                  finalEvent("prov_m2", CallStatus::kNoAnswer)};
  ASSERT_TRUE(dispatcher().applyEvents(again).ok());
  ASSERT_TRUE(dispatcher().applyEvents(std::span(again, 1)).ok());

  const Snapshot after = Snapshot::of(agentRow());
  EXPECT_EQ(after.completed, before.completed + 1);
  EXPECT_EQ(after.noAnswer, before.noAnswer + 1);
  EXPECT_EQ(after.busy, before.busy);
}

TEST_F(DispatcherTest, AnOutcomeForACallDialedElsewhereIsCountedUnderItsStoredLabels) {
  // Dialed by another instance (or before a restart): this process never saw its dial.
  core::AgentRow& elsewhere = metrics().perAgent().row("ws_elsewhere", "agent_elsewhere");
  const uint64_t completedBefore = elsewhere.finishedCount(CallStatus::kCompleted);
  const uint64_t busyBefore = elsewhere.finishedCount(CallStatus::kBusy);
  for (const char* id : {"far1", "far2"}) {
    api::Call call = makeCall(id);
    call.workspaceId = "ws_elsewhere";
    call.agentId = "agent_elsewhere";
    call.status = CallStatus::kInitiated;
    call.attempts = 1;
    call.providerCallId = std::string("prov_") + id;
    store_.putCall(call);
  }
  api::CallEvent byOurId = finalEvent("", CallStatus::kBusy);
  byOurId.callId = "far2";  // written without a read: whose call it was is read after
  const api::CallEvent events[] = {finalEvent("prov_far1", CallStatus::kCompleted), byOurId};
  ASSERT_TRUE(dispatcher().applyEvents(events).ok());
  EXPECT_EQ(elsewhere.finishedCount(CallStatus::kCompleted), completedBefore + 1);
  EXPECT_EQ(elsewhere.finishedCount(CallStatus::kBusy), busyBefore + 1);
  EXPECT_EQ(stored("far2").status, CallStatus::kBusy);
}

TEST_F(DispatcherTest, ARejectedDialCountsItsOutcomeAndTheFailedCall) {
  provider_.onDial([](const api::DialRequest&) {
    return answered(DialOutcome::kRejected, "invalid phone number");
  });
  const Snapshot before = Snapshot::of(agentRow());
  submit({makeCall("mr1")});
  dispatcher().start();
  ASSERT_TRUE(waitForStatus("mr1", CallStatus::kFailed));
  ASSERT_TRUE(waitUntil([&] { return Snapshot::of(agentRow()).failed == before.failed + 1; }));
  const Snapshot after = Snapshot::of(agentRow());
  EXPECT_EQ(after.rejected, before.rejected + 1);
  EXPECT_EQ(after.accepted, before.accepted);
}

TEST_F(DispatcherTest, ACanceledCampaignCountsItsQueuedCallsUnderItsWorkspaceAndAgent) {
  api::Campaign campaign;
  campaign.id = "mcamp";
  campaign.workspaceId = "ws1";
  campaign.agentId = "agent1";
  campaign.totalCalls = 2;
  ASSERT_TRUE(store_.createCampaign(campaign).ok());
  submit({makeCall("mc1", api::Lane::kBulk, "mcamp"), makeCall("mc2", api::Lane::kBulk, "mcamp")});
  const Snapshot before = Snapshot::of(agentRow());
  ASSERT_TRUE(dispatcher().cancelCampaign("mcamp").ok());
  EXPECT_EQ(Snapshot::of(agentRow()).canceled, before.canceled + 2);
}

}  // namespace
}  // namespace vo::testing
