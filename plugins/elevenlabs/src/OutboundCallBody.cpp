#include "OutboundCallBody.h"

#include <map>
#include <string_view>
#include <utility>

#include "JsonFields.h"
#include "JsonParse.h"

namespace vo::elevenlabs {

vo::api::Result<std::string> outboundCallBody(const vo::api::Call& call) {
  ScratchDocument variables;
  if (!parseJson(call.variablesJson.empty() ? "{}" : call.variablesJson, variables) ||
      !variables.IsObject()) {
    return vo::api::makeError(vo::api::ErrorCode::kInvalid, "variables: not a JSON object");
  }
  // By name: the body has always sent the variables sorted, a repeated name once (its last
  // value), and our call id in place of an operator's variable of that name.
  std::map<std::string_view, const rapidjson::Value*> byName;
  for (const auto& member : std::as_const(variables).GetObject()) {
    byName[stringView(member.name)] = &member.value;
  }
  const rapidjson::Value callId(rapidjson::StringRef(call.id.data(), call.id.size()));
  if (!call.id.empty()) byName[kCallIdVariable] = &callId;

  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writeStringField(writer, "agent_id", call.agentId);
  writeStringField(writer, "agent_phone_number_id", call.agentPhoneNumberId);
  writeStringField(writer, "to_number", call.to);
  if (!byName.empty()) {
    writer.Key("conversation_initiation_client_data");
    writer.StartObject();
    writer.Key("dynamic_variables");
    writer.StartObject();
    for (const auto& [name, value] : byName) {
      writeKey(writer, name);
      value->Accept(writer);
    }
    writer.EndObject();
    writer.EndObject();
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace vo::elevenlabs
