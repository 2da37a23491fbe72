#include "vo/testing/CallPages.h"

#include <gtest/gtest.h>

namespace vo::testing {

bool forEachCall(HttpClient& client, const std::string& query,
                 const std::function<void(const Json& call)>& visit) {
  std::string cursor;
  do {
    const auto page =
        client.get("/calls?limit=1000&" + query + (cursor.empty() ? "" : "&cursor=" + cursor));
    if (page.status != 200) {
      ADD_FAILURE() << "GET /calls?" << query << " answered " << page.status << ": " << page.body;
      return false;
    }
    const Json json = page.json();
    for (const Json& call : json["data"].elements()) visit(call);
    const Json next = json["nextCursor"];
    cursor = next.isNull() ? "" : next.string();
  } while (!cursor.empty());
  return true;
}

}  // namespace vo::testing
