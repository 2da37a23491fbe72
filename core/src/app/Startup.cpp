#include "app/Startup.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <functional>
#include <stdexcept>

#include "vo/api/CallQueue.h"
#include "vo/api/CallStore.h"
#include "vo/api/ConfigReader.h"
#include "vo/api/RetentionPolicy.h"
#include "vo/api/VoiceProvider.h"
#include "vo/core/PluginHost.h"

namespace vo::core {

namespace {

void logCreated(const PluginHost& host, spdlog::logger& logger) {
  const PluginInfo info = host.created().back();
  logger.info("plugin {} '{}' loaded from {}", info.kind, info.name, info.file);
}

// True when created now, false when it was there already (`present` tells: an agent's or a
// phone number's id may instead be another workspace's, which the config cannot take).
bool createdOrPresent(
    const api::Result<void>& result, const std::string& what,
    const std::function<bool()>& present = [] { return true; }) {
  if (result.ok()) return true;
  if (result.error().code == api::ErrorCode::kConflict && present()) return false;
  std::string hint;
  if (result.error().code == api::ErrorCode::kConflict) {
    hint = " (set sharedAcrossWorkspaces: true on it to register it in several workspaces)";
  }
  throw std::runtime_error("cannot seed " + what + " from the config: " + result.error().message +
                           hint);
}

}  // namespace

std::vector<std::string> pluginSearchDirs(const AppConfig& config) {
  return config.pluginDirs.empty() ? defaultPluginDirs() : config.pluginDirs;
}

api::CallStore& createStore(PluginHost& host, const AppConfig& config, api::CallEventSink& events,
                            Migration migration, spdlog::logger& logger) {
  auto& store = host.create<api::CallStore>(config.store, {events, nullptr});
  logCreated(host, logger);
  if (migration == Migration::kRun) {
    const auto migrated = store.migrate();
    if (!migrated.ok()) {
      throw std::runtime_error("store '" + config.store.name +
                               "': migration failed: " + migrated.error().message);
    }
    logger.info("store '{}' schema is up to date", config.store.name);
  }
  return store;
}

AppPlugins createPlugins(PluginHost& host, const AppConfig& config, api::CallEventSink& events,
                         Migration migration, spdlog::logger& logger) {
  AppPlugins plugins;
  plugins.store = &createStore(host, config, events, migration, logger);
  const PluginServices services{events, plugins.store};
  plugins.queue = &host.create<api::CallQueue>(config.queue, services);
  logCreated(host, logger);
  plugins.provider = &host.create<api::VoiceProvider>(config.provider, services);
  logCreated(host, logger);
  if (const int64_t longest = plugins.provider->longestDialMs();
      longest > 0 && config.dispatcher.leaseMs <= longest) {
    throw api::ConfigError("dispatcher.leaseMs: " + std::to_string(config.dispatcher.leaseMs) +
                           " ms is not longer than a dial can take (" + std::to_string(longest) +
                           " ms: the provider's connect and read timeouts); a live dial would be "
                           "taken for a dead worker's");
  }
  if (!config.retention.name.empty()) {
    plugins.retention = &host.create<api::RetentionPolicy>(config.retention, services);
    logCreated(host, logger);
  }
  return plugins;
}

void seedTenants(api::CallStore& store, const std::vector<TenantSeed>& tenants,
                 spdlog::logger& logger, int64_t now) {
  int created = 0;
  int present = 0;
  const auto count = [&](bool wasCreated) { wasCreated ? ++created : ++present; };
  for (const TenantSeed& seed : tenants) {
    api::Workspace workspace = seed.workspace;
    workspace.createdAtMs = now;
    count(createdOrPresent(store.createWorkspace(workspace), "workspace '" + workspace.id + "'"));
    for (api::Agent agent : seed.agents) {
      agent.createdAtMs = now;
      count(createdOrPresent(store.createAgent(agent), "agent '" + agent.id + "'",
                             [&] { return store.getAgent(agent.workspaceId, agent.id).ok(); }));
    }
    for (api::PhoneNumber phone : seed.phoneNumbers) {
      phone.createdAtMs = now;
      count(
          createdOrPresent(store.createPhoneNumber(phone), "phone number '" + phone.id + "'",
                           [&] { return store.getPhoneNumber(phone.workspaceId, phone.id).ok(); }));
    }
  }
  if (!tenants.empty()) {
    logger.info("tenants from the config: {} workspaces; {} objects created, {} already present",
                tenants.size(), created, present);
  }
}

}  // namespace vo::core
