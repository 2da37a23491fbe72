#pragma once

#include <functional>
#include <optional>
#include <string>

#include "vo/core/AppConfig.h"

namespace vo::core {

// Reads one environment variable; nullopt when unset. Injected so tests need not touch the
// process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (getenv).
EnvLookup processEnvironment();

// Parses YAML text into an AppConfig: interpolates ${VAR} and ${VAR:-default} in every scalar,
// applies the seed's environment overrides (which win over the file), then validates every key
// and rejects unknown ones. Throws vo::api::ConfigError with one line naming the key, e.g.
// "server.port: must be between 0 and 65535, got 70000". `sourceName` names the text in
// messages about YAML syntax and is kept as AppConfig::sourceFile.
AppConfig parseConfig(const std::string& yamlText, const std::string& sourceName,
                      const EnvLookup& env);

// parseConfig on a file's content; a missing or unreadable file is a ConfigError too.
AppConfig loadConfigFile(const std::string& path, const EnvLookup& env = processEnvironment());

}  // namespace vo::core
