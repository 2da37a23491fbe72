// The do-not-call routes over the real SQLite store: validation, scopes and keys, paging, and
// calls to a listed number accepted as `suppressed`.
#include "ApiFixture.h"

namespace vo::core::http::testing {
namespace {

class DncRoutes : public ApiFixture {
 protected:
  static std::string fieldOf(const ApiResponse& response) {
    const JsonValue body = json(response);
    const JsonValue* details = body.find("error")->find("details");
    const JsonValue* field = details != nullptr ? details->find("field") : nullptr;
    return field != nullptr ? field->text : "";
  }
};

TEST_F(DncRoutes, BadBodiesAre400NamingTheField) {
  seedWorkspace("acme");
  std::string tooMany = R"({"numbers":[)";
  for (int i = 0; i <= 100000; ++i)
    tooMany += (i ? ",\"+3460" : "\"+3460") + std::to_string(1000000 + i) + "\"";
  tooMany += "]}";
  struct Case {
    std::string body;
    std::string field;
  };
  const std::vector<Case> cases = {
      {R"({"reason":"x"})", "numbers"},
      {R"({"numbers":"+34601000001"})", "numbers"},
      {R"({"numbers":[]})", "numbers"},
      {R"({"numbers":["601000001"]})", "numbers[0]"},
      {R"({"numbers":[34601000001]})", "numbers[0]"},
      {R"({"numbers":["+34601000001"],"reason":")" + std::string(201, 'x') + "\"}", "reason"},
      {R"({"numbers":["+34601000001"],"reason":7})", "reason"},
      {R"({"numbers":["+34601000001"],"why":"x"})", "why"},
      {tooMany, "numbers"},
  };
  for (const auto& c : cases) {
    for (const std::string path : {"/workspaces/acme/dnc", "/dnc"}) {
      ApiResponse response = post(path, c.body);
      EXPECT_EQ(response.status, 400)
          << path << " " << c.body.substr(0, 80) << " " << response.body.substr(0, 300);
      EXPECT_EQ(fieldOf(response), c.field) << c.body.substr(0, 80);
    }
  }
  EXPECT_TRUE(json(get("/workspaces/acme/dnc")).find("data")->items.empty());
  EXPECT_EQ(fieldOf(get("/workspaces/acme/dnc?limit=0")), "limit");
  EXPECT_EQ(fieldOf(get("/workspaces/acme/dnc?cursor=abc")), "cursor");
  EXPECT_EQ(send("DELETE", "/workspaces/acme/dnc/601").status, 400);
}

TEST_F(DncRoutes, UnknownWorkspaceIs404AndKeysSeeTheirOwnListOnly) {
  const std::string acmeKey = seedWorkspace("acme");
  seedWorkspace("other");
  const std::string body = R"({"numbers":["+34601000001"]})";
  EXPECT_EQ(post("/workspaces/nobody/dnc", body).status, 404);
  EXPECT_EQ(get("/workspaces/nobody/dnc").status, 404);
  EXPECT_EQ(send("DELETE", "/workspaces/nobody/dnc/+34601000001").status, 404);

  EXPECT_EQ(post("/workspaces/acme/dnc", body, acmeKey).status, 200);
  EXPECT_EQ(post("/workspaces/other/dnc", body, acmeKey).status, 403);
  EXPECT_EQ(send("DELETE", "/workspaces/other/dnc/+34601000001", "", acmeKey).status, 403);
  EXPECT_EQ(get("/workspaces/other/dnc", acmeKey).status, 404);  // reads of another: not there
  EXPECT_EQ(post("/dnc", body, acmeKey).status, 403);
  EXPECT_EQ(get("/dnc", acmeKey).status, 403);
  EXPECT_EQ(send("DELETE", "/dnc/+34601000001", "", acmeKey).status, 403);
  EXPECT_EQ(json(get("/workspaces/acme/dnc", acmeKey)).find("data")->items.size(), 1u);
  EXPECT_TRUE(json(get("/workspaces/other/dnc")).find("data")->items.empty());
}

TEST_F(DncRoutes, AddCountsListPagesAndDeleteRemoves) {
  seedWorkspace("acme");
  ApiResponse first = post("/workspaces/acme/dnc",
                           R"({"numbers":["+34601000002","+34601000001","bad","+34601000001"],)"
                           R"("reason":"asked to stop"})");
  ASSERT_EQ(first.status, 200) << first.body;
  JsonValue answer = json(first);
  EXPECT_EQ(answer.find("added")->text, "2");
  EXPECT_EQ(answer.find("alreadyPresent")->text, "1");
  ASSERT_EQ(answer.find("rejected")->items.size(), 1u);
  EXPECT_EQ(answer.find("rejected")->items[0].find("index")->text, "2");
  EXPECT_EQ(answer.find("rejected")->items[0].find("field")->text, "numbers[2]");
  answer = json(post("/workspaces/acme/dnc", R"({"numbers":["+34601000001","+34601000003"]})"));
  EXPECT_EQ(answer.find("added")->text, "1");
  EXPECT_EQ(answer.find("alreadyPresent")->text, "1");

  JsonValue page = json(get("/workspaces/acme/dnc?limit=2"));
  ASSERT_EQ(page.find("data")->items.size(), 2u);
  EXPECT_EQ(page.find("data")->items[0].find("number")->text, "+34601000001");
  EXPECT_EQ(page.find("data")->items[0].find("reason")->text, "asked to stop");
  const std::string cursor = page.find("nextCursor")->text;
  EXPECT_EQ(cursor, "34601000002");
  page = json(get("/workspaces/acme/dnc?limit=2&cursor=" + cursor));
  ASSERT_EQ(page.find("data")->items.size(), 1u);
  EXPECT_EQ(page.find("data")->items[0].find("number")->text, "+34601000003");
  EXPECT_EQ(page.find("nextCursor")->type, JsonValue::Type::kNull);

  EXPECT_EQ(send("DELETE", "/workspaces/acme/dnc/+34601000003").status, 200);
  EXPECT_EQ(send("DELETE", "/workspaces/acme/dnc/+34601000003").status, 404);
  EXPECT_EQ(post("/dnc", R"({"numbers":["+34601000009"]})").status, 200);
  EXPECT_EQ(json(get("/dnc")).find("data")->items.size(), 1u);
  EXPECT_EQ(send("DELETE", "/dnc/+34601000009").status, 200);
}

TEST_F(DncRoutes, CallsToAListedNumberAreAcceptedSuppressedNeverDialed) {
  seedWorkspace("acme");
  ASSERT_EQ(post("/workspaces/acme/dnc", R"({"numbers":["+34601000001"]})").status, 200);
  ASSERT_EQ(post("/dnc", R"({"numbers":["+34601000002"]})").status, 200);
  ApiResponse bulk =
      post("/calls/bulk",
           R"({"workspaceId":"acme","agentId":"agent_1","agentPhoneNumberId":"phnum_1","calls":[)"
           R"({"to":"+34601000003"},{"to":"+34601000001"},{"to":"x"},{"to":"+34601000002"}]})");
  ASSERT_EQ(bulk.status, 202) << bulk.body;
  const JsonValue answer = json(bulk);
  EXPECT_EQ(answer.find("accepted")->text, "3");
  const auto& suppressed = answer.find("suppressed")->items;
  ASSERT_EQ(suppressed.size(), 2u);
  EXPECT_EQ(suppressed[0].find("index")->text, "1");
  EXPECT_EQ(suppressed[0].find("to")->text, "+34601000001");
  EXPECT_EQ(suppressed[1].find("index")->text, "3");
  EXPECT_EQ(suppressed[1].find("reason")->text, "dnc");
  const std::string campaignId = answer.find("campaignId")->text;
  const JsonValue listed = json(get("/calls?status=suppressed&campaignId=" + campaignId));
  ASSERT_EQ(listed.find("data")->items.size(), 2u);
  EXPECT_EQ(listed.find("data")->items[0].find("endReason")->text, "dnc");
  EXPECT_EQ(listed.find("data")->items[0].find("attempts")->text, "0");

  ApiResponse priority =
      post("/calls/priority", R"({"workspaceId":"acme","agentId":"agent_1",)"
                              R"("agentPhoneNumberId":"phnum_1","to":"+34601000002"})");
  EXPECT_EQ(priority.status, 422) << priority.body;
  EXPECT_EQ(errorCode(priority), "do_not_call");
  EXPECT_EQ(json(get("/calls?status=suppressed")).find("data")->items.size(), 3u);
}

}  // namespace
}  // namespace vo::core::http::testing
