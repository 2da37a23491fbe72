#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "http/ApiMessage.h"
#include "vo/api/Tenant.h"

namespace vo::api {
class CallStore;
}

namespace vo::core::http {

// Runs a POST at most once per (scope, Idempotency-Key): the first answer is stored and
// replayed exactly on repeats; a repeat with another request is refused (422).
//
// A route that writes calls stores its answer in the same transaction as the calls (it gets the
// record to fill, RouteContext::idempotency): a commit whose success the database could not
// confirm leaves either both or neither, so a repeat replays the answer or does the work, and
// never makes a second campaign. Other routes reserve the key first (a repeat while the first
// runs gets 409; a reservation whose request died is taken over after `pendingExpiryMs`) and
// complete it after the work; a 5xx answer is forgotten so the client may retry.
class Idempotency {
 public:
  Idempotency(api::CallStore& store, int64_t pendingExpiryMs)
      : store_(store), pendingExpiryMs_(pendingExpiryMs) {}

  // 400 when the key is not 1..255 printable ASCII characters.
  static std::optional<ApiError> checkKey(const std::string& key);
  // SHA-256 of method, path and body.
  static std::string requestHash(const ApiRequest& request);

  // `work` gets the record to store with its writes when `answersWithItsWrite`, else null.
  using Work = std::function<ApiResponse(const api::IdempotencyRecord*)>;
  ApiResponse run(const std::string& scope, const std::string& key, const ApiRequest& request,
                  int64_t nowMs, bool answersWithItsWrite, const Work& work);

 private:
  ApiResponse runAnsweredWithWrite(api::IdempotencyRecord record, const Work& work);
  ApiResponse runReserved(const api::IdempotencyRecord& record, const Work& work);
  // The answer to a repeat of `record`'s request, from the stored record: a replay, 422 for
  // another request, 409 while the first runs; nullopt when no record is stored.
  std::optional<ApiResponse> answerRepeat(const api::IdempotencyRecord& record);
  // Deletes the key's reservation when it is older than pendingExpiryMs; true when deleted.
  bool forgetStalePending(const api::IdempotencyRecord& record);

  api::CallStore& store_;
  const int64_t pendingExpiryMs_;
};

}  // namespace vo::core::http
