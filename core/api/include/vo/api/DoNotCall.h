#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vo::api {

// The list id of the global do-not-call list (an admin's), checked for every workspace; a
// workspace's own list has the workspace's id.
inline constexpr std::string_view kGlobalDncList = "";
// The endReason of a call ended `suppressed` because its number is on a do-not-call list.
inline constexpr std::string_view kDoNotCallEndReason = "dnc";

// A number nobody may call: on its workspace's list, or on the global one.
struct DncEntry {
  std::string listId;  // the workspace's id, or kGlobalDncList
  std::string number;  // E.164, as calls carry `to`
  std::string reason;
  int64_t createdAtMs = 0;
};

// One page of a list, by number ascending; `nextCursor` is the last number of the page, empty
// when there are no more.
struct DncPage {
  std::vector<DncEntry> entries;
  std::string nextCursor;
};

}  // namespace vo::api
