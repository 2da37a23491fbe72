#include "http/Json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unordered_set>

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

JsonParser::JsonParser(std::string_view text, int maxDepth, std::size_t maxValues)
    : text_(text), maxDepth_(maxDepth), maxValues_(maxValues) {}

bool JsonParser::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message) + " at byte " + std::to_string(pos_);
  return false;
}

void JsonParser::skipWhitespace() {
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    ++pos_;
  }
}

bool JsonParser::consume(char c) {
  skipWhitespace();
  if (pos_ < text_.size() && text_[pos_] == c) {
    ++pos_;
    return true;
  }
  return false;
}

bool JsonParser::peekIs(char c) {
  skipWhitespace();
  return pos_ < text_.size() && text_[pos_] == c;
}

bool JsonParser::atEnd() {
  skipWhitespace();
  return pos_ == text_.size();
}

bool JsonParser::parseValue(JsonValue& out, int depth) {
  valuesLeft_ = maxValues_;
  return parseValueWithin(out, depth);
}

bool JsonParser::parseValueWithin(JsonValue& out, int depth) {
  if (valuesLeft_ == 0) {
    return fail("more than " + std::to_string(maxValues_) + " values in one JSON value");
  }
  --valuesLeft_;
  skipWhitespace();
  if (pos_ >= text_.size()) return fail("unexpected end of JSON");
  const char c = text_[pos_];
  switch (c) {
    case '{':
      return parseObject(out, depth + 1);
    case '[':
      return parseArray(out, depth + 1);
    case '"':
      out.type = JsonValue::Type::kString;
      return parseString(out.text);
    case 't':
      out.type = JsonValue::Type::kBool;
      out.boolean = true;
      return parseLiteral("true");
    case 'f':
      out.type = JsonValue::Type::kBool;
      out.boolean = false;
      return parseLiteral("false");
    case 'n':
      out.type = JsonValue::Type::kNull;
      return parseLiteral("null");
    default:
      if (c == '-' || (c >= '0' && c <= '9')) return parseNumber(out);
      return fail("unexpected character");
  }
}

bool JsonParser::parseLiteral(std::string_view word) {
  if (text_.substr(pos_, word.size()) != word) return fail("invalid literal");
  pos_ += word.size();
  return true;
}

bool JsonParser::parseNumber(JsonValue& out) {
  const std::size_t start = pos_;
  auto digits = [&] {
    const std::size_t from = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return pos_ - from;
  };
  if (text_[pos_] == '-') ++pos_;
  if (pos_ < text_.size() && text_[pos_] == '0') {
    ++pos_;
  } else if (digits() == 0) {
    return fail("invalid number");
  }
  if (pos_ < text_.size() && text_[pos_] == '.') {
    ++pos_;
    if (digits() == 0) return fail("invalid number");
  }
  if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
    if (digits() == 0) return fail("invalid number");
  }
  if (pos_ - start > kMaxNumberLength) return fail("number too long");
  out.type = JsonValue::Type::kNumber;
  out.text.assign(text_.substr(start, pos_ - start));
  const double value = std::strtod(out.text.c_str(), nullptr);
  if (!std::isfinite(value)) return fail("number out of range");
  return true;
}

namespace {

void appendCodePoint(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool JsonParser::parseString(std::string& out) {
  out.clear();
  if (pos_ >= text_.size() || text_[pos_] != '"') return fail("expected a string");
  ++pos_;
  while (true) {
    std::size_t plain = pos_;
    while (plain < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[plain]);
      if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
      ++plain;
    }
    out.append(text_.data() + pos_, plain - pos_);
    pos_ = plain;
    if (pos_ >= text_.size()) return fail("unterminated string");
    const auto c = static_cast<unsigned char>(text_[pos_]);
    if (c == '"') {
      ++pos_;
      return true;
    }
    if (c == '\\') {
      if (!appendEscape(out)) return false;
    } else if (c < 0x20) {
      return fail(c == 0 ? "NUL byte in string" : "control character in string");
    } else if (!appendUtf8Sequence(out)) {
      return false;
    }
  }
}

bool JsonParser::appendEscape(std::string& out) {
  ++pos_;  // the backslash
  if (pos_ >= text_.size()) return fail("unterminated escape");
  const char c = text_[pos_++];
  switch (c) {
    case '"':
      out += '"';
      return true;
    case '\\':
      out += '\\';
      return true;
    case '/':
      out += '/';
      return true;
    case 'b':
      out += '\b';
      return true;
    case 'f':
      out += '\f';
      return true;
    case 'n':
      out += '\n';
      return true;
    case 'r':
      out += '\r';
      return true;
    case 't':
      out += '\t';
      return true;
    case 'u':
      break;
    default:
      return fail("invalid escape");
  }
  auto readHex4 = [&](uint32_t& unit) {
    if (pos_ + 4 > text_.size()) return false;
    unit = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = hexValue(text_[pos_ + i]);
      if (digit < 0) return false;
      unit = unit * 16 + static_cast<uint32_t>(digit);
    }
    pos_ += 4;
    return true;
  };
  uint32_t unit = 0;
  if (!readHex4(unit)) return fail("invalid \\u escape");
  if (unit == 0) return fail("NUL character in string");
  if (unit >= 0xDC00 && unit <= 0xDFFF) return fail("lone low surrogate");
  if (unit >= 0xD800 && unit <= 0xDBFF) {
    uint32_t low = 0;
    if (text_.substr(pos_, 2) != "\\u") return fail("lone high surrogate");
    pos_ += 2;
    if (!readHex4(low) || low < 0xDC00 || low > 0xDFFF) return fail("invalid surrogate pair");
    unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
  }
  appendCodePoint(out, unit);
  return true;
}

