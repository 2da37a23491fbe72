// The worker against the real SQLite store's outbox: what it posts (signed, the call as the API
// shows it), and how answers move a delivery (delivered; retried with backoff on the injected
// clock; failed after the retry window).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rapidjson/document.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <deque>

#include "vo/api/CallStore.h"
#include "vo/core/TimeSource.h"
#include "vo/store_sqlite/SqliteStoreFactory.h"
#include "vo/testing/TempDir.h"
#include "webhooks/WebhookWorker.h"

namespace vo::core::webhooks {
namespace {

using vo::api::CallStatus;
using vo::api::DeliveryState;

class SetClock final : public TimeSource {
 public:
  int64_t nowMs() override { return nowMs_; }
  int64_t nowMs_ = 1767225600000;
};

struct Post {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Answers each POST with the next scripted status (the last one repeats) and keeps what it got.
class ScriptedPoster final : public WebhookPoster {
 public:
  explicit ScriptedPoster(std::deque<int> answers) : answers_(std::move(answers)) {}
  PostAnswer post(const std::string& url,
                  const std::vector<std::pair<std::string, std::string>>& headers,
                  const std::string& body, int64_t) override {
    posts.push_back({url, headers, body});
    const int status = answers_.front();
    if (answers_.size() > 1) answers_.pop_front();
    return {status, status == 0 ? "timed out" : ""};
  }
  std::vector<Post> posts;

 private:
  std::deque<int> answers_;
};

std::string headerOf(const Post& post, const std::string& name) {
  for (const auto& [key, value] : post.headers) {
    if (key == name) return value;
  }
  return "";
}

// The receiver's check, with OpenSSL directly: v1 is HMAC-SHA256(secret, "<t>.<body>").
bool signatureVerifies(const Post& post, const std::string& secret) {
  const std::string header = headerOf(post, "VO-Signature");
  const std::size_t comma = header.find(",v1=");
  if (header.rfind("t=", 0) != 0 || comma == std::string::npos) return false;
  const std::string signedText = header.substr(2, comma - 2) + "." + post.body;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signedText.data()), signedText.size(), digest, &size);
  char hex[2 * EVP_MAX_MD_SIZE + 1];
  for (unsigned int i = 0; i < size; ++i) std::snprintf(hex + 2 * i, 3, "%02x", digest[i]);
  return header.substr(comma + 4) == std::string(hex, 2 * size);
}

class WebhookWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    YAML::Node config;
    config["path"] = dir_.path() + "/store.db";
    store_ = vo::store_sqlite::createSqliteStore(config, "plugins.store.config");
    ASSERT_TRUE(store_->migrate().ok());
    ASSERT_TRUE(store_->createWorkspace({"ws1", "Workspace", "", {}, 1, "", ""}).ok());
    ASSERT_TRUE(store_->createAgent({"ag1", "ws1", "Agent", {}, 2, false}).ok());
    ASSERT_TRUE(
        store_->createPhoneNumber({"ph1", "ws1", "+34601893170", "twilio", {}, 3, false}).ok());
    ASSERT_TRUE(store_->webhooks()
                    ->createWebhookEndpoint({"we1",
                                             "ws1",
                                             "https://hooks.example.com/in",
                                             "whsec_1",
                                             {"call.completed"},
                                             true,
                                             1,
                                             1})
                    .ok());
    api::Call call;
    call.id = "c1";
    call.workspaceId = "ws1";
    call.agentId = "ag1";
    call.agentPhoneNumberId = "ph1";
    call.to = "+34631021622";
    call.from = "+34601893170";
    call.status = CallStatus::kDispatching;
    call.attempts = 1;
    call.createdAtMs = call.updatedAtMs = call.nextAttemptAtMs = clock_.nowMs_;
    ASSERT_TRUE(store_->insertCalls(std::vector<api::Call>{call}, nullptr).ok());
    api::CallTransition done;
    done.callId = "c1";
    done.from = {CallStatus::kDispatching};
    done.to = CallStatus::kCompleted;
    done.atMs = clock_.nowMs_;
    done.durationSecs = 42;
    ASSERT_TRUE(store_->transition(done).value());
  }

  std::unique_ptr<WebhookWorker> workerAnswering(std::deque<int> answers) {
    auto poster = std::make_unique<ScriptedPoster>(std::move(answers));
    poster_ = poster.get();
    return std::make_unique<WebhookWorker>(settings_, *store_, clock_, std::move(poster), *logger_,
                                           [] { return 1.0; });
  }

  api::WebhookDelivery onlyDelivery() {
    auto page = store_->webhooks()->listDeliveries({"ws1", "we1", 10, 0, ""});
    EXPECT_EQ(page->size(), 1u);
    return page->front();
  }

  vo::testing::TempDir dir_{"vo-webhooks"};
  std::unique_ptr<api::CallStore> store_;
  SetClock clock_;
  WebhooksConfig settings_;
  ScriptedPoster* poster_ = nullptr;
  std::shared_ptr<spdlog::logger> logger_ = std::make_shared<spdlog::logger>(
      "webhooks-test", std::make_shared<spdlog::sinks::null_sink_mt>());
};

