#pragma once

#include <memory>
#include <string>

#include "vo/api/CallStore.h"

namespace YAML {
class Node;
}

namespace vo::store_postgres {

// Builds the PostgreSQL store from its config section (see PostgresSettings). Connects lazily:
// a database that is down at start makes migrate() and health() report it, not the factory.
std::unique_ptr<vo::api::CallStore> createPostgresStore(const YAML::Node& config,
                                                        const std::string& configPath);

}  // namespace vo::store_postgres
