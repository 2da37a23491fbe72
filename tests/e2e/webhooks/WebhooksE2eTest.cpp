// Signed webhooks through the real voice-orchestrator (SQLite, memory queue, simulator) to a
// receiver on loopback that verifies every signature: a 1,000-call campaign's every final
// status arrives; an endpoint down for 30 s gets everything once it is back; a server SIGKILLed
// mid-campaign and restarted still delivers every event; a redelivery arrives again.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "WebhookReceiver.h"
#include "vo/testing/CallPages.h"
#include "vo/testing/HttpClient.h"
#include "vo/testing/Json.h"
#include "vo/testing/ServerProcess.h"
#include "vo/testing/Wait.h"

namespace {

using vo::testing::HttpClient;
using vo::testing::Json;
using vo::testing::WebhookReceiver;

constexpr const char* kAdminKey = "e2e-webhooks-admin-key-0123456789abcdef";
constexpr auto kLongWait = std::chrono::minutes(5);

std::string config() {
  std::ostringstream yaml;
  yaml << "log:\n  level: warn\n"
       << "server:\n  host: 127.0.0.1\n  port: ${SERVICE_PORT}\n"
       << "auth:\n  adminKey: " << kAdminKey << "\n"
       << "dispatcher:\n  concurrency: 32\n  leaseMs: 500\n  settleWindowMs: 2500\n"
       << "  sweepIntervalMs: 200\n  reconcileAfterMs: 1000\n  reconcileIntervalMs: 200\n"
       << "webhooks:\n  allowPrivateTargets: true\n  firstRetryMs: 500\n  timeoutMs: 2000\n"
       << "plugins:\n"
       << "  store:\n    name: sqlite\n    config:\n      path: ./e2e.db\n"
       << "  queue:\n    name: memory\n    config: {}\n"
       << "  provider:\n    name: simulator\n    config:\n      latencyMs: 1\n"
       << "      callDurationMs: 50\n      outcomes: {completed: 8, noAnswer: 1, busy: 1}\n"
       << "tenants:\n  workspaces:\n    - id: acme\n      name: Acme\n"
       << "      agents:\n        - id: agent_e2e\n          name: E2E agent\n"
       << "      phoneNumbers:\n        - id: phnum_e2e\n          number: \"+34601893170\"\n"
       << "          provider: twilio\n";
  return yaml.str();
}

class WebhooksE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<vo::testing::ServerProcess>(
        vo::testing::ServerOptions{.configYaml = config()});
    server_->start();
    client_ = std::make_unique<HttpClient>(server_->port());
    client_->setDefaultHeader("Authorization", std::string("Bearer ") + kAdminKey);
  }

  // Registers the receiver for every call event; its id.
  std::string subscribe() {
    const auto response = client_->post(
        "/workspaces/acme/webhooks",
        R"({"url":")" + receiver_.url() +
            R"(","events":["call.initiated","call.completed","call.no_answer","call.busy",)"
            R"("call.failed","call.unknown","call.canceled"]})");
    EXPECT_EQ(response.status, 201) << response.body;
    receiver_.setSecret(response.json()["secret"].string());
    return response.json()["id"].string();
  }

  std::string campaign(int count) {
    std::string body =
        R"({"workspaceId":"acme","agentId":"agent_e2e","agentPhoneNumberId":"phnum_e2e",)"
        R"("from":"+34601893170","calls":[)";
    for (int i = 0; i < count; ++i) {
      const std::string digits = std::to_string(i);
      body += std::string(i > 0 ? "," : "") + R"({"to":"+3460)" +
              std::string(7 - digits.size(), '0') + digits + R"("})";
    }
    const auto response = client_->post("/calls/bulk", body + "]}");
    EXPECT_EQ(response.status, 202) << response.body;
    return response.json()["campaignId"].string();
  }

  bool finished(const std::string& campaignId, int count) {
    return vo::testing::waitUntil(
        [&] {
          const auto response = client_->get("/campaigns/" + campaignId);
          return response.status == 200 && response.json()["finished"].int64() == count;
        },
        kLongWait, std::chrono::milliseconds(200));
  }

  // (call id, "call.<final status>") of every call of the campaign.
  std::set<std::pair<std::string, std::string>> finalEvents(const std::string& campaignId) {
    std::set<std::pair<std::string, std::string>> events;
    vo::testing::forEachCall(*client_, "campaignId=" + campaignId, [&](const Json& call) {
      events.insert({call["id"].string(), "call." + call["status"].string()});
    });
    return events;
  }

  // Waits until the receiver has every one of `expected`; names the first missing on failure.
  void expectReceived(const std::set<std::pair<std::string, std::string>>& expected) {
    const bool all = vo::testing::waitUntil(
        [&] {
          const auto got = receiver_.events();
          for (const auto& event : expected) {
            if (!got.contains(event)) return false;
          }
          return true;
        },
        kLongWait, std::chrono::milliseconds(200));
    if (!all) {
      const auto got = receiver_.events();
      for (const auto& event : expected) {
        if (!got.contains(event)) {
          ADD_FAILURE() << event.first << " " << event.second << " never arrived of "
                        << expected.size() << "; " << got.size() << " arrived\n"
                        << server_->logText();
          break;
        }
      }
    }
    EXPECT_EQ(receiver_.refused(), 0) << "every POST is signed right";
  }

  WebhookReceiver receiver_;
  std::unique_ptr<vo::testing::ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(WebhooksE2eTest, EverySubscribedEventOfAThousandCallCampaignArrivesSigned) {
  receiver_.start();
  subscribe();
  const std::string id = campaign(1000);
  ASSERT_TRUE(finished(id, 1000));
  const auto expected = finalEvents(id);
  ASSERT_EQ(expected.size(), 1000u);
  expectReceived(expected);
}

