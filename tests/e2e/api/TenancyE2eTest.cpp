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
  const std::string acmeCall = own.json()["id"].string();
  auto ownBulk = acme->post("/calls/bulk", bulkIn("acme"));
  ASSERT_EQ(ownBulk.status, 202) << ownBulk.body;
  const std::string acmeCampaign = ownBulk.json()["campaignId"].string();
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
  EXPECT_EQ(globex->get("/calls").json()["data"].size(), 0u);
  EXPECT_EQ(globex->get("/campaigns").json()["data"].size(), 0u);
  EXPECT_EQ(globex->get("/workspaces").json()["data"].size(), 1u);
  EXPECT_EQ(acme->get("/calls").json()["data"].size(), 2u);
  EXPECT_EQ(acme->get("/calls/report").json()["totals"]["total"].int64(), 2);
  EXPECT_EQ(countCalls(), 2);

  auto wrong = clientWithKey("vo_not_a_key");
  EXPECT_EQ(wrong->get("/calls").status, 401);
  EXPECT_EQ(errorCodeOf(wrong->get("/calls")), "unauthorized");
}

// Issue 10, attack 5: tenant A must not dial with B's ElevenLabs agent and caller ID.
TEST_F(Tenancy, AProviderIdRegisteredInOneWorkspaceIsRefusedInAnotherUnlessTheAdminSharesIt) {
  auto acme = clientWithKey(createWorkspace("acme"));
  auto globex = clientWithKey(createWorkspace("globex"));
  ASSERT_EQ(acme->post("/workspaces/acme/agents", R"({"id":"agent_acme_voice","name":"A"})").status,
            201);
  ASSERT_EQ(acme->post("/workspaces/acme/phone-numbers",
                       R"({"id":"phnum_acme","number":"+34601893175","provider":"twilio"})")
                .status,
            201);

  auto agent = globex->post("/workspaces/globex/agents", R"({"id":"agent_acme_voice","name":"B"})");
  EXPECT_EQ(agent.status, 409) << agent.body;
  EXPECT_EQ(errorCodeOf(agent), "provider_id_taken");
  EXPECT_NE(agent.body.find("agent_acme_voice"), std::string::npos) << agent.body;
  EXPECT_EQ(agent.body.find("acme'"), std::string::npos) << "names the other workspace";
  auto phone = globex->post("/workspaces/globex/phone-numbers",
                            R"({"id":"phnum_acme","number":"+34601893175","provider":"twilio"})");
  EXPECT_EQ(phone.status, 409) << phone.body;
  EXPECT_EQ(errorCodeOf(phone), "provider_id_taken");
  // Nothing was registered: a call with them is refused.
  auto call = globex->post("/calls/priority", R"({"workspaceId":"globex","agentId":)"
                                              R"("agent_acme_voice","agentPhoneNumberId":)"
                                              R"("phnum_acme","to":"+34631021622"})");
  EXPECT_GE(call.status, 400) << call.body;
  EXPECT_LT(call.status, 500) << call.body;

  // Sharing is the admin's decision alone.
  auto selfShared =
      globex->post("/workspaces/globex/agents",
                   R"({"id":"agent_acme_voice","name":"B","sharedAcrossWorkspaces":true})");
  EXPECT_EQ(selfShared.status, 403) << selfShared.body;
  auto shared =
      admin().post("/workspaces/globex/agents",
                   R"({"id":"agent_acme_voice","name":"B","sharedAcrossWorkspaces":true})");
  EXPECT_EQ(shared.status, 201) << shared.body;
  EXPECT_TRUE(shared.json()["sharedAcrossWorkspaces"].boolean());
  // The same id twice in one workspace is the plain duplicate.
  auto again = acme->post("/workspaces/acme/agents", R"({"id":"agent_acme_voice","name":"A"})");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(errorCodeOf(again), "already_exists");
}

// Issue 10, attack 6: ids the code gives a meaning of its own are not workspace ids.
TEST_F(Tenancy, ReservedWorkspaceIdsAreRefused) {
  for (const std::string id : {"admin", "default"}) {
    auto created = admin().post("/workspaces", R"({"id":")" + id + R"(","name":"x"})");
    EXPECT_EQ(created.status, 400) << created.body;
    EXPECT_NE(created.body.find("reserved"), std::string::npos) << created.body;
    EXPECT_EQ(admin().get("/workspaces/" + id).status, 404);
  }
}

// Issue 10, item 8: keys are listed without the key, expire, and stop working once revoked.
TEST_F(Tenancy, ApiKeysAreListedByPrefixAndARevokedKeyIsRefusedAtOnce) {
  const std::string key = createWorkspace("acme");
  auto acme = clientWithKey(key);
  ASSERT_EQ(acme->get("/calls").status, 200);
  auto expiring =
      admin().post("/workspaces/acme/api-keys", R"({"expiresAt":"2999-01-01T00:00:00Z"})");
  ASSERT_EQ(expiring.status, 201) << expiring.body;
  EXPECT_EQ(expiring.json()["expiresAt"].string(), "2999-01-01T00:00:00.000Z");
  EXPECT_EQ(clientWithKey(expiring.json()["key"].string())->get("/calls").status, 200);
  EXPECT_EQ(
      admin().post("/workspaces/acme/api-keys", R"({"expiresAt":"2020-01-01T00:00:00Z"})").status,
      400);
  EXPECT_EQ(admin().post("/workspaces/acme/api-keys", R"({"expiresAt":"soon"})").status, 400);

  auto listed = admin().get("/workspaces/acme/api-keys");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.body.find(key), std::string::npos) << "a list never shows a key";
  const auto keys = listed.json()["data"];
  ASSERT_EQ(keys.size(), 2u);
  const std::string firstId = keys.at(0)["id"].string();
  EXPECT_EQ(key.rfind(keys.at(0)["prefix"].string(), 0), 0u) << key;
  EXPECT_TRUE(keys.at(0)["revokedAt"].isNull());
  EXPECT_EQ(acme->get("/workspaces/acme/api-keys").status, 403) << "keys are the admin's";

  auto revoked = admin().request("DELETE", "/workspaces/acme/api-keys/" + firstId);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_FALSE(revoked.json()["revokedAt"].isNull());
  auto refused = acme->get("/calls");
  EXPECT_EQ(refused.status, 401) << refused.body;
  EXPECT_NE(refused.body.find("revoked"), std::string::npos) << refused.body;
  EXPECT_EQ(admin().request("DELETE", "/workspaces/acme/api-keys/nope").status, 404);
  EXPECT_FALSE(admin().get("/workspaces/acme/api-keys").json()["data"].at(0)["revokedAt"].isNull());
}

}  // namespace
}  // namespace vo::e2e
