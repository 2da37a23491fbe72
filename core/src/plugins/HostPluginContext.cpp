#include "plugins/HostPluginContext.h"

#include <spdlog/logger.h>

#include "vo/core/Logging.h"

namespace vo::core {

HostPluginContext::HostPluginContext(std::string pluginId, YAML::Node config,
                                     api::CallEventSink& events, api::CallStore* store)
    : pluginId_(std::move(pluginId)),
      config_(std::move(config)),
      logger_(makeLogger(pluginId_)),
      events_(events),
      store_(store) {}

HostPluginContext::~HostPluginContext() = default;

const YAML::Node& HostPluginContext::config() const {
  return config_;
}
spdlog::logger& HostPluginContext::logger() const {
  return *logger_;
}
api::CallEventSink& HostPluginContext::events() const {
  return events_;
}
api::CallStore* HostPluginContext::store() const {
  return store_;
}
std::string HostPluginContext::pluginId() const {
  return pluginId_;
}

}  // namespace vo::core