TEST_F(WebhooksE2eTest, AnEndpointDownForThirtySecondsGetsEveryEventWhenBack) {
  const std::string webhookId = subscribe();  // the receiver is not listening yet
  const auto downSince = std::chrono::steady_clock::now();
  const std::string id = campaign(200);
  ASSERT_TRUE(finished(id, 200)) << "calls flow while the endpoint is down";
  std::this_thread::sleep_until(downSince + std::chrono::seconds(30));
  const auto page = client_->get("/workspaces/acme/webhooks/" + webhookId + "/deliveries?limit=1");
  ASSERT_EQ(page.status, 200) << page.body;
  const Json newest = page.json()["data"].at(0);
  EXPECT_EQ(newest["state"].string(), "pending");
  EXPECT_GE(newest["attempts"].size(), 1u);
  EXPECT_TRUE(newest["attempts"].at(0)["httpStatus"].isNull()) << "no answer while down";
  receiver_.start();
  expectReceived(finalEvents(id));
}

TEST_F(WebhooksE2eTest, AServerKilledMidCampaignStillDeliversEveryEventAfterItsRestart) {
  receiver_.start();
  subscribe();
  const std::string id = campaign(1000);
  ASSERT_TRUE(vo::testing::waitUntil([&] { return receiver_.events().size() >= 100; }, kLongWait,
                                     std::chrono::milliseconds(20)));
  server_->kill(SIGKILL);
  server_->start();
  ASSERT_TRUE(finished(id, 1000)) << server_->logText();
  expectReceived(finalEvents(id));
}

TEST_F(WebhooksE2eTest, ARedeliveryArrivesAgain) {
  receiver_.start();
  const std::string webhookId = subscribe();
  const std::string id = campaign(3);
  ASSERT_TRUE(finished(id, 3));
  expectReceived(finalEvents(id));
  const std::string deliveries = "/workspaces/acme/webhooks/" + webhookId + "/deliveries";
  std::string eventId;
  ASSERT_TRUE(vo::testing::waitUntil(
      [&] {
        const Json newest = client_->get(deliveries + "?limit=1").json()["data"].at(0);
        eventId = newest["id"].string();
        return newest["state"].string() == "delivered";
      },
      kLongWait, std::chrono::milliseconds(100)));
  ASSERT_EQ(receiver_.timesById()[eventId], 1);
  const auto redone = client_->post(deliveries + "/" + eventId + "/redeliver", "");
  ASSERT_EQ(redone.status, 202) << redone.body;
  EXPECT_TRUE(vo::testing::waitUntil([&] { return receiver_.timesById()[eventId] == 2; }, kLongWait,
                                     std::chrono::milliseconds(50)));
  const Json delivery = client_->get(deliveries).json()["data"];
  bool listed = false;
  for (const Json& item : delivery.elements()) {
    if (item["id"].string() != eventId) continue;
    listed = true;
    EXPECT_EQ(item["attempts"].size(), 2u);
    EXPECT_EQ(item["attempts"].at(1)["httpStatus"].int64(), 200);
  }
  EXPECT_TRUE(listed);
}

}  // namespace
