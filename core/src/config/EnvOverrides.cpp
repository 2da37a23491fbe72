#include "config/EnvOverrides.h"

#include <initializer_list>
#include <string>
#include <vector>

namespace vo::core::config {

namespace {

struct Override {
  const char* variable;
  std::vector<std::string> path;  // keys from the root
  const char* pluginKind;         // nullptr: always; else only when plugins.<kind>.name ...
  const char* pluginName;         // ... is this (nullptr: any plugin of that kind)
};

const std::vector<Override>& overrides() {
  static const std::vector<Override> table{
      {"SERVICE_HOST", {"server", "host"}, nullptr, nullptr},
      {"SERVICE_PORT", {"server", "port"}, nullptr, nullptr},
      {"CALLS_WORKER_CONCURRENCY", {"dispatcher", "concurrency"}, nullptr, nullptr},
      {"LOG_LEVEL", {"log", "level"}, nullptr, nullptr},
      {"VO_ADMIN_API_KEY", {"auth", "adminKey"}, nullptr, nullptr},
      {"VO_METRICS_TOKEN", {"auth", "metricsToken"}, nullptr, nullptr},
      {"VO_PLUGIN_DIR", {"plugins", "dir"}, nullptr, nullptr},
      {"RETENTION_DAYS", {"plugins", "retention", "config", "days"}, "retention", nullptr},
      {"ELEVENLABS_API_KEY", {"plugins", "provider", "config", "apiKey"}, "provider", "elevenlabs"},
      {"ELEVENLABS_BASE_URL",
       {"plugins", "provider", "config", "baseUrl"},
       "provider",
       "elevenlabs"},
      {"ELEVENLABS_OUTBOUND_CALLS_PATH",
       {"plugins", "provider", "config", "outboundCallsPath"},
       "provider",
       "elevenlabs"},
      {"ELEVENLABS_WEBHOOK_SECRET",
       {"plugins", "provider", "config", "webhookSecret"},
       "provider",
       "elevenlabs"},
      {"REDIS_URL", {"plugins", "queue", "config", "url"}, "queue", "redis"},
      {"DATABASE_URL", {"plugins", "store", "config", "url"}, "store", "postgres"},
  };
  return table;
}

// The name of the configured plugin of `kind`, "" when none (or the tree is malformed; the
// validation that follows names that problem).
std::string configuredPlugin(const YAML::Node& root, const char* kind) {
  const YAML::Node plugins = root["plugins"];
  if (!plugins || !plugins.IsMap()) return "";
  const YAML::Node selection = plugins[kind];
  if (!selection || !selection.IsMap()) return "";
  const YAML::Node name = selection["name"];
  return name && name.IsScalar() ? name.Scalar() : "";
}

// Sets root[path...] = value, creating mappings on the way. Leaves the tree alone when a node
// on the way is not a mapping: validation reports that key.
void setPath(YAML::Node root, const std::vector<std::string>& path, const std::string& value) {
  YAML::Node node = root;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    if (!node.IsMap() && !node.IsNull()) return;
    YAML::Node next = node[path[i]];
    if (!next || next.IsNull()) {
      node[path[i]] = YAML::Node(YAML::NodeType::Map);
      next = node[path[i]];
    }
    node.reset(next);
  }
  if (!node.IsMap() && !node.IsNull()) return;
  node[path.back()] = value;
}

}  // namespace

void applyEnvOverrides(YAML::Node& root, const EnvLookup& env) {
  if (!root.IsMap() && !root.IsNull()) return;
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  for (const Override& entry : overrides()) {
    const std::optional<std::string> value = env(entry.variable);
    if (!value || value->empty()) continue;
    if (entry.pluginKind != nullptr) {
      const std::string configured = configuredPlugin(root, entry.pluginKind);
      if (configured.empty()) continue;
      if (entry.pluginName != nullptr && configured != entry.pluginName) continue;
    }
    setPath(root, entry.path, *value);
  }
}

}  // namespace vo::core::config
