#pragma once

#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>

#include "vo/api/CallStore.h"

namespace vo::store_postgres::testing {

// True when PG* variables name a server (pg_virtualenv sets them); tests skip otherwise.
bool postgresConfigured();
// A schema name no other test uses; dropped when the test program ends.
std::string uniqueSchema(const std::string& purpose);
// The store's config for `schema`, url empty so libpq's PG* variables apply.
YAML::Node configFor(const std::string& schema);
std::unique_ptr<vo::api::CallStore> openStore(const std::string& schema);
// Runs one SQL command on a connection of its own; returns the first column of the first row.
std::string adminQuery(const std::string& sql);

}  // namespace vo::store_postgres::testing
