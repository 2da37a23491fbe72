// Do-not-call end to end: the real process over HTTP (SQLite, memory queue, simulator). Numbers
// listed while a slow campaign's calls wait in line: those calls end `suppressed` with endReason
// "dnc" and never reach the provider (no attempt, no provider call id); the others are dialed.
#include <string>

#include "ApiE2e.h"
#include "vo/testing/Json.h"
#include "vo/testing/Wait.h"

namespace vo::e2e {
namespace {

using vo::testing::waitUntil;
using DncE2e = ApiE2e;

TEST_F(DncE2e, NumbersListedMidCampaignEndSuppressedAndAreNeverDialed) {
  // One call a second: the campaign's later calls wait in line while the numbers are listed.
  ASSERT_EQ(admin().post("/workspaces", R"({"id":"slow","name":"Slow","callsPerSecond":1})").status,
            201);
  ASSERT_EQ(admin().post("/workspaces/slow/agents", R"({"id":"agent_slow","name":"A"})").status,
            201);
  ASSERT_EQ(admin()
                .post("/workspaces/slow/phone-numbers",
                      R"({"id":"phnum_slow","number":"+34601893171","provider":"twilio"})")
                .status,
            201);
  std::string body = R"({"workspaceId":"slow","agentId":"agent_slow",)"
                     R"("agentPhoneNumberId":"phnum_slow","calls":[)";
  for (int i = 0; i < 6; ++i) {
    body += std::string(i ? "," : "") + R"({"to":"+3461100000)" + std::to_string(i) + "\"}";
  }
  auto accepted = admin().post("/calls/bulk", body + "]}");
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const std::string campaignId = accepted.json()["campaignId"].string();
  // The last three rows: one on the workspace's list, two on the global one.
  auto listed = admin().post("/workspaces/slow/dnc",
                             R"({"numbers":["+34611000003"],"reason":"asked to stop"})");
  ASSERT_EQ(listed.status, 200) << listed.body;
  listed = admin().post("/dnc", R"({"numbers":["+34611000004","+34611000005"]})");
  ASSERT_EQ(listed.status, 200) << listed.body;

  ASSERT_TRUE(waitUntil(
      [&] {
        auto campaign = admin().get("/campaigns/" + campaignId);
        if (campaign.status != 200) return false;
        const auto byStatus = campaign.json()["byStatus"];
        return byStatus.has("completed") && byStatus.has("suppressed") &&
               byStatus["completed"].int64() + byStatus["suppressed"].int64() == 6;
      },
      std::chrono::seconds(60)));
  auto suppressed = admin().get("/calls?status=suppressed&limit=10&campaignId=" + campaignId);
  ASSERT_EQ(suppressed.status, 200);
  const auto calls = suppressed.json()["data"];
  ASSERT_EQ(calls.size(), 3u) << suppressed.body;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const auto call = calls.at(i);
    EXPECT_EQ(call["endReason"].string(), "dnc");
    EXPECT_EQ(call["attempts"].int64(), 0);
    EXPECT_TRUE(call["providerCallId"].isNull());  // never reached the provider
    EXPECT_GE(call["to"].string(), "+34611000003");
  }
  auto report = admin().get("/calls/report?workspaceId=slow");
  ASSERT_EQ(report.status, 200);
  EXPECT_NE(report.body.find("\"suppressed\":3"), std::string::npos) << report.body;
}

}  // namespace
}  // namespace vo::e2e
