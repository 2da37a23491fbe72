// Contract: idempotent enqueue, priority before bulk, FIFO and round-robin fairness, delays.
#include <algorithm>

#include "CallQueueContract.h"

namespace vo::contract {
namespace {

using api::Lane;
using testing::ElementsAre;

bool containsAll(const std::vector<std::string>& haystack, const std::vector<std::string>& ids) {
  return std::all_of(ids.begin(), ids.end(), [&](const std::string& id) {
    return std::find(haystack.begin(), haystack.end(), id) != haystack.end();
  });
}

TEST_P(CallQueueContract, EnqueueIsIdempotentWhileWaiting) {
  EXPECT_EQ(enqueue({job("c1"), job("c2")}).added, 2);
  auto again = enqueue({job("c1"), job("c3")});
  EXPECT_EQ(again.added, 1);
  EXPECT_EQ(again.alreadyQueued, 1);
  EXPECT_EQ(counts().waiting, 3);
  EXPECT_THAT(claimIds(10, 1), ElementsAre("c1", "c2", "c3"));
}

TEST_P(CallQueueContract, EnqueueIsIdempotentWithinOneBatch) {
  auto outcome = enqueue({job("c1"), job("c1"), job("c1")});
  EXPECT_EQ(outcome.added, 1);
  EXPECT_EQ(outcome.alreadyQueued, 2);
  EXPECT_EQ(claim(10, 1).size(), 1u);
}

TEST_P(CallQueueContract, EnqueueIsIdempotentWhileDelayedLeasedOrPaused) {
  enqueue({job("delayed", "ws_a", "cmp_a", Lane::kBulk, 1'000'000)});
  enqueue({job("leased", "ws_a", "cmp_b")});
  ASSERT_THAT(claimIds(1, 10), ElementsAre("leased"));
  enqueue({job("paused", "ws_a", "cmp_p")});
  ASSERT_TRUE(queue().pauseCampaign("cmp_p").ok());

  auto again = enqueue({job("delayed"), job("leased", "ws_a", "cmp_b"), job("paused")});
  EXPECT_EQ(again.added, 0);
  EXPECT_EQ(again.alreadyQueued, 3);
  // Nothing became claimable twice: the delayed one is not due, the leased one is out, the
  // paused one is held.
  EXPECT_TRUE(claimIds(10, 20).empty());
  auto now = counts();
  EXPECT_EQ(now.active, 1);
  EXPECT_EQ(now.delayed, 1);
  EXPECT_EQ(now.paused, 1);
}

TEST_P(CallQueueContract, EnqueueAfterCompleteAddsAgain) {
  enqueue({job("c1")});
  completeAll(claim(1, 1));
  EXPECT_EQ(enqueue({job("c1")}).added, 1);
  EXPECT_THAT(claimIds(1, 2), ElementsAre("c1"));
}

TEST_P(CallQueueContract, EnqueueRejectsJobsWithoutIdsNamingTheField) {
  std::vector<api::QueueJob> jobs{job("ok"), job("")};
  auto outcome = queue().enqueue(jobs);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, api::ErrorCode::kInvalid);
  EXPECT_NE(outcome.error().message.find("callId"), std::string::npos);

  std::vector<api::QueueJob> noWorkspace{job("c1", "")};
  auto refused = queue().enqueue(noWorkspace);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("workspaceId"), std::string::npos);
}

TEST_P(CallQueueContract, EmptyEnqueueAddsNothing) {
  EXPECT_EQ(enqueue({}).added, 0);
  EXPECT_TRUE(claimIds(5, 1).empty());
}

TEST_P(CallQueueContract, PriorityLaneIsClaimedBeforeBulk) {
  enqueue({job("b1"), job("b2"), job("b3", "ws_b", "cmp_b")});
  enqueue({job("p1", "ws_c", "", Lane::kPriority), job("p2", "ws_a", "", Lane::kPriority)});
  auto first = claimIds(2, 1);
  EXPECT_TRUE(containsAll(first, {"p1", "p2"}));
  EXPECT_EQ(claimIds(10, 1).size(), 3u);
}

TEST_P(CallQueueContract, OneCampaignIsFirstInFirstOut) {
  enqueue({job("c1"), job("c2"), job("c3")});
  enqueue({job("c4"), job("c5")});
  EXPECT_THAT(claimIds(2, 1), ElementsAre("c1", "c2"));
  EXPECT_THAT(claimIds(5, 1), ElementsAre("c3", "c4", "c5"));
}

TEST_P(CallQueueContract, WorkspacesTakeTurns) {
  std::vector<api::QueueJob> bulkA;
  for (int i = 0; i < 200; ++i) bulkA.push_back(job("a" + std::to_string(i), "ws_a", "cmp_a"));
  enqueue(bulkA);
  std::vector<api::QueueJob> bulkB;
  std::vector<std::string> idsB;
  for (int i = 0; i < 10; ++i) {
    idsB.push_back("b" + std::to_string(i));
    bulkB.push_back(job(idsB.back(), "ws_b", "cmp_b"));
  }
  enqueue(bulkB);
  std::vector<std::string> claimed;
  // Small claims, as several workers make them: B must not wait behind A's 200.
  for (int i = 0; i < 7; ++i) {
    for (auto& id : claimIds(3, 1)) claimed.push_back(id);
  }
  EXPECT_EQ(claimed.size(), 21u);
  EXPECT_TRUE(containsAll(claimed, idsB));
}

