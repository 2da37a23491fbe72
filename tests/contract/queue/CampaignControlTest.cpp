// Contract: pausing, resuming and cancelling a campaign's jobs.
#include "CallQueueContract.h"

namespace vo::contract {
namespace {

using api::Lane;
using testing::ElementsAre;
using testing::UnorderedElementsAre;

TEST_P(CallQueueContract, PausedCampaignIsSkippedAndResumes) {
  enqueue({job("a1", "ws_a", "cmp_a"), job("a2", "ws_a", "cmp_a"), job("b1", "ws_a", "cmp_b")});
  ASSERT_TRUE(queue().pauseCampaign("cmp_a").ok());
  EXPECT_THAT(claimIds(10, 1), ElementsAre("b1"));
  auto paused = counts();
  EXPECT_EQ(paused.paused, 2);
  EXPECT_EQ(paused.waiting, 0);
  ASSERT_TRUE(queue().resumeCampaign("cmp_a").ok());
  EXPECT_THAT(claimIds(10, 2), ElementsAre("a1", "a2"));
}

TEST_P(CallQueueContract, PauseAppliesToJobsEnqueuedLater) {
  ASSERT_TRUE(queue().pauseCampaign("cmp_a").ok());
  enqueue({job("a1", "ws_a", "cmp_a")});
  EXPECT_TRUE(claimIds(10, 1).empty());
  EXPECT_EQ(counts().paused, 1);
  ASSERT_TRUE(queue().resumeCampaign("cmp_a").ok());
  EXPECT_THAT(claimIds(10, 2), ElementsAre("a1"));
}

TEST_P(CallQueueContract, PausedDelayedJobsWaitForResume) {
  enqueue({job("a1", "ws_a", "cmp_a", Lane::kBulk, 100)});
  ASSERT_TRUE(queue().pauseCampaign("cmp_a").ok());
  EXPECT_TRUE(claimIds(10, 200).empty());
  auto lease = queue().claimCall("a1", 200, 1000);
  ASSERT_TRUE(lease.ok());
  EXPECT_FALSE(lease.value().has_value());
  ASSERT_TRUE(queue().resumeCampaign("cmp_a").ok());
  EXPECT_THAT(claimIds(10, 300), ElementsAre("a1"));
}

TEST_P(CallQueueContract, PausingLeavesLeasedJobsWithTheirHolders) {
  enqueue({job("a1", "ws_a", "cmp_a"), job("a2", "ws_a", "cmp_a")});
  auto leases = claim(1, 1);
  ASSERT_EQ(leases.size(), 1u);
  ASSERT_TRUE(queue().pauseCampaign("cmp_a").ok());
  EXPECT_TRUE(queue().complete(leases[0].callId, leases[0].token, false).value());
  EXPECT_TRUE(claim(5, 2).empty());
}

TEST_P(CallQueueContract, PausedCampaignDoesNotBlockAFreedSlot) {
  setLimit("phone:1", 1);
  enqueue({job("a0", "ws_a", "cmp_a", Lane::kBulk, 0, {"phone:1"})});
  auto holder = claim(1, 1);
  ASSERT_EQ(holder.size(), 1u);
  enqueue({job("a1", "ws_a", "cmp_a", Lane::kBulk, 0, {"phone:1"}),
           job("b1", "ws_b", "cmp_b", Lane::kBulk, 0, {"phone:1"})});
  EXPECT_TRUE(claim(5, 2).empty());
  ASSERT_TRUE(queue().pauseCampaign("cmp_a").ok());
  completeAll(holder);
  EXPECT_THAT(claimIds(5, 3), ElementsAre("b1"));
}

TEST_P(CallQueueContract, CancelRemovesUnleasedJobsInBatches) {
  std::vector<api::QueueJob> jobs;
  for (int i = 0; i < 5; ++i) jobs.push_back(job("w" + std::to_string(i), "ws_a", "cmp_a"));
  jobs.push_back(job("d1", "ws_a", "cmp_a", Lane::kBulk, 50'000));
  jobs.push_back(job("d2", "ws_a", "cmp_a", Lane::kBulk, 50'000));
  jobs.push_back(job("other", "ws_a", "cmp_b"));
  enqueue(jobs);
  ASSERT_TRUE(queue().pauseCampaign("cmp_b").ok());
  auto leased = claim(1, 1);
  ASSERT_EQ(leased.size(), 1u);
  EXPECT_EQ(leased[0].callId, "w0");

  EXPECT_EQ(queue().cancelCampaign("cmp_a", 3).value(), 3);
  EXPECT_EQ(queue().cancelCampaign("cmp_a", 3).value(), 3);
  EXPECT_EQ(queue().cancelCampaign("cmp_a", 3).value(), 0);
  auto now = counts();
  EXPECT_EQ(now.waiting, 0);
  EXPECT_EQ(now.delayed, 0);
  EXPECT_EQ(now.active, 1);
  EXPECT_EQ(now.paused, 1);  // the other campaign is untouched
  EXPECT_TRUE(claim(10, 60'000).empty());
  // The leased job is still its holder's to finish.
  EXPECT_TRUE(queue().complete("w0", leased[0].token, false).value());
  // Cancelled ids may be enqueued again (the store decides whether they should be).
  EXPECT_EQ(enqueue({job("w1", "ws_a", "cmp_a")}).added, 1);
}

TEST_P(CallQueueContract, CancelOfAnUnknownCampaignRemovesNothing) {
  enqueue({job("a1")});
  EXPECT_EQ(queue().cancelCampaign("cmp_none", 100).value(), 0);
  EXPECT_EQ(counts().waiting, 1);
}

TEST_P(CallQueueContract, CampaignControlRefusesAnEmptyId) {
  auto pause = queue().pauseCampaign("");
  ASSERT_FALSE(pause.ok());
  EXPECT_EQ(pause.error().code, api::ErrorCode::kInvalid);
  auto cancel = queue().cancelCampaign("", 10);
  ASSERT_FALSE(cancel.ok());
  EXPECT_EQ(cancel.error().code, api::ErrorCode::kInvalid);
}

TEST_P(CallQueueContract, CancelReachesParkedJobs) {
  setLimit("phone:1", 1);
  enqueue({job("a1", "ws_a", "cmp_a", Lane::kBulk, 0, {"phone:1"}),
           job("a2", "ws_a", "cmp_a", Lane::kBulk, 0, {"phone:1"}),
           job("a3", "ws_a", "cmp_a", Lane::kBulk, 0, {"phone:1"})});
  auto holder = claim(3, 1);
  ASSERT_EQ(holder.size(), 1u);
  EXPECT_EQ(queue().cancelCampaign("cmp_a", 100).value(), 2);
  completeAll(holder);
  EXPECT_TRUE(claim(3, 2).empty());
  enqueue({job("a4", "ws_a", "cmp_a", Lane::kBulk, 0, {"phone:1"})});
  EXPECT_THAT(claimIds(3, 3), ElementsAre("a4"));
}

}  // namespace
}  // namespace vo::contract
