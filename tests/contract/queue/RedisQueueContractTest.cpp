// The CallQueue contract against queue-redis on a real redis-server (VO_TEST_REDIS_URL). Each
// test gets its own key prefix, so tests never see each other's keys.
#include <atomic>
#include <cstdlib>
#include <random>

#include "CallQueueContract.h"
#include "vo/queue_redis/RedisQueue.h"

namespace vo::contract {
namespace {

std::unique_ptr<api::CallQueue> freshRedisQueue() {
  const char* url = std::getenv("VO_TEST_REDIS_URL");
  if (url == nullptr || *url == '\0') return nullptr;
  static std::atomic<int> serial{0};
  static const uint64_t run = std::random_device{}();
  queue_redis::RedisQueueOptions options;
  options.url = url;
  options.keyPrefix =
      "{vo-contract-" + std::to_string(run) + "-" + std::to_string(serial.fetch_add(1)) + "}";
  return queue_redis::makeRedisQueue(options);
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Redis, CallQueueContract,
                         testing::Values(QueueTarget{"redis", &freshRedisQueue}), queueTargetName);

}  // namespace vo::contract
