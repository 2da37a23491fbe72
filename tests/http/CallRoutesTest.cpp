#include "ApiFixture.h"

namespace vo::core::http::testing {
namespace {

using CallRoutes = ApiFixture;

const char* kSeedPriority = R"({
  "workspaceId": "workspace_id",
  "agentId": "agent_1",
  "agentPhoneNumberId": "phnum_1",
  "to": "+34631021622",
  "from": "+34601893170",
  "variables": {"businessName": "Restaurante Andres", "customerName": "Juan Pérez"}
})";

std::string bulkBody(const std::string& rows) {
  return R"({"workspaceId":"workspace_id","agentId":"agent_1","agentPhoneNumberId":"phnum_1",)"
         R"("from":"+34601893170","calls":[)" +
         rows + "]}";
}

TEST_F(CallRoutes, PriorityCallIsDialedAndAnswered201) {
  seedWorkspace("workspace_id");
  ApiResponse response = post("/calls/priority", kSeedPriority);
  ASSERT_EQ(response.status, 201) << response.body;
  const JsonValue call = json(response);
  EXPECT_EQ(call.find("status")->text, "initiated");
  EXPECT_EQ(call.find("id")->text.size(), 26u);
  EXPECT_EQ(call.find("campaignId")->type, JsonValue::Type::kNull);
  EXPECT_EQ(call.find("variables")->find("customerName")->text, "Juan Pérez");
  EXPECT_TRUE(call.find("providerCallId")->isString());
  EXPECT_EQ(call.find("attempts")->text, "1");

  ApiResponse fetched = get("/calls/" + call.find("id")->text);
  ASSERT_EQ(fetched.status, 200);
  EXPECT_EQ(json(fetched).find("attemptHistory")->items.size(), 1u);
  EXPECT_EQ(get("/calls/01ARZ3NDEKTSV4RRFFQ69G5FAV").status, 404);
}

TEST_F(CallRoutes, UnknownReferencesAreNamed) {
  seedWorkspace("workspace_id");
  struct Case {
    std::string from;
    std::string to;
    std::string field;
  };
  for (const Case& c : {Case{"\"workspace_id\"", "\"nobody\"", "workspaceId"},
                        Case{"\"agent_1\"", "\"agent_x\"", "agentId"},
                        Case{"\"phnum_1\"", "\"phnum_x\"", "agentPhoneNumberId"}}) {
    std::string body = kSeedPriority;
    body.replace(body.find(c.from), c.from.size(), c.to);
    ApiResponse response = post("/calls/priority", body);
    EXPECT_EQ(response.status, 422) << body;
    EXPECT_EQ(errorCode(response), "unknown_reference");
    EXPECT_EQ(json(response).find("error")->find("details")->find("field")->text, c.field);
  }
  EXPECT_EQ(storedCalls(), 0);
}

TEST_F(CallRoutes, BulkAcceptsValidRowsAndRejectsTheRest) {
  seedWorkspace("workspace_id");
  ApiResponse response =
      post("/calls/bulk", bulkBody(R"({"to":"+34631021622","variables":{"businessName":"A"}},)"
                                   R"({"to":"12345"},)"
                                   R"({"to":"+34631021623","extra":true},)"
                                   R"({"to":"+34631021624"})"));
  ASSERT_EQ(response.status, 202) << response.body;
  const JsonValue body = json(response);
  EXPECT_EQ(body.find("accepted")->text, "2");
  const auto& rejected = body.find("rejected")->items;
  ASSERT_EQ(rejected.size(), 2u);
  EXPECT_EQ(rejected[0].find("index")->text, "1");
  EXPECT_EQ(rejected[0].find("field")->text, "calls[1].to");
  EXPECT_EQ(rejected[1].find("field")->text, "calls[2].extra");
  EXPECT_EQ(storedCalls(), 2);

  const std::string campaignId = body.find("campaignId")->text;
  ApiResponse campaign = get("/campaigns/" + campaignId);
  ASSERT_EQ(campaign.status, 200);
  EXPECT_EQ(json(campaign).find("total")->text, "2");
  EXPECT_EQ(json(campaign).find("byStatus")->find("queued")->text, "2");
  EXPECT_EQ(json(get("/calls?campaignId=" + campaignId)).find("data")->items.size(), 2u);
}

