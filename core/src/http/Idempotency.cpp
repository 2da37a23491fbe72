#include "http/Idempotency.h"

#include "http/Authenticator.h"
#include "vo/api/CallStore.h"

namespace vo::core::http {

std::optional<ApiError> Idempotency::checkKey(const std::string& key) {
  bool printable = !key.empty() && key.size() <= 255;
  for (char c : key) printable = printable && c >= 0x20 && c < 0x7F;
  if (printable) return std::nullopt;
  return fieldError(400, "invalid_idempotency_key", "Idempotency-Key",
                    "must be 1 to 255 printable ASCII characters");
}

std::string Idempotency::requestHash(const ApiRequest& request) {
  std::string material;
  material.reserve(request.method.size() + request.path.size() + request.body.size() + 2);
  material.append(request.method).append("\n").append(request.path).append("\n");
  material.append(request.body);
  return sha256Hex(material);
}

ApiResponse Idempotency::run(const std::string& scope, const std::string& key,
                             const ApiRequest& request, int64_t nowMs,
                             const std::function<ApiResponse()>& work) {
  api::IdempotencyRecord record{scope, key, requestHash(request), 0, "", nowMs};
  auto reserved = store_.reserveIdempotency(record);
  if (!reserved) return errorResponse(unavailable("idempotency: " + reserved.error().message));
  if (!reserved.value()) {
    auto first = store_.findIdempotency(scope, key);
    if (!first) {
      if (first.error().code == api::ErrorCode::kNotFound) {
        // The first attempt failed and was forgotten between our two reads: ask to retry.
        return errorResponse(ApiError{409, "idempotency_in_progress",
                                      "a request with this Idempotency-Key is being processed"});
      }
      return errorResponse(unavailable("idempotency: " + first.error().message));
    }
    if (first->requestHash != record.requestHash) {
      return errorResponse(ApiError{422, "idempotency_key_reused",
                                    "this Idempotency-Key was used with a different request"});
    }
    if (first->httpStatus == 0) {
      return errorResponse(ApiError{409, "idempotency_in_progress",
                                    "a request with this Idempotency-Key is being processed"});
    }
    ApiResponse replay{first->httpStatus, first->responseBody};
    replay.headers.emplace_back("Idempotent-Replayed", "true");
    return replay;
  }

  ApiResponse response = work();
  if (response.status >= 500) {
    (void)store_.deleteIdempotency(scope, key);  // best effort: the retry must be possible
    return response;
  }
  auto completed = store_.completeIdempotency(scope, key, response.status,
                                              response.replayBody.value_or(response.body));
  if (!completed) {
    // The work is done and cannot be undone; answer it. A repeat will see "in progress" (409)
    // rather than doing the work twice.
    response.headers.emplace_back("Idempotency-Warning", "answer not recorded");
  }
  return response;
}

}  // namespace vo::core::http
