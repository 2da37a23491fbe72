#include "WireShapes.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace vo::fake_elevenlabs {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// One pydantic-style validation error: {"type","loc":["body",...],"msg","input"}.
Object::Ptr validationError(const std::string& type, const std::vector<std::string>& location,
                            const std::string& message, const Poco::Dynamic::Var& input) {
  Object::Ptr error = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  error->set("type", type);
  Array::Ptr loc = new Array;
  loc->add("body");
  for (const std::string& part : location) loc->add(part);
  error->set("loc", loc);
  error->set("msg", message);
  error->set("input", input);
  return error;
}

std::string detailList(const Array::Ptr& errors) {
  Object root;
  root.set("detail", errors);
  return toJson(root);
}

void requireString(const Object& body, const std::string& field, Array& errors) {
  if (!body.has(field)) {
    Object::Ptr copy = new Object(body);
    errors.add(validationError("missing", {field}, "Field required", copy));
  } else if (!body.get(field).isString()) {
    errors.add(
        validationError("string_type", {field}, "Input should be a valid string", body.get(field)));
  }
}

// conversation_initiation_client_data.dynamic_variables: an object of strings, numbers, bools.
void checkClientData(const Object& body, Array& errors, std::string& variablesJson) {
  const std::string key = "conversation_initiation_client_data";
  if (!body.has(key) || body.isNull(key)) return;
  if (!body.isObject(key)) {
    errors.add(
        validationError("model_type", {key}, "Input should be a valid dictionary", body.get(key)));
    return;
  }
  Object::Ptr clientData = body.getObject(key);
  if (!clientData->has("dynamic_variables") || clientData->isNull("dynamic_variables")) return;
  if (!clientData->isObject("dynamic_variables")) {
    errors.add(validationError("dict_type", {key, "dynamic_variables"},
                               "Input should be a valid dictionary",
                               clientData->get("dynamic_variables")));
    return;
  }
  Object::Ptr variables = clientData->getObject("dynamic_variables");
  for (const auto& [name, value] : *variables) {
    if (value.isString() || value.isNumeric() || value.isBoolean()) continue;
    errors.add(validationError("string_type", {key, "dynamic_variables", name},
                               "Input should be a valid string", value));
  }
  variablesJson = toJson(*variables);
}

}  // namespace

std::string toJson(const Poco::JSON::Object& object) {
  std::ostringstream text;
  object.stringify(text);
  return text.str();
}

OutboundCallInput validateOutboundCall(const std::string& contentType, const std::string& body) {
  OutboundCallInput input;
  Array::Ptr errors = new Array;
  Object::Ptr root;
  if (contentType.rfind("application/json", 0) == 0) {
    try {
      Poco::JSON::Parser parser;
      Poco::Dynamic::Var parsed = parser.parse(body);
      if (parsed.type() == typeid(Object::Ptr)) root = parsed.extract<Object::Ptr>();
    } catch (const std::exception&) {
      errors->add(validationError("json_invalid", {"0"}, "JSON decode error", Object()));
      input.errorBody = detailList(errors);
      return input;
    }
  }
  if (!root) {
    Object::Ptr error = validationError("model_attributes_type", {},
                                        "Input should be a valid dictionary or object to extract "
                                        "fields from",
                                        body);
    errors->add(error);
    input.errorBody = detailList(errors);
    return input;
  }
  for (const char* field : {"agent_id", "agent_phone_number_id", "to_number"}) {
    requireString(*root, field, *errors);
  }
  checkClientData(*root, *errors, input.dynamicVariablesJson);
  if (errors->size() > 0) {
    input.errorBody = detailList(errors);
    return input;
  }
  input.valid = true;
  input.agentId = root->getValue<std::string>("agent_id");
  input.agentPhoneNumberId = root->getValue<std::string>("agent_phone_number_id");
  input.toNumber = root->getValue<std::string>("to_number");
  return input;
}

std::string statusDetail(const std::string& status, const std::string& message) {
  Object::Ptr detail = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  detail->set("status", status);
  detail->set("message", message);
  Object root;
  root.set("detail", detail);
  return toJson(root);
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
  Object root(Poco::JSON_PRESERVE_KEY_ORDER);
  root.set("success", true);
  root.set("message", "Success");
  root.set("conversation_id", conversation.call.conversationId);
  root.set(conversation.telephony == "sip_trunk" ? "sip_call_id" : "callSid",
           conversation.call.telephonyCallId);
  return toJson(root);
}