TEST_F(CallRoutes, BulkWithNoValidRowCreatesNothing) {
  seedWorkspace("workspace_id");
  ApiResponse response = post("/calls/bulk", bulkBody(R"({"to":"1"},{"to":"+0123456789"})"));
  EXPECT_EQ(response.status, 422);
  EXPECT_EQ(errorCode(response), "no_valid_calls");
  EXPECT_EQ(json(response).find("error")->find("details")->find("rejected")->items.size(), 2u);
  EXPECT_EQ(storedCalls(), 0);
  EXPECT_TRUE(json(get("/campaigns")).find("data")->items.empty());
}

TEST_F(CallRoutes, BulkOverTheRowLimitIs413) {
  seedWorkspace("workspace_id");
  std::string rows;
  for (int i = 0; i <= config_.server.maxBulkCalls; ++i) {
    rows += std::string(i ? "," : "") + R"({"to":"+34631021622"})";
  }
  ApiResponse response = post("/calls/bulk", bulkBody(rows));
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(errorCode(response), "too_many_calls");
  EXPECT_NE(response.body.find("50"), std::string::npos);
  EXPECT_EQ(storedCalls(), 0);
}

TEST_F(CallRoutes, ListingWalksEveryCallOnceNewestFirst) {
  seedWorkspace("workspace_id");
  std::string rows;
  for (int i = 0; i < 23; ++i) rows += std::string(i ? "," : "") + R"({"to":"+34631021622"})";
  ASSERT_EQ(post("/calls/bulk", bulkBody(rows)).status, 202);
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    ApiResponse response = get("/calls?limit=5" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(response.status, 200) << response.body;
    const JsonValue body = json(response);
    for (const auto& call : body.find("data")->items) seen.push_back(call.find("id")->text);
    if (body.find("nextCursor")->type == JsonValue::Type::kNull) break;
    cursor = body.find("nextCursor")->text;
  }
  ASSERT_EQ(seen.size(), 23u);
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_GT(seen[i - 1], seen[i]);
}

TEST_F(CallRoutes, BadQueryParametersAre400) {
  for (const char* query : {"limit=0", "limit=1001", "limit=abc", "status=ringing",
                            "createdFrom=yesterday", "to=123", "bogus=1", "limit=5&limit=6",
                            "workspaceId=a%2Fb", "createdFrom=2026-02-01&createdTo=2026-01-01"}) {
    ApiResponse response = get(std::string("/calls?") + query);
    EXPECT_EQ(response.status, 400) << query << " " << response.body;
  }
  EXPECT_EQ(get("/calls/report?from=2026-13-01").status, 400);
  EXPECT_EQ(get("/calls/report?from=2026-02-01&to=2026-01-01").status, 400);
  EXPECT_EQ(get("/calls/report?from=2020-01-01&to=2026-01-01").status, 400);
}

TEST_F(CallRoutes, ReportCountsTheCallsMade) {
  seedWorkspace("workspace_id");
  ASSERT_EQ(post("/calls/priority", kSeedPriority).status, 201);
  ASSERT_EQ(post("/calls/bulk", bulkBody(R"({"to":"+34631021622"},{"to":"+34631021623"})")).status,
            202);
  ApiResponse response = get("/calls/report?workspaceId=workspace_id");
  ASSERT_EQ(response.status, 200) << response.body;
  const JsonValue report = json(response);
  EXPECT_EQ(report.find("totals")->find("total")->text, "3");
  EXPECT_EQ(report.find("totals")->find("byStatus")->find("queued")->text, "2");
  EXPECT_EQ(report.find("rows")->items.size(), 1u);
}

}  // namespace
}  // namespace vo::core::http::testing
