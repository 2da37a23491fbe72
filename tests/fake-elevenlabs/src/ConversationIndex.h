#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "Conversation.h"

namespace vo::fake_elevenlabs {

// Which conversations a list page holds: the real API's filters (both time bounds inclusive,
// in the seconds of start_time_unix_secs) and the position a cursor names.
struct ConversationFilter {
  std::optional<std::string> agentId;
  std::optional<int64_t> startedAfterSecs;
  std::optional<int64_t> startedBeforeSecs;
  std::optional<uint64_t> olderThanSequence;  // from the cursor: only conversations before it
  // dynamic_variable_params "name:eq:value": the dial's dynamic variable `name` is the string
  // (or number text) `value`. The only operator the fake knows.
  std::optional<std::pair<std::string, std::string>> variableEquals;
  int pageSize = 30;
};

// The conversations in the order they were admitted (which is start-time order: the registry
// never starts one before an earlier one), all of them and per agent, so a page is two binary
// searches and a slice however many there are: newest first, and a cursor (the last sequence
// returned) is not moved by conversations added later. Holds pointers to the registry's
// conversations, which never move (node-based map) nor go away.
class ConversationIndex {
 public:
  void add(const Conversation& conversation);

  struct Page {
    std::vector<const Conversation*> newestFirst;
    bool hasMore = false;
  };
  Page page(const ConversationFilter& filter) const;

 private:
  std::vector<const Conversation*> all_;
  std::unordered_map<std::string, std::vector<const Conversation*>> byAgent_;
};

}  // namespace vo::fake_elevenlabs
