#include "RedisE2e.h"

#include <algorithm>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "vo/testing/CallPages.h"
#include "vo/testing/Json.h"
#include "vo/testing/Wait.h"
#ifdef VO_E2E_HAVE_POSTGRES
#include "PostgresTestDatabase.h"
#endif

namespace vo::e2e::redis {

std::string phoneNumber(int i) {
  std::string digits = std::to_string(i);
  return "+3460" + std::string(7 - std::min<std::size_t>(7, digits.size()), '0') + digits;
}

void RedisE2e::SetUp() {
  if (vo::queue_redis::testing::RedisServerProcess::binary().empty()) {
    GTEST_SKIP() << "no redis-server (set VO_TEST_REDIS_SERVER)";
  }
  redis_.start();
#ifdef VO_E2E_HAVE_POSTGRES
  if (vo::store_postgres::testing::postgresConfigured()) {
    schema_ = vo::store_postgres::testing::uniqueSchema("e2e_redis");
  }
#endif
}

std::string RedisE2e::storeSection() const {
  if (!schema_.empty()) {
    return "  store:\n    name: postgres\n    config:\n      url: \"\"\n      schema: " + schema_ +
           "\n      poolSize: 8\n";
  }
  // Several processes on one SQLite file (WAL) stand in when no PostgreSQL is at hand.
  return "  store:\n    name: sqlite\n    config:\n      path: " + shared_.file("shared.db") + "\n";
}

std::string RedisE2e::configFor(const Scenario& scenario) const {
  std::ostringstream yaml;
  yaml << "log:\n  level: warn\n"
       << "server:\n  host: 127.0.0.1\n  port: ${SERVICE_PORT}\n"
       << "auth:\n  adminKey: " << kAdminKey << "\n"
       << "dispatcher:\n  concurrency: " << scenario.concurrency << "\n"
       << "  maxAttempts: 5\n  retryBaseMs: 20\n  retryMaxMs: 200\n"
       << "  leaseMs: 1000\n  settleWindowMs: 5000\n  sweepIntervalMs: 300\n"
       << "  reconcileAfterMs: 1500\n  reconcileIntervalMs: 300\n"
       << "plugins:\n"
       << storeSection() << "  queue:\n    name: redis\n    config:\n      url: " << redis_.url()
       << "\n      keyPrefix: \"{vo-e2e}\"\n      reconnectMinMs: 20\n      reconnectMaxMs: 200\n"
       << "  provider:\n    name: simulator\n    config:\n      latencyMs: 1\n"
       << "      callDurationMs: " << scenario.callDurationMs << "\n"
       << "      rateLimitRetryAfterMs: 0\n"
       << "      outcomes: " << scenario.outcomes << "\n"
       << "      recordFile: " << shared_.file("calls.record") << "\n"
       << "tenants:\n  workspaces:\n"
       << "    - id: acme\n      agents:\n        - id: agent_a\n      phoneNumbers:\n"
       << "        - id: phnum_a\n          number: \"+34601893170\"\n"
       << "        - id: phnum_paced\n          number: \"+34601893171\"\n"
       << "          maxConcurrentCalls: 5\n"
       << "    - id: beta\n      agents:\n        - id: agent_b\n      phoneNumbers:\n"
       << "        - id: phnum_b\n          number: \"+34601893172\"\n";
  return yaml.str();
}

void RedisE2e::startServers(const Scenario& scenario) {
  for (int i = 0; i < scenario.processes; ++i) {
    vo::testing::ServerOptions options;
    options.configYaml = configFor(scenario);
    servers_.push_back(std::make_unique<vo::testing::ServerProcess>(std::move(options)));
    servers_.back()->start();
    clients_.push_back(std::make_unique<vo::testing::HttpClient>(servers_.back()->port()));
    clients_.back()->setDefaultHeader("Authorization", std::string("Bearer ") + kAdminKey);
  }
}

std::vector<std::string> RedisE2e::bulk(const std::string& workspace, const std::string& agent,
                                        const std::string& phone, int count, int firstNumber) {
  std::vector<std::string> campaigns;
  for (int first = 0; first < count; first += 5000) {
    const int rows = std::min(5000, count - first);
    std::string body = R"({"workspaceId":")" + workspace + R"(","agentId":")" + agent +
                       R"(","agentPhoneNumberId":")" + phone + R"(","calls":[)";
    for (int i = first; i < first + rows; ++i) {
      if (i > first) body += ",";
      body += R"({"to":")" + phoneNumber(firstNumber + i) + R"("})";
    }
    body += "]}";
    const auto response = client().post("/calls/bulk", body);
    EXPECT_EQ(response.status, 202) << response.body;
    if (response.status != 202) break;
    campaigns.push_back(response.json()["campaignId"].string());
  }
  return campaigns;
}

