#include "ConversationSearch.h"

#include <Poco/URI.h>
#include <rapidjson/document.h>

#include "JsonFields.h"
#include "JsonParse.h"
#include "OutboundCallBody.h"
#include "WebhookEvents.h"

namespace vo::elevenlabs {

namespace {

// The API's largest page; a window holds a few hundred conversations even at peak rates.
constexpr int kPageSize = 100;
constexpr int kMaxPages = 100;
// Remembered conversations: cleared past this (each is read again when needed).
constexpr std::size_t kMaxRemembered = 200000;

std::string encoded(const std::string& text) {
  std::string out;
  Poco::URI::encode(text, "/?#%&=+ ", out);
  return out;
}

std::string failureOf(const Exchange& exchange) {
  return exchange.stage == ExchangeStage::kAnswered ? "HTTP " + std::to_string(exchange.status)
                                                    : exchange.error;
}

}  // namespace

SearchResult ConversationSearch::find(const std::string& apiKey, const std::string& agentId,
                                      const std::string& callId, int64_t startedAfterMs,
                                      int64_t startedBeforeMs) {
  SearchResult result;
  const std::string filter =
      conversationPath_ + "?agent_id=" + encoded(agentId) +
      "&call_start_after_unix=" + std::to_string(startedAfterMs / 1000) +
      "&call_start_before_unix=" + std::to_string((startedBeforeMs + 999) / 1000) +
      "&page_size=" + std::to_string(kPageSize) +
      // The API filters by the dial's own variable: one conversation at most, however busy the
      // window. Each is still checked below (an API that ignored the filter lists them all).
      "&dynamic_variable_params=" + encoded(std::string(kCallIdVariable) + ":eq:" + callId);
  std::string cursor;
  for (int page = 0; page < kMaxPages; ++page) {
    const Exchange listed = client_.send(
        "GET", cursor.empty() ? filter : filter + "&cursor=" + encoded(cursor), apiKey, "");
    if (listed.stage != ExchangeStage::kAnswered || listed.status != 200) {
      result.message = "listing conversations: " + failureOf(listed);
      return result;
    }
    ScratchDocument document;
    const rapidjson::Value* conversations = nullptr;
    if (parseJson(listed.body, document) && document.IsObject()) {
      const auto* found = findMember(document, "conversations");
      if (found != nullptr && found->IsArray()) conversations = found;
    }
    if (conversations == nullptr) {
      result.message = "the conversation list is not {\"conversations\": [...]}";
      return result;
    }
    for (const auto& summary : conversations->GetArray()) {
      if (!summary.IsObject()) continue;
      const std::string conversationId = textMember(summary, "conversation_id");
      if (conversationId.empty()) continue;
      std::string body;
      std::string error;
      const auto owner = callIdOfConversation(apiKey, conversationId, body, error);
      if (!owner) {
        result.message = "reading conversation " + conversationId + ": " + error;
        return result;
      }
      if (*owner != callId) continue;
      if (body.empty()) {  // remembered: read it again for its current state
        const Exchange again =
            client_.send("GET", conversationPath_ + "/" + encoded(conversationId), apiKey, "");
        if (again.stage != ExchangeStage::kAnswered || again.status != 200) {
          result.message = "reading conversation " + conversationId + ": " + failureOf(again);
          return result;
        }
        body = again.body;
      }
      result.kind = SearchResult::Kind::kFound;
      result.conversationBody = std::move(body);
      return result;
    }
    const auto* more = findMember(document, "has_more");
    const bool hasMore = more != nullptr && more->IsBool() && more->GetBool();
    cursor = textMember(document, "next_cursor");
    if (!hasMore || cursor.empty()) {
      result.kind = SearchResult::Kind::kAbsent;
      return result;
    }
  }
  result.message =
      "more than " + std::to_string(kMaxPages * kPageSize) + " conversations in the dial's window";
  return result;
}

std::optional<std::string> ConversationSearch::callIdOfConversation(
    const std::string& apiKey, const std::string& conversationId, std::string& body,
    std::string& error) {
  {
    std::lock_guard lock(mutex_);
    if (auto known = callIds_.find(conversationId); known != callIds_.end()) return known->second;
  }
  const Exchange read =
      client_.send("GET", conversationPath_ + "/" + encoded(conversationId), apiKey, "");
  if (read.stage != ExchangeStage::kAnswered || read.status != 200) {
    error = failureOf(read);
    return std::nullopt;
  }
  ScratchDocument conversation;
  if (!parseJson(read.body, conversation) || !conversation.IsObject()) {
    error = "not a JSON object";
    return std::nullopt;
  }
  std::string owner = callIdOf(conversation);
  body = read.body;
  std::lock_guard lock(mutex_);
  if (callIds_.size() >= kMaxRemembered) callIds_.clear();
  callIds_.emplace(conversationId, owner);
  return owner;
}

}  // namespace vo::elevenlabs
