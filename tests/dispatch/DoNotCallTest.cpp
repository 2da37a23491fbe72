// A number put on a do-not-call list while its calls wait in line: the claim ends them
// `suppressed` (endReason "dnc"), the provider never hears of them, the metrics count them.
#include <memory>

#include "DispatcherFixture.h"
#include "vo/testing/Wait.h"

namespace vo::testing {
namespace {

using api::CallStatus;

TEST_F(DispatcherTest, ANumberListedMidCampaignSuppressesItsQueuedCalls) {
  api::Campaign campaign;
  campaign.id = "dnc-camp";
  campaign.workspaceId = "ws1";
  campaign.totalCalls = 5;
  ASSERT_TRUE(store_.createCampaign(campaign).ok());
  provider_.onDial(
      [](const api::DialRequest& request) { return acceptedAs("conv-" + request.call.id); });
  const uint64_t suppressedBefore = agentRow().finishedCount(CallStatus::kSuppressed);
  std::vector<api::Call> calls;
  for (const char* id : {"d1", "d2", "d3", "d4", "d5"}) {
    calls.push_back(makeCall(id, api::Lane::kBulk, "dnc-camp"));
  }
  calls[2].to = calls[1].to;  // two calls to one number
  // The claim is held after the queue leased the jobs and before the store moves the calls:
  // the numbers are listed while their calls are queued and already on their way to a dial.
  store_.holdBeginDispatch(true);
  submit(calls);
  dispatcher().start();
  ASSERT_TRUE(waitUntil([&] { return store_.heldBeginDispatches() > 0; }));
  ASSERT_TRUE(store_
                  .addDncNumbers("ws1", std::vector<std::string>{calls[1].to}, "asked to stop",
                                 clock_.nowMs())
                  .ok());
  ASSERT_TRUE(store_
                  .addDncNumbers(api::kGlobalDncList, std::vector<std::string>{calls[3].to}, "",
                                 clock_.nowMs())
                  .ok());
  store_.holdBeginDispatch(false);

  ASSERT_TRUE(waitUntilAll([](const api::Call& call) {
    return call.status != CallStatus::kQueued && call.status != CallStatus::kDispatching;
  }));
  for (const std::string id : {"d2", "d3", "d4"}) {
    const api::Call now = stored(id);
    EXPECT_EQ(now.status, CallStatus::kSuppressed) << id;
    EXPECT_EQ(now.endReason, "dnc") << id;
    EXPECT_EQ(now.attempts, 0) << id;
    EXPECT_EQ(provider_.dials(id), 0) << id;
  }
  for (const std::string id : {"d1", "d5"}) {
    EXPECT_EQ(stored(id).status, CallStatus::kInitiated) << id;
    EXPECT_EQ(provider_.dials(id), 1) << id;
  }
  EXPECT_EQ(agentRow().finishedCount(CallStatus::kSuppressed) - suppressedBefore, 3u);
  EXPECT_TRUE(waitUntil([&] { return queueCounts().waiting == 0; }));
}

}  // namespace
}  // namespace vo::testing
