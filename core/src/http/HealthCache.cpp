#include "http/HealthCache.h"

namespace vo::core::http {

HealthCache::HealthCache(std::function<api::ComponentHealth()> ask, TimeSource& clock,
                         int64_t maxAgeMs)
    : ask_(std::move(ask)), clock_(clock), maxAgeMs_(maxAgeMs) {}

api::ComponentHealth HealthCache::get() {
  std::lock_guard lock(mutex_);
  const int64_t now = clock_.nowMs();
  if (!last_ || now - askedAtMs_ >= maxAgeMs_ || now < askedAtMs_) {
    last_ = ask_();
    askedAtMs_ = clock_.nowMs();
  }
  return *last_;
}

}  // namespace vo::core::http
