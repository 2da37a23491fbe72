#include "vo/core/ConfigLoader.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "config/EnvOverrides.h"
#include "config/Interpolation.h"
#include "config/Sections.h"
#include "vo/api/ConfigReader.h"

namespace vo::core {

namespace {

using api::ConfigError;
using api::ConfigReader;

// local.yaml's default admin key; accepted only with auth.allowDevelopmentKey: true.
constexpr const char* kDevelopmentAdminKey = "dev-admin-key";
constexpr int64_t kDay = 86400000;
constexpr std::size_t kMinimumAdminKeyLength = 32;

std::string readLogLevel(ConfigReader reader) {
  const std::string level = reader.getString("level", "info");
  static const char* const kLevels[] = {"trace", "debug",    "info", "warn",
                                        "error", "critical", "off"};
  bool known = false;
  for (const char* candidate : kLevels) known = known || level == candidate;
  if (!known) {
    reader.fail("level",
                "expected trace, debug, info, warn, error, critical or off, got '" + level + "'");
  }
  reader.rejectUnknownKeys();
  return level;
}

ServerConfig readServer(ConfigReader reader) {
  ServerConfig server;
  server.host = reader.getString("host", server.host);
  if (server.host.empty()) reader.fail("host", "must not be empty");
  server.port = static_cast<int>(reader.getInt("port", server.port, 0, 65535));
  server.threads = static_cast<int>(reader.getInt("threads", server.threads, 1, 1024));
  server.maxBodyBytes = reader.getInt("maxBodyBytes", server.maxBodyBytes, 1024, 1LL << 31);
  server.maxBulkCalls =
      static_cast<int>(reader.getInt("maxBulkCalls", server.maxBulkCalls, 1, 1000000));
  server.maxVariables =
      static_cast<int>(reader.getInt("maxVariables", server.maxVariables, 0, 10000));
  server.maxVariableBytes =
      static_cast<int>(reader.getInt("maxVariableBytes", server.maxVariableBytes, 1, 1 << 20));
  server.idempotencyPendingMs =
      reader.getInt("idempotencyPendingMs", server.idempotencyPendingMs, 1000, kDay);
  server.dashboardDir = reader.getString("dashboardDir", server.dashboardDir);
  server.chartJsFile = reader.getString("chartJsFile", server.chartJsFile);
  reader.rejectUnknownKeys();
  return server;
}

// auth.adminKeyFile: the key is the file's first line, without surrounding whitespace (the
// Debian package's postinst writes one, readable by root and the service's user only).
std::string readAdminKeyFile(ConfigReader& reader, const std::string& path) {
  std::ifstream file(path);
  if (!file) reader.fail("adminKeyFile", "cannot read '" + path + "'");
  std::string key;
  std::getline(file, key);
  const auto first = key.find_first_not_of(" \t\r");
  if (first == std::string::npos) reader.fail("adminKeyFile", "'" + path + "' is empty");
  key = key.substr(first, key.find_last_not_of(" \t\r") + 1 - first);
  return key;
}

AuthConfig readAuth(ConfigReader reader) {
  AuthConfig auth;
  auth.adminKey = reader.getString("adminKey", "");
  const std::string keyFile = reader.getString("adminKeyFile", "");
  // adminKey (or VO_ADMIN_API_KEY, which sets it) wins over the file.
  if (auth.adminKey.empty() && !keyFile.empty()) auth.adminKey = readAdminKeyFile(reader, keyFile);
  auth.metricsToken = reader.getString("metricsToken", "");
  const bool allowDevelopmentKey = reader.getBool("allowDevelopmentKey", false);
  if (auth.adminKey.empty()) reader.fail("adminKey", "is required (set VO_ADMIN_API_KEY)");
  if (auth.adminKey == kDevelopmentAdminKey) {
    if (!allowDevelopmentKey) {
      reader.fail("adminKey",
                  "the development key is refused here (set VO_ADMIN_API_KEY, or "
                  "auth.allowDevelopmentKey: true on a developer machine)");
    }
    auth.adminKeyIsDevelopmentDefault = true;
  } else if (!allowDevelopmentKey && auth.adminKey.size() < kMinimumAdminKeyLength) {
    // Outside a developer machine the admin key is the keys to everything: no guessable one.
    reader.fail("adminKey", "must be at least " + std::to_string(kMinimumAdminKeyLength) +
                                " characters, got " + std::to_string(auth.adminKey.size()) +
                                " (set VO_ADMIN_API_KEY, e.g. to `openssl rand -hex 32`)");
  }
  reader.rejectUnknownKeys();
  return auth;
}

std::string defaultWorkerId() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] != '\0' ? host : "localhost") + ":" + std::to_string(::getpid());
}

