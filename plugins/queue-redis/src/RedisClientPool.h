#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vo/api/Health.h"
#include "vo/api/Result.h"
#include "vo/queue_redis/RedisQueue.h"

struct redisContext;

namespace vo::queue_redis {

struct RedisContextDeleter {
  void operator()(redisContext* context) const;
};
// One connection to Redis (hiredis).
using RedisConnection = std::unique_ptr<redisContext, RedisContextDeleter>;

// A Redis reply, detached from Poco's types.
struct Reply {
  enum class Kind { kNil, kInteger, kString, kArray };
  Kind kind = Kind::kNil;
  int64_t integer = 0;
  std::string text;
  std::vector<Reply> items;
};

struct RedisEndpoint {
  std::string host;
  int port = 6379;
  std::string user;
  std::string password;
  int db = 0;
};

// Parses redis://[user:password@]host:port[/db]; throws std::invalid_argument saying why.
RedisEndpoint parseRedisUrl(const std::string& url);

// A fixed-size pool of connections that runs the queue's scripts with EVALSHA (loading them
// again after NOSCRIPT, e.g. when Redis restarted empty). When Redis cannot be reached every
// call fails fast with kUnavailable until the backoff says to try again; the first call after
// that reconnects, so the queue comes back by itself.
class RedisClientPool {
 public:
  explicit RedisClientPool(const RedisQueueOptions& options);
  ~RedisClientPool();

  api::Result<Reply> runScript(const std::string& name, const std::vector<std::string>& args);
  api::ComponentHealth health();

 private:
  using Clock = std::chrono::steady_clock;
  struct Script {
    std::string source;
    std::string sha;
  };

  api::Result<RedisConnection> acquire();
  void giveBack(RedisConnection client);
  // Throws when the connection cannot be made or Redis refuses it.
  RedisConnection connect();
  void markDown(const std::string& why);
  void markUp();

  RedisQueueOptions options_;
  RedisEndpoint endpoint_;
  std::map<std::string, Script> scripts_;
  std::mutex mutex_;
  std::condition_variable idleChanged_;
  std::vector<RedisConnection> idle_;
  int open_ = 0;  // connections in use or idle
  bool down_ = false;
  std::string downReason_;
  int64_t backoffMs_ = 0;
  Clock::time_point retryAt_;
};

}  // namespace vo::queue_redis
