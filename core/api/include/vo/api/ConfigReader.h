#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace vo::api {

// Thrown at load and config time only, with a message naming the key: "plugins.queue.config.url:
// expected redis://host:port".
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Typed, validating reads of one YAML mapping. Every key read is remembered, so
// rejectUnknownKeys() can name a misspelt one. Values may be given as strings ("10") since env
// interpolation yields strings.
class ConfigReader {
 public:
  // `path` is the mapping's dotted location, used in messages. A null node reads as empty.
  ConfigReader(const YAML::Node& node, std::string path);
  ~ConfigReader();
  ConfigReader(ConfigReader&&) noexcept;
  ConfigReader& operator=(ConfigReader&&) noexcept;

  bool has(const std::string& key) const;
  std::string getString(const std::string& key, const std::string& fallback);
  std::string requireString(const std::string& key);
  int64_t getInt(const std::string& key, int64_t fallback, int64_t min, int64_t max);
  double getDouble(const std::string& key, double fallback, double min, double max);
  bool getBool(const std::string& key, bool fallback);
  std::vector<std::string> getStringList(const std::string& key);
  // A nested mapping (empty when absent). Unknown keys inside it are checked by its own reader.
  ConfigReader child(const std::string& key);
  // Items of a sequence of mappings; each a reader of its own.
  std::vector<ConfigReader> childList(const std::string& key);
  const std::string& path() const;
  std::string keyPath(const std::string& key) const;
  // Throws ConfigError naming the first key present but never read.
  void rejectUnknownKeys() const;

  // Throws ConfigError("<path>.<key>: <problem>").
  [[noreturn]] void fail(const std::string& key, const std::string& problem) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vo::api
