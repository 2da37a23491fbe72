#pragma once

#include <rapidjson/fwd.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vo::testing {

// A read-only view of one value in a parsed JSON document, for tests and test tools. Copies are
// cheap and share the document. Asking for what is not there (a missing key, an index out of
// range, a string that is a number) throws std::runtime_error naming the value's path, e.g.
// `$.totals.byStatus`, so a test fails with the reason instead of reading garbage.
class Json {
 public:
  // Throws std::runtime_error, with RapidJSON's reason and offset, when `text` is not JSON.
  static Json parse(std::string_view text);

  bool isNull() const;
  bool isObject() const;
  bool isArray() const;
  bool isString() const;
  bool isNumber() const;
  bool isBoolean() const;

  // Whether this object has the member `key` (which may be null). Throws when not an object.
  bool has(std::string_view key) const;
  // The member `key` of this object; throws when not an object or without that member.
  Json operator[](std::string_view key) const;
  // An array's element; throws when not an array or out of range.
  Json at(std::size_t index) const;
  // Elements go through at(): a literal 0 would otherwise pass for a null key.
  Json operator[](std::size_t index) const = delete;
  // An array's elements or an object's members; throws for anything else.
  std::size_t size() const;
  // An array's elements in order; throws when not an array.
  std::vector<Json> elements() const;
  // An object's members (name, value) in document order; throws when not an object.
  std::vector<std::pair<std::string, Json>> members() const;

  // The value itself; each throws when the value has another type.
  std::string string() const;
  int64_t int64() const;  // an integer only: 1.5 or 1e3 throws
  double number() const;  // any number
  bool boolean() const;

  // The value written back as compact JSON.
  std::string text() const;
  // Where the value sits in its document: "$", "$.data[3].id".
  const std::string& path() const { return path_; }

 private:
  Json(std::shared_ptr<const rapidjson::Document> document, const rapidjson::Value* value,
       std::string path);
  [[noreturn]] void fail(const std::string& problem) const;
  void expectObject() const;
  void expectArray() const;
  const rapidjson::Value* member(std::string_view key) const;  // nullptr when absent

  std::shared_ptr<const rapidjson::Document> document_;  // keeps value_ alive
  const rapidjson::Value* value_;
  std::string path_;
};

}  // namespace vo::testing
