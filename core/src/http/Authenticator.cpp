#include "http/Authenticator.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>

#include "vo/api/CallStore.h"

namespace vo::core::http {

std::string sha256Hex(std::string_view data) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(data.data(), static_cast<unsigned>(data.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  const std::size_t length = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < length; ++i) {
    const char left = i < a.size() ? a[i] : 0;
    const char right = i < b.size() ? b[i] : 0;
    difference |= static_cast<unsigned char>(left ^ right);
  }
  return difference == 0;
}

Authenticator::Authenticator(std::string adminKey, api::CallStore& store)
    : adminKey_(std::move(adminKey)), store_(store) {}

std::variant<Caller, ApiError> Authenticator::authenticate(const std::string& header,
                                                           int64_t nowMs) {
  static constexpr std::string_view kScheme = "Bearer ";
  const ApiError unauthorized{401, "unauthorized",
                              "a valid 'Authorization: Bearer <key>' is required"};
  if (header.size() <= kScheme.size() || header.size() > 1024 ||
      !std::string_view(header).substr(0, kScheme.size()).starts_with(kScheme)) {
    return unauthorized;
  }
  const std::string_view key = std::string_view(header).substr(kScheme.size());
  if (!adminKey_.empty() && constantTimeEquals(key, adminKey_)) return Caller{true, ""};

  const std::string hash = sha256Hex(key);
  {
    std::lock_guard lock(mutex_);
    auto found = cache_.find(hash);
    if (found != cache_.end() && found->second.expiresAtMs > nowMs) {
      return Caller{false, found->second.workspaceId};
    }
  }
  auto record = store_.findApiKeyByHash(hash);
  if (!record) {
    if (record.error().code == api::ErrorCode::kNotFound) return unauthorized;
    return unavailable("cannot check the API key: " + record.error().message);
  }
  if (!record->validAt(nowMs)) {
    return ApiError{401, "unauthorized",
                    record->revokedAtMs != 0 ? "this API key was revoked" : "this API key expired"};
  }
  int64_t cachedUntil = nowMs + kCacheTtlMs;
  if (record->expiresAtMs != 0) cachedUntil = std::min(cachedUntil, record->expiresAtMs);
  std::lock_guard lock(mutex_);
  if (cache_.size() >= kCacheMaxEntries) cache_.clear();
  cache_[hash] = CachedKey{record->id, record->workspaceId, cachedUntil};
  return Caller{false, record->workspaceId};
}

void Authenticator::forget(std::string_view keyId) {
  std::lock_guard lock(mutex_);
  std::erase_if(cache_, [&](const auto& entry) { return entry.second.keyId == keyId; });
}

}  // namespace vo::core::http
