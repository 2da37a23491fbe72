#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "http/ApiMessage.h"
#include "http/JsonValue.h"
#include "phone/PhoneNumbers.h"

namespace vo::core::http {

struct ValidationLimits {
  int maxVariables = 64;
  int maxVariableBytes = 1024;
};

inline constexpr std::size_t kMaxIdLength = 128;
inline constexpr std::size_t kMaxNameLength = 200;

// Each check returns the reason a value is refused, or nullopt when it is fine.
// Ids travel in URLs and logs: 1..128 of [A-Za-z0-9_.:-].
std::optional<std::string> checkId(std::string_view id);
// A JSON number literal every consumer reads the same: an integer within int64, any other number
// finite as a double (a provider's JSON library throws on larger ones, after the 202).
std::optional<std::string> checkNumberFits(std::string_view literal);
// An id, and not one of the reserved workspace ids (vo/core/ReservedIds.h).
std::optional<std::string> checkWorkspaceId(std::string_view id);
// Display names: 1..200 bytes, no control characters.
std::optional<std::string> checkName(std::string_view name);

// Reads the fields of one JSON object; errors name the field as `prefix` + name.
class ObjectFields {
 public:
  ObjectFields(const JsonValue& object, std::string prefix);

  // 400 naming the first member not in `allowed`.
  std::optional<ApiError> onlyKnown(std::initializer_list<std::string_view> allowed) const;
  std::optional<ApiError> requiredId(std::string_view name, std::string& out) const;
  std::optional<ApiError> requiredName(std::string_view name, std::string& out) const;
  std::optional<ApiError> optionalName(std::string_view name, std::string& out) const;
  // A phone number (phone/PhoneNumbers.h), stored as its E.164 form.
  std::optional<ApiError> requiredPhone(std::string_view name, std::string& out) const;
  std::optional<ApiError> requiredPhone(std::string_view name, phone::NormalizedNumber& out) const;
  std::optional<ApiError> optionalPhone(std::string_view name, std::string& out) const;
  // A recipient's phone number (`name`) and the zone it is in: `zoneName`, an IANA time zone,
  // when the body has it, else the only zone of the number's region ("" when it has several).
  std::optional<ApiError> recipient(std::string_view name, std::string_view zoneName,
                                    std::string& number, std::string& zone) const;
  // An IANA time zone tzdata knows; absent or null leaves `out` empty.
  std::optional<ApiError> optionalTimeZone(std::string_view name, std::string& out) const;
  std::optional<ApiError> optionalSecret(std::string_view name, std::string& out) const;
  std::optional<ApiError> optionalCount(std::string_view name, int maxValue, int& out) const;
  std::optional<ApiError> optionalRate(std::string_view name, double maxValue, double& out) const;
  std::optional<ApiError> optionalBool(std::string_view name, bool& out) const;
  // A flat object of scalars, re-serialized compactly into `json` ("{}" when absent).
  std::optional<ApiError> optionalVariables(std::string_view name, const ValidationLimits& limits,
                                            std::string& json) const;

  std::string fieldName(std::string_view name) const;

 private:
  std::optional<ApiError> stringField(std::string_view name, bool required, std::string& out) const;
  std::optional<ApiError> phoneField(std::string_view name, bool required,
                                     phone::NormalizedNumber& out) const;
  const JsonValue& object_;
  std::string prefix_;
};

// 400 unless `value` is a JSON object; `what` names it ("body", "calls[3]").
std::optional<ApiError> requireObject(const JsonValue& value, const std::string& what);

// Validates a flat variables object and serializes it compactly.
std::optional<ApiError> validateVariables(const JsonValue& variables, const std::string& field,
                                          const ValidationLimits& limits, std::string& json);

}  // namespace vo::core::http
