// Contract: leaseNew, the priority endpoint's lease of a call that was never queued. The lease
// is invisible to claims and behaves like any claimed lease afterwards.
#include "CallQueueContract.h"

namespace vo::contract {
namespace {

using api::Lane;
using testing::ElementsAre;

api::QueueJob priority(const std::string& id, std::vector<std::string> keys = {"phone:1"},
                       int64_t dueAtMs = 0) {
  return CallQueueContract::job(id, "ws_a", "", Lane::kPriority, dueAtMs, std::move(keys));
}

TEST_P(CallQueueContract, LeaseNewLeasesAJobNoClaimCanSee) {
  enqueue({job("b1")});
  auto lease = leaseNew(priority("p1"), 10, 30000);
  ASSERT_TRUE(lease.has_value());
  EXPECT_EQ(lease->callId, "p1");
  EXPECT_EQ(lease->workspaceId, "ws_a");
  EXPECT_EQ(lease->campaignId, "");
  EXPECT_EQ(lease->lane, Lane::kPriority);
  EXPECT_EQ(lease->expiresAtMs, 30010);
  EXPECT_GE(lease->token.size(), 16u);
  EXPECT_THAT(claimIds(10, 10), ElementsAre("b1"));
  EXPECT_TRUE(claim(10, 20).empty());
  auto now = counts();
  EXPECT_EQ(now.active, 2);
  EXPECT_EQ(now.waiting, 0);
  EXPECT_TRUE(queue().complete("p1", lease->token, false).value());
}

TEST_P(CallQueueContract, LeaseNewIsRefusedWhileAConcurrentKeyIsFull) {
  setLimit("phone:1", 1);
  enqueue({job("b1", "ws_a", "cmp_a", Lane::kBulk, 0, {"phone:1"})});
  auto busy = claim(1, 1);
  ASSERT_EQ(busy.size(), 1u);
  EXPECT_FALSE(leaseNew(priority("p1"), 2).has_value());
  // Refused, it is not queued either: the caller enqueues it.
  EXPECT_EQ(counts().waiting, 0);
  EXPECT_EQ(enqueue({priority("p1")}).added, 1);
  completeAll(busy);
  EXPECT_THAT(claimIds(1, 3), ElementsAre("p1"));
}

TEST_P(CallQueueContract, LeaseNewNeedsRoomOnEveryKey) {
  setLimit("agent:1", 1);
  ASSERT_TRUE(leaseNew(priority("p1", {"phone:1", "agent:1"}), 1).has_value());
  EXPECT_FALSE(leaseNew(priority("p2", {"phone:2", "agent:1"}), 2).has_value());
  EXPECT_TRUE(leaseNew(priority("p3", {"phone:2", "agent:2"}), 3).has_value());
}

TEST_P(CallQueueContract, LeaseNewIsRefusedWhileAKeyIsThrottled) {
  ASSERT_TRUE(queue().throttle("account:el", 100).ok());
  EXPECT_FALSE(leaseNew(priority("p1", {"account:el"}), 99).has_value());
  EXPECT_TRUE(leaseNew(priority("p1", {"account:el"}), 100).has_value());
}

TEST_P(CallQueueContract, LeaseNewSpendsATokenOfTheBucket) {
  setLimit("account:x", 0, 1, 1);
  enqueue({job("b1", "ws_a", "cmp_a", Lane::kBulk, 0, {"account:x"})});
  ASSERT_TRUE(leaseNew(priority("p1", {"account:x"}), 0).has_value());
  EXPECT_TRUE(claim(5, 10).empty());
  EXPECT_FALSE(leaseNew(priority("p2", {"account:x"}), 10).has_value());
  EXPECT_THAT(claimIds(5, 1000), ElementsAre("b1"));
}

TEST_P(CallQueueContract, LeaseNewOfAJobNotDueOrInAPausedCampaignIsRefused) {
  EXPECT_FALSE(leaseNew(priority("p1", {}, 1000), 999).has_value());
  EXPECT_TRUE(leaseNew(priority("p1", {}, 1000), 1000).has_value());
  ASSERT_TRUE(queue().pauseCampaign("cmp_a").ok());
  EXPECT_FALSE(leaseNew(job("b1", "ws_a", "cmp_a", Lane::kBulk), 1000).has_value());
}

TEST_P(CallQueueContract, LeaseNewOfAQueuedOrLeasedIdIsAConflict) {
  enqueue({job("waiting"), job("delayed", "ws_a", "cmp_a", Lane::kBulk, 5000)});
  for (const char* id : {"waiting", "delayed"}) {
    auto taken = queue().leaseNew(priority(id), 1, 1000);
    ASSERT_FALSE(taken.ok()) << id;
    EXPECT_EQ(taken.error().code, api::ErrorCode::kConflict) << id;
  }
  ASSERT_TRUE(leaseNew(priority("p1"), 1).has_value());
  auto again = queue().leaseNew(priority("p1"), 2, 1000);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, api::ErrorCode::kConflict);
  auto enqueued = enqueue({priority("p1")});
  EXPECT_EQ(enqueued.alreadyQueued, 1);
  EXPECT_EQ(counts().active, 1);
}

TEST_P(CallQueueContract, LeaseNewRefusesAnInvalidJob) {
  auto invalid = queue().leaseNew(priority(""), 1, 1000);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().code, api::ErrorCode::kInvalid);
  auto noLease = queue().leaseNew(priority("p1"), 1, 0);
  ASSERT_FALSE(noLease.ok());
  EXPECT_EQ(noLease.error().code, api::ErrorCode::kInvalid);
}

