// Issue #9, hole 4 on the production stack: PostgreSQL commits a request's writes but its answer
// never reaches the service (a CommitCutProxy between them drops it). The request's
// Idempotency-Key answer is written in the same transaction as its calls, so the service answers
// from it, and a client's repeat gets the same answer: nothing is created twice, nobody dialed
// twice.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>

#include "CommitCutProxy.h"
#include "ProductionE2e.h"
#include "vo/testing/Json.h"
#include "vo/testing/Wait.h"

namespace vo::e2e::production {
namespace {

using vo::testing::HttpClient;
using vo::testing::Json;

constexpr const char* kKey = "xi-lost-commit";
constexpr int kRows = 20;

class LostCommitE2eTest : public ProductionE2eTest {
 protected:
  void SetUp() override {
    vo::fake_elevenlabs::FakeOptions options;
    options.apiKeys = {kKey};
    startBackends(options);
    if (IsSkipped()) return;
    const char* port = std::getenv("PGPORT");
    proxy_ = std::make_unique<CommitCutProxy>(port != nullptr ? std::atoi(port) : 5432);
    storeUrl_ = "postgresql://127.0.0.1:" + std::to_string(proxy_->port()) + "/?sslmode=disable";
    server_ = startServer(kKey, "  concurrency: 10\n");
    fake_->setWebhookUrl(server_->baseUrl() + "/webhooks/elevenlabs");
    client_ = adminClient(*server_);
  }

  // Outbound-call requests the fake received, by recipient.
  std::unique_ptr<CommitCutProxy> proxy_;
  std::unique_ptr<vo::testing::ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(LostCommitE2eTest, ABulkWhoseCommitAnswerWasLostIsCreatedOnceAndAnsweredTheSame) {
  std::string body =
      R"({"workspaceId":"acme","agentId":"agent_e2e","agentPhoneNumberId":"phnum_e2e","calls":[)";
  for (int i = 0; i < kRows; ++i) {
    body += std::string(i > 0 ? "," : "") + R"({"to":")" + phoneNumber(i) + R"("})";
  }
  body += "]}";
  const vo::testing::HttpHeaders key{{"Idempotency-Key", "order-lost-commit"}};

  proxy_->armFor("order-lost-commit");
  const auto first = client_->post("/calls/bulk", body, key);
  ASSERT_EQ(proxy_->commitsCut(), 1) << "the commit was not cut: the test proves nothing\n"
                                     << server_->logText();
  // Before issue 9: 503, the key forgotten, and the repeat below made a second campaign.
  ASSERT_EQ(first.status, 202) << first.body << "\n" << server_->logText();
  const auto repeat = client_->post("/calls/bulk", body, key);
  ASSERT_EQ(repeat.status, 202) << repeat.body;
  EXPECT_EQ(repeat.body, first.body);

  const auto campaigns = client_->get("/campaigns?workspaceId=acme");
  ASSERT_EQ(campaigns.status, 200) << campaigns.body;
  ASSERT_EQ(campaigns.json()["data"].size(), 1u) << campaigns.body;
  const std::string campaignId = first.json()["campaignId"].string();
  ASSERT_TRUE(vo::testing::waitUntil([&] { return finishedCalls(*client_, {campaignId}) == kRows; },
                                     std::chrono::minutes(2)))
      << progress(*client_, {campaignId});
  const auto dials = dialRequestsByRecipient();
  EXPECT_EQ(dials.size(), static_cast<std::size_t>(kRows));
  for (const auto& [recipient, times] : dials) EXPECT_EQ(times.size(), 1u) << recipient;
}

TEST_F(LostCommitE2eTest, APriorityCallWhoseCommitAnswerWasLostIsDialedOnce) {
  const std::string body =
      R"({"workspaceId":"acme","agentId":"agent_e2e","agentPhoneNumberId":"phnum_e2e",)"
      R"("to":")" +
      phoneNumber(900) + R"("})";
  const vo::testing::HttpHeaders key{{"Idempotency-Key", "urgent-lost-commit"}};

  proxy_->armFor("urgent-lost-commit");
  const auto first = client_->post("/calls/priority", body, key);
  ASSERT_EQ(proxy_->commitsCut(), 1) << "the commit was not cut: the test proves nothing\n"
                                     << server_->logText();
  ASSERT_TRUE(first.status == 201 || first.status == 202) << first.status << " " << first.body;
  const std::string callId = first.json()["id"].string();
  const auto repeat = client_->post("/calls/priority", body, key);
  ASSERT_TRUE(repeat.status == 201 || repeat.status == 202) << repeat.body;
  EXPECT_EQ(repeat.json()["id"].string(), callId);

  // The call goes on (dialed once, then its webhook ends it), and it is the only one.
  ASSERT_TRUE(vo::testing::waitUntil(
      [&] {
        const auto call = client_->get("/calls/" + callId);
        return call.status == 200 && call.json()["status"].string() == "completed";
      },
      std::chrono::minutes(2)))
      << client_->get("/calls/" + callId).body << "\n"
      << server_->logText();
  EXPECT_EQ(dialRequestsByRecipient()[phoneNumber(900)].size(), 1u);
  const auto calls = client_->get("/calls?workspaceId=acme");
  ASSERT_EQ(calls.status, 200);
  EXPECT_EQ(calls.json()["data"].size(), 1u) << calls.body;
}

// Hole 7c: the provider accepted a dial while the database was unreachable, so its outcome (the
// conversation id) could not be written. It is kept and written once the database answers: the
// call ends up initiated with its conversation, without asking the provider about it.
TEST_F(LostCommitE2eTest, AnAcceptedDialWhoseWriteFailedIsRecordedOnceTheDatabaseAnswers) {
  fake_->setAnswerDelayMs(1500);  // placed at once, answered 1.5 s later
  const std::string body =
      R"({"workspaceId":"acme","agentId":"agent_e2e","agentPhoneNumberId":"phnum_e2e","calls":[)"
      R"({"to":")" +
      phoneNumber(700) + R"("}]})";
  const auto accepted = client_->post("/calls/bulk", body);
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  ASSERT_TRUE(vo::testing::waitUntil([&] { return fake_->acceptedCalls().size() == 1; },
                                     std::chrono::minutes(1)))
      << server_->logText();
  proxy_->setDown(true);  // the dial's answer comes while the database is unreachable
  std::this_thread::sleep_for(std::chrono::seconds(3));
  proxy_->setDown(false);
  const std::string conversationId = fake_->acceptedCalls().front().conversationId;
  std::string status;
  ASSERT_TRUE(vo::testing::waitUntil(
      [&] {
        const auto calls = client_->get("/calls?workspaceId=acme");
        if (calls.status != 200 || calls.json()["data"].size() != 1) return false;
        const Json call = calls.json()["data"].at(0);
        status = call["status"].string();
        return call["providerCallId"].isString() &&
               call["providerCallId"].string() == conversationId;
      },
      std::chrono::minutes(1)))
      << status << "\n"
      << server_->logText();
  EXPECT_EQ(status, "initiated");
  for (const auto& request : fake_->requests()) {
    EXPECT_NE(request.method, "GET") << "the provider was asked: " << request.path;
  }
  EXPECT_NE(server_->logText().find("kept until the store answers"), std::string::npos);
}

}  // namespace
}  // namespace vo::e2e::production
