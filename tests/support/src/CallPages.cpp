#include "vo/testing/CallPages.h"

#include <gtest/gtest.h>

namespace vo::testing {

bool forEachCall(HttpClient& client, const std::string& query,
                 const std::function<void(const Poco::JSON::Object::Ptr& call)>& visit) {
  std::string cursor;
  do {
    const auto page =
        client.get("/calls?limit=1000&" + query + (cursor.empty() ? "" : "&cursor=" + cursor));
    if (page.status != 200) {
      ADD_FAILURE() << "GET /calls?" << query << " answered " << page.status << ": " << page.body;
      return false;
    }
    const auto json = page.json();
    const auto data = json->getArray("data");
    for (std::size_t i = 0; i < data->size(); ++i) {
      visit(data->getObject(static_cast<unsigned>(i)));
    }
    cursor = json->isNull("nextCursor") ? "" : json->getValue<std::string>("nextCursor");
  } while (!cursor.empty());
  return true;
}

}  // namespace vo::testing