TEST_P(CallQueueContract, CampaignsOfOneWorkspaceTakeTurns) {
  std::vector<api::QueueJob> jobs;
  for (int i = 0; i < 30; ++i) jobs.push_back(job("big" + std::to_string(i), "ws_a", "cmp_big"));
  jobs.push_back(job("small0", "ws_a", "cmp_small"));
  jobs.push_back(job("small1", "ws_a", "cmp_small"));
  jobs.push_back(job("other0", "ws_b", "cmp_other"));
  enqueue(jobs);
  auto claimed = claimIds(8, 1);
  EXPECT_EQ(claimed.size(), 8u);
  EXPECT_TRUE(containsAll(claimed, {"small0", "small1", "other0"}));
}

TEST_P(CallQueueContract, ManyWorkspacesAreAllServed) {
  std::vector<api::QueueJob> jobs;
  for (int i = 0; i < 50; ++i) jobs.push_back(job("big" + std::to_string(i), "ws_big", "cmp"));
  std::vector<std::string> smallIds;
  for (int w = 0; w < 20; ++w) {
    smallIds.push_back("w" + std::to_string(w));
    jobs.push_back(job(smallIds.back(), "ws_" + std::to_string(w), "cmp_" + std::to_string(w)));
  }
  enqueue(jobs);
  std::vector<std::string> claimed;
  for (int i = 0; i < 21; ++i) {
    for (auto& id : claimIds(2, 1)) claimed.push_back(id);
  }
  EXPECT_TRUE(containsAll(claimed, smallIds));
}

TEST_P(CallQueueContract, ClaimReturnsAtMostMaxJobs) {
  enqueue({job("c1"), job("c2"), job("c3")});
  EXPECT_EQ(claim(2, 1).size(), 2u);
  EXPECT_EQ(claim(2, 1).size(), 1u);
  EXPECT_TRUE(claim(2, 1).empty());
}

TEST_P(CallQueueContract, ClaimRefusesANonPositiveMaxJobs) {
  api::ClaimRequest request;
  request.maxJobs = 0;
  auto leases = queue().claim(request);
  ASSERT_FALSE(leases.ok());
  EXPECT_EQ(leases.error().code, api::ErrorCode::kInvalid);
}

TEST_P(CallQueueContract, DelayedJobWaitsUntilItsDueTime) {
  enqueue({job("later", "ws_a", "cmp_a", Lane::kBulk, 5000), job("now")});
  EXPECT_THAT(claimIds(10, 4999), ElementsAre("now"));
  EXPECT_EQ(counts().delayed, 1);
  EXPECT_TRUE(claimIds(10, 4999).empty());
  EXPECT_THAT(claimIds(10, 5000), ElementsAre("later"));
  EXPECT_EQ(counts().delayed, 0);
}

TEST_P(CallQueueContract, DelayedPriorityJobStillGoesFirstWhenDue) {
  enqueue({job("b1"), job("b2"), job("p1", "ws_a", "", Lane::kPriority, 100)});
  EXPECT_THAT(claimIds(1, 50), ElementsAre("b1"));
  EXPECT_THAT(claimIds(1, 100), ElementsAre("p1"));
}

TEST_P(CallQueueContract, CountsShowWaitingByWorkspaceAndCampaign) {
  enqueue({job("a1", "ws_a", "cmp_a"), job("a2", "ws_a", "cmp_a"), job("a3", "ws_a", "cmp_x")});
  enqueue({job("b1", "ws_b", "cmp_b"), job("d1", "ws_b", "cmp_b", Lane::kBulk, 99'000)});
  auto now = counts();
  EXPECT_EQ(now.waiting, 4);
  EXPECT_EQ(now.delayed, 1);
  EXPECT_EQ(now.active, 0);
  EXPECT_EQ(now.waitingByWorkspace["ws_a"], 3);
  EXPECT_EQ(now.waitingByWorkspace["ws_b"], 1);
  EXPECT_EQ(now.waitingByCampaign["cmp_a"], 2);
  EXPECT_EQ(now.waitingByCampaign["cmp_x"], 1);
  EXPECT_EQ(now.waitingByCampaign["cmp_b"], 1);

  auto leases = claim(2, 1);
  ASSERT_EQ(leases.size(), 2u);
  now = counts();
  EXPECT_EQ(now.waiting, 2);
  EXPECT_EQ(now.active, 2);
  EXPECT_EQ(now.slotsHeld, 2);
  ASSERT_TRUE(queue().complete(leases[0].callId, leases[0].token, true).ok());
  now = counts();
  EXPECT_EQ(now.active, 1);
  EXPECT_EQ(now.slotsHeld, 2);
  ASSERT_TRUE(queue().releaseSlots(leases[0].callId).ok());
  EXPECT_EQ(counts().slotsHeld, 1);
}

}  // namespace
}  // namespace vo::contract
