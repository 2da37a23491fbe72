#pragma once

#include <rapidjson/document.h>

#include <string>
#include <vector>

namespace vo::fake_elevenlabs {

// The real API's validation errors (FastAPI and pydantic), answered with 422:
// {"detail":[{"type","loc":[<where>, ...],"msg","input"[,"ctx"]}]}, each keeping a copy of the
// input it refuses. `where` is "body" or "query".
class ValidationErrors {
 public:
  explicit ValidationErrors(const char* where) : where_(where) {}

  void add(const char* type, const std::vector<std::string>& location, const char* message,
           const rapidjson::Value& input);
  // With "ctx":{<bound name>: <bound>} (ge, le).
  void addBound(const char* type, const std::string& field, const std::string& message,
                const std::string& input, const char* boundName, int64_t bound);

  bool empty() const { return list_.Empty(); }
  std::string body() const;

 private:
  rapidjson::Value& append(const char* type, const std::vector<std::string>& location,
                           const std::string& message);

  const char* where_;
  rapidjson::Document list_{rapidjson::kArrayType};
};

}  // namespace vo::fake_elevenlabs
