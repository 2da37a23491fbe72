#include "http/Validation.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "http/JsonWriter.h"
#include "phone/PhoneNumbers.h"
#include "schedule/TimeZones.h"
#include "vo/core/ReservedIds.h"

namespace vo::core::http {

namespace {

bool isAsciiLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

bool isVariableName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  if (!isAsciiLetter(name[0]) && name[0] != '_') return false;
  for (char c : name) {
    if (!isAsciiLetter(c) && !isDigit(c) && c != '_') return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> checkId(std::string_view id) {
  if (id.empty()) return "must not be empty";
  if (id.size() > kMaxIdLength) return "longer than 128 characters";
  for (char c : id) {
    if (!isAsciiLetter(c) && !isDigit(c) && c != '_' && c != '-' && c != '.' && c != ':') {
      return "may contain only letters, digits, '_', '-', '.' and ':'";
    }
  }
  return std::nullopt;
}

std::optional<std::string> checkNumberFits(std::string_view literal) {
  const bool integer = literal.find_first_of(".eE") == std::string_view::npos;
  if (integer) {
    int64_t value = 0;
    const auto [end, error] =
        std::from_chars(literal.data(), literal.data() + literal.size(), value);
    if (error == std::errc() && end == literal.data() + literal.size()) return std::nullopt;
    return "integer out of range: it must fit in 64 bits (-9223372036854775808 to "
           "9223372036854775807)";
  }
  const double value = std::strtod(std::string(literal).c_str(), nullptr);
  if (std::isfinite(value)) return std::nullopt;
  return "number out of range: it must fit in a 64-bit floating-point number";
}

std::optional<std::string> checkWorkspaceId(std::string_view id) {
  if (auto reason = checkId(id)) return reason;
  if (isReservedWorkspaceId(id)) return "'" + std::string(id) + "' is reserved";
  return std::nullopt;
}

std::optional<std::string> checkName(std::string_view name) {
  if (name.empty()) return "must not be empty";
  if (name.size() > kMaxNameLength) return "longer than 200 bytes";
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return "contains control characters";
  }
  return std::nullopt;
}

std::optional<ApiError> requireObject(const JsonValue& value, const std::string& what) {
  if (value.isObject()) return std::nullopt;
  return invalidField(
      what, std::string("must be a JSON object, got ") + std::string(jsonTypeName(value.type)));
}

std::optional<ApiError> validateVariables(const JsonValue& variables, const std::string& field,
                                          const ValidationLimits& limits, std::string& json) {
  if (!variables.isObject()) {
    return invalidField(field, "must be an object of strings, numbers, booleans or null");
  }
  if (variables.members.size() > static_cast<std::size_t>(limits.maxVariables)) {
    return invalidField(field, "more than " + std::to_string(limits.maxVariables) + " variables");
  }
  for (const auto& member : variables.members) {
    const std::string name = field + "." + member.key;
    if (!isVariableName(member.key)) {
      return invalidField(name, "variable names must match [A-Za-z_][A-Za-z0-9_]{0,63}");
    }
    if (member.key.starts_with("system__")) {
      return invalidField(name, "the system__ prefix is reserved for the provider");
    }
    const auto type = member.value.type;
    if (type == JsonValue::Type::kObject || type == JsonValue::Type::kArray) {
      return invalidField(name, "must be a string, number, boolean or null");
    }
    if (member.value.text.size() > static_cast<std::size_t>(limits.maxVariableBytes)) {
      return invalidField(name,
                          "longer than " + std::to_string(limits.maxVariableBytes) + " bytes");
    }
    if (member.value.isNumber()) {
      if (auto reason = checkNumberFits(member.value.text)) return invalidField(name, *reason);
    }
  }
  json = toJson(variables);
  return std::nullopt;
}

ObjectFields::ObjectFields(const JsonValue& object, std::string prefix)
    : object_(object), prefix_(std::move(prefix)) {}

std::string ObjectFields::fieldName(std::string_view name) const {
  return prefix_ + std::string(name);
}

std::optional<ApiError> ObjectFields::onlyKnown(
    std::initializer_list<std::string_view> allowed) const {
  for (const auto& member : object_.members) {
    bool known = false;
    for (auto name : allowed) known = known || member.key == name;
    if (!known) {
      return fieldError(400, "unknown_field", fieldName(member.key), "unknown field");
    }
  }
  return std::nullopt;
}

std::optional<ApiError> ObjectFields::stringField(std::string_view name, bool required,
                                                  std::string& out) const {
  const JsonValue* value = object_.find(name);
  if (value == nullptr || (!required && value->type == JsonValue::Type::kNull)) {
    if (required) return invalidField(fieldName(name), "is required");
    out.clear();
    return std::nullopt;
  }
  if (!value->isString()) {
    return invalidField(fieldName(name), std::string("must be a string, got ") +
                                             std::string(jsonTypeName(value->type)));
  }
  out = value->text;
  return std::nullopt;
}

std::optional<ApiError> ObjectFields::requiredId(std::string_view name, std::string& out) const {
  if (auto error = stringField(name, true, out)) return error;
  if (auto reason = checkId(out)) return invalidField(fieldName(name), *reason);
  return std::nullopt;
}

std::optional<ApiError> ObjectFields::optionalBool(std::string_view name, bool& out) const {
  const JsonValue* value = object_.find(name);
  if (value == nullptr || value->type == JsonValue::Type::kNull) return std::nullopt;
  if (value->type != JsonValue::Type::kBool) {
    return invalidField(fieldName(name), std::string("must be true or false, got ") +
                                             std::string(jsonTypeName(value->type)));
  }
  out = value->boolean;
  return std::nullopt;
}

std::optional<ApiError> ObjectFields::requiredName(std::string_view name, std::string& out) const {
  if (auto error = stringField(name, true, out)) return error;
  if (auto reason = checkName(out)) return invalidField(fieldName(name), *reason);
  return std::nullopt;
}

std::optional<ApiError> ObjectFields::optionalName(std::string_view name, std::string& out) const {
  if (auto error = stringField(name, false, out)) return error;
  if (object_.find(name) == nullptr || out.empty()) return std::nullopt;
  if (auto reason = checkName(out)) return invalidField(fieldName(name), *reason);
  return std::nullopt;
}

std::optional<ApiError> ObjectFields::phoneField(std::string_view name, bool required,
                                                 phone::NormalizedNumber& out) const {
  std::string text;
  if (auto error = stringField(name, required, text)) return error;
  out = {};
  if (text.empty() && !required) return std::nullopt;
  if (auto reason = phone::normalizePhoneNumber(text, out)) {
    return invalidField(fieldName(name), *reason);
  }
  return std::nullopt;
}

std::optional<ApiError> ObjectFields::requiredPhone(std::string_view name,
                                                    phone::NormalizedNumber& out) const {
  return phoneField(name, true, out);
}

std::optional<ApiError> ObjectFields::requiredPhone(std::string_view name, std::string& out) const {
  phone::NormalizedNumber number;
  if (auto error = phoneField(name, true, number)) return error;
  out = std::move(number.e164);
  return std::nullopt;
}

std::optional<ApiError> ObjectFields::optionalPhone(std::string_view name, std::string& out) const {
  phone::NormalizedNumber number;
  if (auto error = phoneField(name, false, number)) return error;
  out = std::move(number.e164);
  return std::nullopt;
}

std::optional<ApiError> ObjectFields::recipient(std::string_view name, std::string_view zoneName,
                                                std::string& number, std::string& zone) const {
  phone::NormalizedNumber normalized;
  if (auto error = phoneField(name, true, normalized)) return error;
  std::string requested;
  if (auto error = optionalTimeZone(zoneName, requested)) return error;
  number = std::move(normalized.e164);
  zone = schedule::recipientZone(requested, normalized.region);
  return std::nullopt;
}

std::optional<ApiError> ObjectFields::optionalTimeZone(std::string_view name,
                                                       std::string& out) const {
  if (auto error = stringField(name, false, out)) return error;
  const JsonValue* given = object_.find(name);
  if (given != nullptr && given->type != JsonValue::Type::kNull &&
      !schedule::isKnownTimeZone(out)) {
    return invalidField(fieldName(name),
                        "not a time zone tzdata knows (an IANA name like \"Europe/Madrid\")");
  }
  return std::nullopt;
}

std::optional<ApiError> ObjectFields::optionalSecret(std::string_view name,
                                                     std::string& out) const {
  if (auto error = stringField(name, false, out)) return error;
  if (out.size() > 1024) return invalidField(fieldName(name), "longer than 1024 bytes");
  for (char c : out) {
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7F) {
      return invalidField(fieldName(name), "must be printable without spaces");
    }
  }
  return std::nullopt;
}

std::optional<ApiError> ObjectFields::optionalCount(std::string_view name, int maxValue,
                                                    int& out) const {
  const JsonValue* value = object_.find(name);
  if (value == nullptr || value->type == JsonValue::Type::kNull) return std::nullopt;
  const std::string range = "must be an integer from 0 to " + std::to_string(maxValue);
  if (!value->isNumber()) return invalidField(fieldName(name), range);
  char* end = nullptr;
  const long long parsed = std::strtoll(value->text.c_str(), &end, 10);
  if (*end != '\0' || parsed < 0 || parsed > maxValue) {
    return invalidField(fieldName(name), range);
  }
  out = static_cast<int>(parsed);
  return std::nullopt;
}

std::optional<ApiError> ObjectFields::optionalRate(std::string_view name, double maxValue,
                                                   double& out) const {
  const JsonValue* value = object_.find(name);
  if (value == nullptr || value->type == JsonValue::Type::kNull) return std::nullopt;
  const std::string range = "must be a number from 0 to " + std::to_string(int(maxValue));
  if (!value->isNumber()) return invalidField(fieldName(name), range);
  const double parsed = std::strtod(value->text.c_str(), nullptr);
  if (!std::isfinite(parsed) || parsed < 0 || parsed > maxValue) {
    return invalidField(fieldName(name), range);
  }
  out = parsed;
  return std::nullopt;
}

std::optional<ApiError> ObjectFields::optionalVariables(std::string_view name,
                                                        const ValidationLimits& limits,
                                                        std::string& json) const {
  const JsonValue* value = object_.find(name);
  if (value == nullptr || value->type == JsonValue::Type::kNull) {
    json = "{}";
    return std::nullopt;
  }
  return validateVariables(*value, fieldName(name), limits, json);
}

}  // namespace vo::core::http
