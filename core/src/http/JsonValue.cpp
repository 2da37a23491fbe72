#include "http/JsonValue.h"

namespace vo::core::http {

const JsonValue* JsonValue::find(std::string_view key) const {
  for (const auto& member : members) {
    if (member.key == key) return &member.value;
  }
  return nullptr;
}

std::string_view jsonTypeName(JsonValue::Type type) {
  switch (type) {
    case JsonValue::Type::kNull:
      return "null";
    case JsonValue::Type::kBool:
      return "boolean";
    case JsonValue::Type::kNumber:
      return "number";
    case JsonValue::Type::kString:
      return "string";
    case JsonValue::Type::kObject:
      return "object";
    case JsonValue::Type::kArray:
      return "array";
  }
  return "null";
}

}  // namespace vo::core::http
