// queue-redis while its Redis is away: fast kUnavailable, health down, and back by itself.
#include <gtest/gtest.h>

#include "RedisServerProcess.h"
#include "vo/queue_redis/RedisQueue.h"
#include "vo/testing/Wait.h"

namespace vo::queue_redis {
namespace {

using testing::RedisServerProcess;

class RedisQueueOutageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (RedisServerProcess::binary().empty()) GTEST_SKIP() << "no redis-server";
    server_.start();
    RedisQueueOptions options;
    options.url = server_.url(3);
    options.poolSize = 2;
    options.connectTimeoutMs = 300;
    options.commandTimeoutMs = 300;
    options.reconnectMinMs = 10;
    options.reconnectMaxMs = 50;
    queue_ = makeRedisQueue(options);
  }

  api::Result<std::vector<api::Lease>> claim(int64_t nowMs) {
    api::ClaimRequest request;
    request.maxJobs = 10;
    request.nowMs = nowMs;
    return queue_->claim(request);
  }

  api::Result<api::EnqueueOutcome> enqueue(const std::string& id) {
    api::QueueJob job;
    job.callId = id;
    job.workspaceId = "ws";
    job.campaignId = "cmp";
    return queue_->enqueue(std::span<const api::QueueJob>(&job, 1));
  }

  void sendRaw(const std::vector<std::string>& words) { server_.run({words}); }

  RedisServerProcess server_;
  std::unique_ptr<api::CallQueue> queue_;
};

TEST_F(RedisQueueOutageTest, EveryMethodIsUnavailableWhileRedisIsDownThenRecovers) {
  ASSERT_TRUE(queue_->health().up);
  ASSERT_TRUE(enqueue("c1").ok());
  server_.stop();

  auto claimed = claim(1);
  ASSERT_FALSE(claimed.ok());
  EXPECT_EQ(claimed.error().code, api::ErrorCode::kUnavailable);
  auto health = queue_->health();
  EXPECT_FALSE(health.up);
  EXPECT_FALSE(health.detail.empty());
  EXPECT_EQ(enqueue("c2").error().code, api::ErrorCode::kUnavailable);
  EXPECT_EQ(queue_->complete("c1", "t", false).error().code, api::ErrorCode::kUnavailable);
  EXPECT_EQ(queue_->counts().error().code, api::ErrorCode::kUnavailable);
  EXPECT_EQ(queue_->releaseSlots("c1").error().code, api::ErrorCode::kUnavailable);
  EXPECT_EQ(queue_->pauseCampaign("cmp").error().code, api::ErrorCode::kUnavailable);

  // Restarted EMPTY (no scripts, no keys): the queue reconnects and reloads its scripts.
  server_.start();
  ASSERT_TRUE(vo::testing::waitUntil([&] { return queue_->health().up; }));
  ASSERT_TRUE(enqueue("c1").ok());
  auto after = claim(2);
  ASSERT_TRUE(after.ok()) << after.error().message;
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ(after->front().callId, "c1");
}

TEST_F(RedisQueueOutageTest, TheGenerationStaysUntilRedisLosesItsStateThenChanges) {
  const auto first = queue_->generation();
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_FALSE(first->empty());
  ASSERT_TRUE(enqueue("c1").ok());
  EXPECT_EQ(queue_->generation().value(), first.value());
  // Another client of the same Redis (another instance) sees the same generation.
  RedisQueueOptions options;
  options.url = server_.url(3);
  EXPECT_EQ(makeRedisQueue(options)->generation().value(), first.value());

  server_.stop();
  EXPECT_EQ(queue_->generation().error().code, api::ErrorCode::kUnavailable);
  server_.start();  // empty
  ASSERT_TRUE(vo::testing::waitUntil([&] { return queue_->health().up; }));
  const auto second = queue_->generation();
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_NE(second.value(), first.value());
  EXPECT_EQ(queue_->generation().value(), second.value());
}

TEST_F(RedisQueueOutageTest, AHungRedisTimesOutInsteadOfHanging) {
  ASSERT_TRUE(enqueue("c1").ok());
  server_.freeze();
  auto claimed = claim(1);
  server_.thaw();
  ASSERT_FALSE(claimed.ok());
  EXPECT_EQ(claimed.error().code, api::ErrorCode::kUnavailable);
  ASSERT_TRUE(vo::testing::waitUntil([&] { return claim(2).ok(); }));
}

TEST_F(RedisQueueOutageTest, ScriptsAreReloadedAfterTheCacheIsFlushed) {
  ASSERT_TRUE(enqueue("c1").ok());
  sendRaw({"SCRIPT", "FLUSH"});
  auto claimed = claim(1);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  EXPECT_EQ(claimed->size(), 1u);
}

TEST_F(RedisQueueOutageTest, KeysStayInsideTheConfiguredDatabaseAndPrefix) {
  ASSERT_TRUE(enqueue("c1").ok());
  const auto keys = server_.run({{"SELECT", "3"}, {"KEYS", "*"}});
  ASSERT_GT(keys.size(), 0u);
  for (const std::string& key : keys) EXPECT_EQ(key.rfind("{vo}:", 0), 0u) << key;
}

}  // namespace
}  // namespace vo::queue_redis
