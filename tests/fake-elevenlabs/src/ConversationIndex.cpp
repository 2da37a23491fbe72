#include "ConversationIndex.h"

#include <rapidjson/document.h>

#include <algorithm>

namespace vo::fake_elevenlabs {

namespace {

// Whether the dial's dynamic variable `name` is `value` (a string, or a number's text).
bool hasVariable(const Conversation& conversation, const std::pair<std::string, std::string>& is) {
  rapidjson::Document variables;
  variables.Parse(conversation.call.dynamicVariablesJson.c_str());
  if (variables.HasParseError() || !variables.IsObject()) return false;
  const auto found = variables.FindMember(is.first.c_str());
  if (found == variables.MemberEnd()) return false;
  if (found->value.IsString()) return is.second == found->value.GetString();
  if (found->value.IsInt64()) return is.second == std::to_string(found->value.GetInt64());
  return false;
}

}  // namespace

void ConversationIndex::add(const Conversation& conversation) {
  all_.push_back(&conversation);
  byAgent_[conversation.call.agentId].push_back(&conversation);
}

ConversationIndex::Page ConversationIndex::page(const ConversationFilter& filter) const {
  Page page;
  const std::vector<const Conversation*>* ordered = &all_;
  if (filter.agentId) {
    const auto found = byAgent_.find(*filter.agentId);
    if (found == byAgent_.end()) return page;
    ordered = &found->second;
  }
  // [first, last): the conversations matching the filter, oldest first.
  auto first = ordered->begin();
  auto last = ordered->end();
  if (filter.startedAfterSecs) {
    first = std::lower_bound(first, last, *filter.startedAfterSecs,
                             [](const Conversation* conversation, int64_t secs) {
                               return conversation->startedAtSecs < secs;
                             });
  }
  if (filter.startedBeforeSecs) {
    last = std::upper_bound(first, last, *filter.startedBeforeSecs,
                            [](int64_t secs, const Conversation* conversation) {
                              return secs < conversation->startedAtSecs;
                            });
  }
  if (filter.olderThanSequence) {
    last = std::lower_bound(first, last, *filter.olderThanSequence,
                            [](const Conversation* conversation, uint64_t sequence) {
                              return conversation->sequence < sequence;
                            });
  }
  if (filter.variableEquals) {
    // No index on variables: the window is walked newest first (the real API has one).
    for (auto at = last; at != first;) {
      const Conversation* conversation = *--at;
      if (!hasVariable(*conversation, *filter.variableEquals)) continue;
      if (static_cast<int>(page.newestFirst.size()) == filter.pageSize) {
        page.hasMore = true;
        break;
      }
      page.newestFirst.push_back(conversation);
    }
    return page;
  }
  const auto matching = last - first;
  const auto taken = std::min<std::ptrdiff_t>(matching, std::max(filter.pageSize, 0));
  page.hasMore = matching > taken;
  page.newestFirst.reserve(static_cast<std::size_t>(taken));
  for (auto at = last; at != last - taken;) page.newestFirst.push_back(*--at);
  return page;
}

}  // namespace vo::fake_elevenlabs
