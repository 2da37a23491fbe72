#include "ProductionE2e.h"

#include <algorithm>
#include <chrono>
#include <sstream>
#include <stdexcept>

#include "PostgresTestDatabase.h"
#include "vo/testing/CallPages.h"
#include "vo/testing/Json.h"

namespace vo::e2e::production {

using vo::fake_elevenlabs::FakeElevenLabs;
using vo::testing::HttpClient;
using vo::testing::Json;
using vo::testing::ServerProcess;

int64_t nowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string phoneNumber(int i) {
  const std::string digits = std::to_string(i);
  return "+3461" + std::string(7 - std::min<std::size_t>(7, digits.size()), '0') + digits;
}

std::string callIdOf(const std::string& dynamicVariablesJson) {
  try {
    const Json variables = Json::parse(dynamicVariablesJson);
    return variables.has("vo_call_id") ? variables["vo_call_id"].string() : "";
  } catch (const std::runtime_error&) {
    return "";
  }
}

void ProductionE2eTest::startBackends(vo::fake_elevenlabs::FakeOptions fakeOptions) {
  if (vo::queue_redis::testing::RedisServerProcess::binary().empty()) {
    GTEST_SKIP() << "no redis-server (set VO_TEST_REDIS_SERVER)";
  }
  if (!vo::store_postgres::testing::postgresConfigured()) {
    GTEST_SKIP() << "no PostgreSQL (run under pg_virtualenv, as scripts/test.sh does)";
  }
  redis_.start();
  schema_ = vo::store_postgres::testing::uniqueSchema("e2e_production");
  fakeOptions.webhookSecret = kWebhookSecret;
  fake_ = std::make_unique<FakeElevenLabs>(std::move(fakeOptions));
}

std::unique_ptr<ServerProcess> ProductionE2eTest::startServer(const std::string& elevenLabsKey,
                                                              const std::string& dispatcherYaml,
                                                              const std::string& sectionsYaml) {
  vo::testing::ServerOptions options;
  options.configYaml = configFor(elevenLabsKey, dispatcherYaml, sectionsYaml);
  auto server = std::make_unique<ServerProcess>(std::move(options));
  server->start();
  return server;
}

std::unique_ptr<HttpClient> ProductionE2eTest::adminClient(const ServerProcess& server) {
  auto client = std::make_unique<HttpClient>(server.port());
  client->setDefaultHeader("Authorization", std::string("Bearer ") + kAdminKey);
  return client;
}

// config/production.yaml's plugins with this test's servers.
std::string ProductionE2eTest::configFor(const std::string& elevenLabsKey,
                                         const std::string& dispatcherYaml,
                                         const std::string& sectionsYaml) const {
  std::ostringstream yaml;
  yaml << "log:\n  level: warn\n"
       << "server:\n  host: 127.0.0.1\n  port: ${SERVICE_PORT}\n"
       << "auth:\n  adminKey: " << kAdminKey << "\n"
       << "dispatcher:\n"
       << dispatcherYaml << sectionsYaml << "plugins:\n"
       << "  store:\n    name: postgres\n    config:\n      url: \"" << storeUrl_ << "\"\n"
       << "      schema: " << schema_ << "\n      poolSize: 16\n"
       << "  queue:\n    name: redis\n    config:\n      url: " << redis_.url() << "\n"
       << "      keyPrefix: \"{vo-production-e2e}\"\n"
       << "  provider:\n    name: elevenlabs\n    config:\n"
       << "      apiKey: " << elevenLabsKey << "\n      baseUrl: " << fake_->baseUrl() << "\n"
       << "      webhookSecret: " << kWebhookSecret << "\n"
       << providerYaml_ << "tenants:\n  workspaces:\n"
       << "    - id: acme\n      name: Acme\n"
       << "      agents:\n        - id: agent_e2e\n          name: E2E agent\n"
       << "      phoneNumbers:\n        - id: phnum_e2e\n          number: \"+34601893170\"\n"
       << "          provider: twilio\n";
  return yaml.str();
}

std::vector<std::string> ProductionE2eTest::submit(HttpClient& client, int total,
                                                   int rowsPerRequest, int first) {
  std::vector<std::string> campaigns;
  for (int from = first; from < first + total; from += rowsPerRequest) {
    const int rows = std::min(rowsPerRequest, first + total - from);
    std::string body =
        R"({"workspaceId":"acme","agentId":"agent_e2e","agentPhoneNumberId":"phnum_e2e",)"
        R"("calls":[)";
    for (int i = from; i < from + rows; ++i) {
      if (i > from) body += ",";
      body += R"({"to":")" + phoneNumber(i) + R"(","variables":{"row":)" + std::to_string(i) + "}}";
    }
    body += "]}";
    const auto response = client.post("/calls/bulk", body);
    EXPECT_EQ(response.status, 202) << response.body;
    if (response.status != 202) break;
    campaigns.push_back(response.json()["campaignId"].string());
  }
  return campaigns;
}

int64_t ProductionE2eTest::finishedCalls(HttpClient& client,
                                         const std::vector<std::string>& campaigns) {
  int64_t finished = 0;
  for (const auto& id : campaigns) {
    const auto response = client.get("/campaigns/" + id);
    if (response.status != 200) return -1;
    finished += response.json()["finished"].int64();
  }
  return finished;
}

std::map<std::string, CallRecord> ProductionE2eTest::calls(
    HttpClient& client, const std::vector<std::string>& campaigns) {
  std::map<std::string, CallRecord> byId;
  for (const auto& campaignId : campaigns) {
    vo::testing::forEachCall(client, "campaignId=" + campaignId, [&](const Json& call) {
      byId[call["id"].string()] = {call["to"].string(), call["status"].string()};
    });
  }
  return byId;
}

std::string ProductionE2eTest::progress(HttpClient& client,
                                        const std::vector<std::string>& campaigns) {
  std::map<std::string, int64_t> byStatus;
  for (const auto& id : campaigns) {
    const auto response = client.get("/campaigns/" + id);
    if (response.status != 200) continue;
    for (const auto& [status, count] : response.json()["byStatus"].members()) {
      byStatus[status] += count.int64();
    }
  }
  std::ostringstream text;
  text << "calls by status:";
  for (const auto& [status, count] : byStatus) text << " " << status << " " << count;
  const auto answers = fake_->webhookAnswerCounts();
  text << "; the fake accepted " << fake_->acceptedCalls().size() << " dials, delivered "
       << fake_->webhookDeliveries().size() << " webhooks in " << answers.posts << " posts ("
       << answers.non2xx << " non-2xx, " << answers.unanswered << " unanswered)\n";
  return text.str();
}

std::map<std::string, std::vector<int64_t>> ProductionE2eTest::dialRequestsByRecipient() const {
  std::map<std::string, std::vector<int64_t>> byRecipient;
  for (const auto& request : fake_->requests()) {
    if (request.method != "POST" || request.path.find("outbound-call") == std::string::npos) {
      continue;
    }
    std::string recipient;
    try {
      const Json body = Json::parse(request.body);
      if (body.has("to_number")) recipient = body["to_number"].string();
    } catch (const std::runtime_error&) {
      // An unreadable body counts under "": the test then names it.
    }
    byRecipient[recipient].push_back(request.receivedAtUs);
  }
  return byRecipient;
}

}  // namespace vo::e2e::production
