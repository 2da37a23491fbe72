// A call's life through the real voice-orchestrator (SQLite store, memory queue, simulator with
// a record file): bulk campaigns drain with every number dialed once, a priority call ends, and
// a server SIGKILLed mid-drain and restarted loses nothing and calls nobody twice.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "vo/testing/CallPages.h"
#include "vo/testing/HttpClient.h"
#include "vo/testing/Json.h"
#include "vo/testing/Ports.h"
#include "vo/testing/ServerProcess.h"
#include "vo/testing/Wait.h"

namespace {

using vo::testing::forEachCall;
using vo::testing::HttpClient;

constexpr const char* kAdminKey = "e2e-dispatch-admin-key-0123456789abcdef";
constexpr auto kLongWait = std::chrono::minutes(5);

struct Scenario {
  int latencyMs = 1;
  int callDurationMs = 50;
  std::string outcomes = "{completed: 8, noAnswer: 1, busy: 1}";
  int concurrency = 32;
};

std::string configFor(const Scenario& scenario) {
  std::ostringstream yaml;
  yaml << "log:\n  level: warn\n"
       << "server:\n  host: 127.0.0.1\n  port: ${SERVICE_PORT}\n"
       << "auth:\n  adminKey: " << kAdminKey << "\n"
       << "dispatcher:\n"
       << "  concurrency: " << scenario.concurrency << "\n"
       << "  maxAttempts: 5\n  retryBaseMs: 20\n  retryMaxMs: 200\n"
       << "  leaseMs: 500\n  settleWindowMs: 2500\n  sweepIntervalMs: 200\n"
       << "  reconcileAfterMs: 1000\n  reconcileIntervalMs: 200\n"
       << "plugins:\n"
       << "  store:\n    name: sqlite\n    config:\n      path: ./e2e.db\n"
       << "  queue:\n    name: memory\n    config: {}\n"
       << "  provider:\n    name: simulator\n    config:\n"
       << "      latencyMs: " << scenario.latencyMs << "\n"
       << "      callDurationMs: " << scenario.callDurationMs << "\n"
       << "      rateLimitRetryAfterMs: 0\n"
       << "      outcomes: " << scenario.outcomes << "\n"
       << "      recordFile: ./calls.record\n"
       << "tenants:\n  workspaces:\n    - id: acme\n      name: Acme\n"
       << "      agents:\n        - id: agent_e2e\n          name: E2E agent\n"
       << "      phoneNumbers:\n        - id: phnum_e2e\n          number: \"+34601893170\"\n"
       << "          provider: twilio\n";
  return yaml.str();
}

std::string number(int i) {
  std::string digits = std::to_string(i);
  return "+3460" + std::string(7 - digits.size(), '0') + digits;
}

class DispatchE2eTest : public ::testing::Test {
 protected:
  void startServer(const Scenario& scenario) {
    vo::testing::ServerOptions options;
    options.configYaml = configFor(scenario);
    server_ = std::make_unique<vo::testing::ServerProcess>(std::move(options));
    server_->start();
    connect();
  }

  void connect() {
    client_ = std::make_unique<HttpClient>(server_->port());
    client_->setDefaultHeader("Authorization", std::string("Bearer ") + kAdminKey);
  }

  // Posts `count` calls in requests of up to 5,000 rows; the campaign ids.
  std::vector<std::string> bulk(int count) {
    std::vector<std::string> campaigns;
    for (int first = 0; first < count; first += 5000) {
      const int rows = std::min(5000, count - first);
      std::string body =
          R"({"workspaceId":"acme","agentId":"agent_e2e","agentPhoneNumberId":"phnum_e2e",)"
          R"("from":"+34601893170","calls":[)";
      for (int i = first; i < first + rows; ++i) {
        if (i > first) body += ",";
        body += R"({"to":")" + number(i) + R"(","variables":{"row":)" + std::to_string(i) + "}}";
      }
      body += "]}";
      const auto response = client_->post("/calls/bulk", body);
      EXPECT_EQ(response.status, 202) << response.body;
      if (response.status != 202) break;
      EXPECT_EQ(response.json()["accepted"].int64(), rows);
      campaigns.push_back(response.json()["campaignId"].string());
    }
    return campaigns;
  }

