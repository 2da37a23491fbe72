#include "vo/api/Plugin.h"

#include "vo/api/ConfigReader.h"
#include "vo/queue_memory/MemoryQueue.h"

namespace {

std::unique_ptr<vo::api::CallQueue> createMemoryQueue(const vo::api::PluginContext& context) {
  // No settings: the queue lives in RAM and the store restores it at start.
  vo::api::ConfigReader config(context.config(), "plugins.queue.config");
  config.rejectUnknownKeys();
  return vo::queue_memory::makeMemoryQueue();
}

}  // namespace

VO_PLUGIN(vo::api::CallQueue, "memory", &createMemoryQueue)