bool RedisE2e::allFinished(const std::vector<std::string>& campaigns, int total) {
  return vo::testing::waitUntil(
      [&] {
        int64_t done = 0;
        for (const auto& id : campaigns) {
          const auto response = client().get("/campaigns/" + id);
          if (response.status != 200) return false;
          const auto campaign = response.json();
          // `unknown` counts as finished, but the reconciler still asks the simulator (its
          // record file answers) and may move the call on: to `initiated` if it rang, back to
          // `queued` if it was never placed. Settled means none is left to ask about.
          if (campaign["byStatus"].has("unknown") && campaign["byStatus"]["unknown"].int64() > 0) {
            return false;
          }
          done += campaign["finished"].int64();
        }
        return done == total;
      },
      kLongWait, std::chrono::milliseconds(250));
}

std::map<std::string, std::string> RedisE2e::statuses(const std::vector<std::string>& campaigns) {
  std::map<std::string, std::string> byNumber;
  for (const auto& campaignId : campaigns) {
    vo::testing::forEachCall(client(), "campaignId=" + campaignId,
                             [&](const vo::testing::Json& call) {
                               byNumber[call["to"].string()] = call["status"].string();
                             });
  }
  return byNumber;
}

std::vector<RecordLine> RedisE2e::record() const {
  std::vector<RecordLine> lines;
  std::ifstream file(shared_.file("calls.record"));
  for (std::string text; std::getline(file, text);) {
    std::istringstream words(text);
    std::string kind;
    RecordLine line;
    if (!(words >> kind >> line.atMs)) continue;
    if (kind == "dial") {
      line.dial = true;
      if (words >> line.callId >> line.to >> line.phoneNumberId >> line.providerCallId) {
        lines.push_back(line);
      }
    } else if (kind == "end" && words >> line.providerCallId) {
      lines.push_back(line);
    }
  }
  return lines;
}

int RedisE2e::dialLines() const {
  auto lines = record();
  return static_cast<int>(
      std::count_if(lines.begin(), lines.end(), [](const RecordLine& line) { return line.dial; }));
}

void RedisE2e::expectEveryCallSettledOnce(const std::vector<std::string>& campaigns, int total) {
  const auto byNumber = statuses(campaigns);
  std::map<std::string, int> dials;
  for (const auto& line : record()) {
    if (line.dial) ++dials[line.to];
  }
  ASSERT_EQ(static_cast<int>(byNumber.size()), total);
  const std::set<std::string> notFinal = {"queued", "dispatching", "initiated"};
  const std::set<std::string> rang = {"completed", "no_answer", "busy"};
  for (const auto& [to, count] : dials) EXPECT_LE(count, 1) << to << " was dialed twice";
  for (const auto& [to, status] : byNumber) {
    EXPECT_FALSE(notFinal.contains(status)) << to << " is still " << status;
    if (rang.contains(status)) {
      EXPECT_EQ(dials.contains(to) ? dials.at(to) : 0, 1) << to << " " << status;
    }
  }
}

std::string RedisE2e::logs() const {
  std::string text;
  for (const auto& server : servers_) text += server->logText();
  return text;
}

}  // namespace vo::e2e::redis
