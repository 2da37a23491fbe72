// Contract: leases, their tokens and expiry, recovery by any worker, retry, claimCall.
#include <set>

#include "CallQueueContract.h"

namespace vo::contract {
namespace {

using api::Lane;
using testing::ElementsAre;
using testing::UnorderedElementsAre;

TEST_P(CallQueueContract, LeaseCarriesTheJobAndADistinctToken) {
  enqueue({job("c1", "ws_a", "cmp_a"), job("c2", "ws_a", "cmp_a")});
  auto leases = claim(2, 1000, 30000);
  ASSERT_EQ(leases.size(), 2u);
  EXPECT_EQ(leases[0].callId, "c1");
  EXPECT_EQ(leases[0].workspaceId, "ws_a");
  EXPECT_EQ(leases[0].campaignId, "cmp_a");
  EXPECT_EQ(leases[0].lane, Lane::kBulk);
  EXPECT_EQ(leases[0].expiresAtMs, 31000);
  EXPECT_GE(leases[0].token.size(), 16u);
  EXPECT_NE(leases[0].token, leases[1].token);
}

TEST_P(CallQueueContract, OnlyTheTokenHolderMayCompleteRetryOrExtend) {
  enqueue({job("c1")});
  auto leases = claim(1, 1);
  ASSERT_EQ(leases.size(), 1u);
  const std::string& token = leases[0].token;
  EXPECT_FALSE(queue().complete("c1", "wrong", false).value());
  EXPECT_FALSE(queue().retry("c1", "wrong", 10).value());
  EXPECT_FALSE(queue().extendLease("c1", "wrong", 2, 1000).value());
  EXPECT_FALSE(queue().complete("unknown", token, false).value());
  EXPECT_EQ(counts().active, 1);
  EXPECT_TRUE(queue().extendLease("c1", token, 2, 1000).value());
  EXPECT_TRUE(queue().complete("c1", token, false).value());
  EXPECT_FALSE(queue().complete("c1", token, false).value());
  EXPECT_EQ(counts().active, 0);
}

TEST_P(CallQueueContract, ExpiredLeasesAreRecoveredByAnyone) {
  enqueue({job("c1"), job("c2")});
  auto leases = claim(2, 0, 1000);
  ASSERT_EQ(leases.size(), 2u);
  ASSERT_TRUE(queue().extendLease("c2", leases[1].token, 500, 5000).value());
  EXPECT_TRUE(queue().recoverExpired(999, 10).value().empty());
  EXPECT_THAT(queue().recoverExpired(1001, 10).value(), ElementsAre("c1"));
  EXPECT_TRUE(queue().recoverExpired(1001, 10).value().empty());
  // The recovered lease is gone: its holder can no longer finish it.
  EXPECT_FALSE(queue().complete("c1", leases[0].token, false).value());
  EXPECT_THAT(queue().recoverExpired(5501, 10).value(), ElementsAre("c2"));
  auto now = counts();
  EXPECT_EQ(now.active, 0);
  EXPECT_EQ(now.waiting, 0);
  EXPECT_EQ(now.slotsHeld, 0);
  // The caller decides the call's fate; enqueue brings it back when the store says queued.
  EXPECT_EQ(enqueue({job("c1")}).added, 1);
}

TEST_P(CallQueueContract, RecoverExpiredIsBounded) {
  std::vector<api::QueueJob> jobs;
  for (int i = 0; i < 5; ++i) jobs.push_back(job("c" + std::to_string(i)));
  enqueue(jobs);
  ASSERT_EQ(claim(5, 0, 100).size(), 5u);
  EXPECT_EQ(queue().recoverExpired(1000, 2).value().size(), 2u);
  EXPECT_EQ(queue().recoverExpired(1000, 2).value().size(), 2u);
  EXPECT_EQ(queue().recoverExpired(1000, 2).value().size(), 1u);
  EXPECT_TRUE(queue().recoverExpired(1000, 2).value().empty());
}

TEST_P(CallQueueContract, RecoveredLeaseGivesItsSlotsBack) {
  setLimit("phone:1", 1);
  enqueue({job("c1", "ws_a", "cmp_a", Lane::kBulk, 0, {"phone:1"}),
           job("c2", "ws_a", "cmp_a", Lane::kBulk, 0, {"phone:1"})});
  ASSERT_THAT(claimIds(2, 0), ElementsAre("c1"));
  EXPECT_TRUE(claimIds(2, 10).empty());
  EXPECT_THAT(queue().recoverExpired(40000, 10).value(), ElementsAre("c1"));
  EXPECT_THAT(claimIds(2, 40000), ElementsAre("c2"));
}

TEST_P(CallQueueContract, RetryPutsTheJobBackWhenDueWithANewLease) {
  enqueue({job("c1")});
  auto first = claim(1, 0);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_TRUE(queue().retry("c1", first[0].token, 5000).value());
  EXPECT_EQ(counts().delayed, 1);
  EXPECT_TRUE(claim(1, 4999).empty());
  auto second = claim(1, 5000);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(second[0].token, first[0].token);
  EXPECT_FALSE(queue().complete("c1", first[0].token, false).value());
  EXPECT_TRUE(queue().complete("c1", second[0].token, false).value());
}

TEST_P(CallQueueContract, RetryReleasesSlots) {
  setLimit("agent:1", 1);
  enqueue({job("c1", "ws_a", "cmp_a", Lane::kBulk, 0, {"agent:1"}),
           job("c2", "ws_b", "cmp_b", Lane::kBulk, 0, {"agent:1"})});
  auto leases = claim(2, 0);
  ASSERT_EQ(leases.size(), 1u);
  ASSERT_TRUE(queue().retry(leases[0].callId, leases[0].token, 100000).value());
  auto next = claim(2, 1);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_NE(next[0].callId, leases[0].callId);
}

TEST_P(CallQueueContract, ClaimCallLeasesThatJobOnly) {
  enqueue({job("b1"), job("p1", "ws_a", "", Lane::kPriority)});
  auto lease = queue().claimCall("p1", 10, 30000);
  ASSERT_TRUE(lease.ok()) << lease.error().message;
  ASSERT_TRUE(lease.value().has_value());
  EXPECT_EQ(lease.value()->callId, "p1");
  EXPECT_EQ(lease.value()->lane, Lane::kPriority);
  EXPECT_EQ(lease.value()->expiresAtMs, 30010);
  EXPECT_THAT(claimIds(10, 10), ElementsAre("b1"));
  EXPECT_TRUE(queue().complete("p1", lease.value()->token, false).value());
}

TEST_P(CallQueueContract, ClaimCallLeavesAJobInLineWhenNotDue) {
  enqueue({job("p1", "ws_a", "", Lane::kPriority, 1000)});
  auto early = queue().claimCall("p1", 999, 30000);
  ASSERT_TRUE(early.ok());
  EXPECT_FALSE(early.value().has_value());
  auto due = queue().claimCall("p1", 1000, 30000);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due.value().has_value());
}

TEST_P(CallQueueContract, ClaimCallOfAnUnknownOrLeasedCallIsRefused) {
  auto unknown = queue().claimCall("nope", 1, 1000);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, api::ErrorCode::kNotFound);
  enqueue({job("c1")});
  ASSERT_EQ(claim(1, 1).size(), 1u);
  auto leased = queue().claimCall("c1", 1, 1000);
  ASSERT_FALSE(leased.ok());
  EXPECT_EQ(leased.error().code, api::ErrorCode::kConflict);
}

