#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>

#include "vo/api/Health.h"
#include "vo/core/TimeSource.h"

namespace vo::core::http {

// One component's health, asked at most once per `maxAgeMs`: /health is open to anyone, and
// each ask is a round trip to a dependency (the store's SELECT 1, Redis's PING). Concurrent
// readers of a stale value wait for the one ask in progress instead of asking again.
class HealthCache {
 public:
  HealthCache(std::function<api::ComponentHealth()> ask, TimeSource& clock,
              int64_t maxAgeMs = 1000);
  api::ComponentHealth get();

 private:
  std::function<api::ComponentHealth()> ask_;
  TimeSource& clock_;
  const int64_t maxAgeMs_;
  std::mutex mutex_;
  std::optional<api::ComponentHealth> last_;
  int64_t askedAtMs_ = 0;
};

}  // namespace vo::core::http
