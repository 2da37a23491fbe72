#pragma once

#include <memory>

#include "vo/api/CallStore.h"

namespace YAML {
class Node;
}

namespace vo::store_sqlite {

// Builds the SQLite store from its config section (keys: path, busyTimeoutMs, synchronous,
// poolSize). Creates the database's folder. Throws vo::api::ConfigError naming a bad key.
std::unique_ptr<vo::api::CallStore> createSqliteStore(const YAML::Node& config,
                                                      const std::string& configPath);

}  // namespace vo::store_sqlite
