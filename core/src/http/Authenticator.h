#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "http/ApiMessage.h"

namespace vo::api {
class CallStore;
}

namespace vo::core::http {

// Lowercase hex SHA-256.
std::string sha256Hex(std::string_view data);
// Compares without an early exit, so timing does not reveal how much of a key matched.
bool constantTimeEquals(std::string_view a, std::string_view b);

// Resolves `Authorization: Bearer <key>` to a Caller: the admin key from the config, or a
// workspace key looked up by its SHA-256, refused once revoked or expired. Positive lookups are
// cached for kCacheTtlMs (never past the key's expiry), so a key revoked on another instance
// stops working there within that time; on this one, forget() drops it at once.
class Authenticator {
 public:
  static constexpr int64_t kCacheTtlMs = 5000;
  static constexpr std::size_t kCacheMaxEntries = 10000;

  Authenticator(std::string adminKey, api::CallStore& store);

  std::variant<Caller, ApiError> authenticate(const std::string& authorizationHeader,
                                              int64_t nowMs);
  // The key with this id (revoked just now) is looked up again on its next use.
  void forget(std::string_view keyId);

 private:
  struct CachedKey {
    std::string keyId;
    std::string workspaceId;
    int64_t expiresAtMs = 0;
  };
  std::string adminKey_;
  api::CallStore& store_;
  std::mutex mutex_;
  std::unordered_map<std::string, CachedKey> cache_;
};

}  // namespace vo::core::http
