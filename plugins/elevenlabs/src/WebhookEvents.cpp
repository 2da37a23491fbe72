#include "WebhookEvents.h"

#include <rapidjson/document.h>

#include "JsonFields.h"
#include "JsonParse.h"
#include "OutboundCallBody.h"

namespace vo::elevenlabs {
namespace {

using vo::api::CallEvent;
using vo::api::CallStatus;
using vo::api::ErrorCode;
using vo::api::makeError;

vo::api::Error invalid(const std::string& field, const std::string& problem) {
  return makeError(ErrorCode::kInvalid, field + ": " + problem);
}

// call_initiation_failure: failure_reason busy | no-answer | unknown (and whatever comes later).
CallStatus statusOfFailure(const std::string& reason) {
  if (reason == "busy") return CallStatus::kBusy;
  if (reason == "no-answer" || reason == "no_answer") return CallStatus::kNoAnswer;
  return CallStatus::kFailed;
}

vo::api::Result<CallEvent> initiationFailure(const rapidjson::Value& data, int64_t atMs) {
  CallEvent event;
  event.providerCallId = textMember(data, "conversation_id");
  if (event.providerCallId.empty()) return invalid("data.conversation_id", "missing");
  event.callId = callIdOf(data);
  const std::string reason = textMember(data, "failure_reason");
  event.status = statusOfFailure(reason);
  event.endReason = reason.empty() ? "call initiation failed" : reason;
  event.durationSecs = 0;
  event.atMs = atMs;
  std::vector<std::pair<std::string, std::string>> detail{{"failure_reason", reason}};
  if (const auto* metadata = objectMember(data, "metadata")) {
    detail.emplace_back("telephony", textMember(*metadata, "type"));
  }
  event.detailJson = stringFieldsJson(detail);
  return event;
}

}  // namespace

std::string callIdOf(const rapidjson::Value& conversation) {
  const auto* clientData = objectMember(conversation, "conversation_initiation_client_data");
  if (!clientData) return "";
  const auto* variables = objectMember(*clientData, "dynamic_variables");
  return variables ? textMember(*variables, kCallIdVariable) : "";
}

vo::api::Result<ConversationState> conversationState(const rapidjson::Value& conversation,
                                                     const std::string& fieldPrefix,
                                                     const std::string& missingStatus,
                                                     int64_t atMs) {
  ConversationState state;
  CallEvent& event = state.event;
  event.providerCallId = textMember(conversation, "conversation_id");
  if (event.providerCallId.empty()) return invalid(fieldPrefix + "conversation_id", "missing");
  event.callId = callIdOf(conversation);
  std::string status = textMember(conversation, "status");
  if (status.empty()) status = missingStatus;
  if (status == "done") {
    event.status = CallStatus::kCompleted;
  } else if (status == "failed") {
    event.status = CallStatus::kFailed;
  } else if (status == "initiated" || status == "in-progress" || status == "processing") {
    return state;
  } else {
    return invalid(fieldPrefix + "status", "unknown conversation status '" + status + "'");
  }
  state.final = true;
  event.atMs = atMs;
  if (const auto* metadata = objectMember(conversation, "metadata")) {
    const rapidjson::Value* duration = findMember(*metadata, "call_duration_secs");
    if (duration && !duration->IsNull()) {
      const std::optional<int64_t> secs = integerOf(*duration);
      if (!secs) return invalid(fieldPrefix + "metadata.call_duration_secs", "expected a number");
      event.durationSecs = *secs;
    }
    event.endReason = textMember(*metadata, "termination_reason");
  }
  // Its fields in name order, as the detail has always been written.
  std::vector<std::pair<std::string, std::string>> detail;
  if (const auto* analysis = objectMember(conversation, "analysis")) {
    detail.emplace_back("call_successful", textMember(*analysis, "call_successful"));
  }
  if (event.endReason.empty()) {
    event.endReason = status;
  } else {
    detail.emplace_back("termination_reason", event.endReason);
  }
  event.detailJson = stringFieldsJson(detail);
  return state;
}

vo::api::Result<std::vector<CallEvent>> webhookEvents(const std::string& body, int64_t nowMs) {
  ScratchDocument root;
  if (!parseJson(body, root) || !root.IsObject()) return invalid("body", "not a JSON object");
  const std::string type = textMember(root, "type");
  if (type.empty()) return invalid("type", "missing");
  if (type != "post_call_transcription" && type != "call_initiation_failure") {
    return std::vector<CallEvent>{};  // acknowledged, nothing to apply (post_call_audio, ...)
  }
  const rapidjson::Value* data = objectMember(root, "data");
  if (!data) return invalid("data", "missing or not an object");
  int64_t atMs = nowMs;
  const rapidjson::Value* timestamp = findMember(root, "event_timestamp");
  if (timestamp && !timestamp->IsNull()) {
    // Up to the year 9999: a larger count of seconds would overflow in milliseconds (found by
    // fuzz_webhook).
    constexpr int64_t kLatestUnixSeconds = 253402300799;
    const int64_t seconds = integerOf(*timestamp).value_or(-1);
    if (seconds < 0 || seconds > kLatestUnixSeconds) {
      return invalid("event_timestamp", "expected unix seconds");
    }
    atMs = seconds * 1000;
  }
  if (type == "call_initiation_failure") {
    auto event = initiationFailure(*data, atMs);
    if (!event.ok()) return event.error();
    return std::vector<CallEvent>{std::move(event).value()};
  }
  auto state = conversationState(*data, "data.", "done", atMs);
  if (!state.ok()) return state.error();
  if (!state->final) return std::vector<CallEvent>{};  // not over yet: nothing to apply
  return std::vector<CallEvent>{std::move(state).value().event};
}

}  // namespace vo::elevenlabs
