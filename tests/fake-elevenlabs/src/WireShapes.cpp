#include "WireShapes.h"

#include <rapidjson/document.h>

#include <vector>

#include "JsonText.h"

namespace vo::fake_elevenlabs {
namespace {

// Strict, as the real API's JSON decoding: invalid UTF-8 is a decode error too. Full precision,
// so the recorded variables keep the numbers the client sent.
constexpr unsigned kParseFlags =
    rapidjson::kParseValidateEncodingFlag | rapidjson::kParseFullPrecisionFlag;

std::string toJson(const rapidjson::Value& value) {
  JsonText json;
  value.Accept(json.writer());
  return json.str();
}

const rapidjson::Value* memberOf(const rapidjson::Value& object, const char* key) {
  const auto member = object.FindMember(key);
  return member == object.MemberEnd() ? nullptr : &member->value;
}

// Pydantic-style validation errors, {"detail":[{"type","loc":["body",...],"msg","input"}]},
// each keeping a copy of the input it refuses.
class ValidationErrors {
 public:
  void add(const char* type, const std::vector<std::string>& location, const char* message,
           const rapidjson::Value& input) {
    auto& allocator = list_.GetAllocator();
    rapidjson::Value loc(rapidjson::kArrayType);
    loc.PushBack("body", allocator);
    for (const std::string& part : location) {
      loc.PushBack(rapidjson::Value(part, allocator), allocator);
    }
    rapidjson::Value error(rapidjson::kObjectType);
    error.AddMember("type", rapidjson::Value(type, allocator), allocator);
    error.AddMember("loc", loc, allocator);
    error.AddMember("msg", rapidjson::Value(message, allocator), allocator);
    error.AddMember("input", rapidjson::Value(input, allocator), allocator);
    list_.PushBack(error, allocator);
  }

  bool empty() const { return list_.Empty(); }

  std::string body() const {
    JsonText json;
    json.writer().StartObject();
    json.writer().Key("detail");
    list_.Accept(json.writer());
    json.writer().EndObject();
    return json.str();
  }