bool JsonParser::appendUtf8Sequence(std::string& out) {
  const auto lead = static_cast<unsigned char>(text_[pos_]);
  int length = 0;
  uint32_t cp = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    cp = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    cp = lead & 0x07;
  } else {
    return fail("invalid UTF-8");
  }
  if (pos_ + length > text_.size()) return fail("invalid UTF-8");
  for (int i = 1; i < length; ++i) {
    const auto next = static_cast<unsigned char>(text_[pos_ + i]);
    if ((next & 0xC0) != 0x80) return fail("invalid UTF-8");
    cp = (cp << 6) | (next & 0x3F);
  }
  const bool overlong = (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return fail("invalid UTF-8");
  out.append(text_.data() + pos_, length);
  pos_ += length;
  return true;
}

bool JsonParser::parseObject(JsonValue& out, int depth) {
  if (depth > maxDepth_) return fail("JSON nested too deeply");
  ++pos_;  // '{'
  out.type = JsonValue::Type::kObject;
  if (consume('}')) return true;
  // Keys are compared by scan while few (most objects), then through a hash set: a scan per key
  // of a 1,000,000-key object would be 5 * 10^11 comparisons.
  constexpr std::size_t kScannedKeys = 16;
  std::unordered_set<std::string> keys;
  do {
    skipWhitespace();
    JsonMember member;
    if (!parseString(member.key)) return false;
    if (out.members.size() == kScannedKeys) {  // from here on, through the set
      for (const JsonMember& seen : out.members) keys.insert(seen.key);
    }
    const bool duplicate = out.members.size() < kScannedKeys ? out.find(member.key) != nullptr
                                                             : !keys.insert(member.key).second;
    if (duplicate) return fail("duplicate key \"" + member.key + "\"");
    if (!consume(':')) return fail("expected ':'");
    if (!parseValueWithin(member.value, depth)) return false;
    out.members.push_back(std::move(member));
  } while (consume(','));
  if (!consume('}')) return fail("expected ',' or '}'");
  return true;
}

bool JsonParser::parseArray(JsonValue& out, int depth) {
  if (depth > maxDepth_) return fail("JSON nested too deeply");
  ++pos_;  // '['
  out.type = JsonValue::Type::kArray;
  if (consume(']')) return true;
  do {
    JsonValue item;
    if (!parseValueWithin(item, depth)) return false;
    out.items.push_back(std::move(item));
  } while (consume(','));
  if (!consume(']')) return fail("expected ',' or ']'");
  return true;
}

std::optional<JsonValue> parseJson(std::string_view text, std::string& error) {
  JsonParser parser(text);
  JsonValue value;
  if (!parser.parseValue(value)) {
    error = parser.error();
    return std::nullopt;
  }
  if (!parser.atEnd()) {
    parser.fail("unexpected data after the JSON value");
    error = parser.error();
    return std::nullopt;
  }
  return value;
}

void appendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + start, i - start);
    start = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(text.data() + start, text.size() - start);
  out += '"';
}

void appendJson(std::string& out, const JsonValue& value) {
  switch (value.type) {
    case JsonValue::Type::kNull:
      out += "null";
      return;
    case JsonValue::Type::kBool:
      out += value.boolean ? "true" : "false";
      return;
    case JsonValue::Type::kNumber:
      out += value.text;
      return;
    case JsonValue::Type::kString:
      appendJsonString(out, value.text);
      return;
    case JsonValue::Type::kObject:
      out += '{';
      for (std::size_t i = 0; i < value.members.size(); ++i) {
        if (i > 0) out += ',';
        appendJsonString(out, value.members[i].key);
        out += ':';
        appendJson(out, value.members[i].value);
      }
      out += '}';
      return;
    case JsonValue::Type::kArray:
      out += '[';
      for (std::size_t i = 0; i < value.items.size(); ++i) {
        if (i > 0) out += ',';
        appendJson(out, value.items[i]);
      }
      out += ']';
      return;
  }
}

void JsonWriter::separate() {
  if (afterKey_) {
    afterKey_ = false;
    return;
  }
  if (!hasItems_.empty()) {
    if (hasItems_.back()) out_ += ',';
    hasItems_.back() = true;
  }
}

JsonWriter& JsonWriter::beginObject() {
  separate();
  out_ += '{';
  hasItems_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::endObject() {
  out_ += '}';
  hasItems_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::beginArray() {
  separate();
  out_ += '[';
  hasItems_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::endArray() {
  out_ += ']';
  hasItems_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  appendJsonString(out_, name);
  out_ += ':';
  afterKey_ = true;
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view text) {
  separate();
  appendJsonString(out_, text);
  return *this;
}

JsonWriter& JsonWriter::stringOrNull(std::string_view text) {
  return text.empty() ? null() : string(text);
}

JsonWriter& JsonWriter::integer(int64_t number) {
  separate();
  out_ += std::to_string(number);
  return *this;
}

JsonWriter& JsonWriter::number(double number) {
  separate();
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.15g", std::isfinite(number) ? number : 0.0);
  out_ += buffer;
  return *this;
}

JsonWriter& JsonWriter::boolean(bool flag) {
  separate();
  out_ += flag ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  separate();
  out_ += json;
  return *this;
}

}  // namespace vo::core::http
