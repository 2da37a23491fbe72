#pragma once

#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace vo::core {

// Every logger writes to one shared stderr sink (UTC timestamps) at one process-wide level.
// Loggers are not registered with spdlog's global registry, so tests may make many.

// A logger named `name` ("core", "store.sqlite", ...) sharing the sink and the current level.
std::shared_ptr<spdlog::logger> makeLogger(const std::string& name);

// Sets the level of every logger made so far and of those made later. `level` is one of
// trace, debug, info, warn, error, critical, off (validated by the config loader).
void setLogLevel(const std::string& level);

}  // namespace vo::core
