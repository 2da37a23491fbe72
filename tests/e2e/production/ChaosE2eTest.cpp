// Issue #9's chaos run: two instances share PostgreSQL and Redis and drain 10,000 calls at
// concurrency 50 each, while the fake ElevenLabs misbehaves (5 % of dials answered 500 without
// placing them, 5 % 429, 1 % placed and then the connection dropped, 1 % placed and answered
// after the client's timeout; 2 % of webhooks never sent, 2 % sent twice, 5xx answers retried)
// and the run is hit by everything at once: Redis restarted empty, PostgreSQL restarted, one
// instance SIGKILLed and restarted, the other SIGSTOPped for 5 s, a campaign of 1,000 calls
// canceled midway, another paused and resumed. Judged afterwards from the fake's own record and
// the API. It restarts the shared PostgreSQL, so it runs alone (RUN_SERIAL).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "ProductionE2e.h"
#include "vo/testing/CallPages.h"
#include "vo/testing/Json.h"
#include "vo/testing/Wait.h"

namespace vo::e2e::production {
namespace {

using vo::fake_elevenlabs::FakeOptions;
using vo::testing::HttpClient;
using vo::testing::Json;
using vo::testing::ServerProcess;

constexpr const char* kKeyA = "xi-chaos-a";
constexpr const char* kKeyB = "xi-chaos-b";
constexpr int kCampaignSize = 1000;

// 10,000 calls; under AddressSanitizer (CI's slower second pass) 3,000.
// VO_E2E_CHAOS_CALLS overrides either (whole campaigns of 1,000, at least 3).
int callCount() {
  if (const char* text = std::getenv("VO_E2E_CHAOS_CALLS")) {
    return std::max(3, std::atoi(text) / kCampaignSize) * kCampaignSize;
  }
#if defined(__SANITIZE_ADDRESS__)
  return 3000;
#else
  return 10000;
#endif
}
constexpr auto kDeadline = std::chrono::minutes(10);
// A dial sent just before the cancel answered may be read by the fake a moment after.
constexpr int64_t kReadLagUs = 250'000;

// The call id in an outbound-call request's dynamic variables; "" when unreadable.
std::string callIdOfDial(const std::string& body) {
  try {
    return callIdOf(
        Json::parse(body)["conversation_initiation_client_data"]["dynamic_variables"].text());
  } catch (const std::runtime_error&) {
    return "";
  }
}

struct StoredCall {
  std::string campaignId;
  std::string status;
  std::string lastError;
};

class ChaosE2eTest : public ProductionE2eTest {
 protected:
  void waitForAccepted(std::size_t count) {
    ASSERT_TRUE(vo::testing::waitUntil([&] { return fake_->acceptedCalls().size() >= count; },
                                       kDeadline, std::chrono::milliseconds(20)))
        << "the drain stalled before " << count << " calls were placed\n"
        << logs();
  }

  std::string logs() const {
    return "--- instance a ---\n" + a_->logText() + "--- instance b ---\n" + b_->logText();
  }

  std::map<std::string, StoredCall> storedCalls(HttpClient& client) {
    std::map<std::string, StoredCall> all;
    vo::testing::forEachCall(client, "workspaceId=acme", [&](const Json& call) {
      StoredCall stored;
      stored.campaignId = call["campaignId"].isNull() ? "" : call["campaignId"].string();
      stored.status = call["status"].string();
      stored.lastError =
          call.has("lastError") && !call["lastError"].isNull() ? call["lastError"].string() : "";
      all[call["id"].string()] = stored;
    });
    return all;
  }

  static bool isFinal(const std::string& status) {
    static const std::set<std::string> kFinal = {"completed", "no_answer", "busy",   "failed",
                                                 "unknown",   "canceled",  "expired"};
    return kFinal.contains(status);
  }

