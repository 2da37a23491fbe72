#include "vo/core/Application.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <ostream>

#include "app/MallocArenas.h"
#include "app/RetentionTimer.h"
#include "app/Startup.h"
#include "schedule/TimeZones.h"
#include "vo/core/ApiServer.h"
#include "vo/core/Dispatcher.h"
#include "vo/core/ForwardingEventSink.h"
#include "vo/core/Logging.h"
#include "vo/core/Metrics.h"
#include "vo/core/PluginHost.h"
#include "vo/core/SystemTimeSource.h"
#include "webhooks/HttpWebhookPoster.h"
#include "webhooks/WebhookWorker.h"

namespace vo::core {

namespace {

sigset_t shutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  return signals;
}

const char* signalName(int signal) {
  return signal == SIGINT ? "SIGINT" : "SIGTERM";
}

}  // namespace

void blockShutdownSignals() {
  const sigset_t signals = shutdownSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

// Members in construction order; the destructor takes them down in the order shutdown needs
// (API, dispatcher, timer, plugins), also when start-up failed half way.
struct Application::State {
  AppConfig config;
  SystemTimeSource clock;
  std::shared_ptr<spdlog::logger> logger = makeLogger("core");
  // The dispatcher and the API keep references to their loggers: held here, outliving them.
  std::shared_ptr<spdlog::logger> dispatcherLogger = makeLogger("dispatcher");
  std::shared_ptr<spdlog::logger> apiLogger = makeLogger("api");
  ForwardingEventSink events;  // outlives the plugins that publish to it
  std::unique_ptr<PluginHost> host;
  AppPlugins plugins;
  Metrics& metrics;
  std::unique_ptr<Dispatcher> dispatcher;
  std::unique_ptr<ApiServer> api;
  std::unique_ptr<RetentionTimer> retentionTimer;
  std::shared_ptr<spdlog::logger> webhooksLogger = makeLogger("webhooks");
  std::unique_ptr<webhooks::WebhookWorker> webhookWorker;

  State(AppConfig appConfig, Metrics& appMetrics)
      : config(std::move(appConfig)), metrics(appMetrics) {
    setLogLevel(config.logLevel);
    host = std::make_unique<PluginHost>(pluginSearchDirs(config));
  }

  ~State() { shutdown(); }

  void warnAboutDevelopmentKey() const {
    if (!config.auth.adminKeyIsDevelopmentDefault) return;
    logger->warn(
        "!!! WARNING: the DEVELOPMENT admin key 'dev-admin-key' is in use. Anyone who "
        "can reach {}:{} can do anything. Set VO_ADMIN_API_KEY before exposing this "
        "server. !!!",
        config.server.host, config.server.port);
  }

  void start() {
    logger->info("voice-orchestrator {} starting with config {}", kVersion, config.sourceFile);
    if (const int arenas = limitMallocArenas(); arenas > 0) {
      logger->debug("malloc: at most {} arenas (MALLOC_ARENA_MAX overrides)", arenas);
    }
    warnAboutDevelopmentKey();
    schedule::loadTimeZones();  // tzdata read now: a request never waits for it, nor fails on it
    plugins = createPlugins(*host, config, events, Migration::kRun, *logger);
    seedTenants(*plugins.store, config.tenants, *logger, clock.nowMs());
    dispatcher = std::make_unique<Dispatcher>(
        config.dispatcher, config.pacing, *plugins.store, *plugins.queue, *plugins.provider,
        config.provider.name, metrics, *dispatcherLogger, clock);
    events.attach(dispatcher->eventSink());
    api = std::make_unique<ApiServer>(
        ApiServices{config, *plugins.store, *plugins.queue, *plugins.provider, plugins.retention,
                    *dispatcher, metrics, *apiLogger, config.store.name, config.queue.name,
                    config.provider.name, config.retention.name, clock});
    dispatcher->start();
    api->start();
    if (plugins.retention != nullptr) {
      retentionTimer = std::make_unique<RetentionTimer>(*plugins.retention, *logger, clock);
      retentionTimer->start();
    }
    // Its own threads, never the dispatcher's: an endpoint that is down only grows the outbox.
    webhookWorker = std::make_unique<webhooks::WebhookWorker>(
        config.webhooks, *plugins.store, clock,
        std::make_unique<webhooks::HttpWebhookPoster>(config.webhooks.allowPrivateTargets),
        *webhooksLogger);
    webhookWorker->start();
    logger->info("listening on http://{}:{} (worker {}, concurrency {})", config.server.host,
                 api->port(), config.dispatcher.workerId, config.dispatcher.concurrency);
  }

  void shutdown() {
    if (api) api->stop();
    if (dispatcher) dispatcher->stop();
    // Events of calls ending from now on are kept, not applied: the reconciler asks the
    // provider about them on the next start.
    events.detach();
    if (retentionTimer) retentionTimer->stop();
    if (webhookWorker) webhookWorker->stop();
    webhookWorker.reset();
    api.reset();
    dispatcher.reset();
    retentionTimer.reset();
    if (host) host->destroyAll();
  }
};

Application::Application(AppConfig config, Metrics& metrics)
    : state_(std::make_unique<State>(std::move(config), metrics)) {}

Application::~Application() = default;

int Application::serve() {
  state_->start();
  const sigset_t signals = shutdownSignals();
  int received = 0;
  while (sigwait(&signals, &received) != 0) {
  }
  state_->logger->info("{} received: stopping (grace {} ms)", signalName(received),
                       state_->config.dispatcher.shutdownGraceMs);
  state_->shutdown();
  state_->logger->info("stopped cleanly");
  return 0;
}

int Application::migrate(std::ostream& out) {
  createStore(*state_->host, state_->config, state_->events, Migration::kRun, *state_->logger);
  const PluginInfo store = state_->host->created().front();
  out << "migrate: store '" << store.name << "' (" << store.file << ") schema is up to date"
      << std::endl;
  state_->host->destroyAll();
  return 0;
}

int Application::checkConfig(std::ostream& out) {
  createPlugins(*state_->host, state_->config, state_->events, Migration::kSkip, *state_->logger);
  for (const PluginInfo& plugin : state_->host->created()) {
    out << "  " << plugin.kind << " '" << plugin.name << "': " << plugin.file << "\n";
  }
  state_->host->destroyAll();
  out << "config OK: " << state_->config.sourceFile << std::endl;
  return 0;
}

}  // namespace vo::core
