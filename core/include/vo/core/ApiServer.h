#pragma once

#include <memory>
#include <string>

#include "vo/core/AppConfig.h"

namespace spdlog {
class logger;
}
namespace vo::api {
class CallQueue;
class CallStore;
class RetentionPolicy;
class VoiceProvider;
}  // namespace vo::api

namespace vo::core {

class Dispatcher;
class Metrics;
class TimeSource;

// Everything the REST API reaches. Owned by the Application; outlives the server.
struct ApiServices {
  const AppConfig& config;
  api::CallStore& store;
  api::CallQueue& queue;
  api::VoiceProvider& provider;
  api::RetentionPolicy* retention;  // nullptr when no retention plugin is configured
  Dispatcher& dispatcher;
  Metrics& metrics;
  spdlog::logger& logger;
  std::string storeName;  // plugin names, for /health
  std::string queueName;
  std::string providerName;  // also the webhook route: POST /webhooks/{providerName}
  std::string retentionName;
  TimeSource& clock;  // every "now" the API writes or compares
};

// The REST API of DESIGN.md behind an event-driven HTTP/1.1 front (core/src/http/front):
// connections cost no thread; `config.server.threads` workers run the requests.
class ApiServer {
 public:
  explicit ApiServer(ApiServices services);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds config.server.host:port (port 0: a free port) and starts serving. Throws on bind
  // failure (start-up time).
  void start();
  // Stops accepting, lets requests in progress finish.
  void stop();
  int port() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vo::core
