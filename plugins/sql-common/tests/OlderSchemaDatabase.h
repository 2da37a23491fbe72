#pragma once

#include <string>
#include <vector>

#include "vo/api/CallStore.h"

namespace vo::sql::testing {

// The SQL that builds a database as schema version 3 left it (every call column in `calls`),
// holding one workspace with two calls: a queued bulk call, and a completed priority call with
// every optional field set and one attempt. `textType` is the backend's SqlBackend::textType().
std::vector<std::string> version3DatabaseWithCalls(const std::string& textType);

// After `store` migrated that database: both calls read back as they were written, are found by
// their status and provider id, and still move through their life.
void expectVersion3CallsKept(vo::api::CallStore& store);

}  // namespace vo::sql::testing