TEST_P(CallQueueContract, AnExpiredLeaseNewIsRecoveredAndGivesItsSlotsBack) {
  setLimit("phone:1", 1);
  auto lease = leaseNew(priority("p1"), 0, 1000);
  ASSERT_TRUE(lease.has_value());
  EXPECT_TRUE(queue().recoverExpired(999, 10).value().empty());
  EXPECT_THAT(queue().recoverExpired(1001, 10).value(), ElementsAre("p1"));
  EXPECT_FALSE(queue().complete("p1", lease->token, false).value());
  EXPECT_EQ(counts().slotsHeld, 0);
  EXPECT_TRUE(leaseNew(priority("p2"), 1001).has_value());
}

TEST_P(CallQueueContract, ALeaseNewKeepsItsSlotsUntilReleased) {
  setLimit("phone:1", 1);
  auto lease = leaseNew(priority("p1"), 0);
  ASSERT_TRUE(lease.has_value());
  ASSERT_TRUE(queue().complete("p1", lease->token, true).value());
  EXPECT_EQ(counts().active, 0);
  EXPECT_EQ(counts().slotsHeld, 1);
  EXPECT_FALSE(leaseNew(priority("p2"), 1).has_value());
  enqueue({job("b1", "ws_a", "cmp_a", Lane::kBulk, 0, {"phone:1"})});
  EXPECT_TRUE(claim(5, 2).empty());
  ASSERT_TRUE(queue().releaseSlots("p1").ok());
  EXPECT_THAT(claimIds(5, 3), ElementsAre("b1"));
}

TEST_P(CallQueueContract, ALeaseNewCanBeExtendedAndRetried) {
  auto lease = leaseNew(priority("p1"), 0, 1000);
  ASSERT_TRUE(lease.has_value());
  ASSERT_TRUE(queue().extendLease("p1", lease->token, 500, 1000).value());
  EXPECT_TRUE(queue().recoverExpired(1001, 10).value().empty());
  ASSERT_TRUE(queue().retry("p1", lease->token, 5000).value());
  EXPECT_EQ(counts().delayed, 1);
  EXPECT_TRUE(claim(5, 4999).empty());
  auto again = claim(5, 5000);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].callId, "p1");
  EXPECT_EQ(again[0].lane, Lane::kPriority);
  EXPECT_NE(again[0].token, lease->token);
}

}  // namespace
}  // namespace vo::contract
