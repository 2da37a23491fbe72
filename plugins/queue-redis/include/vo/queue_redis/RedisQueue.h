#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "vo/api/CallQueue.h"

namespace vo::api {
class ConfigReader;
}

namespace vo::queue_redis {

struct RedisQueueOptions {
  std::string url = "redis://127.0.0.1:6379/0";  // redis://[user:password@]host:port[/db]
  std::string keyPrefix = "{vo}";  // every key starts with it; the braces are a cluster hash tag
  int poolSize = 8;
  int64_t connectTimeoutMs = 1000;
  int64_t commandTimeoutMs = 2000;
  int64_t reconnectMinMs = 100;  // first wait after a failure; doubles up to reconnectMaxMs
  int64_t reconnectMaxMs = 5000;
};

// Reads `plugins.queue.config`; throws vo::api::ConfigError naming a bad or unknown key.
RedisQueueOptions readRedisQueueOptions(api::ConfigReader& config);

// Connects lazily: creating the queue never fails because Redis is down; its methods return
// kUnavailable until it is back.
std::unique_ptr<api::CallQueue> makeRedisQueue(const RedisQueueOptions& options);

}  // namespace vo::queue_redis
