// queue-redis configuration: defaults, every key, and errors that name the key.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "vo/api/ConfigReader.h"
#include "vo/queue_redis/RedisQueue.h"

namespace vo::queue_redis {
namespace {

RedisQueueOptions read(const std::string& yaml) {
  YAML::Node node = YAML::Load(yaml);
  api::ConfigReader reader(node, "plugins.queue.config");
  return readRedisQueueOptions(reader);
}

std::string errorOf(const std::string& yaml) {
  try {
    read(yaml);
  } catch (const api::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(RedisQueueConfigTest, DefaultsWhenEmpty) {
  auto options = read("{}");
  EXPECT_EQ(options.url, "redis://127.0.0.1:6379/0");
  EXPECT_EQ(options.keyPrefix, "{vo}");
  EXPECT_GT(options.poolSize, 0);
}

TEST(RedisQueueConfigTest, ReadsEveryKey) {
  auto options = read(
      "url: redis://user:secret@127.0.0.1:7000/2\nkeyPrefix: '{prod}'\npoolSize: '4'\n"
      "connectTimeoutMs: 250\ncommandTimeoutMs: 750\nreconnectMinMs: 20\nreconnectMaxMs: 900\n");
  EXPECT_EQ(options.url, "redis://user:secret@127.0.0.1:7000/2");
  EXPECT_EQ(options.keyPrefix, "{prod}");
  EXPECT_EQ(options.poolSize, 4);
  EXPECT_EQ(options.connectTimeoutMs, 250);
  EXPECT_EQ(options.commandTimeoutMs, 750);
  EXPECT_EQ(options.reconnectMinMs, 20);
  EXPECT_EQ(options.reconnectMaxMs, 900);
}

TEST(RedisQueueConfigTest, ErrorsNameTheKey) {
  EXPECT_NE(errorOf("url: http://127.0.0.1:6379").find("plugins.queue.config.url"),
            std::string::npos);
  EXPECT_NE(errorOf("url: redis://127.0.0.1:6379/x").find("plugins.queue.config.url"),
            std::string::npos);
  EXPECT_NE(errorOf("keyPrefix: ''").find("plugins.queue.config.keyPrefix"), std::string::npos);
  EXPECT_NE(errorOf("poolSize: 0").find("plugins.queue.config.poolSize"), std::string::npos);
  EXPECT_NE(errorOf("reconnectMinMs: 500\nreconnectMaxMs: 100").find("reconnectMaxMs"),
            std::string::npos);
  EXPECT_NE(errorOf("urll: redis://127.0.0.1:6379").find("plugins.queue.config.urll"),
            std::string::npos);
}

TEST(RedisQueueConfigTest, CreatingTheQueueNeedsNoServer) {
  RedisQueueOptions options;
  options.url = "redis://127.0.0.1:1/0";
  options.connectTimeoutMs = 100;
  auto queue = makeRedisQueue(options);
  auto health = queue->health();
  EXPECT_FALSE(health.up);
  EXPECT_NE(health.detail.find("127.0.0.1:1"), std::string::npos) << health.detail;
}

}  // namespace
}  // namespace vo::queue_redis
