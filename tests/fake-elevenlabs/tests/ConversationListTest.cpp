// GET /v1/convai/conversations as the real API answers it: filters, newest first, an opaque
// cursor that conversations added while paging do not move, page_size 1..100 (default 30),
// 422 in the FastAPI shape for bad parameters.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../src/FakeRegistry.h"
#include "FakeCalls.h"
#include "vo/fake_elevenlabs/FakeElevenLabs.h"

namespace vo::fake_elevenlabs {
namespace {

using testing::getConversation;
using testing::kKey;
using testing::listConversations;
using testing::placeCall;
using vo::testing::Json;

std::vector<std::string> idsOf(const Json& page) {
  std::vector<std::string> ids;
  for (const Json& summary : page["conversations"].elements()) {
    ids.push_back(summary["conversation_id"].string());
  }
  return ids;
}

class FakeConversationListTest : public ::testing::Test {
 protected:
  // Places `count` calls of `agentId`; their conversation ids, oldest first.
  std::vector<std::string> place(int count, const std::string& agentId = "agent_a") {
    std::vector<std::string> ids;
    for (int i = 0; i < count; ++i) {
      ids.push_back(placeCall(client, "+1555" + std::to_string(1000000 + placed++),
                              agentId)["conversation_id"]
                        .string());
    }
    return ids;
  }

  FakeOptions options() {
    FakeOptions options;
    options.callDurationMs = 600000;  // nobody hangs up during the test
    return options;
  }

