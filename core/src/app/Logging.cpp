#include "vo/core/Logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <vector>

namespace vo::core {

namespace {

struct LoggingState {
  std::mutex mutex;
  std::shared_ptr<spdlog::sinks::sink> sink;
  spdlog::level::level_enum level = spdlog::level::info;
  std::vector<std::weak_ptr<spdlog::logger>> loggers;  // to change their level later
};

LoggingState& state() {
  static LoggingState* instance = [] {
    auto* created = new LoggingState;  // never destroyed: loggers may log during exit
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    sink->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        "%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ [%n] %v", spdlog::pattern_time_type::utc));
    created->sink = sink;
    return created;
  }();
  return *instance;
}

}  // namespace

std::shared_ptr<spdlog::logger> makeLogger(const std::string& name) {
  LoggingState& logging = state();
  std::lock_guard lock(logging.mutex);
  auto logger = std::make_shared<spdlog::logger>(name, logging.sink);
  logger->set_level(logging.level);
  logger->flush_on(spdlog::level::warn);
  logging.loggers.push_back(logger);
  return logger;
}

void setLogLevel(const std::string& level) {
  LoggingState& logging = state();
  std::lock_guard lock(logging.mutex);
  logging.level = spdlog::level::from_str(level);
  std::erase_if(logging.loggers, [&](const std::weak_ptr<spdlog::logger>& weak) {
    auto logger = weak.lock();
    if (logger) logger->set_level(logging.level);
    return !logger;
  });
}

}  // namespace vo::core
