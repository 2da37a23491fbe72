#include "ValidationErrors.h"

#include "JsonText.h"

namespace vo::fake_elevenlabs {

rapidjson::Value& ValidationErrors::append(const char* type,
                                           const std::vector<std::string>& location,
                                           const std::string& message) {
  auto& allocator = list_.GetAllocator();
  rapidjson::Value loc(rapidjson::kArrayType);
  loc.PushBack(rapidjson::StringRef(where_), allocator);
  for (const std::string& part : location) {
    loc.PushBack(rapidjson::Value(part, allocator), allocator);
  }
  rapidjson::Value error(rapidjson::kObjectType);
  error.AddMember("type", rapidjson::Value(type, allocator), allocator);
  error.AddMember("loc", loc, allocator);
  error.AddMember("msg", rapidjson::Value(message, allocator), allocator);
  list_.PushBack(error, allocator);
  return list_[list_.Size() - 1];
}

void ValidationErrors::add(const char* type, const std::vector<std::string>& location,
                           const char* message, const rapidjson::Value& input) {
  auto& allocator = list_.GetAllocator();
  append(type, location, message).AddMember("input", rapidjson::Value(input, allocator), allocator);
}

void ValidationErrors::addBound(const char* type, const std::string& field,
                                const std::string& message, const std::string& input,
                                const char* boundName, int64_t bound) {
  auto& allocator = list_.GetAllocator();
  rapidjson::Value& error = append(type, {field}, message);
  error.AddMember("input", rapidjson::Value(input, allocator), allocator);
  rapidjson::Value ctx(rapidjson::kObjectType);
  ctx.AddMember(rapidjson::StringRef(boundName), rapidjson::Value(bound), allocator);
  error.AddMember("ctx", ctx, allocator);
}

std::string ValidationErrors::body() const {
  JsonText json;
  json.writer().StartObject();
  json.writer().Key("detail");
  list_.Accept(json.writer());
  json.writer().EndObject();
  return json.str();
}

}  // namespace vo::fake_elevenlabs
