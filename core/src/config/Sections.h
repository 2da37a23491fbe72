#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "vo/api/ConfigReader.h"
#include "vo/api/Tenant.h"
#include "vo/core/AppConfig.h"

namespace vo::core::config {

// Readers of the config's sections. Each reads every key of its mapping and rejects the rest.

// {maxConcurrentCalls, callsPerSecond}, read from a reader that may hold other keys too.
api::PacingSettings readPacingSettings(api::ConfigReader& reader);
PacingConfig readPacing(api::ConfigReader reader);
// tenants: {workspaces: [...]}
std::vector<TenantSeed> readTenants(api::ConfigReader reader);
// plugins: {dir, store, queue, provider, retention}; `node` is the raw `plugins` mapping whose
// plugin `config` sections are handed over untouched.
void readPlugins(api::ConfigReader reader, const YAML::Node& node, AppConfig& config);

// An identifier from the config: 1..128 of [A-Za-z0-9._:-].
bool isIdentifier(const std::string& text);

}  // namespace vo::core::config
