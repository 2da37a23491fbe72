#include "http/Idempotency.h"

#include "http/Authenticator.h"
#include "vo/api/CallStore.h"

namespace vo::core::http {

namespace {

ApiResponse inProgress() {
  return errorResponse(ApiError{409, "idempotency_in_progress",
                                "a request with this Idempotency-Key is being processed"});
}

}  // namespace

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
                             const ApiRequest& request, int64_t nowMs, bool answersWithItsWrite,
                             const Work& work) {
  api::IdempotencyRecord record{scope, key, requestHash(request), 0, "", nowMs};
  return answersWithItsWrite ? runAnsweredWithWrite(std::move(record), work)
                             : runReserved(record, work);
}

std::optional<ApiResponse> Idempotency::answerRepeat(const api::IdempotencyRecord& record) {
  auto first = store_.findIdempotency(record.scope, record.key);
  if (!first) {
    if (first.error().code == api::ErrorCode::kNotFound) return std::nullopt;
    return errorResponse(unavailable("idempotency: " + first.error().message));
  }
  if (first->requestHash != record.requestHash) {
    return errorResponse(ApiError{422, "idempotency_key_reused",
                                  "this Idempotency-Key was used with a different request"});
  }
  if (first->httpStatus == 0) return inProgress();
  ApiResponse replay{first->httpStatus, first->responseBody};
  replay.headers.emplace_back("Idempotent-Replayed", "true");
  return replay;
}

ApiResponse Idempotency::runAnsweredWithWrite(api::IdempotencyRecord record, const Work& work) {
  if (auto repeat = answerRepeat(record)) {
    if (repeat->status != 409 || !forgetStalePending(record)) return std::move(*repeat);
  }
  ApiResponse response = work(&record);
  if (response.status < 500 && response.status != 409) return response;
  // The store said no, but what it says is not always the whole truth: a commit may have
  // succeeded although the connection broke before its answer (then our own answer is stored),
  // or a twin request with the same key committed first (kConflict). The stored answer wins.
  if (auto stored = answerRepeat(record); stored && stored->status < 500) {
    return std::move(*stored);
  }
  return response;
}

bool Idempotency::forgetStalePending(const api::IdempotencyRecord& record) {
  // Only an earlier version of the service reserved keys for these routes: a reservation of a
  // request that died long ago is dropped. Two repeats that both drop it race on the write,
  // where the second finds the first's answer.
  auto first = store_.findIdempotency(record.scope, record.key);
  if (!first || first->httpStatus != 0) return false;
  if (first->createdAtMs >= record.createdAtMs - pendingExpiryMs_) return false;
  return store_.deleteIdempotency(record.scope, record.key).ok();
}

ApiResponse Idempotency::runReserved(const api::IdempotencyRecord& record, const Work& work) {
  auto reserved = store_.reserveIdempotency(record, record.createdAtMs - pendingExpiryMs_);
  if (!reserved) return errorResponse(unavailable("idempotency: " + reserved.error().message));
  if (!reserved.value()) {
    // The first attempt failed and was forgotten between our two reads: ask to retry.
    if (auto repeat = answerRepeat(record)) return std::move(*repeat);
    return inProgress();
  }

  ApiResponse response = work(nullptr);
  if (response.status >= 500) {
    // The retry must be possible. Registry objects carry the caller's own ids, so a repeat of
    // work that did happen is refused by the store (409); an API key may then be made twice,
    // both listed and revocable.
    if (auto forgotten = store_.deleteIdempotency(record.scope, record.key); !forgotten) {
      response.headers.emplace_back("Idempotency-Warning", "key kept until it expires");
    }
    return response;
  }
  auto completed = store_.completeIdempotency(record.scope, record.key, response.status,
                                              response.replayBody.value_or(response.body));
  if (!completed) {
    // The work is done and cannot be undone; answer it. A repeat sees "in progress" (409) until
    // the reservation expires, rather than doing the work twice at once.
    response.headers.emplace_back("Idempotency-Warning", "answer not recorded");
  }
  return response;
}

}  // namespace vo::core::http
