#pragma once

#include <iosfwd>
#include <memory>

#include "vo/core/AppConfig.h"

namespace vo::core {

inline constexpr const char* kVersion = VO_VERSION;  // from the CMake project version

class Metrics;

// The whole server wired together: plugins (store, queue, provider, retention) loaded in
// dependency order, tenants from the YAML seeded, then Metrics, Dispatcher and ApiServer.
// Start-up problems throw (api::ConfigError, PluginLoadError, std::runtime_error); once
// serving, nothing throws.
class Application {
 public:
  // `metrics` is the registry the dispatcher and the API record into; it outlives the
  // Application.
  Application(AppConfig config, Metrics& metrics);
  ~Application();
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  // Starts everything and serves until SIGTERM or SIGINT, then stops the API, the dispatcher
  // (within its grace period) and the retention timer, and destroys the plugins newest first.
  // Call blockShutdownSignals() first thing in main. Returns the exit code.
  int serve();
  // Loads the store and runs its migration; reports to `out`.
  int migrate(std::ostream& out);
  // Creates every configured plugin with its config (each validates its own section), starts
  // nothing, destroys them; reports to `out`.
  int checkConfig(std::ostream& out);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Blocks SIGTERM and SIGINT in the calling thread and in every thread started after it, so
// serve() can wait for them with sigwait; ignores SIGPIPE (a client hanging up mid-answer).
void blockShutdownSignals();

}  // namespace vo::core
