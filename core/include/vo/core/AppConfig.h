#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <vector>

#include "vo/api/Tenant.h"

namespace vo::core {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 3000;   // SERVICE_PORT
  int threads = 64;  // HTTP worker threads; a quarter kept for clients (webhooks use the rest)
  int64_t maxBodyBytes = 32 * 1024 * 1024;  // larger bodies get 413
  int maxBulkCalls = 100000;                // rows in one POST /calls/bulk
  int maxVariables = 64;                    // variables per call
  int maxVariableBytes = 1024;              // one variable's value
  // An Idempotency-Key reserved by a request that never answered (it crashed) is free again
  // after this. Requests that write calls store their answer with them and reserve nothing.
  int64_t idempotencyPendingMs = 60000;
  // The dashboard's static files (GET /dashboard); empty: share/voice-orchestrator/dashboard
  // beside the binary's folder, where the build and the package put them.
  std::string dashboardDir;
  // Chart.js for the dashboard's chart (Debian's libjs-chart.js); the dashboard works without.
  std::string chartJsFile = "/usr/share/javascript/chart.js/chart.min.js";
};

struct AuthConfig {
  std::string adminKey;                       // VO_ADMIN_API_KEY / auth.adminKey
  bool adminKeyIsDevelopmentDefault = false;  // local.yaml's default: logged loudly
  std::string metricsToken;  // VO_METRICS_TOKEN / auth.metricsToken: empty, /metrics is open
};

struct DispatcherConfig {
  int concurrency = 10;        // CALLS_WORKER_CONCURRENCY: calls dialed at once
  int64_t leaseMs = 30000;     // a dispatching call whose worker vanished for this long: unknown
  int maxAttempts = 3;         // dials allowed when the provider certainly did not place it
  int64_t retryBaseMs = 2000;  // exponential backoff with jitter from here
  int64_t retryMaxMs = 600000;
  int64_t sweepIntervalMs = 5000;     // re-enqueue due queued calls the queue lost
  int64_t reconcileAfterMs = 900000;  // an initiated call with no outcome this long is polled
  int64_t reconcileIntervalMs = 30000;
  // An `unknown` call the provider says it never placed goes back in line only this long after
  // it became unknown: a dial in flight, or a provider slow to list it, has settled by then.
  int64_t settleWindowMs = 300000;
  int64_t shutdownGraceMs = 10000;  // SIGTERM: in-flight dials may finish within this
  // A priority request waits this long for its dial's answer; then it answers 202 with the
  // call, whose dial goes on.
  int64_t priorityWaitMs = 2000;
  int64_t idempotencyTtlMs = 86400000;  // Idempotency-Key answers are purged after this
  std::string workerId;                 // defaults to host:pid
};

struct MetricsConfig {
  // Distinct (workspace, agent) label pairs on /metrics; beyond, counted as "other".
  int64_t maxLabelSets = 1000;
};

// Webhooks to the operator (docs/webhooks.md): how they are sent and retried.
struct WebhooksConfig {
  // Loopback, private and link-local targets are refused unless allowed (a test receiver).
  bool allowPrivateTargets = false;
  int64_t timeoutMs = 10000;      // one POST, connect to answer
  int64_t concurrency = 8;        // POSTs in flight at once
  int64_t retryForMs = 86400000;  // a delivery is retried this long after its event, then failed
  int64_t firstRetryMs = 10000;   // the first retry's delay, doubled each time up to an hour
  // Delivered or failed deliveries are purged this long after their event (and with their calls).
  int64_t keepFinishedMs = 7 * 86400000LL;
};

// Default pacing limits per kind of key; registry objects may carry their own.
struct PacingConfig {
  vo::api::PacingSettings phoneNumber;
  vo::api::PacingSettings agent;
  vo::api::PacingSettings workspace;
  vo::api::PacingSettings providerAccount;
};

// plugins.<kind>: which plugin, and its own configuration section.
struct PluginSelection {
  std::string name;  // empty: none (only retention is optional)
  YAML::Node config;
};

struct TenantSeed {
  vo::api::Workspace workspace;
  std::vector<vo::api::Agent> agents;
  std::vector<vo::api::PhoneNumber> phoneNumbers;
};

struct AppConfig {
  std::string sourceFile;         // the YAML file it came from
  std::string logLevel = "info";  // LOG_LEVEL
  ServerConfig server;
  AuthConfig auth;
  DispatcherConfig dispatcher;
  PacingConfig pacing;
  MetricsConfig metrics;
  WebhooksConfig webhooks;
  std::vector<std::string> pluginDirs;  // searched in order for vo-<kind>-<name>.so
  PluginSelection store;
  PluginSelection queue;
  PluginSelection provider;
  PluginSelection retention;
  std::vector<TenantSeed> tenants;  // declared in YAML, created at start if missing
};

}  // namespace vo::core
