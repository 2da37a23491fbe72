// Contract: completeMany and releaseSlotsMany answer exactly as the one-at-a-time operations
// would, job by job, in one call.
#include "CallQueueContract.h"

namespace vo::contract {
namespace {

using testing::ElementsAre;

// c1..c4, one campaign, all on the pacing key phone:1.
std::vector<api::QueueJob> fourCallsOnPhone1() {
  std::vector<api::QueueJob> jobs;
  for (const char* id : {"c1", "c2", "c3", "c4"}) {
    jobs.push_back(CallQueueContract::job(id, "ws_a", "cmp_a", api::Lane::kBulk, 0, {"phone:1"}));
  }
  return jobs;
}

api::JobCompletion completion(const api::Lease& lease, bool keepSlots) {
  return api::JobCompletion{lease.callId, lease.token, keepSlots};
}

TEST_P(CallQueueContract, CompleteManyAnswersPerJobAndHonoursTokensAndSlots) {
  setLimit("phone:1", 3);
  enqueue(fourCallsOnPhone1());
  auto leases = claim(3, 1);
  ASSERT_EQ(leases.size(), 3u);
  api::JobCompletion stale = completion(leases[2], false);
  stale.token = "not-the-token";
  const std::vector<api::JobCompletion> jobs{completion(leases[0], true),
                                             completion(leases[1], false), stale,
                                             api::JobCompletion{"never-seen", "t", false}};
  auto answers = queue().completeMany(jobs);
  ASSERT_TRUE(answers.ok()) << answers.error().message;
  EXPECT_THAT(answers.value(), ElementsAre(true, true, false, false));
  // c1 keeps its slot, c2 freed its own, c3 is still leased: one slot is free for c4.
  EXPECT_EQ(counts().slotsHeld, 2);
  EXPECT_THAT(claimIds(3, 2), ElementsAre("c4"));
  // A completed job cannot be completed again.
  auto again = queue().completeMany(std::vector<api::JobCompletion>{completion(leases[0], true)});
  ASSERT_TRUE(again.ok());
  EXPECT_THAT(again.value(), ElementsAre(false));
}

TEST_P(CallQueueContract, CompleteManyOfNothingIsNothing) {
  auto answers = queue().completeMany({});
  ASSERT_TRUE(answers.ok());
  EXPECT_TRUE(answers.value().empty());
  EXPECT_TRUE(queue().releaseSlotsMany({}).ok());
}

TEST_P(CallQueueContract, ReleaseSlotsManyFreesEachCallsSlotsOnce) {
  setLimit("phone:1", 2);
  enqueue(fourCallsOnPhone1());
  auto leases = claim(4, 1);
  ASSERT_EQ(leases.size(), 2u);
  std::vector<api::JobCompletion> ringing;
  for (const auto& lease : leases) ringing.push_back(completion(lease, true));
  ASSERT_TRUE(queue().completeMany(ringing).ok());
  EXPECT_TRUE(claim(4, 2).empty());
  // The same call twice and an unknown one: each held slot is freed once, nothing else.
  const std::vector<std::string> ids{leases[0].callId, leases[0].callId, "never-seen"};
  ASSERT_TRUE(queue().releaseSlotsMany(ids).ok());
  EXPECT_EQ(counts().slotsHeld, 1);
  EXPECT_EQ(claim(4, 3).size(), 1u);
}

}  // namespace
}  // namespace vo::contract
