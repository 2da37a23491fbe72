#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "ApiClient.h"

namespace vo::elevenlabs {

// What the search for a lost dial's conversation found.
struct SearchResult {
  enum class Kind { kFound, kAbsent, kUnavailable } kind = Kind::kUnavailable;
  std::string conversationBody;  // kFound: GET /v1/convai/conversations/{id}'s answer
  std::string message;
};

// Finds the conversation of a dial whose answer was lost: the agent's conversations that began
// in the dial's window and carry the call's vo_call_id (GET /v1/convai/conversations with
// dynamic_variable_params, every page), each read once (GET .../{id}) to check whose call it is.
// Absent only when every page was read. What each conversation belongs to is remembered, so many
// lost dials of one window read each conversation once.
class ConversationSearch {
 public:
  ConversationSearch(ApiClient& client, std::string conversationPath)
      : client_(client), conversationPath_(std::move(conversationPath)) {}

  SearchResult find(const std::string& apiKey, const std::string& agentId,
                    const std::string& callId, int64_t startedAfterMs, int64_t startedBeforeMs);

 private:
  // The call id a conversation carries (read and remembered); nullopt when it could not be read.
  std::optional<std::string> callIdOfConversation(const std::string& apiKey,
                                                  const std::string& conversationId,
                                                  std::string& body, std::string& error);

  ApiClient& client_;
  const std::string conversationPath_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::string> callIds_;  // conversation id -> vo_call_id
};

}  // namespace vo::elevenlabs
