#pragma once

#include <rapidjson/document.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <charconv>
#include <cstdint>
#include <string>

// Header-only: tests/fuzz compiles the plugin's sources one by one, without its CMake targets.
namespace vo::elevenlabs {

// Nesting the provider never sends; refusing it keeps the parser's recursion, and every later
// walk of a document (writing it back out recurses), shallow whatever a body holds.
inline constexpr unsigned kMaxJsonDepth = 128;

namespace detail {

// Builds the document from the reader's events, with two guards: nesting beyond kMaxJsonDepth
// fails the parse, and numbers come as their text (RapidJSON 1.1's own full-precision conversion
// reads out of bounds on some inputs) and are converted here, correctly rounded.
class GuardedHandler {
 public:
  explicit GuardedHandler(rapidjson::Document& document) : document_(document) {}

  bool Null() { return document_.Null(); }
  bool Bool(bool value) { return document_.Bool(value); }
  bool Int(int value) { return document_.Int(value); }
  bool Uint(unsigned value) { return document_.Uint(value); }
  bool Int64(int64_t value) { return document_.Int64(value); }
  bool Uint64(uint64_t value) { return document_.Uint64(value); }
  bool Double(double value) { return document_.Double(value); }
  // The reader has checked the number's syntax; out of a double's range fails the parse.
  bool RawNumber(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    const char* end = text + length;
    int64_t integer = 0;
    if (const auto [stop, error] = std::from_chars(text, end, integer);
        error == std::errc() && stop == end) {
      return document_.Int64(integer);
    }
    uint64_t large = 0;
    if (const auto [stop, error] = std::from_chars(text, end, large);
        error == std::errc() && stop == end) {
      return document_.Uint64(large);
    }
    double number = 0;
    const auto [stop, error] = std::from_chars(text, end, number);
    return error == std::errc() && stop == end && document_.Double(number);
  }
  bool String(const char* text, rapidjson::SizeType length, bool copy) {
    return document_.String(text, length, copy);
  }
  bool Key(const char* text, rapidjson::SizeType length, bool copy) {
    return document_.Key(text, length, copy);
  }
  bool StartObject() { return ++depth_ <= kMaxJsonDepth && document_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return document_.EndObject(members);
  }
  bool StartArray() { return ++depth_ <= kMaxJsonDepth && document_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return document_.EndArray(elements);
  }

 private:
  rapidjson::Document& document_;
  unsigned depth_ = 0;
};

}  // namespace detail

// Parses text the provider (or an operator) sent: exactly one JSON value, valid UTF-8, nested at
// most kMaxJsonDepth deep. False for anything else, never an exception; `document` is then null.
inline bool parseJson(const std::string& text, rapidjson::Document& document) {
  constexpr unsigned kFlags =
      rapidjson::kParseValidateEncodingFlag | rapidjson::kParseNumbersAsStringsFlag;
  // A stream bounded by the text's size: RapidJSON 1.1's UTF-8 check reads a truncated sequence's
  // missing bytes, past the end of a NUL-terminated one (found by fuzz_webhook).
  rapidjson::MemoryStream stream(text.data(), text.size());
  bool parsed = false;
  auto generate = [&](rapidjson::Document& target) {
    detail::GuardedHandler handler(target);
    rapidjson::Reader reader;
    // A NUL byte reads as the end of the text: whatever follows it is trailing garbage.
    parsed = !reader.Parse<kFlags>(stream, handler).IsError() && stream.Tell() == text.size();
    return parsed;
  };
  document.Populate(generate);
  if (!parsed) document.SetNull();
  return parsed;
}

}  // namespace vo::elevenlabs
