// Contract: pacing limits (concurrent slots held until released, calls per second), throttles,
// and a full limit skipping to other work instead of stalling the queue.
#include "CallQueueContract.h"

namespace vo::contract {
namespace {

using api::Lane;
using testing::ElementsAre;
using testing::UnorderedElementsAre;

api::QueueJob paced(const std::string& id, const std::string& key,
                    const std::string& workspace = "ws_a", Lane lane = Lane::kBulk) {
  return CallQueueContract::job(id, workspace, lane == Lane::kBulk ? "cmp_" + workspace : "", lane,
                                0, {key, "workspace:" + workspace});
}

TEST_P(CallQueueContract, ConcurrentSlotsAreHeldUntilReleased) {
  setLimit("phone:1", 2);
  enqueue({paced("c1", "phone:1"), paced("c2", "phone:1"), paced("c3", "phone:1"),
           paced("c4", "phone:1")});
  auto leases = claim(4, 1);
  ASSERT_EQ(leases.size(), 2u);
  // Ringing: the jobs leave the queue but keep their slots.
  for (const auto& lease : leases) {
    ASSERT_TRUE(queue().complete(lease.callId, lease.token, true).value());
  }
  EXPECT_TRUE(claim(4, 2).empty());
  EXPECT_EQ(counts().slotsHeld, 2);
  ASSERT_TRUE(queue().releaseSlots(leases[0].callId).ok());
  EXPECT_EQ(claim(4, 3).size(), 1u);
  // Releasing the same call again frees nothing more.
  ASSERT_TRUE(queue().releaseSlots(leases[0].callId).ok());
  EXPECT_TRUE(claim(4, 4).empty());
  ASSERT_TRUE(queue().releaseSlots(leases[1].callId).ok());
  EXPECT_EQ(claim(4, 5).size(), 1u);
}

// The slots of calls ringing when the queue lost its state are held again (holdSlots), by every
// instance that notices the loss: a call holds one set however often it is held.
TEST_P(CallQueueContract, HeldSlotsCountAgainstLimitsUntilReleased) {
  setLimit("phone:1", 2);
  ASSERT_TRUE(queue().holdSlots(std::vector{paced("r1", "phone:1")}).ok());
  ASSERT_TRUE(queue().holdSlots(std::vector{paced("r1", "phone:1"), paced("r2", "phone:1")}).ok());
  EXPECT_EQ(counts().slotsHeld, 2);
  enqueue({paced("c1", "phone:1"), paced("c2", "phone:1")});
  EXPECT_TRUE(claim(2, 1).empty());
  ASSERT_TRUE(queue().releaseSlots("r1").ok());
  EXPECT_THAT(claimIds(2, 2), ElementsAre("c1"));
  // A held call put back in line keeps its slot until it is claimed, then holds one set.
  ASSERT_TRUE(queue().releaseSlots("c1").ok());
  enqueue({paced("r2", "phone:1")});
  EXPECT_THAT(claimIds(2, 3), ElementsAre("c2"));
  ASSERT_TRUE(queue().releaseSlots("c2").ok());
  EXPECT_THAT(claimIds(2, 4), ElementsAre("r2"));
  EXPECT_EQ(counts().slotsHeld, 1);
  enqueue({paced("c3", "phone:1")});
  EXPECT_THAT(claimIds(2, 5), ElementsAre("c3"));
}

TEST_P(CallQueueContract, HoldingSlotsRefusesAJobWithoutACallId) {
  const auto held = queue().holdSlots(std::vector{paced("", "phone:1")});
  ASSERT_FALSE(held.ok());
  EXPECT_EQ(held.error().code, api::ErrorCode::kInvalid);
}

TEST_P(CallQueueContract, CompleteWithoutKeepSlotsReleasesThem) {
  setLimit("phone:1", 1);
  enqueue({paced("c1", "phone:1"), paced("c2", "phone:1")});
  completeAll(claim(2, 1));
  EXPECT_THAT(claimIds(2, 2), ElementsAre("c2"));
}

TEST_P(CallQueueContract, ReleaseSlotsOfAnUnknownCallIsHarmless) {
  EXPECT_TRUE(queue().releaseSlots("never-seen").ok());
}

TEST_P(CallQueueContract, AFullLimitSkipsToOtherWork) {
  setLimit("phone:1", 1);
  enqueue({paced("a1", "phone:1"), paced("a2", "phone:1"), paced("a3", "phone:1")});
  enqueue({paced("b1", "phone:2", "ws_b")});
  EXPECT_THAT(claimIds(4, 1), UnorderedElementsAre("a1", "b1"));
}

TEST_P(CallQueueContract, AFullLimitSkipsWithinOneCampaign) {
  setLimit("phone:1", 1);
  enqueue({job("c1", "ws_a", "cmp_a", Lane::kBulk, 0, {"phone:1"}),
           job("c2", "ws_a", "cmp_a", Lane::kBulk, 0, {"phone:1"}),
           job("c3", "ws_a", "cmp_a", Lane::kBulk, 0, {"phone:2"})});
  EXPECT_THAT(claimIds(3, 1), UnorderedElementsAre("c1", "c3"));
}

TEST_P(CallQueueContract, ThousandsOfBlockedJobsDoNotHideOthers) {
  setLimit("phone:1", 1);
  std::vector<api::QueueJob> blocked;
  for (int i = 0; i < 3000; ++i) blocked.push_back(paced("a" + std::to_string(i), "phone:1"));
  enqueue(blocked);
  ASSERT_EQ(claim(1, 1).size(), 1u);
  enqueue({paced("b1", "phone:2", "ws_b"), paced("a_other", "phone:3")});
  EXPECT_THAT(claimIds(5, 2), UnorderedElementsAre("b1", "a_other"));
}

TEST_P(CallQueueContract, EveryKeyOfAJobMustHaveRoom) {
  setLimit("agent:1", 1);
  setLimit("phone:9", 5);
  enqueue({job("c1", "ws_a", "cmp_a", Lane::kBulk, 0, {"phone:9", "agent:1"}),
           job("c2", "ws_b", "cmp_b", Lane::kBulk, 0, {"agent:1", "phone:8"})});
  EXPECT_EQ(claim(5, 1).size(), 1u);
  EXPECT_TRUE(claim(5, 2).empty());
}

TEST_P(CallQueueContract, RaisingALimitWakesWaitingJobs) {
  setLimit("phone:1", 1);
  enqueue({paced("c1", "phone:1"), paced("c2", "phone:1"), paced("c3", "phone:1")});
  EXPECT_EQ(claim(3, 1).size(), 1u);
  EXPECT_TRUE(claim(3, 2).empty());
  setLimit("phone:1", 3);
  EXPECT_THAT(claimIds(3, 3), ElementsAre("c2", "c3"));
}

TEST_P(CallQueueContract, SetPacingLimitsKeepsOtherKeys) {
  setLimit("phone:1", 1);
  setLimit("phone:2", 1);
  setLimit("phone:1", 2);
  enqueue({paced("a1", "phone:1"), paced("a2", "phone:1"), paced("b1", "phone:2", "ws_b"),
           paced("b2", "phone:2", "ws_b")});
  EXPECT_EQ(claim(10, 1).size(), 3u);
}

TEST_P(CallQueueContract, SetPacingLimitsRefusesNegativeValues) {
  api::PacingLimit bad{"phone:1", -1, 0, 0};
  auto set = queue().setPacingLimits(std::span<const api::PacingLimit>(&bad, 1));
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().code, api::ErrorCode::kInvalid);
}

TEST_P(CallQueueContract, PerSecondLimitIsATokenBucket) {
  setLimit("account:x", 0, 2, 2);
  std::vector<api::QueueJob> jobs;
  for (int i = 0; i < 10; ++i) jobs.push_back(paced("c" + std::to_string(i), "account:x"));
  enqueue(jobs);
  EXPECT_EQ(claim(10, 10000).size(), 2u);  // the burst
  EXPECT_TRUE(claim(10, 10000).empty());
  EXPECT_TRUE(claim(10, 10400).empty());
  EXPECT_EQ(claim(10, 10500).size(), 1u);  // one token per 500 ms
  EXPECT_EQ(claim(10, 11000).size(), 1u);
  EXPECT_EQ(claim(10, 13000).size(), 2u);  // refills up to the burst, not beyond
}

TEST_P(CallQueueContract, PerSecondLimitDoesNotHoldSlots) {
  setLimit("account:x", 0, 1, 1);
  enqueue({paced("c1", "account:x"), paced("c2", "account:x")});
  auto first = claim(2, 0);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_TRUE(queue().complete(first[0].callId, first[0].token, true).value());
  EXPECT_EQ(claim(2, 1000).size(), 1u);
}

TEST_P(CallQueueContract, ThrottleHoldsAKeyUntilItsTime) {
  enqueue({paced("a1", "account:el"), paced("b1", "phone:2", "ws_b")});
  ASSERT_TRUE(queue().throttle("account:el", 5000).ok());
  EXPECT_THAT(claimIds(5, 4999), ElementsAre("b1"));
  EXPECT_TRUE(claimIds(5, 4999).empty());
  EXPECT_THAT(claimIds(5, 5000), ElementsAre("a1"));
}

TEST_P(CallQueueContract, ThrottleAppliesToTheClaimCallFastPath) {
  enqueue({paced("p1", "account:el", "ws_a", Lane::kPriority)});
  ASSERT_TRUE(queue().throttle("account:el", 100).ok());
  auto early = queue().claimCall("p1", 99, 1000);
  ASSERT_TRUE(early.ok());
  EXPECT_FALSE(early.value().has_value());
  auto later = queue().claimCall("p1", 100, 1000);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later.value().has_value());
}

