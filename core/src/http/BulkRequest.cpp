#include "http/BulkRequest.h"

#include <unordered_set>

#include "http/Json.h"

namespace vo::core::http {

namespace {

constexpr std::size_t kMaxTopLevelMembers = 64;

ApiError malformed(const JsonParser& parser) {
  return ApiError{400, "invalid_json", "malformed JSON: " + parser.error()};
}

void validateRow(const JsonValue& row, std::size_t index, const ValidationLimits& limits,
                 BulkRequest& out) {
  const std::string prefix = "calls[" + std::to_string(index) + "]";
  BulkRow parsed;
  std::optional<ApiError> error = requireObject(row, prefix);
  if (!error) {
    ObjectFields fields(row, prefix + ".");
    error = fields.onlyKnown({"to", "variables"});
    if (!error) error = fields.requiredPhone("to", parsed.to);
    if (!error) error = fields.optionalVariables("variables", limits, parsed.variablesJson);
  }
  if (error) {
    out.rejected.push_back(RejectedRow{index, std::move(*error)});
  } else {
    out.rows.push_back(std::move(parsed));
  }
}

// Reads the `calls` array at the parser's position. Only a broken request is an error: bad rows
// are collected in out.rejected.
std::optional<ApiError> streamRows(JsonParser& parser, const ValidationLimits& limits, int maxRows,
                                   BulkRequest& out) {
  parser.consume('[');
  if (parser.consume(']')) return std::nullopt;
  std::size_t index = 0;
  do {
    if (index >= static_cast<std::size_t>(maxRows)) {
      return fieldError(413, "too_many_calls", "calls",
                        "at most " + std::to_string(maxRows) + " calls per request");
    }
    JsonValue row;
    if (!parser.parseValue(row, 1)) return malformed(parser);
    validateRow(row, index++, limits, out);
  } while (parser.consume(','));
  if (!parser.consume(']')) {
    parser.fail("expected ',' or ']'");
    return malformed(parser);
  }
  return std::nullopt;
}

std::optional<ApiError> validateTopLevel(const JsonValue& topLevel, bool sawCalls,
                                         BulkRequest& out) {
  ObjectFields fields(topLevel, "");
  std::string campaignName;
  std::optional<ApiError> error = fields.onlyKnown(
      {"workspaceId", "agentId", "agentPhoneNumberId", "from", "name", "campaignName"});
  if (!error) error = fields.requiredId("workspaceId", out.workspaceId);
  if (!error) error = fields.requiredId("agentId", out.agentId);
  if (!error) error = fields.requiredId("agentPhoneNumberId", out.agentPhoneNumberId);
  if (!error) error = fields.optionalPhone("from", out.from);
  if (!error) error = fields.optionalName("name", out.name);
  if (!error) error = fields.optionalName("campaignName", campaignName);
  if (!error && !sawCalls) error = invalidField("calls", "is required");
  if (!error && out.name.empty()) out.name = campaignName;
  return error;
}

}  // namespace

std::optional<ApiError> parseBulkRequest(std::string_view body, const ValidationLimits& limits,
                                         int maxRows, BulkRequest& out) {
  if (body.empty()) return ApiError{400, "invalid_json", "the request body is empty"};
  JsonParser parser(body);
  if (!parser.peekIs('{')) {
    std::string error;
    auto value = parseJson(body, error);
    if (!value) return ApiError{400, "invalid_json", "malformed JSON: " + error};
    return requireObject(*value, "body");
  }
  parser.consume('{');
  JsonValue topLevel;
  topLevel.type = JsonValue::Type::kObject;
  std::unordered_set<std::string> seen;
  bool sawCalls = false;
  std::optional<ApiError> callsError;
  if (!parser.consume('}')) {
    do {
      parser.skipWhitespace();
      JsonMember member;
      if (!parser.parseString(member.key)) return malformed(parser);
      if (!seen.insert(member.key).second) {
        parser.fail("duplicate key \"" + member.key + "\"");
        return malformed(parser);
      }
      if (!parser.consume(':')) {
        parser.fail("expected ':'");
        return malformed(parser);
      }
      if (member.key == "calls" && parser.peekIs('[')) {
        sawCalls = true;
        if (auto error = streamRows(parser, limits, maxRows, out)) return error;
        continue;
      }
      if (!parser.parseValue(member.value, 1)) return malformed(parser);
      if (member.key == "calls") {
        sawCalls = true;
        callsError = invalidField("calls", "must be an array of {to, variables}");
        continue;
      }
      // The known fields are a handful: a body of a million unknown ones is refused as it comes
      // rather than held whole until validation names the first.
      if (topLevel.members.size() >= kMaxTopLevelMembers) {
        return invalidField("body", "more than " + std::to_string(kMaxTopLevelMembers) +
                                        " members; see the API for the fields a bulk takes");
      }
      topLevel.members.push_back(std::move(member));
    } while (parser.consume(','));
    if (!parser.consume('}')) {
      parser.fail("expected ',' or '}'");
      return malformed(parser);
    }
  }
  if (!parser.atEnd()) {
    parser.fail("unexpected data after the JSON value");
    return malformed(parser);
  }
  if (auto error = validateTopLevel(topLevel, sawCalls, out)) return error;
  if (callsError) return callsError;
  if (out.rows.empty() && out.rejected.empty()) return invalidField("calls", "must not be empty");
  return std::nullopt;
}

}  // namespace vo::core::http
