#include "ConversationListQuery.h"

#include <cctype>
#include <charconv>
#include <map>
#include <optional>

#include "ValidationErrors.h"

namespace vo::fake_elevenlabs {
namespace {

constexpr char kCursorPrefix[] = "fk1_";  // a version, so another cursor shape stays possible

int hexValue(char digit) {
  if (digit >= '0' && digit <= '9') return digit - '0';
  if (digit >= 'a' && digit <= 'f') return digit - 'a' + 10;
  if (digit >= 'A' && digit <= 'F') return digit - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded: %XX and '+' for a space.
std::string decoded(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hexValue(text[i + 1]) >= 0 &&
               hexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::map<std::string, std::string> parametersOf(const std::string& target) {
  std::map<std::string, std::string> parameters;
  const auto question = target.find('?');
  if (question == std::string::npos) return parameters;
  std::size_t at = question + 1;
  while (at <= target.size()) {
    auto end = target.find('&', at);
    if (end == std::string::npos) end = target.size();
    const std::string pair = target.substr(at, end - at);
    if (!pair.empty()) {
      const auto equals = pair.find('=');
      parameters[decoded(pair.substr(0, equals))] =
          equals == std::string::npos ? "" : decoded(pair.substr(equals + 1));
    }
    at = end + 1;
  }
  return parameters;
}

// An integer as pydantic reads a query value: optional sign, digits, surrounding spaces.
std::optional<int64_t> integerOf(const std::string& text) {
  std::size_t first = 0;
  std::size_t last = text.size();
  while (first < last && std::isspace(static_cast<unsigned char>(text[first]))) ++first;
  while (last > first && std::isspace(static_cast<unsigned char>(text[last - 1]))) --last;
  if (first < last && text[first] == '+') ++first;
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data() + first, text.data() + last, value);
  if (first == last || error != std::errc() || end != text.data() + last) return std::nullopt;
  return value;
}

std::optional<uint64_t> sequenceOfCursor(const std::string& cursor) {
  constexpr std::size_t kPrefixLength = sizeof kCursorPrefix - 1;
  if (cursor.size() <= kPrefixLength || cursor.compare(0, kPrefixLength, kCursorPrefix) != 0) {
    return std::nullopt;
  }
  uint64_t sequence = 0;
  const char* digits = cursor.data() + kPrefixLength;
  const auto [end, error] = std::from_chars(digits, cursor.data() + cursor.size(), sequence, 16);
  if (error != std::errc() || end != cursor.data() + cursor.size() || sequence == 0) {
    return std::nullopt;
  }
  return sequence;
}

// A query integer, or an int_parsing error.
std::optional<int64_t> readInteger(const std::map<std::string, std::string>& parameters,
                                   const char* name, ValidationErrors& errors) {
  const auto found = parameters.find(name);
  if (found == parameters.end()) return std::nullopt;
  const auto value = integerOf(found->second);
  if (!value) {
    errors.add("int_parsing", {name},
               "Input should be a valid integer, unable to parse string as "
               "an integer",
               rapidjson::Value(rapidjson::StringRef(found->second.data(), found->second.size())));
  }
  return value;
}

}  // namespace

ConversationListQuery parseConversationListQuery(const std::string& target) {
  ConversationListQuery query;
  ValidationErrors errors("query");
  const auto parameters = parametersOf(target);
  if (const auto agent = parameters.find("agent_id"); agent != parameters.end()) {
    query.filter.agentId = agent->second;
  }
  query.filter.startedAfterSecs = readInteger(parameters, "call_start_after_unix", errors);
  query.filter.startedBeforeSecs = readInteger(parameters, "call_start_before_unix", errors);
  query.filter.pageSize = kDefaultPageSize;
  if (const auto size = readInteger(parameters, "page_size", errors)) {
    const std::string& input = parameters.at("page_size");
    if (*size < 1) {
      errors.addBound("greater_than_equal", "page_size",
                      "Input should be greater than or equal to 1", input, "ge", 1);
    } else if (*size > kMaxPageSize) {
      errors.addBound("less_than_equal", "page_size",
                      "Input should be less than or equal to " + std::to_string(kMaxPageSize),
                      input, "le", kMaxPageSize);
    } else {
      query.filter.pageSize = static_cast<int>(*size);
    }
  }
  if (const auto variable = parameters.find("dynamic_variable_params");
      variable != parameters.end()) {
    // name:op:value, split at the first two colons.
    const std::string& text = variable->second;
    const std::size_t nameEnd = text.find(':');
    const std::size_t opEnd = nameEnd == std::string::npos ? nameEnd : text.find(':', nameEnd + 1);
    if (opEnd == std::string::npos || text.compare(nameEnd + 1, opEnd - nameEnd - 1, "eq") != 0) {
      errors.add("value_error", {"dynamic_variable_params"},
                 "Value error, the fake knows only name:eq:value",
                 rapidjson::Value(rapidjson::StringRef(text.data(), text.size())));
    } else {
      query.filter.variableEquals = std::make_pair(text.substr(0, nameEnd), text.substr(opEnd + 1));
    }
  }
  if (const auto cursor = parameters.find("cursor"); cursor != parameters.end()) {
    // An empty cursor is no cursor (the first page), as clients send it.
    if (!cursor->second.empty()) {
      query.filter.olderThanSequence = sequenceOfCursor(cursor->second);
      if (!query.filter.olderThanSequence) {
        errors.add(
            "value_error", {"cursor"}, "Value error, Invalid cursor",
            rapidjson::Value(rapidjson::StringRef(cursor->second.data(), cursor->second.size())));
      }
    }
  }
  if (!errors.empty()) {
    query.errorBody = errors.body();
    return query;
  }
  query.valid = true;
  return query;
}

std::string cursorAfter(uint64_t sequence) {
  char digits[17];
  const auto [end, error] = std::to_chars(digits, digits + sizeof digits, sequence, 16);
  (void)error;  // 16 hex digits always fit
  return kCursorPrefix + std::string(digits, end);
}

}  // namespace vo::fake_elevenlabs