TEST_P(CallQueueContract, PriorityWaitersGetAFreedSlotBeforeBulk) {
  setLimit("phone:1", 1);
  enqueue({paced("b0", "phone:1")});
  auto holder = claim(1, 1);
  ASSERT_EQ(holder.size(), 1u);
  enqueue({paced("b1", "phone:1"), paced("b2", "phone:1")});
  EXPECT_TRUE(claim(5, 2).empty());
  enqueue({paced("p1", "phone:1", "ws_a", Lane::kPriority)});
  EXPECT_TRUE(claim(5, 3).empty());
  completeAll(holder);
  EXPECT_THAT(claimIds(5, 4), ElementsAre("p1"));
}

TEST_P(CallQueueContract, NeverMoreInFlightThanTheLimit) {
  setLimit("phone:1", 5);
  std::vector<api::QueueJob> jobs;
  for (int i = 0; i < 200; ++i) {
    jobs.push_back(paced("c" + std::to_string(i), i % 2 == 0 ? "phone:1" : "phone:2",
                         "ws_" + std::to_string(i % 3)));
  }
  enqueue(jobs);
  std::vector<api::Lease> inFlight;
  int onPhone1 = 0;
  int claimed = 0;
  for (int64_t now = 1; claimed < 200 && now < 1000; ++now) {
    for (const api::Lease& lease : claim(7, now)) {
      ++claimed;
      inFlight.push_back(lease);
      if (std::stoi(lease.callId.substr(1)) % 2 == 0) ++onPhone1;
    }
    EXPECT_LE(onPhone1, 5);
    // Finish the oldest call each round, as calls end.
    if (!inFlight.empty()) {
      if (std::stoi(inFlight.front().callId.substr(1)) % 2 == 0) --onPhone1;
      completeAll({inFlight.front()});
      inFlight.erase(inFlight.begin());
    }
  }
  EXPECT_EQ(claimed, 200);
}

}  // namespace
}  // namespace vo::contract
