#pragma once

#include <string>
#include <vector>

#include "vo/core/AppConfig.h"

namespace spdlog {
class logger;
}
namespace vo::api {
class CallEventSink;
class CallQueue;
class CallStore;
class RetentionPolicy;
class VoiceProvider;
}  // namespace vo::api

namespace vo::core {

class PluginHost;

// The configured plugins, owned by the PluginHost that created them.
struct AppPlugins {
  api::CallStore* store = nullptr;
  api::CallQueue* queue = nullptr;
  api::VoiceProvider* provider = nullptr;
  api::RetentionPolicy* retention = nullptr;  // nullptr: none configured
};

enum class Migration { kRun, kSkip };

// The store alone, migrated or not. Throws PluginLoadError, or std::runtime_error when the
// migration fails.
api::CallStore& createStore(PluginHost& host, const AppConfig& config, api::CallEventSink& events,
                            Migration migration, spdlog::logger& logger);

// Every configured plugin in dependency order: store (then its migration), queue, provider,
// retention. Logs each one's kind, name and file.
AppPlugins createPlugins(PluginHost& host, const AppConfig& config, api::CallEventSink& events,
                         Migration migration, spdlog::logger& logger);

// Creates the YAML's workspaces, agents and phone numbers that the store does not have yet;
// existing ones are left as they are. Throws std::runtime_error when the store fails.
void seedTenants(api::CallStore& store, const std::vector<TenantSeed>& tenants,
                 spdlog::logger& logger, int64_t nowMs);

// The plugin search dirs: plugins.dir when set, else the defaults next to the executable.
std::vector<std::string> pluginSearchDirs(const AppConfig& config);

}  // namespace vo::core