  int64_t finished(const std::string& campaignId) {
    const auto response = client_->get("/campaigns/" + campaignId);
    return response.status == 200 ? response.json()["finished"].int64() : -1;
  }

  bool allFinished(const std::vector<std::string>& campaigns, int total) {
    return vo::testing::waitUntil(
        [&] {
          int64_t done = 0;
          for (const auto& id : campaigns) done += std::max<int64_t>(0, finished(id));
          return done == total;
        },
        kLongWait, std::chrono::milliseconds(200));
  }

  // to -> status of every call of the campaigns.
  std::map<std::string, std::string> statuses(const std::vector<std::string>& campaigns) {
    std::map<std::string, std::string> byNumber;
    for (const auto& campaignId : campaigns) {
      forEachCall(*client_, "campaignId=" + campaignId, [&](const vo::testing::Json& call) {
        byNumber[call["to"].string()] = call["status"].string();
      });
    }
    return byNumber;
  }

  // to -> how many times the simulator placed a call to it, over every process run.
  std::map<std::string, int> dialsPerNumber() {
    std::map<std::string, int> dials;
    std::ifstream record(server_->workDir() + "/calls.record");
    for (std::string line; std::getline(record, line);) {
      std::istringstream words(line);
      std::string kind, atMs, callId, to;
      if (words >> kind >> atMs >> callId >> to && kind == "dial") ++dials[to];
    }
    return dials;
  }

  int dialLines() {
    int total = 0;
    for (const auto& [to, count] : dialsPerNumber()) total += count;
    return total;
  }

