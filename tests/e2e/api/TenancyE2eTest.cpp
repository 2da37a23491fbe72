#include <Poco/JSON/Array.h>

#include "ApiE2e.h"

namespace vo::e2e {
namespace {

using Tenancy = ApiE2e;

std::string priorityIn(const std::string& workspace) {
  return R"({"workspaceId":")" + workspace +
         R"(","agentId":"agent_1","agentPhoneNumberId":"phnum_1","to":"+34631021622"})";
}

std::string bulkIn(const std::string& workspace) {
  return R"({"workspaceId":")" + workspace +
         R"(","agentId":"agent_1","agentPhoneNumberId":"phnum_1","calls":[{"to":"+34631021622"}]})";
}

TEST_F(Tenancy, AWorkspaceKeySeesAndTouchesOnlyItsOwnWorkspace) {
  auto acme = clientWithKey(createWorkspace("acme"));
  auto globex = clientWithKey(createWorkspace("globex"));

  // Its own workspace: allowed.
  auto own = acme->post("/calls/priority", priorityIn("acme"));
  ASSERT_LT(own.status, 300) << own.body;
  const std::string acmeCall = own.json()->getValue<std::string>("id");
  auto ownBulk = acme->post("/calls/bulk", bulkIn("acme"));
  ASSERT_EQ(ownBulk.status, 202) << ownBulk.body;
  const std::string acmeCampaign = ownBulk.json()->getValue<std::string>("campaignId");
  EXPECT_EQ(acme->get("/calls/" + acmeCall).status, 200);
  EXPECT_EQ(acme->get("/campaigns/" + acmeCampaign).status, 200);
  EXPECT_EQ(acme->get("/workspaces/acme/agents").status, 200);
  EXPECT_EQ(acme->post("/workspaces/acme/agents", R"({"id":"agent_2","name":"Second"})").status,
            201);

  // Another workspace: reads are "not found", writes are forbidden.
  EXPECT_EQ(globex->get("/calls/" + acmeCall).status, 404);
  EXPECT_EQ(globex->get("/campaigns/" + acmeCampaign).status, 404);
  EXPECT_EQ(globex->post("/campaigns/" + acmeCampaign + "/cancel", "").status, 404);
  EXPECT_EQ(globex->get("/workspaces/acme").status, 404);
  EXPECT_EQ(globex->get("/workspaces/acme/phone-numbers").status, 404);
  EXPECT_EQ(globex->get("/calls?workspaceId=acme").status, 404);
  EXPECT_EQ(globex->get("/campaigns?workspaceId=acme").status, 404);
  EXPECT_EQ(globex->get("/calls/report?workspaceId=acme").status, 404);
  auto write = globex->post("/calls/priority", priorityIn("acme"));
  EXPECT_EQ(write.status, 403);
  EXPECT_EQ(errorCodeOf(write), "forbidden");
  EXPECT_EQ(globex->post("/calls/bulk", bulkIn("acme")).status, 403);
  EXPECT_EQ(globex->post("/workspaces/acme/agents", R"({"id":"x","name":"x"})").status, 403);
  EXPECT_EQ(globex->post("/workspaces", R"({"id":"mine","name":"x"})").status, 403);
  EXPECT_EQ(globex->post("/workspaces/globex/api-keys", "").status, 403);

  // Lists are filtered to the caller's workspace.
  EXPECT_EQ(globex->get("/calls").json()->getArray("data")->size(), 0u);
  EXPECT_EQ(globex->get("/campaigns").json()->getArray("data")->size(), 0u);
  EXPECT_EQ(globex->get("/workspaces").json()->getArray("data")->size(), 1u);
  EXPECT_EQ(acme->get("/calls").json()->getArray("data")->size(), 2u);
  EXPECT_EQ(acme->get("/calls/report").json()->getObject("totals")->getValue<int>("total"), 2);
  EXPECT_EQ(countCalls(), 2);

  auto wrong = clientWithKey("vo_not_a_key");
  EXPECT_EQ(wrong->get("/calls").status, 401);
  EXPECT_EQ(errorCodeOf(wrong->get("/calls")), "unauthorized");
}

}  // namespace
}  // namespace vo::e2e
