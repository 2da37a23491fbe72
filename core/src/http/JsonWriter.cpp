#include "http/JsonWriter.h"

#include <rapidjson/stringbuffer.h>
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

template <typename Writer>
void writeValue(Writer& writer, const JsonValue& value) {
  switch (value.type) {
    case JsonValue::Type::kNull:
      writer.Null();
      return;
    case JsonValue::Type::kBool:
      writer.Bool(value.boolean);
      return;
    case JsonValue::Type::kNumber:  // the literal as the client wrote it
      writer.RawValue(value.text.data(), value.text.size(), rapidjson::kNumberType);
      return;
    case JsonValue::Type::kString:
      writer.String(value.text.data(), sizeOf(value.text));
      return;
    case JsonValue::Type::kObject:
      writer.StartObject();
      for (const auto& member : value.members) {
        writer.Key(member.key.data(), sizeOf(member.key));
        writeValue(writer, member.value);
      }
      writer.EndObject();
      return;
    case JsonValue::Type::kArray:
      writer.StartArray();
      for (const auto& item : value.items) writeValue(writer, item);
      writer.EndArray();
      return;
  }
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
  writeValue(impl_->writer, value);
  return *this;
}

std::string toJson(const JsonValue& value) {
  // Into RapidJSON's own buffer (which reserves the worst case of each string once, not in the
  // result), then one exact copy.
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writeValue(writer, value);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace vo::core::http
