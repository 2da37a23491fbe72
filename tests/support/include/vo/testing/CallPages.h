#pragma once

#include <functional>
#include <string>

#include "vo/testing/HttpClient.h"
#include "vo/testing/Json.h"

namespace vo::testing {

// Walks GET /calls?<query> page by page (limit 1000, following nextCursor) and hands every call
// to `visit`. Returns false, after reporting the answer as a test failure, when a page is not
// 200.
bool forEachCall(HttpClient& client, const std::string& query,
                 const std::function<void(const Json& call)>& visit);

}  // namespace vo::testing
