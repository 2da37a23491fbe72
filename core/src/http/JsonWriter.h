#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "http/JsonValue.h"

namespace vo::core::http {

// Appends compact JSON to a string through RapidJSON's Writer (escaping, commas, number
// formatting are the library's). Callers pair begin/end and key/value correctly.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out);
  ~JsonWriter();
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  JsonWriter& beginObject();
  JsonWriter& endObject();
  JsonWriter& beginArray();
  JsonWriter& endArray();
  JsonWriter& key(std::string_view name);
  JsonWriter& string(std::string_view text);
  JsonWriter& stringOrNull(std::string_view text);  // "" becomes null
  JsonWriter& integer(int64_t number);
  JsonWriter& number(double number);  // not finite becomes 0: JSON has no NaN or infinity
  JsonWriter& boolean(bool flag);
  JsonWriter& null();
  JsonWriter& raw(std::string_view json);  // an already serialized value
  JsonWriter& value(const JsonValue& value);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Serializes a value compactly.
std::string toJson(const JsonValue& value);

}  // namespace vo::core::http
