#pragma once

#include <cstdint>
#include <string>

#include "ConversationIndex.h"

namespace vo::fake_elevenlabs {

// GET /v1/convai/conversations' query as the real API reads it: agent_id,
// call_start_after_unix, call_start_before_unix (integers, inclusive), cursor, page_size
// (1..100, default 30), dynamic_variable_params (name:eq:value only). Other parameters are ignored;
// a repeated one counts by its last value.
struct ConversationListQuery {
  bool valid = false;
  std::string errorBody;  // 422 {"detail":[{"type","loc":["query",...],"msg","input"}]}
  ConversationFilter filter;
};

constexpr int kDefaultPageSize = 30;
constexpr int kMaxPageSize = 100;

// `target`: the request's path and query, as sent.
ConversationListQuery parseConversationListQuery(const std::string& target);

// The opaque cursor naming the position after the conversation with `sequence`.
std::string cursorAfter(uint64_t sequence);

}  // namespace vo::fake_elevenlabs
