#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/ApiMessage.h"
#include "http/CallIdGenerator.h"
#include "http/JsonValue.h"
#include "http/JsonWriter.h"
#include "http/Validation.h"
#include "http/WorkspaceWebhookSecrets.h"
#include "vo/api/Result.h"
#include "vo/core/ApiServer.h"

namespace vo::core::http {

// What every route group shares: the services, the limits and the id generator.
struct ApiContext {
  explicit ApiContext(ApiServices services);

  ApiServices services;
  ValidationLimits limits;
  CallIdGenerator ids;
  WorkspaceWebhookSecrets webhookSecrets;
};

// Maps a store or queue error to the API's answer: not_found 404, conflict 409, invalid 400,
// anything else 503 `unavailable` (a dependency failed; the client may retry).
ApiError dependencyError(const api::Error& error, const std::string& what);

// Parses a POST body that must be one JSON object.
std::optional<ApiError> parseBodyObject(const ApiRequest& request, JsonValue& out);

// 404 when the caller may not see `workspaceId` (another workspace's data does not exist for it).
std::optional<ApiError> hideOtherWorkspace(const Caller& caller, const std::string& workspaceId,
                                           const std::string& what);
// 403 when a workspace key names another workspace in a write.
std::optional<ApiError> forbidOtherWorkspace(const Caller& caller, const std::string& workspaceId,
                                             const std::string& field);

// The query string, read strictly: duplicates, unknown names and control characters are 400.
class QueryParams {
 public:
  explicit QueryParams(const std::vector<std::pair<std::string, std::string>>& query);
  std::optional<ApiError> check(std::initializer_list<std::string_view> allowed) const;
  const std::string* find(std::string_view name) const;
  std::optional<ApiError> optionalId(std::string_view name, std::string& out) const;

 private:
  const std::vector<std::pair<std::string, std::string>>& query_;
};

// `limit` from the query (left as it is when absent): 400 unless an integer from 1 to maxLimit.
std::optional<ApiError> parseLimit(const QueryParams& query, int maxLimit, int& limit);
// `cursor` from the query (left as it is when absent): a nextCursor a list answered, read as
// printable ASCII of at most 256 characters.
std::optional<ApiError> parseCursor(const QueryParams& query, std::string& cursor);

// The answer of a successful write: `status` with one JSON value written by `write`.
template <typename Write>
ApiResponse writeResponse(int status, Write&& write) {
  std::string body;
  JsonWriter writer(body);
  write(writer);
  return jsonResponse(status, std::move(body));
}

// 200 with {"data": [each item written by `write`]}.
template <typename Items, typename Write>
ApiResponse listAnswer(const Items& items, Write write) {
  return writeResponse(200, [&](JsonWriter& writer) {
    writer.beginObject().key("data").beginArray();
    for (const auto& item : items) write(writer, item);
    writer.endArray().endObject();
  });
}

}  // namespace vo::core::http
