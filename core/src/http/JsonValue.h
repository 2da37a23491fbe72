#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vo::core::http {

struct JsonMember;

// A parsed request body value, what validation reads. Numbers keep their literal text so they
// re-serialize exactly. Built one bounded piece at a time by JsonReader, never a whole large body.
struct JsonValue {
  enum class Type { kNull, kBool, kNumber, kString, kObject, kArray };
  Type type = Type::kNull;
  bool boolean = false;
  std::string text;  // a string's value or a number's literal
  std::vector<JsonMember> members;
  std::vector<JsonValue> items;

  bool isString() const { return type == Type::kString; }
  bool isObject() const { return type == Type::kObject; }
  bool isArray() const { return type == Type::kArray; }
  bool isNumber() const { return type == Type::kNumber; }
  const JsonValue* find(std::string_view key) const;
};

struct JsonMember {
  std::string key;
  JsonValue value;
};

std::string_view jsonTypeName(JsonValue::Type type);

}  // namespace vo::core::http
