#include "http/BulkRequest.h"

#include "http/JsonReader.h"

namespace vo::core::http {

namespace {

constexpr std::size_t kMaxTopLevelMembers = 64;

void validateRow(const JsonValue& row, std::size_t index, const ValidationLimits& limits,
                 BulkRequest& out) {
  const std::string prefix = "calls[" + std::to_string(index) + "]";
  BulkRow parsed;
  parsed.index = index;
  std::optional<ApiError> error = requireObject(row, prefix);
  if (!error) {
    ObjectFields fields(row, prefix + ".");
    error = fields.onlyKnown({"to", "timezone", "variables"});
    if (!error) error = fields.recipient("to", "timezone", parsed.to, parsed.timezone);
    if (!error) error = fields.optionalVariables("variables", limits, parsed.variablesJson);
  }
  if (error) {
    out.rejected.push_back(RejectedRow{index, std::move(*error)});
  } else {
    out.rows.push_back(std::move(parsed));
  }
}

std::optional<ApiError> validateTopLevel(const JsonValue& topLevel, bool sawCalls,
                                         BulkRequest& out) {
  ObjectFields fields(topLevel, "");
  std::string campaignName;
  std::optional<ApiError> error = fields.onlyKnown(
      {"workspaceId", "agentId", "agentPhoneNumberId", "from", "name", "campaignName", "calls"});
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
  // Only a broken request is an error: bad rows are collected in out.rejected.
  std::size_t index = 0;
  std::optional<ApiError> rowsError;
  const JsonStreamedArray calls{
      "calls",
      [&](JsonValue&& row) {
        if (index >= static_cast<std::size_t>(maxRows)) {
          rowsError = fieldError(413, "too_many_calls", "calls",
                                 "at most " + std::to_string(maxRows) + " calls per request");
          return false;
        }
        validateRow(row, index++, limits, out);
        return true;
      },
      kMaxTopLevelMembers};
  JsonValue topLevel;
  auto outcome = parseJsonStreaming(body, calls, topLevel);
  switch (outcome.kind) {
    case JsonStreamOutcome::Kind::kRead:
      break;
    case JsonStreamOutcome::Kind::kMalformed:
      return ApiError{400, "invalid_json", "malformed JSON: " + outcome.error};
    case JsonStreamOutcome::Kind::kStoppedByElement:
      return rowsError;
    case JsonStreamOutcome::Kind::kTooManyMembers:
      // The known fields are a handful: a body of a million unknown ones is refused as it comes
      // rather than held whole until validation names the first.
      return invalidField("body", "more than " + std::to_string(kMaxTopLevelMembers) +
                                      " members; see the API for the fields a bulk takes");
  }
  if (auto notObject = requireObject(topLevel, "body")) return notObject;
  const JsonValue* callsValue = topLevel.find("calls");
  if (auto error = validateTopLevel(topLevel, callsValue != nullptr, out)) return error;
  if (!callsValue->isArray()) return invalidField("calls", "must be an array of {to, variables}");
  if (out.rows.empty() && out.rejected.empty()) return invalidField("calls", "must not be empty");
  return std::nullopt;
}

}  // namespace vo::core::http
