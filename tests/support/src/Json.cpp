#include "vo/testing/Json.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

namespace vo::testing {

namespace {

// Enough of a value to recognize it in a failure message, not a whole page of calls.
std::string excerpt(std::string_view text) {
  constexpr std::size_t kMaxChars = 300;
  if (text.size() <= kMaxChars) return std::string(text);
  return std::string(text.substr(0, kMaxChars)) + "...";
}

const char* kindOf(const rapidjson::Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "a boolean";
    case rapidjson::kObjectType:
      return "an object";
    case rapidjson::kArrayType:
      return "an array";
    case rapidjson::kStringType:
      return "a string";
    case rapidjson::kNumberType:
      return "a number";
  }
  return "unknown";
}

}  // namespace

Json Json::parse(std::string_view text) {
  auto document = std::make_shared<rapidjson::Document>();
  document->Parse<rapidjson::kParseFullPrecisionFlag>(text.data(), text.size());
  if (document->HasParseError()) {
    throw std::runtime_error(
        std::string("not JSON (") + rapidjson::GetParseError_En(document->GetParseError()) +
        " at offset " + std::to_string(document->GetErrorOffset()) + "): " + excerpt(text));
  }
  const rapidjson::Value* root = document.get();
  return Json(std::move(document), root, "$");
}

Json::Json(std::shared_ptr<const rapidjson::Document> document, const rapidjson::Value* value,
           std::string path)
    : document_(std::move(document)), value_(value), path_(std::move(path)) {}

void Json::fail(const std::string& problem) const {
  throw std::runtime_error("JSON " + path_ + ": " + problem + ": " + excerpt(text()));
}

void Json::expectObject() const {
  if (!value_->IsObject()) fail(std::string(kindOf(*value_)) + ", not an object");
}

void Json::expectArray() const {
  if (!value_->IsArray()) fail(std::string(kindOf(*value_)) + ", not an array");
}

bool Json::isNull() const {
  return value_->IsNull();
}

bool Json::isObject() const {
  return value_->IsObject();
}

bool Json::isArray() const {
  return value_->IsArray();
}

bool Json::isString() const {
  return value_->IsString();
}

bool Json::isNumber() const {
  return value_->IsNumber();
}

bool Json::isBoolean() const {
  return value_->IsBool();
}

const rapidjson::Value* Json::member(std::string_view key) const {
  expectObject();
  // A StringRef with its length: `key` need not end in a NUL.
  const rapidjson::Value name(rapidjson::StringRef(key.data(), key.size()));
  const auto found = value_->FindMember(name);
  return found == value_->MemberEnd() ? nullptr : &found->value;
}

bool Json::has(std::string_view key) const {
  return member(key) != nullptr;
}

Json Json::operator[](std::string_view key) const {
  const rapidjson::Value* value = member(key);
  if (value == nullptr) fail("no member \"" + std::string(key) + "\"");
  return Json(document_, value, path_ + "." + std::string(key));
}

Json Json::at(std::size_t index) const {
  expectArray();
  if (index >= value_->Size()) {
    fail("no element " + std::to_string(index) + " among " + std::to_string(value_->Size()));
  }
  return Json(document_, &(*value_)[static_cast<rapidjson::SizeType>(index)],
              path_ + "[" + std::to_string(index) + "]");
}

std::size_t Json::size() const {
  if (value_->IsArray()) return value_->Size();
  if (value_->IsObject()) return value_->MemberCount();
  fail(std::string(kindOf(*value_)) + " has no size");
}

std::vector<Json> Json::elements() const {
  expectArray();
  std::vector<Json> elements;
  elements.reserve(value_->Size());
  for (std::size_t i = 0; i < value_->Size(); ++i) elements.push_back(at(i));
  return elements;
}

std::vector<std::pair<std::string, Json>> Json::members() const {
  expectObject();
  std::vector<std::pair<std::string, Json>> members;
  members.reserve(value_->MemberCount());
  for (const auto& member : value_->GetObject()) {
    std::string name(member.name.GetString(), member.name.GetStringLength());
    members.emplace_back(name, Json(document_, &member.value, path_ + "." + name));
  }
  return members;
}

std::string Json::string() const {
  if (!value_->IsString()) fail(std::string(kindOf(*value_)) + ", not a string");
  return std::string(value_->GetString(), value_->GetStringLength());
}

int64_t Json::int64() const {
  if (!value_->IsInt64()) {
    fail(value_->IsNumber() ? "a number outside the integers of int64"
                            : std::string(kindOf(*value_)) + ", not an integer");
  }
  return value_->GetInt64();
}

double Json::number() const {
  if (!value_->IsNumber()) fail(std::string(kindOf(*value_)) + ", not a number");
  return value_->GetDouble();
}

bool Json::boolean() const {
  if (!value_->IsBool()) fail(std::string(kindOf(*value_)) + ", not a boolean");
  return value_->GetBool();
}

std::string Json::text() const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value_->Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace vo::testing
