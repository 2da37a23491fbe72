#include "config/Interpolation.h"

#include <cctype>

#include "vo/api/ConfigReader.h"

namespace vo::core::config {

namespace {

bool isNameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool isNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

[[noreturn]] void fail(const std::string& keyPath, const std::string& problem) {
  throw api::ConfigError((keyPath.empty() ? std::string("(top level)") : keyPath) + ": " + problem);
}

// Expands the reference whose text (between "${" and "}") is `reference`.
std::string expandReference(const std::string& reference, const std::string& keyPath,
                            const EnvLookup& env) {
  const auto separator = reference.find(":-");
  const std::string name = reference.substr(0, separator);
  if (name.empty() || !isNameStart(name[0])) {
    fail(keyPath, "bad variable reference '${" + reference + "}'");
  }
  for (char c : name) {
    if (!isNameChar(c)) fail(keyPath, "bad variable reference '${" + reference + "}'");
  }
  const std::optional<std::string> value = env(name);
  if (value && !value->empty()) return *value;
  if (separator != std::string::npos) return reference.substr(separator + 2);
  if (value) return *value;  // set but empty, no default: the empty value
  fail(keyPath, "environment variable " + name + " is not set (referenced as ${" + name + "})");
}

void interpolateNode(YAML::Node node, const std::string& keyPath, const EnvLookup& env) {
  if (node.IsScalar()) {
    const std::string& text = node.Scalar();
    if (text.find('$') != std::string::npos) node = interpolate(text, keyPath, env);
  } else if (node.IsMap()) {
    for (auto entry : node) {
      const std::string key = entry.first.Scalar();
      interpolateNode(entry.second, keyPath.empty() ? key : keyPath + "." + key, env);
    }
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      interpolateNode(node[i], keyPath + "[" + std::to_string(i) + "]", env);
    }
  }
}

}  // namespace

std::string interpolate(const std::string& text, const std::string& keyPath, const EnvLookup& env) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
    } else if (text.compare(i, 2, "${") == 0) {
      const auto close = text.find('}', i + 2);
      if (close == std::string::npos) fail(keyPath, "unterminated '${' in '" + text + "'");
      out += expandReference(text.substr(i + 2, close - i - 2), keyPath, env);
      i = close + 1;
    } else {
      out += text[i++];
    }
  }
  return out;
}

void interpolateTree(YAML::Node& root, const EnvLookup& env) {
  interpolateNode(root, "", env);
}

}  // namespace vo::core::config
