#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vo::api {

// A call's stored provider data (a JSON object, or empty) with the members of `detail` (a JSON
// object) laid over it: a key in both takes the detail's value, keys come out in name order.
// nullopt when there is nothing to lay over (`detail` empty or `{}`) or either is not a JSON
// object: the stored data is then kept as it is, since a provider's malformed extras are not
// worth losing the outcome. The meaning of CallTransition::providerDetailJson, for stores that
// apply it in C++ (SQLite registers it as an SQL function; PostgreSQL has its own, in SQL).
std::optional<std::string> overlaidProviderData(std::string_view stored, std::string_view detail);

}  // namespace vo::api
