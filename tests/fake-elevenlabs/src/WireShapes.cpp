#include "WireShapes.h"

#include <rapidjson/document.h>

#include <vector>

#include "JsonText.h"
#include "ValidationErrors.h"

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
  ValidationErrors errors("body");
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

}  // namespace vo::fake_elevenlabs