  // Every call final, nobody dialed twice, and every call that rang dialed exactly once.
  void expectEveryCallSettledOnce(const std::vector<std::string>& campaigns, int total) {
    const auto byNumber = statuses(campaigns);
    const auto dials = dialsPerNumber();
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

  std::unique_ptr<vo::testing::ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(DispatchE2eTest, BulkOfTenThousandCallsEachDialedExactlyOnce) {
  startServer(Scenario{});
  const int total = 10000;
  const auto campaigns = bulk(total);
  ASSERT_EQ(campaigns.size(), 2u);
  ASSERT_TRUE(allFinished(campaigns, total)) << server_->logText();
  expectEveryCallSettledOnce(campaigns, total);
  const auto dials = dialsPerNumber();
  EXPECT_EQ(static_cast<int>(dials.size()), total);  // everybody rang: the mix has no refusals
}

TEST_F(DispatchE2eTest, PriorityCallIsDialedAtOnceAndReachesItsOutcome) {
  startServer(Scenario{});
  const auto created = client_->post(
      "/calls/priority",
      R"({"workspaceId":"acme","agentId":"agent_e2e","agentPhoneNumberId":"phnum_e2e",)"
      R"("to":"+34631021622","from":"+34601893170","variables":{"customerName":"Juan"}})");
  ASSERT_EQ(created.status, 201) << created.body;
  const auto call = created.json();
  EXPECT_EQ(call["status"].string(), "initiated");
  EXPECT_FALSE(call["providerCallId"].string().empty());
  const std::string id = call["id"].string();
  std::string status;
  ASSERT_TRUE(vo::testing::waitUntil([&] {
    const auto read = client_->get("/calls/" + id);
    status = read.status == 200 ? read.json()["status"].string() : "";
    return status == "completed" || status == "no_answer" || status == "busy";
  })) << status;
  EXPECT_EQ(dialsPerNumber()["+34631021622"], 1);
}

TEST_F(DispatchE2eTest, KilledMidDrainAndRestartedNobodyLostNobodyCalledTwice) {
  Scenario scenario;
  scenario.latencyMs = 5;
  scenario.callDurationMs = 200;
  scenario.concurrency = 16;
  scenario.outcomes =
      "{completed: 70, noAnswer: 8, busy: 8, failed: 4, rateLimited: 1, rejected: 3, "
      "ambiguous: 6}";
  startServer(scenario);
  const int total = 3000;
  const auto campaigns = bulk(total);
  ASSERT_EQ(campaigns.size(), 1u);

  // SIGKILL while the drain is in full swing: calls are queued, dispatching, ringing.
  ASSERT_TRUE(vo::testing::waitUntil([&] { return dialLines() >= 300; }, kLongWait,
                                     std::chrono::milliseconds(5)));
  EXPECT_EQ(server_->kill(SIGKILL), 128 + SIGKILL);
  const int dialedBeforeKill = dialLines();
  EXPECT_LT(dialedBeforeKill, total) << "the drain ended before the kill; nothing was tested";

  server_->start();  // the same store, record file and config
  connect();
  ASSERT_TRUE(allFinished(campaigns, total)) << server_->logText();
  expectEveryCallSettledOnce(campaigns, total);
  const auto byNumber = statuses(campaigns);
  EXPECT_GT(std::count_if(byNumber.begin(), byNumber.end(),
                          [](const auto& entry) { return entry.second == "completed"; }),
            0);
}

}  // namespace

// The value of the sample `series` (name and labels, exactly) on /metrics; -1 when absent.
int64_t sample(const std::string& metrics, const std::string& series) {
  const std::string prefix = "\n" + series + " ";
  const std::size_t at = metrics.find(prefix);
  if (at == std::string::npos) return -1;
  return std::stoll(metrics.substr(at + prefix.size()));
}

TEST_F(DispatchE2eTest, MetricsCountEachCallsFinalStatusAndDialOnceByWorkspaceAndAgent) {
  Scenario scenario;
  scenario.outcomes = "{completed: 5, noAnswer: 2, busy: 2, rejected: 1}";
  startServer(scenario);
  const int total = 400;
  const auto campaigns = bulk(total);
  ASSERT_EQ(campaigns.size(), 1u);
  ASSERT_TRUE(allFinished(campaigns, total)) << server_->logText();
  expectEveryCallSettledOnce(campaigns, total);
  std::map<std::string, int64_t> byStatus;
  for (const auto& [to, status] : statuses(campaigns)) ++byStatus[status];
  ASSERT_GT(byStatus["completed"], 0);
  ASSERT_GT(byStatus["failed"], 0);  // the rejected dials

  const auto series = [](const std::string& label, const std::string& value) {
    const bool outcome = label == "outcome";
    return std::string(outcome ? "vo_dial_outcomes_total" : "vo_calls_finished_total") +
           "{workspace=\"acme\",agent=\"agent_e2e\"," + label + "=\"" + value + "\"}";
  };
  HttpClient anonymous(server_->port());
  std::string metrics;
  // A call's status is readable as soon as its write commits; its count follows at once.
  const bool counted = vo::testing::waitUntil([&] {
    metrics = anonymous.get("/metrics").body;
    int64_t finished = 0;
    for (const char* status : {"completed", "no_answer", "busy", "failed"}) {
      finished += std::max<int64_t>(0, sample(metrics, series("status", status)));
    }
    return finished >= total;
  });
  ASSERT_TRUE(counted) << metrics;
  for (const char* status : {"completed", "no_answer", "busy", "failed", "canceled"}) {
    EXPECT_EQ(sample(metrics, series("status", status)), byStatus[status]) << status << metrics;
  }
  // Every call dialed once (the mix has no "not placed"): each dial counted once, by its answer.
  EXPECT_EQ(sample(metrics, series("outcome", "accepted")), total - byStatus["failed"]) << metrics;
  EXPECT_EQ(sample(metrics, series("outcome", "rejected")), byStatus["failed"]) << metrics;
  EXPECT_EQ(sample(metrics, series("outcome", "not_placed")), 0) << metrics;
  EXPECT_EQ(metrics.find("workspace=\"other\""), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("vo_dispatch_latency_seconds_bucket{le=\"0.0025\"} "), std::string::npos);
}
