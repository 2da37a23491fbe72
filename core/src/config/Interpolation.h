#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "vo/core/ConfigLoader.h"

namespace vo::core::config {

// Expands ${VAR} and ${VAR:-default} in `text` (`$${` is a literal `${`). Like the shell, the
// default also applies when VAR is set but empty. Throws ConfigError naming `keyPath` for an
// unset VAR without a default or a malformed reference.
std::string interpolate(const std::string& text, const std::string& keyPath, const EnvLookup& env);

// interpolate() on every scalar value in the tree (keys are left alone), in place.
void interpolateTree(YAML::Node& root, const EnvLookup& env);

}  // namespace vo::core::config
