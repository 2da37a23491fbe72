// The webhook endpoints' routes in-process over the real SQLite store: validation naming the
// field, private targets refused unless configured, the secret shown once, workspaces apart.
#include "ApiFixture.h"

namespace vo::core::http::testing {
namespace {

class WebhookRoutes : public ApiFixture {
 protected:
  std::string fieldOf(const ApiResponse& response) {
    const JsonValue body = json(response);
    const JsonValue* field = body.find("error")->find("details")->find("field");
    return field == nullptr ? "" : field->text;
  }
};

TEST_F(WebhookRoutes, BadRegistrationsAre400NamingTheFieldAndChangeNothing) {
  seedWorkspace("acme");
  const std::pair<std::string, std::string> cases[] = {
      {R"({"events":["call.completed"]})", "url"},
      {R"({"url":"ftp://x.example.com/","events":["call.completed"]})", "url"},
      {R"({"url":42,"events":["call.completed"]})", "url"},
      {R"({"url":"http://127.0.0.1:9/","events":["call.completed"]})", "url"},
      {R"({"url":"http://10.0.0.5/","events":["call.completed"]})", "url"},
      {R"({"url":"http://169.254.169.254/","events":["call.completed"]})", "url"},
      {R"({"url":"http://[::1]/","events":["call.completed"]})", "url"},
      {R"({"url":"https://localhost/","events":["call.completed"]})", "url"},
      {R"({"url":"https://h.example.com/"})", "events"},
      {R"({"url":"https://h.example.com/","events":[]})", "events"},
      {R"({"url":"https://h.example.com/","events":["call.done"]})", "events[0]"},
      {R"({"url":"https://h.example.com/","events":["call.busy","call.busy"]})", "events[1]"},
      {R"({"url":"https://h.example.com/","events":["call.busy"],"enabled":"yes"})", "enabled"},
      {R"({"url":"https://h.example.com/","events":["call.busy"],"secret":"mine"})", "secret"},
  };
  for (const auto& [body, field] : cases) {
    const ApiResponse response = post("/workspaces/acme/webhooks", body);
    EXPECT_EQ(response.status, 400) << body << " " << response.body;
    EXPECT_EQ(fieldOf(response), field) << body << " " << response.body;
  }
  EXPECT_TRUE(json(get("/workspaces/acme/webhooks")).find("data")->items.empty());
}

TEST_F(WebhookRoutes, PrivateTargetsPassWhenTheConfigAllowsThem) {
  config_.webhooks.allowPrivateTargets = true;
  rebuildApi();
  seedWorkspace("acme");
  EXPECT_EQ(post("/workspaces/acme/webhooks",
                 R"({"url":"http://127.0.0.1:9/in","events":["call.completed"]})")
                .status,
            201);
}

TEST_F(WebhookRoutes, TheSecretIsShownOnceAndEndpointsChangeAndGo) {
  const std::string key = seedWorkspace("acme");
  const std::string otherKey = seedWorkspace("other");
  const ApiResponse created = post(
      "/workspaces/acme/webhooks",
      R"({"url":"https://hooks.example.com/vo","events":["call.completed","call.failed"]})", key);
  ASSERT_EQ(created.status, 201) << created.body;
  const JsonValue endpoint = json(created);
  const std::string id = endpoint.find("id")->text;
  EXPECT_EQ(endpoint.find("secret")->text.rfind("whsec_", 0), 0u);
  const std::string path = "/workspaces/acme/webhooks/" + id;
  const ApiResponse read = get(path, key);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(json(read).find("secret"), nullptr) << "never shown again";
  EXPECT_EQ(json(get("/workspaces/acme/webhooks")).find("data")->items.size(), 1u);

  // Another workspace's key sees nothing and may change nothing.
  EXPECT_EQ(get(path, otherKey).status, 404);
  EXPECT_EQ(send("PATCH", path, R"({"enabled":false})", otherKey).status, 403);
  EXPECT_EQ(get("/workspaces/other/webhooks/" + id, otherKey).status, 404);

  const ApiResponse changed = send("PATCH", path, R"({"enabled":false,"events":["call.busy"]})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_FALSE(json(changed).find("enabled")->boolean);
  EXPECT_EQ(json(changed).find("events")->items.at(0).text, "call.busy");
  EXPECT_EQ(json(changed).find("url")->text, "https://hooks.example.com/vo");
  EXPECT_EQ(fieldOf(send("PATCH", path, R"({"url":"http://192.168.1.1/"})")), "url");

  const ApiResponse deliveries = get(path + "/deliveries");
  ASSERT_EQ(deliveries.status, 200) << deliveries.body;
  EXPECT_TRUE(json(deliveries).find("data")->items.empty());
  EXPECT_EQ(fieldOf(get(path + "/deliveries?limit=0")), "limit");
  EXPECT_EQ(fieldOf(get(path + "/deliveries?cursor=nope")), "cursor");
  EXPECT_EQ(get(path + "/deliveries?other=1").status, 400);
  EXPECT_EQ(post(path + "/deliveries/evt_none/redeliver", "").status, 404);

  EXPECT_EQ(send("DELETE", path, "", key).status, 200);
  EXPECT_EQ(get(path).status, 404);
  EXPECT_EQ(send("DELETE", path).status, 404);
}

}  // namespace
}  // namespace vo::core::http::testing
