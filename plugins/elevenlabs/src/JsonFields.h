#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Reading the fields of the provider's JSON leniently (absent, null or differently typed fields
// are its choice, not our error) and writing the small objects the plugin sends and keeps. Every
// accessor checks the type before reading, so no document, however odd, trips an assert.
// Header-only: tests/fuzz compiles the plugin's sources one by one, without its CMake targets.
namespace vo::elevenlabs {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

inline std::string_view stringView(const rapidjson::Value& string) {
  return {string.GetString(), string.GetStringLength()};
}

// The member `key` of `object`; the last one when the name repeats. nullptr when there is none
// or `object` is not an object.
inline const rapidjson::Value* findMember(const rapidjson::Value& object, std::string_view key) {
  if (!object.IsObject()) return nullptr;
  const rapidjson::Value* found = nullptr;
  for (const auto& member : object.GetObject()) {
    if (stringView(member.name) == key) found = &member.value;
  }
  return found;
}

// The member `key` when it is an object; nullptr when absent, null or anything else.
inline const rapidjson::Value* objectMember(const rapidjson::Value& object, std::string_view key) {
  const rapidjson::Value* member = findMember(object, key);
  return member && member->IsObject() ? member : nullptr;
}

// `value` as compact JSON text.
inline std::string jsonText(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

// A string's content; any other value's JSON text (a number the provider sent as one, say).
inline std::string textOf(const rapidjson::Value& value) {
  return value.IsString() ? std::string(stringView(value)) : jsonText(value);
}

// textOf the member `key`; `fallback` when it is absent or null.
inline std::string textMember(const rapidjson::Value& object, std::string_view key,
                              const std::string& fallback = "") {
  const rapidjson::Value* member = findMember(object, key);
  return member && !member->IsNull() ? textOf(*member) : fallback;
}

// A whole number however the provider wrote it: an integer, a number (its fraction dropped), a
// string of decimal digits, or a bool (1, 0). nullopt for anything else or beyond int64.
inline std::optional<int64_t> integerOf(const rapidjson::Value& value) {
  if (value.IsInt64()) return value.GetInt64();
  if (value.IsDouble()) {
    constexpr double kBeyondInt64 = 9223372036854775808.0;  // 2^63
    const double number = value.GetDouble();
    if (number >= -kBeyondInt64 && number < kBeyondInt64) return static_cast<int64_t>(number);
    return std::nullopt;
  }
  if (value.IsBool()) return value.GetBool() ? 1 : 0;
  if (value.IsString()) {
    const std::string_view text = stringView(value);
    int64_t number = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error == std::errc() && end == text.data() + text.size()) return number;
  }
  return std::nullopt;
}

inline void writeKey(JsonWriter& writer, std::string_view name) {
  writer.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
}

inline void writeStringField(JsonWriter& writer, std::string_view name, std::string_view text) {
  writeKey(writer, name);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

// {"name":"value",...}: string fields in the order given.
inline std::string stringFieldsJson(
    const std::vector<std::pair<std::string, std::string>>& fields) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  for (const auto& [name, text] : fields) writeStringField(writer, name, text);
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace vo::elevenlabs
