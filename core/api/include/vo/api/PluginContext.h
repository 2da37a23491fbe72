#pragma once

#include <string>

namespace YAML {
class Node;
}
namespace spdlog {
class logger;
}

namespace vo::api {

class CallEventSink;
class CallStore;

// What the host hands a plugin when creating it. Lives as long as the plugin.
class PluginContext {
 public:
  virtual ~PluginContext();

  // The plugin's own configuration section (`plugins.<kind>.config`), env overrides applied.
  // The plugin validates it and rejects unknown keys (see ConfigReader).
  virtual const YAML::Node& config() const = 0;
  // A logger named after the plugin, shared with the host's sinks and level.
  virtual spdlog::logger& logger() const = 0;
  // Where providers push outcomes learned outside webhooks.
  virtual CallEventSink& events() const = 0;
  // The store, for plugins started after it (retention); nullptr for the store itself.
  virtual CallStore* store() const = 0;
  // "<kind>.<name>", for messages.
  virtual std::string pluginId() const = 0;
};

}  // namespace vo::api
