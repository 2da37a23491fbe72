#include "ApiFixture.h"

namespace vo::core::http::testing {
namespace {

using RegistryAndCampaign = ApiFixture;

TEST_F(RegistryAndCampaign, WorkspaceNeverShowsItsProviderKey) {
  ApiResponse created =
      post("/workspaces",
           R"({"id":"acme","name":"Acme","providerApiKey":"sk_secret","maxConcurrentCalls":5,)"
           R"("callsPerSecond":2.5})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.body.find("sk_secret"), std::string::npos);
  EXPECT_TRUE(json(created).find("hasProviderApiKey")->boolean);
  EXPECT_EQ(get("/workspaces/acme").body.find("sk_secret"), std::string::npos);
  EXPECT_EQ(get("/workspaces").body.find("sk_secret"), std::string::npos);

  ApiResponse again = post("/workspaces", R"({"id":"acme","name":"Other"})");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(errorCode(again), "already_exists");
  EXPECT_EQ(get("/workspaces/nobody").status, 404);
}

TEST_F(RegistryAndCampaign, RegistryValidation) {
  ASSERT_EQ(post("/workspaces", R"({"id":"acme","name":"Acme"})").status, 201);
  struct Case {
    std::string path;
    std::string body;
    int status;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"/workspaces", R"({"name":"x"})", 400, "id"},
      {"/workspaces", R"({"id":"a b","name":"x"})", 400, "id"},
      {"/workspaces", R"({"id":"w","name":""})", 400, "name"},
      {"/workspaces", R"({"id":"w","name":"x","maxConcurrentCalls":-1})", 400,
       "maxConcurrentCalls"},
      {"/workspaces", R"({"id":"w","name":"x","callsPerSecond":"fast"})", 400, "callsPerSecond"},
      {"/workspaces", R"({"id":"w","name":"x","owner":"me"})", 400, "owner"},
      {"/workspaces/acme/agents", R"({"id":"agent_1"})", 400, "name"},
      {"/workspaces/acme/phone-numbers", R"({"id":"p","number":"+34601893170","provider":"sms"})",
       400, "provider"},
      {"/workspaces/acme/phone-numbers", R"({"id":"p","number":"601893170","provider":"twilio"})",
       400, "number"},
  };
  for (const auto& c : cases) {
    ApiResponse response = post(c.path, c.body);
    EXPECT_EQ(response.status, c.status) << c.body << " " << response.body;
    const JsonValue body = json(response);
    const JsonValue* details = body.find("error")->find("details");
    ASSERT_NE(details->find("field"), nullptr) << response.body;
    EXPECT_EQ(details->find("field")->text, c.field);
  }
  EXPECT_EQ(post("/workspaces/nobody/agents", R"({"id":"a","name":"b"})").status, 404);
  EXPECT_EQ(json(get("/workspaces")).find("data")->items.size(), 1u);
}

TEST_F(RegistryAndCampaign, ApiKeysAreShownOnceAndWork) {
  const std::string key = seedWorkspace("acme");
  ASSERT_EQ(key.size(), 67u);
  EXPECT_EQ(get("/workspaces/acme", key).status, 200);
  EXPECT_EQ(post("/workspaces/nobody/api-keys", "").status, 404);
}

TEST_F(RegistryAndCampaign, CampaignControlGoesThroughTheDispatcher) {
  const std::string key = seedWorkspace("acme");
  seedWorkspace("other");
  ApiResponse bulk =
      post("/calls/bulk", R"({"workspaceId":"acme","agentId":"agent_1","agentPhoneNumberId":)"
                          R"("phnum_1","name":"Spring","calls":[{"to":"+34631021622"}]})");
  ASSERT_EQ(bulk.status, 202) << bulk.body;
  const std::string id = json(bulk).find("campaignId")->text;

  ApiResponse paused = post("/campaigns/" + id + "/pause", "", key);
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_EQ(json(paused).find("status")->text, "paused");
  EXPECT_EQ(json(paused).find("name")->text, "Spring");
  EXPECT_EQ(json(post("/campaigns/" + id + "/resume", "")).find("status")->text, "active");
  ApiResponse canceled = post("/campaigns/" + id + "/cancel", "{}");
  ASSERT_EQ(canceled.status, 200) << canceled.body;
  EXPECT_EQ(json(canceled).find("status")->text, "canceled");
  EXPECT_EQ(json(canceled).find("byStatus")->find("canceled")->text, "1");

  EXPECT_EQ(post("/campaigns/nope/pause", "").status, 404);
  EXPECT_EQ(post("/campaigns/" + id + "/pause", R"({"x":1})").status, 400);
  EXPECT_EQ(json(get("/campaigns?workspaceId=acme")).find("data")->items.size(), 1u);
  EXPECT_EQ(json(get("/campaigns", key)).find("data")->items.size(), 1u);
  EXPECT_EQ(json(get("/campaigns?workspaceId=other")).find("data")->items.size(), 0u);
}

TEST_F(RegistryAndCampaign, OtherWorkspacesCampaignsAreHidden) {
  seedWorkspace("acme");
  const std::string otherKey = seedWorkspace("other");
  ApiResponse bulk =
      post("/calls/bulk", R"({"workspaceId":"acme","agentId":"agent_1","agentPhoneNumberId":)"
                          R"("phnum_1","calls":[{"to":"+34631021622"}]})");
  const std::string id = json(bulk).find("campaignId")->text;
  EXPECT_EQ(get("/campaigns/" + id, otherKey).status, 404);
  EXPECT_EQ(post("/campaigns/" + id + "/cancel", "", otherKey).status, 404);
  EXPECT_EQ(get("/campaigns?workspaceId=acme", otherKey).status, 404);
  EXPECT_EQ(json(get("/campaigns/" + id)).find("status")->text, "active");
}

}  // namespace
}  // namespace vo::core::http::testing
