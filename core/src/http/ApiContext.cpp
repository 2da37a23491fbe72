#include "http/ApiContext.h"

#include "http/JsonReader.h"

namespace vo::core::http {

ApiContext::ApiContext(ApiServices servicesIn)
    : services(std::move(servicesIn)),
      limits{services.config.server.maxVariables, services.config.server.maxVariableBytes},
      ids(services.clock),
      webhookSecrets(services.store, services.clock) {}

ApiError dependencyError(const api::Error& error, const std::string& what) {
  switch (error.code) {
    case api::ErrorCode::kNotFound:
      return notFound(what);
    case api::ErrorCode::kConflict:
      return ApiError{409, "conflict", what + ": " + error.message};
    case api::ErrorCode::kInvalid:
      return ApiError{400, "invalid_request", what + ": " + error.message};
    case api::ErrorCode::kUnavailable:
    case api::ErrorCode::kInternal:
      break;
  }
  return unavailable(what + ": " + error.message);
}

std::optional<ApiError> parseBodyObject(const ApiRequest& request, JsonValue& out) {
  if (request.body.empty()) return ApiError{400, "invalid_json", "the request body is empty"};
  std::string error;
  auto parsed = parseJson(request.body, error);
  if (!parsed) return ApiError{400, "invalid_json", "malformed JSON: " + error};
  if (auto notObject = requireObject(*parsed, "body")) return notObject;
  out = std::move(*parsed);
  return std::nullopt;
}

std::optional<ApiError> hideOtherWorkspace(const Caller& caller, const std::string& workspaceId,
                                           const std::string& what) {
  if (caller.canSee(workspaceId)) return std::nullopt;
  return notFound(what);
}

std::optional<ApiError> forbidOtherWorkspace(const Caller& caller, const std::string& workspaceId,
                                             const std::string& field) {
  if (caller.canSee(workspaceId)) return std::nullopt;
  return fieldError(403, "forbidden", field, "this API key belongs to another workspace");
}

QueryParams::QueryParams(const std::vector<std::pair<std::string, std::string>>& query)
    : query_(query) {}

std::optional<ApiError> QueryParams::check(std::initializer_list<std::string_view> allowed) const {
  for (std::size_t i = 0; i < query_.size(); ++i) {
    const auto& [name, value] = query_[i];
    bool known = false;
    for (auto candidate : allowed) known = known || name == candidate;
    if (!known) return fieldError(400, "unknown_parameter", name, "unknown query parameter");
    for (std::size_t j = 0; j < i; ++j) {
      if (query_[j].first == name) return invalidField(name, "given more than once");
    }
    if (value.size() > 512) return invalidField(name, "longer than 512 bytes");
    for (char c : value) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
        return invalidField(name, "contains control characters");
      }
    }
  }
  return std::nullopt;
}

const std::string* QueryParams::find(std::string_view name) const {
  for (const auto& [key, value] : query_) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::optional<ApiError> QueryParams::optionalId(std::string_view name, std::string& out) const {
  const std::string* value = find(name);
  if (value == nullptr) return std::nullopt;
  if (auto reason = checkId(*value)) return invalidField(std::string(name), *reason);
  out = *value;
  return std::nullopt;
}

std::optional<ApiError> parseLimit(const QueryParams& query, int maxLimit, int& limit) {
  const std::string* text = query.find("limit");
  if (text == nullptr) return std::nullopt;
  const std::string reason = "must be an integer from 1 to " + std::to_string(maxLimit);
  if (text->empty() || text->size() > 4) return invalidField("limit", reason);
  int value = 0;
  for (char c : *text) {
    if (c < '0' || c > '9') return invalidField("limit", reason);
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > maxLimit) return invalidField("limit", reason);
  limit = value;
  return std::nullopt;
}

std::optional<ApiError> parseCursor(const QueryParams& query, std::string& cursor) {
  const std::string* text = query.find("cursor");
  if (text == nullptr) return std::nullopt;
  if (text->empty() || text->size() > 256)
    return invalidField("cursor", "not a cursor from nextCursor");
  for (char c : *text) {
    if (c <= 0x20 || c >= 0x7F) return invalidField("cursor", "not a cursor from nextCursor");
  }
  cursor = *text;
  return std::nullopt;
}

}  // namespace vo::core::http
