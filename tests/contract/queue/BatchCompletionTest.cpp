// Contract: completeMany and releaseSlotsMany answer exactly as the one-at-a-time operations
// would, job by job, in one call.
#include <set>

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

TEST_P(CallQueueContract, SlotHoldersArePagedUntilTheCursorIsEmpty) {
  setLimit("phone:1", 3);
  enqueue(fourCallsOnPhone1());
  auto leases = claim(3, 1);
  ASSERT_EQ(leases.size(), 3u);
  ASSERT_TRUE(queue().complete(leases[0].callId, leases[0].token, true).ok());   // ringing
  ASSERT_TRUE(queue().complete(leases[1].callId, leases[1].token, false).ok());  // gave them back
  // c1 (ringing) and c3 (leased) hold slots; pages of one, whatever the queue's own paging.
  std::multiset<std::string> holders;
  std::string cursor;
  for (int page = 0; page < 100; ++page) {
    auto found = queue().slotHolders(cursor, 1);
    ASSERT_TRUE(found.ok()) << found.error().message;
    holders.insert(found->callIds.begin(), found->callIds.end());
    cursor = found->cursor;
    if (cursor.empty()) break;
  }
  EXPECT_TRUE(cursor.empty()) << "paging never ended";
  EXPECT_EQ(std::set<std::string>(holders.begin(), holders.end()),
            (std::set<std::string>{leases[0].callId, leases[2].callId}));
  ASSERT_TRUE(queue().releaseSlots(leases[0].callId).ok());
  auto after = queue().slotHolders("", 100);
  ASSERT_TRUE(after.ok());
  EXPECT_THAT(after->callIds, ElementsAre(leases[2].callId));
  EXPECT_EQ(queue().slotHolders("", 0).error().code, api::ErrorCode::kInvalid);
}

}  // namespace
}  // namespace vo::contract
