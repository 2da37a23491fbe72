#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "vo/api/Call.h"
#include "vo/api/CallQueue.h"
#include "vo/api/Result.h"
#include "vo/core/AppConfig.h"

namespace vo::api {
class CallStore;
}

namespace vo::core::dispatch {

// What a dial needs from the tenant registry, looked up once per phone number.
struct DialRoute {
  std::string phoneNumberProvider;  // "twilio" | "sip_trunk"
  std::string apiKey;               // the workspace's own provider key, or empty
  std::vector<std::string> pacingKeys;
};

// Caches registry lookups (workspace key, phone number provider type, pacing settings) so the
// hot path does not read the store per call, and pushes each pacing key's limits to the queue
// when first seen and again after `refreshMs`.
class RegistryCache {
 public:
  RegistryCache(const PacingConfig& pacing, std::string providerName, api::CallStore& store,
                api::CallQueue& queue, int64_t refreshMs);
  ~RegistryCache();
  RegistryCache(const RegistryCache&) = delete;
  RegistryCache& operator=(const RegistryCache&) = delete;

  // The route of a call's phone number (kNotFound when its workspace or number is gone).
  api::Result<std::shared_ptr<const DialRoute>> route(const api::Call& call, int64_t nowMs);
  // The queue job of a stored call, its pacing limits pushed to the queue.
  api::Result<api::QueueJob> jobFor(const api::Call& call, int64_t nowMs);
  // Forgets every route: each is loaded, and its limits pushed to the queue, when next used
  // (after the queue lost them).
  void forgetAll();

 private:
  struct Entry {
    std::shared_ptr<const DialRoute> route;
    int64_t loadedAtMs = 0;
  };
  api::Result<std::shared_ptr<const DialRoute>> load(const api::Call& call);

  const PacingConfig pacing_;
  const std::string providerName_;
  api::CallStore& store_;
  api::CallQueue& queue_;
  const int64_t refreshMs_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> routes_;  // by workspace/agent/phone
};

// The moment a call became due: when it was created, or its retry's time.
inline int64_t dueAtMs(const api::Call& call) {
  return call.nextAttemptAtMs > call.createdAtMs ? call.nextAttemptAtMs : call.createdAtMs;
}

}  // namespace vo::core::dispatch
