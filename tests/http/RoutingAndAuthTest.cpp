#include "ApiFixture.h"

namespace vo::core::http::testing {
namespace {

using RoutingAndAuth = ApiFixture;

TEST_F(RoutingAndAuth, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  ApiResponse missing = get("/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(errorCode(missing), "not_found");

  ApiResponse wrong = send("DELETE", "/calls");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(errorCode(wrong), "method_not_allowed");
  ASSERT_EQ(wrong.headers.size(), 1u);
  EXPECT_EQ(wrong.headers[0].first, "Allow");
  EXPECT_EQ(wrong.headers[0].second, "GET");

  ApiResponse literal = get("/calls/priority");
  EXPECT_EQ(literal.status, 405);
  EXPECT_EQ(literal.headers[0].second, "POST");
  EXPECT_EQ(post("/calls/report", "{}").status, 405);
}

TEST_F(RoutingAndAuth, MissingOrWrongKeyIs401) {
  for (const char* key : {"", "wrong", "admin-secre", "admin-secrett"}) {
    ApiResponse response = get("/calls", key);
    EXPECT_EQ(response.status, 401) << key;
    EXPECT_EQ(errorCode(response), "unauthorized");
  }
  EXPECT_EQ(send("GET", "/calls", "", "", {{"authorization", "Basic YWRtaW4="}}).status, 401);
  EXPECT_EQ(send("GET", "/calls", "", "", {{"authorization", "admin-secret"}}).status, 401);
  EXPECT_EQ(get("/calls").status, 200);
}

TEST_F(RoutingAndAuth, HealthMetricsAndWebhooksNeedNoKey) {
  ApiResponse health = get("/health", "");
  EXPECT_EQ(health.status, 200) << health.body;
  const JsonValue body = json(health);
  EXPECT_EQ(body.find("status")->text, "ok");
  for (const char* component : {"store", "queue", "provider"}) {
    ASSERT_NE(body.find("components")->find(component), nullptr) << component;
    EXPECT_TRUE(body.find("components")->find(component)->find("up")->boolean);
    // Anonymous: up or down, nothing about what it is or where.
    EXPECT_EQ(body.find("components")->find(component)->find("name"), nullptr) << health.body;
    EXPECT_EQ(body.find("components")->find(component)->find("detail"), nullptr) << health.body;
  }
  // A workspace key sees no more than anyone; the admin key sees names and details.
  EXPECT_EQ(get("/health", seedWorkspace("acme")).body, health.body);
  const JsonValue detailed = json(get("/health"));
  EXPECT_EQ(detailed.find("components")->find("store")->find("name")->text, "sqlite");
  EXPECT_NE(detailed.find("components")->find("store")->find("detail"), nullptr);

  ApiResponse metrics = get("/metrics", "");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.contentType.find("text/plain"), std::string::npos);
  EXPECT_NE(metrics.body.find("vo_http_requests_total{code=\"2xx\"}"), std::string::npos)
      << metrics.body;
  // With auth.metricsToken set, /metrics wants that token (or the admin key).
  config_.auth.metricsToken = "scrape-token";
  EXPECT_EQ(get("/metrics", "").status, 401);
  EXPECT_EQ(get("/metrics", "wrong-token").status, 401);
  EXPECT_EQ(get("/metrics", "scrape-token").status, 200);
  EXPECT_EQ(get("/metrics").status, 200);

  EXPECT_EQ(post("/webhooks/elevenlabs", "{}", "").status, 404);
  EXPECT_NE(post("/webhooks/simulator", "{}", "").status, 401);
}

TEST_F(RoutingAndAuth, WorkspaceKeyIsConfinedToItsWorkspace) {
  const std::string acme = seedWorkspace("acme");
  const std::string other = seedWorkspace("other");
  ASSERT_FALSE(acme.empty());

  const std::string call = R"({"workspaceId":"other","agentId":"agent_1",)"
                           R"("agentPhoneNumberId":"phnum_1","to":"+34631021622"})";
  ApiResponse forbidden = post("/calls/priority", call, acme);
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(errorCode(forbidden), "forbidden");
  EXPECT_EQ(storedCalls(), 0);

  ApiResponse placed = post("/calls/priority", call, other);
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::string id = json(placed).find("id")->text;
  EXPECT_EQ(get("/calls/" + id, acme).status, 404);
  EXPECT_EQ(get("/calls/" + id, other).status, 200);
  EXPECT_EQ(get("/calls?workspaceId=other", acme).status, 404);
  EXPECT_TRUE(json(get("/calls", acme)).find("data")->items.empty());
  EXPECT_EQ(json(get("/calls", other)).find("data")->items.size(), 1u);

  EXPECT_EQ(get("/workspaces/other", acme).status, 404);
  EXPECT_EQ(get("/workspaces/other/agents", acme).status, 404);
  EXPECT_EQ(get("/workspaces/acme/agents", acme).status, 200);
  EXPECT_EQ(post("/workspaces/other/agents", R"({"id":"a2","name":"x"})", acme).status, 403);
  EXPECT_EQ(post("/workspaces", R"({"id":"w3","name":"x"})", acme).status, 403);
  EXPECT_EQ(post("/workspaces/acme/api-keys", "", acme).status, 403);
  EXPECT_EQ(json(get("/workspaces", acme)).find("data")->items.size(), 1u);
  EXPECT_EQ(json(get("/workspaces")).find("data")->items.size(), 2u);
}

TEST_F(RoutingAndAuth, PostBodiesMustBeJson) {
  ApiResponse response = send("POST", "/workspaces", R"({"id":"w","name":"n"})", kAdminKey,
                              {{"content-type", "text/plain"}});
  EXPECT_EQ(response.status, 415);
  EXPECT_EQ(errorCode(response), "unsupported_media_type");
  EXPECT_EQ(send("POST", "/workspaces", R"({"id":"w","name":"n"})", kAdminKey,
                 {{"content-type", "application/json; charset=utf-8"}})
                .status,
            201);
}

}  // namespace
}  // namespace vo::core::http::testing
