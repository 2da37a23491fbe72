#include "ConversationShapes.h"

#include <rapidjson/document.h>

#include "JsonText.h"

namespace vo::fake_elevenlabs {
namespace {

constexpr const char* kGreeting = "Hello, this is a test call.";
constexpr const char* kSummary = "The agent greeted the callee.";

bool isSip(const Conversation& conversation) {
  return conversation.telephony == "sip_trunk";
}

// Whether the conversation is over with words said (a transcript, a duration, audio).
bool talked(const Conversation& conversation) {
  return conversation.ended && answered(conversation);
}

bool final(ConversationStatus status) {
  return status == ConversationStatus::kDone || status == ConversationStatus::kFailed;
}

void writeString(JsonWriter& writer, const char* key, const std::string& value) {
  writer.Key(key);
  writer.String(value);
}

const char* terminationReason(const Conversation& conversation) {
  return answered(conversation) ? "Call ended by remote party" : "Call could not be connected";
}

// metadata.phone_call: the twilio variant (stream_sid, call_sid) or the sip_trunking one.
void writePhoneCall(JsonWriter& writer, const Conversation& conversation,
                    ConversationStatus status) {
  writer.Key("phone_call");
  writer.StartObject();
  writeString(writer, "direction", "outbound");
  writeString(writer, "phone_number_id", conversation.call.agentPhoneNumberId);
  writeString(writer, "agent_number", conversation.agentNumber);
  writeString(writer, "external_number", conversation.call.toNumber);
  writeString(writer, "type", isSip(conversation) ? "sip_trunking" : "twilio");
  if (const char* result = callResultAt(conversation, status)) {
    writeString(writer, "call_result", result);
  }
  if (!isSip(conversation)) writeString(writer, "stream_sid", conversation.streamSid);
  writeString(writer, "call_sid", conversation.call.telephonyCallId);
  writer.EndObject();
}

void writeDynamicVariables(JsonWriter& writer, const Conversation& conversation) {
  writer.Key("conversation_initiation_client_data");
  writer.StartObject();
  writer.Key("dynamic_variables");
  // Validated when the call was placed; a broken copy still answers as no variables.
  rapidjson::Document variables;
  if (variables.Parse(conversation.call.dynamicVariablesJson.c_str()).HasParseError()) {
    variables.SetObject();
  }
  variables.Accept(writer);
  writer.EndObject();
}

void writeConversation(JsonWriter& writer, const Conversation& conversation,
                       int64_t reportedDurationSecs, int64_t nowSteadyMs) {
  const ConversationStatus status = statusAt(conversation, nowSteadyMs);
  writer.StartObject();
  writeString(writer, "agent_id", conversation.call.agentId);
  writeString(writer, "agent_name", conversation.agentName);
  writeString(writer, "conversation_id", conversation.call.conversationId);
  writeString(writer, "status", statusText(status));
  writer.Key("transcript");
  writer.StartArray();
  if (talked(conversation)) {
    writer.StartObject();
    writeString(writer, "role", "agent");
    writeString(writer, "message", kGreeting);
    writer.Key("time_in_call_secs");
    writer.Int(0);
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("metadata");
  writer.StartObject();
  writer.Key("start_time_unix_secs");
  writer.Int64(conversation.startedAtSecs);
  writer.Key("call_duration_secs");
  writer.Int64(talked(conversation) ? reportedDurationSecs : 0);
  if (conversation.ended)
    writeString(writer, "termination_reason", terminationReason(conversation));
  writePhoneCall(writer, conversation, status);
  writer.EndObject();
  writer.Key("analysis");
  if (final(status)) {
    writer.StartObject();
    writeString(writer, "call_successful",
                status == ConversationStatus::kFailed ? "failure" : "success");
    writeString(writer, "transcript_summary", talked(conversation) ? kSummary : "");
    writer.EndObject();
  } else {
    writer.Null();
  }
  writeDynamicVariables(writer, conversation);
  const bool hasAudio = talked(conversation);
  for (const char* key : {"has_audio", "has_user_audio", "has_response_audio"}) {
    writer.Key(key);
    writer.Bool(hasAudio);
  }
  writer.Key("has_auxiliary_audio");
  writer.Bool(false);
  writer.EndObject();
}

// One entry of the list, as the SDK's ConversationSummaryResponseModel reads it.
void writeSummary(JsonWriter& writer, const Conversation& conversation,
                  int64_t reportedDurationSecs, int64_t nowSteadyMs) {
  const ConversationStatus status = statusAt(conversation, nowSteadyMs);
  writer.StartObject();
  writeString(writer, "agent_id", conversation.call.agentId);
  writeString(writer, "agent_name", conversation.agentName);
  writeString(writer, "conversation_id", conversation.call.conversationId);
  writer.Key("start_time_unix_secs");
  writer.Int64(conversation.startedAtSecs);
  writer.Key("call_duration_secs");
  writer.Int64(talked(conversation) ? reportedDurationSecs : 0);
  writer.Key("message_count");
  writer.Int(talked(conversation) ? 1 : 0);
  writeString(writer, "status", statusText(status));
  if (conversation.ended)
    writeString(writer, "termination_reason", terminationReason(conversation));
  // Not evaluated until the conversation is over.
  writeString(writer, "call_successful",
              !final(status)                          ? "unknown"
              : status == ConversationStatus::kFailed ? "failure"
                                                      : "success");
  if (talked(conversation)) writeString(writer, "transcript_summary", kSummary);
  writeString(writer, "direction", "outbound");
  writer.EndObject();
}

// The webhook's envelope: {"type","event_timestamp","data"}, the data written by `writeData`.
template <typename WriteData>
std::string webhookEnvelope(const std::string& eventType, int64_t nowSecs, WriteData writeData) {
  JsonText json;
  JsonWriter& writer = json.writer();
  writer.StartObject();
  writeString(writer, "type", eventType);
  writer.Key("event_timestamp");
  writer.Int64(nowSecs);
  writer.Key("data");
  writeData(writer);
  writer.EndObject();
  return json.str();
}

const char* failureReason(CallOutcome outcome) {
  switch (outcome) {
    case CallOutcome::kBusy:
      return "busy";
    case CallOutcome::kNoAnswer:
      return "no-answer";
    default:
      return "unknown";
  }
}

// call_initiation_failure's metadata: what the telephony provider reported, in its own words
// (twilio's status callback, or the SIP answer).
void writeFailureMetadata(JsonWriter& writer, const Conversation& conversation,
                          const char* reason) {
  writer.Key("metadata");
  writer.StartObject();
  writeString(writer, "type", isSip(conversation) ? "sip" : "twilio");
  writer.Key("body");
  writer.StartObject();
  if (isSip(conversation)) {
    const bool busy = conversation.outcome == CallOutcome::kBusy;
    const bool noAnswer = conversation.outcome == CallOutcome::kNoAnswer;
    writer.Key("sip_status_code");
    writer.Int(busy ? 486 : noAnswer ? 480 : 500);
    writeString(writer, "error_reason",
                busy       ? "Busy Here"
                : noAnswer ? "Temporarily Unavailable"
                           : "Server Internal Error");
    writeString(writer, "call_sid", conversation.call.telephonyCallId);
  } else {
    writeString(writer, "CallSid", conversation.call.telephonyCallId);
    writeString(writer, "CallStatus", reason);
    writeString(writer, "Direction", "outbound-api");
    writeString(writer, "From", conversation.agentNumber);
    writeString(writer, "To", conversation.call.toNumber);
  }
  writer.EndObject();
  writer.EndObject();
}

}  // namespace

std::string conversationJson(const Conversation& conversation, int64_t reportedDurationSecs,
                             int64_t nowSteadyMs) {
  JsonText json;
  writeConversation(json.writer(), conversation, reportedDurationSecs, nowSteadyMs);
  return json.str();
}

std::string conversationListJson(const ConversationListPage& page,
                                 const std::optional<std::string>& nextCursor,
                                 int64_t reportedDurationSecs, int64_t nowSteadyMs) {
  JsonText json;
  JsonWriter& writer = json.writer();
  writer.StartObject();
  writer.Key("conversations");
  writer.StartArray();
  for (const Conversation& conversation : page.conversations) {
    writeSummary(writer, conversation, reportedDurationSecs, nowSteadyMs);
  }
  writer.EndArray();
  writer.Key("has_more");
  writer.Bool(page.hasMore);
  writer.Key("next_cursor");
  if (nextCursor) {
    writer.String(*nextCursor);
  } else {
    writer.Null();
  }
  writer.EndObject();
  return json.str();
}

std::string webhookBody(const Conversation& conversation, int64_t reportedDurationSecs,
                        int64_t nowSecs, std::string& eventType) {
  if (conversation.outcome == CallOutcome::kSilent) {
    eventType.clear();
    return "";
  }
  if (answered(conversation)) {
    eventType = "post_call_transcription";
    // The webhook goes once the conversation is over: its data is what GET answers then.
    return webhookEnvelope(eventType, nowSecs, [&](JsonWriter& writer) {
      writeConversation(writer, conversation, reportedDurationSecs, conversation.endsAtMs);
    });
  }
  eventType = "call_initiation_failure";
  const char* reason = failureReason(conversation.outcome);
  return webhookEnvelope(eventType, nowSecs, [&](JsonWriter& writer) {
    writer.StartObject();
    writeString(writer, "agent_id", conversation.call.agentId);
    writeString(writer, "conversation_id", conversation.call.conversationId);
    writeString(writer, "failure_reason", reason);
    writeFailureMetadata(writer, conversation, reason);
    writer.EndObject();
  });
}

}  // namespace vo::fake_elevenlabs