 private:
  rapidjson::Document list_{rapidjson::kArrayType};
};

void requireString(const rapidjson::Value& body, const char* field, ValidationErrors& errors) {
  const rapidjson::Value* value = memberOf(body, field);
  if (!value) {
    errors.add("missing", {field}, "Field required", body);
  } else if (!value->IsString()) {
    errors.add("string_type", {field}, "Input should be a valid string", *value);
  }
}

// conversation_initiation_client_data.dynamic_variables: an object of strings, numbers, bools.
void checkClientData(const rapidjson::Value& body, ValidationErrors& errors,
                     std::string& variablesJson) {
  const char* key = "conversation_initiation_client_data";
  const rapidjson::Value* clientData = memberOf(body, key);
  if (!clientData || clientData->IsNull()) return;
  if (!clientData->IsObject()) {
    errors.add("model_type", {key}, "Input should be a valid dictionary", *clientData);
    return;
  }
  const rapidjson::Value* variables = memberOf(*clientData, "dynamic_variables");
  if (!variables || variables->IsNull()) return;
  if (!variables->IsObject()) {
    errors.add("dict_type", {key, "dynamic_variables"}, "Input should be a valid dictionary",
               *variables);
    return;
  }
  for (const auto& variable : variables->GetObject()) {
    const rapidjson::Value& value = variable.value;
    if (value.IsString() || value.IsNumber() || value.IsBool()) continue;
    const std::string name(variable.name.GetString(), variable.name.GetStringLength());
    errors.add("string_type", {key, "dynamic_variables", name}, "Input should be a valid string",
               value);
  }
  variablesJson = toJson(*variables);
}

// A field requireString has passed.
std::string stringOf(const rapidjson::Value& body, const char* field) {
  const rapidjson::Value& value = *memberOf(body, field);
  return {value.GetString(), value.GetStringLength()};
}

}  // namespace

OutboundCallInput validateOutboundCall(const std::string& contentType, const std::string& body) {
  OutboundCallInput input;
  ValidationErrors errors;
  rapidjson::Document root;
  if (contentType.rfind("application/json", 0) == 0 &&
      root.Parse<kParseFlags>(body.data(), body.size()).HasParseError()) {
    errors.add("json_invalid", {"0"}, "JSON decode error",
               rapidjson::Value(rapidjson::kObjectType));
    input.errorBody = errors.body();
    return input;
  }
  if (!root.IsObject()) {
    errors.add("model_attributes_type", {},
               "Input should be a valid dictionary or object to extract fields from",
               rapidjson::Value(rapidjson::StringRef(body.data(), body.size())));
    input.errorBody = errors.body();
    return input;
  }
  for (const char* field : {"agent_id", "agent_phone_number_id", "to_number"}) {
    requireString(root, field, errors);
  }
  checkClientData(root, errors, input.dynamicVariablesJson);
  if (!errors.empty()) {
    input.errorBody = errors.body();
    return input;
  }
  input.valid = true;
  input.agentId = stringOf(root, "agent_id");
  input.agentPhoneNumberId = stringOf(root, "agent_phone_number_id");
  input.toNumber = stringOf(root, "to_number");
  return input;
}

std::string statusDetail(const std::string& status, const std::string& message) {
  JsonText json;
  JsonWriter& writer = json.writer();
  writer.StartObject();
  writer.Key("detail");
  writer.StartObject();
  writer.Key("status");
  writer.String(status);
  writer.Key("message");
  writer.String(message);
  writer.EndObject();
  writer.EndObject();
  return json.str();
}

std::string defaultBodyFor(int status) {
  switch (status) {
    case 400:
      return statusDetail("invalid_request", "The request was malformed.");
    case 401:
      return statusDetail("invalid_api_key", "Invalid API key");
    case 403:
      return statusDetail("missing_permissions", "The API key lacks convai_write.");
    case 404:
      return statusDetail("agent_not_found", "Agent not found.");
    case 422:
      return R"({"detail":[{"type":"missing","loc":["body","to_number"],)"
             R"("msg":"Field required","input":{}}]})";
    case 429:
      return statusDetail("system_busy", "The system is busy, try again later.");
    default:
      return R"({"detail":"Internal Server Error"})";
  }
}

std::string outboundCallAnswer(const Conversation& conversation) {
  JsonText json;
  JsonWriter& writer = json.writer();
  writer.StartObject();
  writer.Key("success");
  writer.Bool(true);
  writer.Key("message");
  writer.String("Success");
  writer.Key("conversation_id");
  writer.String(conversation.call.conversationId);
  writer.Key(conversation.telephony == "sip_trunk" ? "sip_call_id" : "callSid");
  writer.String(conversation.call.telephonyCallId);
  writer.EndObject();
  return json.str();
}

namespace {

// Opens the object every conversation shape starts with: whose agent, which conversation.
void beginConversationObject(JsonWriter& writer, const Conversation& conversation) {
  writer.StartObject();
  writer.Key("agent_id");
  writer.String(conversation.call.agentId);
  writer.Key("conversation_id");
  writer.String(conversation.call.conversationId);
}

void writeConversation(JsonWriter& writer, const Conversation& conversation,
                       int64_t reportedDurationSecs) {
  const bool failed = conversation.outcome != CallOutcome::kCompleted &&
                      conversation.outcome != CallOutcome::kSilent;
  const bool talked = conversation.outcome == CallOutcome::kCompleted ||
                      conversation.outcome == CallOutcome::kSilent ||
                      conversation.outcome == CallOutcome::kConversationFailed;
  beginConversationObject(writer, conversation);
  writer.Key("status");
  writer.String(!conversation.ended ? "in-progress" : failed ? "failed" : "done");
  writer.Key("transcript");
  writer.StartArray();
  if (conversation.ended && talked) {
    writer.StartObject();
    writer.Key("role");
    writer.String("agent");
    writer.Key("message");
    writer.String("Hello, this is a test call.");
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
  writer.Int64(conversation.ended && talked ? reportedDurationSecs : 0);
  if (conversation.ended) {
    writer.Key("termination_reason");
    writer.String(talked ? "Call ended by remote party" : "Call could not be connected");
  }
  writer.Key("phone_call");
  writer.StartObject();
  writer.Key("direction");
  writer.String("outbound");
  writer.Key("phone_number_id");
  writer.String(conversation.call.agentPhoneNumberId);
  writer.Key("external_number");
  writer.String(conversation.call.toNumber);
  writer.Key("type");
  writer.String(conversation.telephony == "sip_trunk" ? "sip_trunking" : "twilio");
  writer.EndObject();
  writer.EndObject();
  writer.Key("analysis");
  if (conversation.ended) {
    writer.StartObject();
    writer.Key("call_successful");
    writer.String(failed ? "failure" : "success");
    writer.Key("transcript_summary");
    writer.String(talked ? "The agent greeted the callee." : "");
    writer.EndObject();
  } else {
    writer.Null();
  }
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
  const bool hasAudio = conversation.ended && talked;
  writer.Key("has_audio");
  writer.Bool(hasAudio);
  writer.Key("has_user_audio");
  writer.Bool(hasAudio);
  writer.Key("has_response_audio");
  writer.Bool(hasAudio);
  writer.EndObject();
}

// The webhook's envelope: {"type","event_timestamp","data"}, the data written by `writeData`.
template <typename WriteData>
std::string webhookEnvelope(const std::string& eventType, int64_t nowSecs, WriteData writeData) {
  JsonText json;
  JsonWriter& writer = json.writer();
  writer.StartObject();
  writer.Key("type");
  writer.String(eventType);
  writer.Key("event_timestamp");
  writer.Int64(nowSecs);
  writer.Key("data");
  writeData(writer);
  writer.EndObject();
  return json.str();
}

}  // namespace

std::string conversationJson(const Conversation& conversation, int64_t reportedDurationSecs) {
  JsonText json;
  writeConversation(json.writer(), conversation, reportedDurationSecs);
  return json.str();
}

std::string webhookBody(const Conversation& conversation, int64_t reportedDurationSecs,
                        int64_t nowSecs, std::string& eventType) {
  switch (conversation.outcome) {
    case CallOutcome::kSilent:
      eventType.clear();
      return "";
    case CallOutcome::kCompleted:
    case CallOutcome::kConversationFailed:
      eventType = "post_call_transcription";
      return webhookEnvelope(eventType, nowSecs, [&](JsonWriter& writer) {
        writeConversation(writer, conversation, reportedDurationSecs);
      });
    default:
      break;
  }
  eventType = "call_initiation_failure";
  const char* reason = conversation.outcome == CallOutcome::kBusy       ? "busy"
                       : conversation.outcome == CallOutcome::kNoAnswer ? "no-answer"
                                                                        : "unknown";
  return webhookEnvelope(eventType, nowSecs, [&](JsonWriter& writer) {
    beginConversationObject(writer, conversation);
    writer.Key("failure_reason");
    writer.String(reason);
    writer.Key("metadata");
    writer.StartObject();
    writer.Key("type");
    writer.String(conversation.telephony == "sip_trunk" ? "sip" : "twilio");
    writer.Key("body");
    writer.StartObject();
    writer.Key("CallSid");
    writer.String(conversation.call.telephonyCallId);
    writer.Key("CallStatus");
    writer.String(reason);
    writer.Key("To");
    writer.String(conversation.call.toNumber);
    writer.EndObject();
    writer.EndObject();
    writer.EndObject();
  });
}

}  // namespace vo::fake_elevenlabs
