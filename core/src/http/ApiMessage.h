#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vo::core::http {

// One HTTP request as the API sees it, independent of Poco so handlers are unit-testable.
struct ApiRequest {
  std::string method;
  std::string path;                                        // decoded, without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::map<std::string, std::string> headers;              // names in lowercase
  std::string body;

  std::string header(const std::string& lowercaseName) const;
};

struct ApiResponse {
  ApiResponse() = default;
  ApiResponse(int statusIn, std::string bodyIn) : status(statusIn), body(std::move(bodyIn)) {}

  int status = 200;
  std::string body;
  std::string contentType = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  // What an Idempotency-Key replay answers instead of `body`, when the body holds a secret
  // shown once (a new API key) that must not be stored.
  std::optional<std::string> replayBody;
};

// Who is asking: the admin, or one workspace through its API key.
struct Caller {
  bool admin = false;
  std::string workspaceId;  // set for workspace keys

  std::string idempotencyScope() const { return admin ? "admin" : workspaceId; }
  bool canSee(std::string_view workspace) const { return admin || workspace == workspaceId; }
};

// A refusal: status, machine-readable code, human message and `details` as a JSON object.
struct ApiError {
  ApiError() = default;
  ApiError(int statusIn, std::string codeIn, std::string messageIn,
           std::string detailsJsonIn = "{}", std::string fieldIn = "")
      : status(statusIn),
        code(std::move(codeIn)),
        message(std::move(messageIn)),
        detailsJson(std::move(detailsJsonIn)),
        field(std::move(fieldIn)) {}

  int status = 400;
  std::string code;
  std::string message;
  std::string detailsJson = "{}";
  std::string field;  // the field refused, when one is
};

// details {"field": field, "reason": reason}
ApiError fieldError(int status, std::string code, const std::string& field,
                    const std::string& reason);
ApiError invalidField(const std::string& field, const std::string& reason);  // 400
ApiError notFound(const std::string& what);
ApiError unavailable(const std::string& message);  // 503, a dependency is down

ApiResponse errorResponse(const ApiError& error);
ApiResponse jsonResponse(int status, std::string body);

}  // namespace vo::core::http
