#include "vo/api/ProviderData.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>
#include <utility>

namespace vo::api {

namespace {

bool isEmptyJson(std::string_view json) {
  return json.empty() || json == "{}";
}

// Adds the members of the JSON object in `json` to `byKey`, a repeated key keeping its last
// value; false when `json` is not a JSON object.
bool collectMembers(std::string_view json, rapidjson::Document& document,
                    std::map<std::string_view, const rapidjson::Value*>& byKey) {
  // Not kParseFullPrecisionFlag: RapidJSON 1.1 reads out of bounds converting some numbers with
  // it, and a provider's extras are strings and flags, not numbers needing the last digit.
  if (document.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size())
          .HasParseError() ||
      !document.IsObject()) {
    return false;
  }
  for (const auto& member : std::as_const(document).GetObject()) {
    byKey[{member.name.GetString(), member.name.GetStringLength()}] = &member.value;
  }
  return true;
}

}  // namespace

std::optional<std::string> overlaidProviderData(std::string_view stored, std::string_view detail) {
  if (isEmptyJson(detail)) return std::nullopt;
  std::map<std::string_view, const rapidjson::Value*> byKey;
  rapidjson::Document data;
  rapidjson::Document over;
  if (!isEmptyJson(stored) && !collectMembers(stored, data, byKey)) return std::nullopt;
  if (!collectMembers(detail, over, byKey)) return std::nullopt;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  for (const auto& [key, value] : byKey) {
    writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    value->Accept(writer);
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace vo::api
