#include <set>
#include <vector>

#include "ApiE2e.h"
#include "vo/testing/Json.h"
#include "vo/testing/Wait.h"

namespace vo::e2e {
namespace {

using vo::testing::Json;
using vo::testing::waitUntil;
using CallFlow = ApiE2e;

std::string bulkOf(int rows, int firstNumber) {
  std::string body = R"({"workspaceId":"workspace_id","agentId":"agent_id",)"
                     R"("agentPhoneNumberId":"phnum_xxx","from":"+34601893170","calls":[)";
  for (int i = 0; i < rows; ++i) {
    body += std::string(i ? "," : "") + R"({"to":"+34)" + std::to_string(firstNumber + i) +
            R"(","variables":{"row":)" + std::to_string(i) + "}}";
  }
  return body + "]}";
}

// Every call the admin can list has a final status.
bool allFinal(vo::testing::HttpClient& client) {
  for (const char* status : {"queued", "dispatching", "initiated"}) {
    auto response = client.get(std::string("/calls?limit=1&status=") + status);
    if (response.status != 200 || response.json()["data"].size() != 0) return false;
  }
  return true;
}

TEST_F(CallFlow, SeedPriorityCallIsPlacedAndReachesAFinalStatus) {
  auto placed = admin().post("/calls/priority", seedPriorityBody());
  ASSERT_TRUE(placed.status == 201 || placed.status == 202) << placed.body;
  const std::string id = placed.json()["id"].string();
  EXPECT_EQ(id.size(), 26u);
  if (placed.status == 201) {
    EXPECT_EQ(placed.json()["status"].string(), "initiated");
  }
  std::string status;
  ASSERT_TRUE(waitUntil([&] {
    auto call = admin().get("/calls/" + id);
    status = call.status == 200 ? call.json()["status"].string() : "";
    return status == "completed";
  })) << "last status: "
      << status;
  auto call = admin().get("/calls/" + id).json();
  EXPECT_EQ(call["to"].string(), "+34631021622");
  EXPECT_EQ(call["variables"]["customerName"].string(), "Juan Pérez");
  EXPECT_TRUE(call.has("durationSecs"));
  EXPECT_GE(call["attemptHistory"].size(), 1u);
}

TEST_F(CallFlow, SeedBulkBodyIsAcceptedAsWritten) {
  auto response = admin().post("/calls/bulk", seedBulkBody());
  ASSERT_EQ(response.status, 202) << response.body;
  EXPECT_EQ(response.json()["accepted"].int64(), 1);
  EXPECT_EQ(response.json()["rejected"].size(), 0u);
  const std::string campaignId = response.json()["campaignId"].string();
  ASSERT_TRUE(waitUntil([&] {
    auto campaign = admin().get("/campaigns/" + campaignId);
    if (campaign.status != 200) return false;
    const Json byStatus = campaign.json()["byStatus"];
    return byStatus.has("completed") && byStatus["completed"].int64() == 1;
  }));
}

TEST_F(CallFlow, ListingPageByPageReturnsEveryCallOnce) {
  ASSERT_EQ(admin().post("/calls/bulk", bulkOf(200, 600000000)).status, 202);
  for (int i = 0; i < 5; ++i) {
    ASSERT_LT(admin().post("/calls/priority", seedPriorityBody()).status, 300);
  }
  std::set<std::string> seen;
  std::string previous;
  std::string cursor;
  int pages = 0;
  while (pages < 100) {
    auto response = admin().get("/calls?limit=7" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(response.status, 200) << response.body;
    const Json body = response.json();
    const std::vector<Json> data = body["data"].elements();
    EXPECT_LE(data.size(), 7u);
    for (const Json& call : data) {
      const std::string id = call["id"].string();
      EXPECT_TRUE(seen.insert(id).second) << "duplicate " << id;
      if (!previous.empty()) {
        EXPECT_LT(id, previous) << "not newest first";
      }
      previous = id;
    }
    ++pages;
    if (body["nextCursor"].isNull()) break;
    cursor = body["nextCursor"].string();
  }
  EXPECT_EQ(seen.size(), 205u);
  EXPECT_EQ(pages, 30);  // ceil(205 / 7)
}

TEST_F(CallFlow, ReportTotalsEqualTheCallsMade) {
  ASSERT_EQ(admin().post("/calls/bulk", bulkOf(40, 610000000)).status, 202);
  for (int i = 0; i < 3; ++i) {
    ASSERT_LT(admin().post("/calls/priority", seedPriorityBody()).status, 300);
  }
  ASSERT_TRUE(waitUntil([&] { return allFinal(admin()); }, std::chrono::minutes(2)));
  auto response = admin().get("/calls/report?workspaceId=workspace_id");
  ASSERT_EQ(response.status, 200) << response.body;
  auto totals = response.json()["totals"];
  EXPECT_EQ(totals["total"].int64(), 43);
  EXPECT_EQ(totals["byStatus"]["completed"].int64(), 43);
  auto rows = response.json()["rows"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows.at(0)["agentId"].string(), "agent_id");
  EXPECT_EQ(rows.at(0)["total"].int64(), 43);
}

TEST_F(CallFlow, IdempotentRepeatsCreateNothing) {
  const vo::testing::HttpHeaders key{{"Idempotency-Key", "crm-order-1"}};
  auto first = admin().post("/calls/priority", seedPriorityBody(), key);
  ASSERT_LT(first.status, 300) << first.body;
  auto second = admin().post("/calls/priority", seedPriorityBody(), key);
  EXPECT_EQ(second.status, first.status);
  EXPECT_EQ(second.body, first.body);

  const vo::testing::HttpHeaders bulkKey{{"Idempotency-Key", "crm-campaign-1"}};
  auto bulk = admin().post("/calls/bulk", bulkOf(10, 620000000), bulkKey);
  ASSERT_EQ(bulk.status, 202);
  auto bulkAgain = admin().post("/calls/bulk", bulkOf(10, 620000000), bulkKey);
  EXPECT_EQ(bulkAgain.status, 202);
  EXPECT_EQ(bulkAgain.body, bulk.body);
  auto reused = admin().post("/calls/bulk", bulkOf(11, 620000000), bulkKey);
  EXPECT_EQ(reused.status, 422);
  EXPECT_EQ(errorCodeOf(reused), "idempotency_key_reused");

  EXPECT_EQ(countCalls(), 11);
  EXPECT_EQ(countCampaigns(), 1);
}

TEST_F(CallFlow, HealthAndMetricsAreOpen) {
  vo::testing::HttpClient anonymous(server_->port());
  auto health = anonymous.get("/health");
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_TRUE(health.json()["components"]["store"]["up"].boolean());
  // Issue 10, attack 7: anyone learns up or down, not where the dependencies live.
  for (const char* hidden : {"127.0.0.1", "localhost", "detail", "name", ".db"}) {
    EXPECT_EQ(health.body.find(hidden), std::string::npos) << hidden << " in " << health.body;
  }
  auto detailed = admin().get("/health");
  EXPECT_NE(detailed.body.find("detail"), std::string::npos) << detailed.body;
  ASSERT_LT(admin().post("/calls/priority", seedPriorityBody()).status, 300);
  auto metrics = anonymous.get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("vo_http_requests_total{code=\"2xx\"}"), std::string::npos);
  EXPECT_NE(metrics.body.find("vo_calls{status=\""), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("vo_queue_jobs{state=\"waiting\"}"), std::string::npos);
}

}  // namespace
}  // namespace vo::e2e
