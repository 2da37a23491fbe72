#pragma once

#include <map>
#include <string>

#include "vo/core/ConfigLoader.h"

namespace vo::core::testing {

// An environment holding exactly `values`, so tests need not touch the process's own.
inline EnvLookup envOf(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto found = values.find(name);
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

}  // namespace vo::core::testing
