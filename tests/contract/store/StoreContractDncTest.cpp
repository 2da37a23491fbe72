// Contract: do-not-call lists (a workspace's and the global one) and the claim that ends a
// listed number's queued calls `suppressed`.
#include <set>

#include "vo/contract/StoreContract.h"

namespace vo::contract {
namespace {

using vo::api::Call;
using vo::api::CallStatus;

std::vector<std::string> numbersFrom(int first, int count) {
  std::vector<std::string> numbers;
  for (int i = first; i < first + count; ++i)
    numbers.push_back("+3460" + std::to_string(1000000 + i));
  return numbers;
}

// +34601000001 on ws1's list, +34601000002 on ws2's, +34601000003 on the global one.
void listOneNumberPerList(vo::api::CallStore& store) {
  const std::pair<std::string_view, std::string> entries[] = {
      {"ws1", "+34601000001"}, {"ws2", "+34601000002"}, {vo::api::kGlobalDncList, "+34601000003"}};
  for (const auto& [list, number] : entries) {
    ASSERT_TRUE(store.addDncNumbers(list, std::vector<std::string>{number}, "", 1).ok()) << list;
  }
}

TEST_P(StoreContract, DncAddIsIdempotentPerNumberAndPerList) {
  const auto added = store_->addDncNumbers("ws1", numbersFrom(0, 3), "asked to stop", 100);
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(added.value(), 3);
  // Two already there, one new: only the new one counts, the old ones keep reason and time.
  EXPECT_EQ(store_->addDncNumbers("ws1", numbersFrom(1, 3), "again", 200).value(), 1);
  // Another list is another list.
  EXPECT_EQ(store_->addDncNumbers("ws2", numbersFrom(0, 1), "", 300).value(), 1);
  EXPECT_EQ(store_->addDncNumbers(vo::api::kGlobalDncList, numbersFrom(0, 1), "", 300).value(), 1);
  EXPECT_EQ(store_->addDncNumbers("ws1", {}, "", 300).value(), 0);

  const auto page = store_->listDncNumbers("ws1", 10, "");
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->entries.size(), 4u);
  EXPECT_TRUE(page->nextCursor.empty());
  EXPECT_EQ(page->entries[0].number, "+34601000000");
  EXPECT_EQ(page->entries[0].reason, "asked to stop");
  EXPECT_EQ(page->entries[0].createdAtMs, 100);
  EXPECT_EQ(page->entries[0].listId, "ws1");
  EXPECT_EQ(page->entries[3].reason, "again");
}

TEST_P(StoreContract, DncListPagesByNumberAndRemoveTakesOneNumberOff) {
  ASSERT_TRUE(store_->addDncNumbers("ws1", numbersFrom(0, 5), "r", 1).ok());
  std::vector<std::string> seen;
  std::string cursor;
  do {
    const auto page = store_->listDncNumbers("ws1", 2, cursor);
    ASSERT_TRUE(page.ok()) << page.error().message;
    for (const auto& entry : page->entries) seen.push_back(entry.number);
    cursor = page->nextCursor;
  } while (!cursor.empty());
  EXPECT_EQ(seen, numbersFrom(0, 5));

  EXPECT_TRUE(store_->removeDncNumber("ws1", "+34601000002").value());
  EXPECT_FALSE(store_->removeDncNumber("ws1", "+34601000002").value());
  EXPECT_FALSE(store_->removeDncNumber("ws2", "+34601000001").value());
  EXPECT_EQ(store_->listDncNumbers("ws1", 10, "")->entries.size(), 4u);
}

TEST_P(StoreContract, DncNumbersAmongReadsTheWorkspacesListAndTheGlobalOne) {
  ASSERT_NO_FATAL_FAILURE(listOneNumberPerList(*store_));
  const std::vector<std::string> asked{"+34601000001", "+34601000002", "+34601000003",
                                       "+34601000004"};
  const auto listed = store_->dncNumbersAmong("ws1", asked);
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  EXPECT_EQ(std::set<std::string>(listed->begin(), listed->end()),
            (std::set<std::string>{"+34601000001", "+34601000003"}));
}

TEST_P(StoreContract, DncAddTakesAHundredThousandNumbersInOneCall) {
  const auto numbers = numbersFrom(0, 100000);
  const auto added = store_->addDncNumbers("ws1", numbers, "bulk", 1);
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(added.value(), 100000);
  EXPECT_EQ(store_->addDncNumbers("ws1", numbers, "bulk", 2).value(), 0);
}

TEST_P(StoreContract, BeginDispatchEndsAListedNumbersQueuedCallsSuppressed) {
  seedTenants();
  std::vector<Call> calls;
  for (const std::string id : {"c1", "c2", "c3", "c4"}) calls.push_back(makeCall(id, 10));
  calls[0].to = "+34601000001";  // on ws1's list
  calls[1].to = "+34601000003";  // on the global list
  calls[2].to = "+34601000002";  // on ws2's list only: dialed
  calls[3].to = "+34601000001";
  calls[3].status = CallStatus::kDispatching;  // its worker's to settle, whatever the list says
  calls[3].attempts = 1;
  insert(calls);
  ASSERT_NO_FATAL_FAILURE(listOneNumberPerList(*store_));

  const auto claimed = store_->beginDispatch(std::vector<std::string>{"c1", "c2", "c3", "c4"}, 500);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  std::map<std::string, Call> byId;
  for (const Call& call : claimed.value()) byId.emplace(call.id, call);
  ASSERT_EQ(byId.size(), 3u);
  EXPECT_EQ(byId["c3"].status, CallStatus::kDispatching);
  EXPECT_EQ(byId["c3"].attempts, 1);
  for (const std::string id : {"c1", "c2"}) {
    EXPECT_EQ(byId[id].status, CallStatus::kSuppressed) << id;
    EXPECT_EQ(byId[id].endReason, "dnc") << id;
    EXPECT_EQ(byId[id].to, id == "c1" ? "+34601000001" : "+34601000003");
    const auto stored = store_->getCall(id);
    EXPECT_EQ(stored->status, CallStatus::kSuppressed) << id;
    EXPECT_EQ(stored->attempts, 0) << id;  // never dialed
    EXPECT_EQ(stored->endReason, "dnc") << id;
    EXPECT_EQ(stored->updatedAtMs, 500) << id;
  }
  EXPECT_EQ(store_->getCall("c4")->status, CallStatus::kDispatching);
  // Ended: a second claim finds nothing to move or end.
  EXPECT_TRUE(store_->beginDispatch(std::vector<std::string>{"c1", "c2"}, 600)->empty());
}

}  // namespace
}  // namespace vo::contract
