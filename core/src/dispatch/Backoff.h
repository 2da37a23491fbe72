#pragma once

#include <cstdint>

namespace vo::core::dispatch {

// Delay before the next dial of a call the provider certainly did not place: exponential
// backoff with full jitter (uniform in [0, min(retryMaxMs, retryBaseMs * 2^(attempts-1))]),
// never shorter than the provider's own Retry-After. `unitRandom` is in [0, 1).
int64_t retryDelayMs(int attempts, int64_t retryBaseMs, int64_t retryMaxMs, int64_t retryAfterMs,
                     double unitRandom);

// A uniform number in [0, 1) from a per-thread generator.
double unitRandom();

}  // namespace vo::core::dispatch