TEST_P(CallQueueContract, ClaimCallWithFullLimitsStaysFirstInLine) {
  setLimit("phone:1", 1);
  enqueue({job("busy", "ws_a", "", Lane::kPriority, 0, {"phone:1"})});
  auto busy = claim(1, 1);
  ASSERT_EQ(busy.size(), 1u);
  ASSERT_TRUE(queue().complete("busy", busy[0].token, true).value());
  enqueue({job("b1", "ws_a", "cmp_a", Lane::kBulk, 0, {"phone:1"}),
           job("p1", "ws_a", "", Lane::kPriority, 0, {"phone:1"})});
  auto fast = queue().claimCall("p1", 2, 30000);
  ASSERT_TRUE(fast.ok());
  EXPECT_FALSE(fast.value().has_value());
  ASSERT_TRUE(queue().releaseSlots("busy").ok());
  EXPECT_THAT(claimIds(1, 3), ElementsAre("p1"));
}

TEST_P(CallQueueContract, NoJobIsLeasedTwiceAcrossClaims) {
  std::vector<api::QueueJob> jobs;
  for (int i = 0; i < 300; ++i) {
    jobs.push_back(job("c" + std::to_string(i), "ws_" + std::to_string(i % 7),
                       "cmp_" + std::to_string(i % 11), i % 13 == 0 ? Lane::kPriority : Lane::kBulk,
                       i % 5 == 0 ? 50 : 0));
  }
  enqueue(jobs);
  std::set<std::string> seen;
  for (int64_t now = 0; now <= 300; now += 10) {
    for (const api::Lease& lease : claim(17, now)) {
      EXPECT_TRUE(seen.insert(lease.callId).second) << lease.callId;
    }
  }
  EXPECT_EQ(seen.size(), 300u);
}

}  // namespace
}  // namespace vo::contract
