#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vo::core::http {

struct JsonMember;

// A parsed JSON value. Numbers keep their literal text so they re-serialize exactly.
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

// A strict RFC 8259 parser with limits that keep hostile input cheap: bounded nesting, bounded
// number literals, at most kMaxValues values per parseValue() call (each value is a tree node
// of ~100 bytes, so a 32 MB body of one-byte values cannot become gigabytes), valid UTF-8 only,
// no NUL characters, no duplicate keys (found through a hash set in large objects, not by a
// scan per key). Usable as a pull parser (the bulk endpoint streams its `calls` array row by
// row, each row with its own budget) or through parseJson().
class JsonParser {
 public:
  static constexpr int kDefaultMaxDepth = 16;
  static constexpr std::size_t kMaxNumberLength = 32;
  static constexpr std::size_t kMaxValues = 100000;

  explicit JsonParser(std::string_view text, int maxDepth = kDefaultMaxDepth,
                      std::size_t maxValues = kMaxValues);

  // Parses one value at the current position, with a budget of maxValues values; false with
  // error() set.
  bool parseValue(JsonValue& out, int depth = 0);
  bool parseString(std::string& out);
  void skipWhitespace();
  // Skips whitespace and consumes `c` when it is next.
  bool consume(char c);
  bool peekIs(char c);
  bool atEnd();
  bool fail(std::string message);

  const std::string& error() const { return error_; }
  std::size_t offset() const { return pos_; }

 private:
  bool parseValueWithin(JsonValue& out, int depth);
  bool parseNumber(JsonValue& out);
  bool parseLiteral(std::string_view word);
  bool parseObject(JsonValue& out, int depth);
  bool parseArray(JsonValue& out, int depth);
  bool appendEscape(std::string& out);
  bool appendUtf8Sequence(std::string& out);

  std::string_view text_;
  std::size_t pos_ = 0;
  int maxDepth_;
  std::size_t maxValues_;
  std::size_t valuesLeft_ = 0;
  std::string error_;
};

// The whole text must be exactly one JSON value. nullopt with `error` set when it is not.
std::optional<JsonValue> parseJson(std::string_view text, std::string& error);

// Appends `text` as a JSON string literal (quotes included).
void appendJsonString(std::string& out, std::string_view text);
// Serializes a value compactly.
void appendJson(std::string& out, const JsonValue& value);

// Appends JSON to a string with commas placed automatically. Not validating: callers pair
// begin/end and key/value correctly.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& beginObject();
  JsonWriter& endObject();
  JsonWriter& beginArray();
  JsonWriter& endArray();
  JsonWriter& key(std::string_view name);
  JsonWriter& string(std::string_view text);
  JsonWriter& stringOrNull(std::string_view text);  // "" becomes null
  JsonWriter& integer(int64_t number);
  JsonWriter& number(double number);
  JsonWriter& boolean(bool flag);
  JsonWriter& null();
  JsonWriter& raw(std::string_view json);  // an already serialized value

 private:
  void separate();
  std::string& out_;
  std::vector<bool> hasItems_;
  bool afterKey_ = false;
};

}  // namespace vo::core::http
