// The plugins section of the config: which plugin of each kind, and its own config section,
// handed to the plugin untouched.
#include <cctype>
#include <sstream>

#include "config/Sections.h"

namespace vo::core::config {

namespace {

bool isPluginName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (unsigned char c : name) {
    if (!(std::islower(c) || std::isdigit(c) || c == '-' || c == '_')) return false;
  }
  return true;
}

PluginSelection readSelection(api::ConfigReader& plugins, const YAML::Node& node,
                              const std::string& kind, bool required) {
  PluginSelection selection;
  if (!plugins.has(kind)) {
    if (required) plugins.fail(kind, "is required (a mapping with the plugin's name and config)");
    plugins.child(kind);  // marks the (null) key as known
    return selection;
  }
  api::ConfigReader reader = plugins.child(kind);
  selection.name = reader.requireString("name");
  if (!isPluginName(selection.name)) {
    reader.fail("name",
                "expected lowercase letters, digits, - and _, got '" + selection.name + "'");
  }
  reader.child("config");  // checks it is a mapping; its keys are the plugin's to validate
  const YAML::Node config = node[kind]["config"];
  selection.config =
      config && !config.IsNull() ? YAML::Clone(config) : YAML::Node(YAML::NodeType::Map);
  reader.rejectUnknownKeys();
  return selection;
}

// plugins.dir: a list, or one string with ':'-separated directories (as VO_PLUGIN_DIR gives).
std::vector<std::string> readPluginDirs(api::ConfigReader& plugins, const YAML::Node& node) {
  const YAML::Node dir = node["dir"];
  if (dir && dir.IsSequence()) return plugins.getStringList("dir");
  std::vector<std::string> dirs;
  std::istringstream text(plugins.getString("dir", ""));
  for (std::string item; std::getline(text, item, ':');) {
    if (!item.empty()) dirs.push_back(item);
  }
  return dirs;
}

}  // namespace

void readPlugins(api::ConfigReader reader, const YAML::Node& raw, AppConfig& config) {
  const YAML::Node node = raw && raw.IsMap() ? raw : YAML::Node(YAML::NodeType::Map);
  config.pluginDirs = readPluginDirs(reader, node);
  config.store = readSelection(reader, node, "store", true);
  config.queue = readSelection(reader, node, "queue", true);
  config.provider = readSelection(reader, node, "provider", true);
  config.retention = readSelection(reader, node, "retention", false);
  reader.rejectUnknownKeys();
}

}  // namespace vo::core::config
