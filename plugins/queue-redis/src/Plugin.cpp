#include "vo/api/Plugin.h"

#include "vo/api/ConfigReader.h"
#include "vo/queue_redis/RedisQueue.h"

namespace {

std::unique_ptr<vo::api::CallQueue> createRedisQueue(const vo::api::PluginContext& context) {
  vo::api::ConfigReader config(context.config(), "plugins.queue.config");
  return vo::queue_redis::makeRedisQueue(vo::queue_redis::readRedisQueueOptions(config));
}

}  // namespace

VO_PLUGIN(vo::api::CallQueue, "redis", &createRedisQueue)
