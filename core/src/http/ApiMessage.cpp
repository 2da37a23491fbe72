#include "http/ApiMessage.h"

#include "http/JsonWriter.h"

namespace vo::core::http {

std::string ApiRequest::header(const std::string& lowercaseName) const {
  auto found = headers.find(lowercaseName);
  return found == headers.end() ? std::string() : found->second;
}

ApiError fieldError(int status, std::string code, const std::string& field,
                    const std::string& reason) {
  std::string details;
  JsonWriter(details)
      .beginObject()
      .key("field")
      .string(field)
      .key("reason")
      .string(reason)
      .endObject();
  return ApiError{status, std::move(code), field + ": " + reason, std::move(details), field};
}

ApiError invalidField(const std::string& field, const std::string& reason) {
  return fieldError(400, "invalid_field", field, reason);
}

ApiError notFound(const std::string& what) {
  return ApiError{404, "not_found", what + " not found"};
}

ApiError unavailable(const std::string& message) {
  return ApiError{503, "unavailable", message};
}

ApiResponse errorResponse(const ApiError& error) {
  std::string body;
  JsonWriter writer(body);
  writer.beginObject().key("error").beginObject();
  writer.key("code").string(error.code).key("message").string(error.message);
  writer.key("details").raw(error.detailsJson.empty() ? "{}" : error.detailsJson);
  writer.endObject().endObject();
  return ApiResponse{error.status, std::move(body)};
}

ApiResponse jsonResponse(int status, std::string body) {
  return ApiResponse{status, std::move(body)};
}

}  // namespace vo::core::http
