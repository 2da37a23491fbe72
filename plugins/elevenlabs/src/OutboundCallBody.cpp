#include "OutboundCallBody.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace vo::elevenlabs {

vo::api::Result<std::string> outboundCallBody(const vo::api::Call& call) {
  Poco::JSON::Object::Ptr variables;
  try {
    Poco::JSON::Parser parser;
    variables = parser.parse(call.variablesJson.empty() ? "{}" : call.variablesJson)
                    .extract<Poco::JSON::Object::Ptr>();
  } catch (const std::exception&) {
    variables = nullptr;
  }
  if (!variables) {
    return vo::api::makeError(vo::api::ErrorCode::kInvalid, "variables: not a JSON object");
  }
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("agent_id", call.agentId);
  body.set("agent_phone_number_id", call.agentPhoneNumberId);
  body.set("to_number", call.to);
  if (!call.id.empty()) variables->set(kCallIdVariable, call.id);
  if (variables->size() > 0) {
    Poco::JSON::Object::Ptr clientData = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    clientData->set("dynamic_variables", variables);
    body.set("conversation_initiation_client_data", clientData);
  }
  std::ostringstream text;
  body.stringify(text);
  return text.str();
}

}  // namespace vo::elevenlabs
