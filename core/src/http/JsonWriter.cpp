#include "http/JsonWriter.h"

#include <rapidjson/writer.h>

#include <cmath>

namespace vo::core::http {

namespace {

// RapidJSON's output-stream concept over the caller's string.
struct StringOutput {
  using Ch = char;
  std::string& out;
  void Put(char c) { out.push_back(c); }
  void Flush() {}
};

rapidjson::SizeType sizeOf(std::string_view text) {
  return static_cast<rapidjson::SizeType>(text.size());
}

}  // namespace

struct JsonWriter::Impl {
  explicit Impl(std::string& out) : output{out}, writer(output) {}
  StringOutput output;
  rapidjson::Writer<StringOutput> writer;
};

JsonWriter::JsonWriter(std::string& out) : impl_(std::make_unique<Impl>(out)) {}

JsonWriter::~JsonWriter() = default;

JsonWriter& JsonWriter::beginObject() {
  impl_->writer.StartObject();
  return *this;
}

JsonWriter& JsonWriter::endObject() {
  impl_->writer.EndObject();
  return *this;
}

JsonWriter& JsonWriter::beginArray() {
  impl_->writer.StartArray();
  return *this;
}

JsonWriter& JsonWriter::endArray() {
  impl_->writer.EndArray();
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  impl_->writer.Key(name.data(), sizeOf(name));
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view text) {
  impl_->writer.String(text.data(), sizeOf(text));
  return *this;
}

JsonWriter& JsonWriter::stringOrNull(std::string_view text) {
  return text.empty() ? null() : string(text);
}

JsonWriter& JsonWriter::integer(int64_t number) {
  impl_->writer.Int64(number);
  return *this;
}

JsonWriter& JsonWriter::number(double number) {
  impl_->writer.Double(std::isfinite(number) ? number : 0.0);
  return *this;
}

JsonWriter& JsonWriter::boolean(bool flag) {
  impl_->writer.Bool(flag);
  return *this;
}

JsonWriter& JsonWriter::null() {
  impl_->writer.Null();
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  // The type only tells the writer a value was written; any value type does.
  impl_->writer.RawValue(json.data(), json.size(), rapidjson::kObjectType);
  return *this;
}

JsonWriter& JsonWriter::value(const JsonValue& value) {
  switch (value.type) {
    case JsonValue::Type::kNull:
      return null();
    case JsonValue::Type::kBool:
      return boolean(value.boolean);
    case JsonValue::Type::kNumber:
      return raw(value.text);  // the literal as the client wrote it
    case JsonValue::Type::kString:
      return string(value.text);
    case JsonValue::Type::kObject:
      beginObject();
      for (const auto& member : value.members) key(member.key).value(member.value);
      return endObject();
    case JsonValue::Type::kArray:
      beginArray();
      for (const auto& item : value.items) this->value(item);
      return endArray();
  }
  return null();
}

std::string toJson(const JsonValue& value) {
  std::string out;
  JsonWriter(out).value(value);
  return out;
}

}  // namespace vo::core::http
