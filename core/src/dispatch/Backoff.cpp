#include "dispatch/Backoff.h"

#include <algorithm>
#include <random>

namespace vo::core::dispatch {

int64_t retryDelayMs(int attempts, int64_t retryBaseMs, int64_t retryMaxMs, int64_t retryAfterMs,
                     double unitRandom) {
  const int exponent = std::clamp(attempts - 1, 0, 40);
  int64_t ceiling = retryMaxMs;
  // Doubling stops at the cap, so the shift never overflows.
  if (retryBaseMs > 0 && retryBaseMs <= (retryMaxMs >> exponent)) {
    ceiling = retryBaseMs << exponent;
  }
  ceiling = std::max<int64_t>(0, std::min(ceiling, retryMaxMs));
  const double fraction = std::clamp(unitRandom, 0.0, 1.0);
  const auto jittered = static_cast<int64_t>(fraction * static_cast<double>(ceiling));
  return std::max(jittered, retryAfterMs);
}

double unitRandom() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

}  // namespace vo::core::dispatch