TEST_F(WebhookWorkerTest, PostsTheEventSignedWithTheCallAsTheApiShowsIt) {
  auto worker = workerAnswering({204});
  EXPECT_EQ(worker->deliverDue(10), 1);
  ASSERT_EQ(poster_->posts.size(), 1u);
  const Post& post = poster_->posts.front();
  EXPECT_EQ(post.url, "https://hooks.example.com/in");
  EXPECT_TRUE(signatureVerifies(post, "whsec_1")) << headerOf(post, "VO-Signature");
  EXPECT_FALSE(signatureVerifies(post, "whsec_2"));
  EXPECT_EQ(headerOf(post, "VO-Signature").substr(0, 13), "t=1767225600,");

  rapidjson::Document body;
  body.Parse(post.body.c_str());
  ASSERT_TRUE(body.IsObject()) << post.body;
  const api::WebhookDelivery delivery = onlyDelivery();
  EXPECT_EQ(headerOf(post, "VO-Event-Id"), delivery.id);
  EXPECT_STREQ(body["id"].GetString(), delivery.id.c_str());
  EXPECT_STREQ(body["type"].GetString(), "call.completed");
  EXPECT_STREQ(body["createdAt"].GetString(), "2026-01-01T00:00:00.000Z");
  EXPECT_STREQ(body["data"]["id"].GetString(), "c1");
  EXPECT_STREQ(body["data"]["status"].GetString(), "completed");

  EXPECT_EQ(delivery.state, DeliveryState::kDelivered);
  const auto attempts = store_->webhooks()->deliveryAttempts(delivery.id);
  ASSERT_EQ(attempts->size(), 1u);
  EXPECT_EQ(attempts->front().httpStatus, 204);
  EXPECT_EQ(worker->deliverDue(10), 0) << "delivered once";
}

TEST_F(WebhookWorkerTest, RetriesWithBackoffUntilAnAnswerIsTwoHundred) {
  auto worker = workerAnswering({500, 0, 200});
  EXPECT_EQ(worker->deliverDue(10), 1);
  api::WebhookDelivery delivery = onlyDelivery();
  EXPECT_EQ(delivery.state, DeliveryState::kPending);
  EXPECT_EQ(delivery.nextAttemptAtMs, clock_.nowMs_ + 10000);

  clock_.nowMs_ += 9999;
  EXPECT_EQ(worker->deliverDue(10), 0) << "not due before its backoff";
  clock_.nowMs_ += 1;
  EXPECT_EQ(worker->deliverDue(10), 1);
  delivery = onlyDelivery();
  EXPECT_EQ(delivery.nextAttemptAtMs, clock_.nowMs_ + 20000) << "doubled";
  clock_.nowMs_ += 20000;
  EXPECT_EQ(worker->deliverDue(10), 1);
  EXPECT_EQ(onlyDelivery().state, DeliveryState::kDelivered);

  const auto attempts = store_->webhooks()->deliveryAttempts(delivery.id);
  ASSERT_EQ(attempts->size(), 3u);
  EXPECT_EQ(attempts.value()[0].httpStatus, 500);
  EXPECT_EQ(attempts.value()[1].httpStatus, 0);
  EXPECT_EQ(attempts.value()[1].error, "timed out");
  EXPECT_EQ(attempts.value()[2].httpStatus, 200);
  ASSERT_EQ(poster_->posts.size(), 3u);
  EXPECT_EQ(poster_->posts[0].body, poster_->posts[2].body) << "the same event each time";
}

TEST_F(WebhookWorkerTest, GivesUpAfterTheRetryWindow) {
  auto worker = workerAnswering({503});
  const int64_t eventAtMs = clock_.nowMs_;
  int sent = 0;
  while (onlyDelivery().state == DeliveryState::kPending && sent < 100) {
    clock_.nowMs_ = std::max(clock_.nowMs_, onlyDelivery().nextAttemptAtMs);
    sent += worker->deliverDue(10);
  }
  EXPECT_EQ(onlyDelivery().state, DeliveryState::kFailed);
  EXPECT_LE(clock_.nowMs_, eventAtMs + settings_.retryForMs);
  EXPECT_GT(clock_.nowMs_ + 3600000, eventAtMs + settings_.retryForMs) << "retried all day";
  EXPECT_EQ(store_->webhooks()->deliveryAttempts(onlyDelivery().id)->size(),
            static_cast<std::size_t>(sent));

  // A redelivery sends it again whatever its state.
  ASSERT_TRUE(store_->webhooks()->redeliver("ws1", "we1", onlyDelivery().id, clock_.nowMs_).ok());
  EXPECT_EQ(worker->deliverDue(10), 1);
}

}  // namespace
}  // namespace vo::core::webhooks
