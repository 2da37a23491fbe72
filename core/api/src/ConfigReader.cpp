#include "vo/api/ConfigReader.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <optional>

namespace vo::api {

struct ConfigReader::State {
  YAML::Node node;
  std::string path;
  std::set<std::string> readKeys;
};

ConfigReader::ConfigReader(const YAML::Node& node, std::string path)
    : state_(std::make_unique<State>()) {
  state_->node = node;
  state_->path = std::move(path);
  if (node && !node.IsNull() && !node.IsMap()) {
    throw ConfigError(state_->path + ": expected a mapping");
  }
}

ConfigReader::~ConfigReader() = default;
ConfigReader::ConfigReader(ConfigReader&&) noexcept = default;
ConfigReader& ConfigReader::operator=(ConfigReader&&) noexcept = default;

const std::string& ConfigReader::path() const {
  return state_->path;
}

std::string ConfigReader::keyPath(const std::string& key) const {
  return state_->path.empty() ? key : state_->path + "." + key;
}

void ConfigReader::fail(const std::string& key, const std::string& problem) const {
  throw ConfigError(keyPath(key) + ": " + problem);
}

bool ConfigReader::has(const std::string& key) const {
  if (!state_->node || !state_->node.IsMap()) return false;
  const YAML::Node value = state_->node[key];
  return value && !value.IsNull();
}

namespace {

// Scalar text of a present key; nullopt when absent or null.
std::optional<std::string> scalarOf(const YAML::Node& map, const std::string& key,
                                    const ConfigReader& reader) {
  if (!map || !map.IsMap()) return std::nullopt;
  const YAML::Node value = map[key];
  if (!value || value.IsNull()) return std::nullopt;
  if (!value.IsScalar()) reader.fail(key, "expected a single value");
  return value.Scalar();
}

}  // namespace

std::string ConfigReader::getString(const std::string& key, const std::string& fallback) {
  state_->readKeys.insert(key);
  return scalarOf(state_->node, key, *this).value_or(fallback);
}

std::string ConfigReader::requireString(const std::string& key) {
  state_->readKeys.insert(key);
  auto value = scalarOf(state_->node, key, *this);
  if (!value || value->empty()) fail(key, "is required");
  return *value;
}

int64_t ConfigReader::getInt(const std::string& key, int64_t fallback, int64_t min, int64_t max) {
  state_->readKeys.insert(key);
  auto text = scalarOf(state_->node, key, *this);
  if (!text || text->empty()) return fallback;
  int64_t value = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end) fail(key, "expected a whole number, got '" + *text + "'");
  if (value < min || value > max) {
    fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
                  *text);
  }
  return value;
}

double ConfigReader::getDouble(const std::string& key, double fallback, double min, double max) {
  state_->readKeys.insert(key);
  auto text = scalarOf(state_->node, key, *this);
  if (!text || text->empty()) return fallback;
  double value = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) {
    fail(key, "expected a number, got '" + *text + "'");
  }
  if (value < min || value > max) {
    fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
                  *text);
  }
  return value;
}

bool ConfigReader::getBool(const std::string& key, bool fallback) {
  state_->readKeys.insert(key);
  auto text = scalarOf(state_->node, key, *this);
  if (!text || text->empty()) return fallback;
  if (*text == "true" || *text == "yes" || *text == "on" || *text == "1") return true;
  if (*text == "false" || *text == "no" || *text == "off" || *text == "0") return false;
  fail(key, "expected true or false, got '" + *text + "'");
}

std::vector<std::string> ConfigReader::getStringList(const std::string& key) {
  state_->readKeys.insert(key);
  std::vector<std::string> items;
  if (!has(key)) return items;
  const YAML::Node value = state_->node[key];
  if (!value.IsSequence()) fail(key, "expected a list");
  for (const auto& item : value) {
    if (!item.IsScalar()) fail(key, "expected a list of single values");
    items.push_back(item.Scalar());
  }
  return items;
}

ConfigReader ConfigReader::child(const std::string& key) {
  state_->readKeys.insert(key);
  YAML::Node value;
  if (has(key)) value = state_->node[key];
  return ConfigReader(value, keyPath(key));
}

std::vector<ConfigReader> ConfigReader::childList(const std::string& key) {
  state_->readKeys.insert(key);
  std::vector<ConfigReader> items;
  if (!has(key)) return items;
  const YAML::Node value = state_->node[key];
  if (!value.IsSequence()) fail(key, "expected a list");
  for (std::size_t i = 0; i < value.size(); ++i) {
    items.emplace_back(value[i], keyPath(key) + "[" + std::to_string(i) + "]");
  }
  return items;
}

void ConfigReader::rejectUnknownKeys() const {
  if (!state_->node || !state_->node.IsMap()) return;
  for (const auto& entry : state_->node) {
    const std::string key = entry.first.Scalar();
    if (!state_->readKeys.contains(key)) fail(key, "unknown key");
  }
}

}  // namespace vo::api
