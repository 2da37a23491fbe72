#pragma once

#include <yaml-cpp/yaml.h>

#include "vo/core/ConfigLoader.h"

namespace vo::core::config {

// The seed's environment variables, written over the (interpolated) tree so they win over the
// file. Plugin-specific ones apply only when that plugin is the one configured. Variables set
// to an empty value are ignored.
void applyEnvOverrides(YAML::Node& root, const EnvLookup& env);

}  // namespace vo::core::config
