#pragma once

#include <functional>
#include <string>

#include "http/ApiMessage.h"

namespace vo::api {
class CallStore;
}

namespace vo::core::http {

// Runs a POST at most once per (scope, Idempotency-Key): the first answer is stored and
// replayed exactly on repeats; a repeat with another request is refused (422); a repeat while
// the first is still running gets 409; a 5xx answer is forgotten so the client may retry.
class Idempotency {
 public:
  explicit Idempotency(api::CallStore& store) : store_(store) {}

  // 400 when the key is not 1..255 printable ASCII characters.
  static std::optional<ApiError> checkKey(const std::string& key);
  // SHA-256 of method, path and body.
  static std::string requestHash(const ApiRequest& request);

  ApiResponse run(const std::string& scope, const std::string& key, const ApiRequest& request,
                  int64_t nowMs, const std::function<ApiResponse()>& work);

 private:
  api::CallStore& store_;
};

}  // namespace vo::core::http
