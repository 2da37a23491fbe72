#include "WebhookEvents.h"

#include <Poco/JSON/Parser.h>

#include <sstream>

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

Poco::JSON::Object::Ptr objectOrNull(const Poco::JSON::Object& parent, const std::string& key) {
  if (!parent.has(key) || parent.isNull(key) || !parent.isObject(key)) return nullptr;
  return parent.getObject(key);
}

std::string stringOr(const Poco::JSON::Object& object, const std::string& key) {
  if (!object.has(key) || object.isNull(key)) return "";
  return object.get(key).toString();
}

std::string stringify(const Poco::JSON::Object& object) {
  std::ostringstream text;
  object.stringify(text);
  return text.str();
}

// Our call id, when the conversation carries the dynamic variable the dial put there; "" else.
std::string callIdOf(const Poco::JSON::Object& conversation) {
  const auto clientData = objectOrNull(conversation, "conversation_initiation_client_data");
  if (!clientData) return "";
  const auto variables = objectOrNull(*clientData, "dynamic_variables");
  return variables ? stringOr(*variables, kCallIdVariable) : "";
}

// call_initiation_failure: failure_reason busy | no-answer | unknown (and whatever comes later).
CallStatus statusOfFailure(const std::string& reason) {
  if (reason == "busy") return CallStatus::kBusy;
  if (reason == "no-answer" || reason == "no_answer") return CallStatus::kNoAnswer;
  return CallStatus::kFailed;
}

vo::api::Result<CallEvent> initiationFailure(const Poco::JSON::Object& data, int64_t atMs) {
  CallEvent event;
  event.providerCallId = stringOr(data, "conversation_id");
  if (event.providerCallId.empty()) return invalid("data.conversation_id", "missing");
  event.callId = callIdOf(data);
  const std::string reason = stringOr(data, "failure_reason");
  event.status = statusOfFailure(reason);
  event.endReason = reason.empty() ? "call initiation failed" : reason;
  event.durationSecs = 0;
  event.atMs = atMs;
  Poco::JSON::Object detail;
  detail.set("failure_reason", reason);
  if (auto metadata = objectOrNull(data, "metadata")) {
    detail.set("telephony", stringOr(*metadata, "type"));
  }
  event.detailJson = stringify(detail);
  return event;
}

}  // namespace

vo::api::Result<ConversationState> conversationState(const Poco::JSON::Object& conversation,
                                                     const std::string& fieldPrefix,
                                                     const std::string& missingStatus,
                                                     int64_t atMs) {
  ConversationState state;
  CallEvent& event = state.event;
  event.providerCallId = stringOr(conversation, "conversation_id");
  if (event.providerCallId.empty()) return invalid(fieldPrefix + "conversation_id", "missing");
  event.callId = callIdOf(conversation);
  std::string status = stringOr(conversation, "status");
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
  Poco::JSON::Object detail;
  if (auto metadata = objectOrNull(conversation, "metadata")) {
    if (metadata->has("call_duration_secs") && !metadata->isNull("call_duration_secs")) {
      try {
        event.durationSecs = metadata->get("call_duration_secs").convert<Poco::Int64>();
      } catch (const Poco::Exception&) {
        return invalid(fieldPrefix + "metadata.call_duration_secs", "expected a number");
      }
    }
    event.endReason = stringOr(*metadata, "termination_reason");
    if (!event.endReason.empty()) detail.set("termination_reason", event.endReason);
  }
  if (auto analysis = objectOrNull(conversation, "analysis")) {
    detail.set("call_successful", stringOr(*analysis, "call_successful"));
  }
  if (event.endReason.empty()) event.endReason = status;
  event.detailJson = stringify(detail);
  return state;
}

vo::api::Result<std::vector<CallEvent>> webhookEvents(const std::string& body, int64_t nowMs) {
  Poco::JSON::Object::Ptr root;
  try {
    Poco::JSON::Parser parser;
    root = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
  } catch (const std::exception&) {
    root = nullptr;
  }
  if (!root) return invalid("body", "not a JSON object");
  const std::string type = stringOr(*root, "type");
  if (type.empty()) return invalid("type", "missing");
  if (type != "post_call_transcription" && type != "call_initiation_failure") {
    return std::vector<CallEvent>{};  // acknowledged, nothing to apply (post_call_audio, ...)
  }
  Poco::JSON::Object::Ptr data = objectOrNull(*root, "data");
  if (!data) return invalid("data", "missing or not an object");
  int64_t atMs = nowMs;
  if (root->has("event_timestamp") && !root->isNull("event_timestamp")) {
    // Up to the year 9999: a larger count of seconds would overflow in milliseconds (found by
    // fuzz_webhook).
    constexpr Poco::Int64 kLatestUnixSeconds = 253402300799;
    Poco::Int64 seconds = -1;
    try {
      seconds = root->get("event_timestamp").convert<Poco::Int64>();
    } catch (const Poco::Exception&) {
      seconds = -1;
    }
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