DispatcherConfig readDispatcher(ConfigReader reader) {
  DispatcherConfig d;
  d.concurrency = static_cast<int>(reader.getInt("concurrency", d.concurrency, 1, 10000));
  d.leaseMs = reader.getInt("leaseMs", d.leaseMs, 10, kDay);
  d.maxAttempts = static_cast<int>(reader.getInt("maxAttempts", d.maxAttempts, 1, 100));
  d.retryBaseMs = reader.getInt("retryBaseMs", d.retryBaseMs, 1, kDay);
  d.retryMaxMs = reader.getInt("retryMaxMs", d.retryMaxMs, 1, 7 * kDay);
  if (d.retryMaxMs < d.retryBaseMs) {
    reader.fail("retryMaxMs",
                "must not be below retryBaseMs (" + std::to_string(d.retryBaseMs) + ")");
  }
  d.sweepIntervalMs = reader.getInt("sweepIntervalMs", d.sweepIntervalMs, 10, kDay);
  d.reconcileAfterMs = reader.getInt("reconcileAfterMs", d.reconcileAfterMs, 10, 30 * kDay);
  d.reconcileIntervalMs = reader.getInt("reconcileIntervalMs", d.reconcileIntervalMs, 10, kDay);
  d.settleWindowMs = reader.getInt("settleWindowMs", d.settleWindowMs, 10, kDay);
  if (d.settleWindowMs < 2 * d.leaseMs) {
    reader.fail("settleWindowMs", "must be at least twice leaseMs (" +
                                      std::to_string(2 * d.leaseMs) +
                                      "): a dial in flight must have ended before its call is "
                                      "dialed again");
  }
  d.shutdownGraceMs = reader.getInt("shutdownGraceMs", d.shutdownGraceMs, 0, 3600000);
  d.priorityWaitMs = reader.getInt("priorityWaitMs", d.priorityWaitMs, 1, 600000);
  d.idempotencyTtlMs = reader.getInt("idempotencyTtlMs", d.idempotencyTtlMs, 60000, 365 * kDay);
  d.workerId = reader.getString("workerId", "");
  if (d.workerId.empty()) d.workerId = defaultWorkerId();
  reader.rejectUnknownKeys();
  return d;
}

MetricsConfig readMetrics(ConfigReader reader) {
  MetricsConfig metrics;
  metrics.maxLabelSets = reader.getInt("maxLabelSets", metrics.maxLabelSets, 1, 100000);
  reader.rejectUnknownKeys();
  return metrics;
}

WebhooksConfig readWebhooks(ConfigReader reader) {
  constexpr int64_t kDay = 86400000;
  WebhooksConfig webhooks;
  webhooks.allowPrivateTargets =
      reader.getBool("allowPrivateTargets", webhooks.allowPrivateTargets);
  webhooks.timeoutMs = reader.getInt("timeoutMs", webhooks.timeoutMs, 100, 600000);
  webhooks.concurrency = reader.getInt("concurrency", webhooks.concurrency, 1, 256);
  webhooks.retryForMs = reader.getInt("retryForMs", webhooks.retryForMs, 1000, 30 * kDay);
  webhooks.firstRetryMs = reader.getInt("firstRetryMs", webhooks.firstRetryMs, 100, 3600000);
  webhooks.keepFinishedMs =
      reader.getInt("keepFinishedMs", webhooks.keepFinishedMs, 60000, 365 * kDay);
  reader.rejectUnknownKeys();
  return webhooks;
}

// yaml-cpp keeps the first of two equal keys silently; a repeated section is a mistake to name.
void rejectDuplicateKeys(const YAML::Node& node, const std::string& path) {
  if (node.IsMap()) {
    std::set<std::string> seen;
    for (const auto& entry : node) {
      const std::string key = entry.first.Scalar();
      const std::string keyPath = path.empty() ? key : path + "." + key;
      if (!seen.insert(key).second) throw ConfigError(keyPath + ": duplicate key");
      rejectDuplicateKeys(entry.second, keyPath);
    }
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      rejectDuplicateKeys(node[i], path + "[" + std::to_string(i) + "]");
    }
  }
}

YAML::Node parseYaml(const std::string& text, const std::string& sourceName) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(sourceName + ": line " + std::to_string(e.mark.line + 1) + ", column " +
                      std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

}  // namespace

EnvLookup processEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

AppConfig parseConfig(const std::string& yamlText, const std::string& sourceName,
                      const EnvLookup& env) {
  YAML::Node root = parseYaml(yamlText, sourceName);
  if (!root.IsMap() && !root.IsNull()) {
    throw ConfigError(sourceName + ": expected a mapping of sections (log, server, plugins, ...)");
  }
  rejectDuplicateKeys(root, "");
  config::interpolateTree(root, env);
  config::applyEnvOverrides(root, env);

  AppConfig config;
  config.sourceFile = sourceName;
  ConfigReader reader(root, "");
  config.logLevel = readLogLevel(reader.child("log"));
  config.server = readServer(reader.child("server"));
  config.auth = readAuth(reader.child("auth"));
  config.dispatcher = readDispatcher(reader.child("dispatcher"));
  config.pacing = config::readPacing(reader.child("pacing"));
  config.metrics = readMetrics(reader.child("metrics"));
  config.webhooks = readWebhooks(reader.child("webhooks"));
  config::readPlugins(reader.child("plugins"), root["plugins"], config);
  config.tenants = config::readTenants(reader.child("tenants"));
  reader.rejectUnknownKeys();
  return config;
}

AppConfig loadConfigFile(const std::string& path, const EnvLookup& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot read the config file");
  std::ostringstream text;
  text << in.rdbuf();
  return parseConfig(text.str(), path, env);
}

}  // namespace vo::core