  FakeElevenLabs fake{options()};
  vo::testing::HttpClient client{fake.port()};
  int placed = 0;
};

TEST_F(FakeConversationListTest, NewestFirstThirtyToAPageByDefaultWithEveryRequiredField) {
  const std::vector<std::string> ids = place(31);
  const Json page = listConversations(client);
  ASSERT_EQ(page["conversations"].size(), 30u);
  EXPECT_TRUE(page["has_more"].boolean());
  EXPECT_TRUE(page["next_cursor"].isString());
  const std::vector<std::string> listed = idsOf(page);
  EXPECT_EQ(listed.front(), ids.back());
  EXPECT_EQ(listed.back(), ids[1]);
  const Json summary = page["conversations"].at(0);
  EXPECT_EQ(summary["agent_id"].string(), "agent_a");
  EXPECT_EQ(summary["agent_name"].string(), "Fake agent");
  EXPECT_GT(summary["start_time_unix_secs"].int64(), 1700000000);
  EXPECT_EQ(summary["call_duration_secs"].int64(), 0);
  EXPECT_EQ(summary["message_count"].int64(), 0);
  EXPECT_EQ(summary["status"].string(), "initiated");
  EXPECT_EQ(summary["call_successful"].string(), "unknown");
  EXPECT_EQ(summary["direction"].string(), "outbound");
}

TEST_F(FakeConversationListTest, FiltersByADynamicVariableOfTheDial) {
  place(3);
  const std::string wanted = placeCall(client, "+15559990001", "agent_a", testing::kTwilioPath,
                                       R"({"vo_call_id":"c-7"})")["conversation_id"]
                                 .string();
  placeCall(client, "+15559990002", "agent_a", testing::kTwilioPath, R"({"vo_call_id":"c-8"})");
  place(3);
  const Json page = listConversations(client, "dynamic_variable_params=vo_call_id%3Aeq%3Ac-7");
  EXPECT_EQ(idsOf(page), std::vector<std::string>{wanted});
  EXPECT_FALSE(page["has_more"].boolean());
  EXPECT_TRUE(
      idsOf(listConversations(client, "dynamic_variable_params=vo_call_id:eq:c-9")).empty());
  const auto refused = client.get(
      std::string(testing::kConversationsPath) + "?dynamic_variable_params=vo_call_id:gt:1", kKey);
  EXPECT_EQ(refused.status, 422) << refused.body;
}

TEST_F(FakeConversationListTest, TheCursorWalksEveryConversationOnceWhileNewOnesArrive) {
  const std::vector<std::string> ids = place(7);
  std::vector<std::string> walked;
  Json page = listConversations(client, "page_size=3");
  for (const auto& id : idsOf(page)) walked.push_back(id);
  place(2);  // newer than the cursor: they move nothing
  while (page["has_more"].boolean()) {
    page = listConversations(client, "page_size=3&cursor=" + page["next_cursor"].string());
    for (const auto& id : idsOf(page)) walked.push_back(id);
  }
  EXPECT_TRUE(page["next_cursor"].isNull());
  EXPECT_EQ(walked, std::vector<std::string>(ids.rbegin(), ids.rend()));
  EXPECT_EQ(listConversations(client, "page_size=100")["conversations"].size(), 9u);
}

TEST_F(FakeConversationListTest, FiltersByAgentAndByStartTimeBothBoundsIncluded) {
  const std::vector<std::string> ofA = place(3, "agent_a");
  const std::vector<std::string> ofB = place(2, "agent_b");
  const Json onlyB = listConversations(client, "agent_id=agent_b");
  EXPECT_EQ(idsOf(onlyB), std::vector<std::string>(ofB.rbegin(), ofB.rend()));
  EXPECT_FALSE(onlyB["has_more"].boolean());
  EXPECT_TRUE(listConversations(client, "agent_id=agent_nobody")["conversations"].size() == 0);

  const int64_t first =
      getConversation(client, ofA.front())["metadata"]["start_time_unix_secs"].int64();
  const int64_t last =
      getConversation(client, ofB.back())["metadata"]["start_time_unix_secs"].int64();
  const std::string window = "call_start_after_unix=" + std::to_string(first) +
                             "&call_start_before_unix=" + std::to_string(last);
  EXPECT_EQ(listConversations(client, window)["conversations"].size(), 5u);
  EXPECT_EQ(listConversations(client, "agent_id=agent_a&" + window)["conversations"].size(), 3u);
  EXPECT_EQ(listConversations(client,
                              "call_start_after_unix=" + std::to_string(last + 1))["conversations"]
                .size(),
            0u);
  EXPECT_EQ(listConversations(
                client, "call_start_before_unix=" + std::to_string(first - 1))["conversations"]
                .size(),
            0u);
}

// One 422 error of the list, in FastAPI's shape.
Json onlyErrorOf(vo::testing::HttpClient& client, const std::string& query) {
  const auto response = client.get(std::string(testing::kConversationsPath) + "?" + query, kKey);
  EXPECT_EQ(response.status, 422) << query << ": " << response.body;
  const Json detail = response.json()["detail"];
  EXPECT_EQ(detail.size(), 1u) << response.body;
  EXPECT_EQ(detail.at(0)["loc"].at(0).string(), "query");
  return detail.at(0);
}

TEST_F(FakeConversationListTest, PageSizeIsOneToAHundredAndBadParametersGet422) {
  place(2);
  EXPECT_EQ(listConversations(client, "page_size=1")["conversations"].size(), 1u);
  EXPECT_EQ(listConversations(client, "page_size=100")["conversations"].size(), 2u);
  const Json tooBig = onlyErrorOf(client, "page_size=101");
  EXPECT_EQ(tooBig["type"].string(), "less_than_equal");
  EXPECT_EQ(tooBig["loc"].at(1).string(), "page_size");
  EXPECT_EQ(tooBig["input"].string(), "101");
  EXPECT_EQ(tooBig["ctx"]["le"].int64(), 100);
  const Json zero = onlyErrorOf(client, "page_size=0");
  EXPECT_EQ(zero["type"].string(), "greater_than_equal");
  EXPECT_EQ(zero["ctx"]["ge"].int64(), 1);
  EXPECT_EQ(onlyErrorOf(client, "page_size=ten")["type"].string(), "int_parsing");
  const Json after = onlyErrorOf(client, "call_start_after_unix=yesterday");
  EXPECT_EQ(after["type"].string(), "int_parsing");
  EXPECT_EQ(after["loc"].at(1).string(), "call_start_after_unix");
  EXPECT_EQ(onlyErrorOf(client, "call_start_before_unix=1.5")["loc"].at(1).string(),
            "call_start_before_unix");
  EXPECT_EQ(onlyErrorOf(client, "cursor=not-ours")["loc"].at(1).string(), "cursor");
  // Parameters the fake does not filter by are ignored, as unknown ones are by the real API.
  EXPECT_EQ(listConversations(client, "summary_mode=exclude&page_size=5")["conversations"].size(),
            2u);
}

TEST_F(FakeConversationListTest, NeedsTheKeyAndTakesTheInjectedLookupFaults) {
  EXPECT_EQ(client.get(testing::kConversationsPath).status, 401);
  EXPECT_EQ(client.get(testing::kConversationsPath, {{"xi-api-key", "nope"}}).status, 401);
  fake.injectLookupFaults({Fault{}});
  EXPECT_EQ(client.get(testing::kConversationsPath, kKey).status, 500);
  EXPECT_EQ(client.get(testing::kConversationsPath, kKey).status, 200);
}

// The registry itself with as many conversations as the benchmarks make: a page is a slice of
// an index, found by binary search (no scan, no sort), so deep pages and narrow windows answer
// right whatever the count.
TEST(FakeConversationIndexTest, PagesAHundredThousandConversationsByWindowAndCursor) {
  FakeOptions options;
  FakeRegistry registry(options);
  constexpr int kCount = 100000;
  const int64_t firstSecs = 1800000000;
  for (int i = 0; i < kCount; ++i) {
    AcceptedCall call;
    call.agentId = i % 2 == 0 ? "agent_even" : "agent_odd";
    call.toNumber = "+1555" + std::to_string(i);
    ASSERT_TRUE(registry.admit(call, "twilio", firstSecs + i / 100, 0)) << i;
  }
  ConversationFilter window;
  window.agentId = "agent_even";
  window.startedAfterSecs = firstSecs + 500;   // calls 50000..
  window.startedBeforeSecs = firstSecs + 509;  // ..50999: 500 of agent_even
  window.pageSize = 100;
  std::vector<std::string> walked;
  for (int page = 0;; ++page) {
    ASSERT_LT(page, 10);
    const ConversationListPage listed = registry.list(window);
    for (const Conversation& conversation : listed.conversations) {
      walked.push_back(conversation.call.toNumber);
    }
    if (!listed.hasMore) break;
    window.olderThanSequence = listed.conversations.back().sequence;
  }
  ASSERT_EQ(walked.size(), 500u);
  EXPECT_EQ(walked.front(), "+155550998");
  EXPECT_EQ(walked.back(), "+155550000");
  ConversationFilter deepest;
  deepest.olderThanSequence = 3;
  const ConversationListPage last = registry.list(deepest);
  ASSERT_EQ(last.conversations.size(), 2u);
  EXPECT_FALSE(last.hasMore);
  EXPECT_EQ(last.conversations[1].sequence, 1u);
}

}  // namespace
}  // namespace vo::fake_elevenlabs