Poco::JSON::Object::Ptr conversationObject(const Conversation& conversation,
                                           int64_t reportedDurationSecs) {
  const bool failed = conversation.outcome != CallOutcome::kCompleted &&
                      conversation.outcome != CallOutcome::kSilent;
  const bool talked = conversation.outcome == CallOutcome::kCompleted ||
                      conversation.outcome == CallOutcome::kSilent ||
                      conversation.outcome == CallOutcome::kConversationFailed;
  Object::Ptr root = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  root->set("agent_id", conversation.call.agentId);
  root->set("conversation_id", conversation.call.conversationId);
  root->set("status", !conversation.ended ? "in-progress" : failed ? "failed" : "done");
  Array::Ptr transcript = new Array;
  if (conversation.ended && talked) {
    Object::Ptr turn = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    turn->set("role", "agent");
    turn->set("message", "Hello, this is a test call.");
    turn->set("time_in_call_secs", 0);
    transcript->add(turn);
  }
  root->set("transcript", transcript);
  Object::Ptr phoneCall = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  phoneCall->set("direction", "outbound");
  phoneCall->set("phone_number_id", conversation.call.agentPhoneNumberId);
  phoneCall->set("external_number", conversation.call.toNumber);
  phoneCall->set("type", conversation.telephony == "sip_trunk" ? "sip_trunking" : "twilio");
  Object::Ptr metadata = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  metadata->set("start_time_unix_secs", conversation.startedAtSecs);
  metadata->set("call_duration_secs", conversation.ended && talked ? reportedDurationSecs : 0);
  if (conversation.ended) {
    metadata->set("termination_reason",
                  talked ? "Call ended by remote party" : "Call could not be connected");
  }
  metadata->set("phone_call", phoneCall);
  root->set("metadata", metadata);
  if (conversation.ended) {
    Object::Ptr analysis = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    analysis->set("call_successful", failed ? "failure" : "success");
    analysis->set("transcript_summary", talked ? "The agent greeted the callee." : "");
    root->set("analysis", analysis);
  } else {
    root->set("analysis", Poco::Dynamic::Var());
  }
  Object::Ptr clientData = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  Poco::JSON::Parser parser;
  clientData->set("dynamic_variables", parser.parse(conversation.call.dynamicVariablesJson));
  root->set("conversation_initiation_client_data", clientData);
  root->set("has_audio", conversation.ended && talked);
  root->set("has_user_audio", conversation.ended && talked);
  root->set("has_response_audio", conversation.ended && talked);
  return root;
}

std::string webhookBody(const Conversation& conversation, int64_t reportedDurationSecs,
                        int64_t nowSecs, std::string& eventType) {
  Object root(Poco::JSON_PRESERVE_KEY_ORDER);
  switch (conversation.outcome) {
    case CallOutcome::kSilent:
      eventType.clear();
      return "";
    case CallOutcome::kCompleted:
    case CallOutcome::kConversationFailed:
      eventType = "post_call_transcription";
      root.set("type", eventType);
      root.set("event_timestamp", nowSecs);
      root.set("data", conversationObject(conversation, reportedDurationSecs));
      return toJson(root);
    default:
      break;
  }
  eventType = "call_initiation_failure";
  const char* reason = conversation.outcome == CallOutcome::kBusy       ? "busy"
                       : conversation.outcome == CallOutcome::kNoAnswer ? "no-answer"
                                                                        : "unknown";
  Object::Ptr telephonyBody = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  telephonyBody->set("CallSid", conversation.call.telephonyCallId);
  telephonyBody->set("CallStatus", reason);
  telephonyBody->set("To", conversation.call.toNumber);
  Object::Ptr metadata = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  metadata->set("type", conversation.telephony == "sip_trunk" ? "sip" : "twilio");
  metadata->set("body", telephonyBody);
  Object::Ptr data = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  data->set("agent_id", conversation.call.agentId);
  data->set("conversation_id", conversation.call.conversationId);
  data->set("failure_reason", reason);
  data->set("metadata", metadata);
  root.set("type", eventType);
  root.set("event_timestamp", nowSecs);
  root.set("data", data);
  return toJson(root);
}

}  // namespace vo::fake_elevenlabs