  std::unique_ptr<ServerProcess> a_;
  std::unique_ptr<ServerProcess> b_;
};

TEST_F(ChaosE2eTest, TenThousandCallsThroughEveryFaultNobodyTwiceNobodyForgotten) {
  const int totalCalls = callCount();
  // Each fault strikes when this share of the calls has been placed.
  const auto placedShare = [&](double share) {
    return static_cast<std::size_t>(share * totalCalls);
  };
  FakeOptions options;
  options.apiKeys = {kKeyA, kKeyB};
  options.latencyMs = 150;  // 100 dials in flight: about 600 a second, a drain of 20 s or more
  options.callDurationMs = 500;
  options.webhookSenders = 8;
  options.chaos.notPlaced500 = 0.05;
  options.chaos.tooMany429 = 0.05;
  options.chaos.dropAfterAccept = 0.01;
  options.chaos.answerAfterTimeout = 0.01;
  options.chaos.webhookDrop = 0.02;
  options.chaos.webhookDuplicate = 0.02;
  options.chaos.seed = 20261204;
  startBackends(options);
  if (IsSkipped()) return;
  // A dial gives up after 1.3 s, below the 3 s lease; "not placed" is believed 6 s after.
  providerYaml_ = "      connectTimeoutMs: 300\n      readTimeoutMs: 1000\n";
  const std::string dispatcher =
      "  concurrency: 50\n  leaseMs: 3000\n  settleWindowMs: 6000\n  sweepIntervalMs: 500\n"
      "  reconcileIntervalMs: 500\n  reconcileAfterMs: 5000\n";
  a_ = startServer(kKeyA, dispatcher);
  fake_->setWebhookUrl(a_->baseUrl() + "/webhooks/elevenlabs");
  b_ = startServer(kKeyB, dispatcher);
  auto clientA = adminClient(*a_);
  auto clientB = adminClient(*b_);

  const auto campaigns = submit(*clientA, totalCalls, kCampaignSize);
  ASSERT_EQ(campaigns.size(), static_cast<std::size_t>(totalCalls / kCampaignSize));
  const std::string canceled = campaigns[campaigns.size() - 3];
  const std::string paused = campaigns[campaigns.size() - 2];

  waitForAccepted(placedShare(0.1));
  const auto cancel = clientB->post("/campaigns/" + canceled + "/cancel", "");
  const int64_t cancelAnsweredUs = nowMicros();
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  ASSERT_EQ(clientA->post("/campaigns/" + paused + "/pause", "").status, 200);

  waitForAccepted(placedShare(0.2));
  redis_.stop();
  redis_.start();  // empty

  waitForAccepted(placedShare(0.3));
  ASSERT_EQ(clientB->post("/campaigns/" + paused + "/resume", "").status, 200);
  b_->kill(SIGKILL);
  b_->restart();
  clientB = adminClient(*b_);

  waitForAccepted(placedShare(0.45));
  ASSERT_EQ(::kill(a_->pid(), SIGSTOP), 0);
  std::this_thread::sleep_for(std::chrono::seconds(5));
  ASSERT_EQ(::kill(a_->pid(), SIGCONT), 0);

  waitForAccepted(placedShare(0.6));
  // Stop, then start: `restart` skips the stop when the shared external pid file
  // (/var/run/postgresql/15-regress.pid) names another pg_virtualenv's cluster, then refuses to
  // start this running one ("Cluster is already running.").
  ASSERT_EQ(std::system("pg_ctlcluster \"$PGVERSION\" regress stop -m fast"), 0);
  ASSERT_EQ(std::system("pg_ctlcluster \"$PGVERSION\" regress start"), 0);

  std::map<std::string, StoredCall> stored;
  const bool settled = vo::testing::waitUntil(
      [&] {
        stored = storedCalls(*clientA);
        if (stored.size() != static_cast<std::size_t>(totalCalls)) return false;
        // `unknown` too is waited out: the fake can always tell, so each is settled in the end
        // (an unplaced one is dialed again once its settle window has passed).
        for (const auto& [id, call] : stored) {
          if (!isFinal(call.status) || call.status == "unknown") return false;
        }
        return true;
      },
      kDeadline, std::chrono::seconds(1));
  std::map<std::string, int> byStatus;
  for (const auto& [id, call] : stored) ++byStatus[call.status];
  std::string counts;
  for (const auto& [status, count] : byStatus) counts += status + "=" + std::to_string(count) + " ";
  std::cout << "chaos run: " << counts << "\n";
  ASSERT_TRUE(settled) << "calls left non-final: " << counts << "\n" << logs();

  // From the fake's own record: conversations placed per call, dials of the canceled campaign.
  std::map<std::string, int> placedOf;
  for (const auto& dial : fake_->acceptedCalls()) ++placedOf[callIdOf(dial.dynamicVariablesJson)];
  int dialsAfterCancel = 0;
  for (const auto& request : fake_->requests()) {
    if (request.method != "POST" || request.path.find("outbound-call") == std::string::npos) {
      continue;
    }
    const std::string callId = callIdOfDial(request.body);
    const auto call = stored.find(callId);
    if (call != stored.end() && call->second.campaignId == canceled &&
        request.receivedAtUs > cancelAnsweredUs + kReadLagUs) {
      ++dialsAfterCancel;
    }
  }
  int dialRequests = 0;
  for (const auto& request : fake_->requests()) {
    dialRequests +=
        request.method == "POST" && request.path.find("outbound-call") != std::string::npos;
  }
  std::cout << "chaos run: " << dialRequests << " dial requests, " << fake_->acceptedCalls().size()
            << " conversations placed, " << fake_->webhookDeliveries().size()
            << " webhooks sent (retries and duplicates included)\n";
  std::vector<std::string> wrong;
  for (const auto& [id, call] : stored) {
    const int placed = placedOf.contains(id) ? placedOf.at(id) : 0;
    if (placed > 1) wrong.push_back(id + " placed " + std::to_string(placed) + " times");
    if (call.status == "canceled" || placed == 1) continue;
    // Not placed: only `failed`, with the reason.
    if (call.status != "failed" || call.lastError.empty()) {
      wrong.push_back(id + " " + call.status + " but placed " + std::to_string(placed) +
                      " times (" + call.lastError + ")");
    }
  }
  EXPECT_TRUE(wrong.empty()) << wrong.size() << " calls, the first: " << wrong.front();
  EXPECT_EQ(dialsAfterCancel, 0);
  EXPECT_EQ(byStatus.count("unknown"), 0u) << "the fake can always tell: " << counts;
  EXPECT_EQ(placedOf.count(""), 0u) << "a dial without its call id";

  // The daily report agrees with the calls themselves.
  const auto report = clientA->get("/calls/report?workspaceId=acme");
  ASSERT_EQ(report.status, 200) << report.body;
  const Json totals = report.json()["totals"];
  EXPECT_EQ(totals["total"].int64(), totalCalls);
  EXPECT_EQ(totals["byStatus"].members().size(), byStatus.size()) << report.body;
  for (const auto& [status, count] : byStatus) {
    EXPECT_EQ(totals["byStatus"][status].int64(), count) << status;
  }
}

}  // namespace
}  // namespace vo::e2e::production
