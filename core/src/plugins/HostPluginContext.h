#pragma once

#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>

#include "vo/api/PluginContext.h"

namespace vo::core {

// The PluginContext the host hands one plugin; lives as long as the plugin's instance.
class HostPluginContext final : public api::PluginContext {
 public:
  HostPluginContext(std::string pluginId, YAML::Node config, api::CallEventSink& events,
                    api::CallStore* store);
  ~HostPluginContext() override;

  const YAML::Node& config() const override;
  spdlog::logger& logger() const override;
  api::CallEventSink& events() const override;
  api::CallStore* store() const override;
  std::string pluginId() const override;

 private:
  std::string pluginId_;
  YAML::Node config_;
  std::shared_ptr<spdlog::logger> logger_;
  api::CallEventSink& events_;
  api::CallStore* store_;
};

}  // namespace vo::core
