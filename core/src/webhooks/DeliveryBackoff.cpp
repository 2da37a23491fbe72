#include "webhooks/DeliveryBackoff.h"

#include <algorithm>

namespace vo::core::webhooks {

namespace {

constexpr int64_t kLongestDelayMs = 3600000;

}  // namespace

RetryPlan planRetry(int attemptsMade, int64_t eventCreatedAtMs, int64_t nowMs, int64_t retryForMs,
                    int64_t firstRetryMs, double jitter) {
  int64_t delayMs = firstRetryMs;
  for (int i = 1; i < attemptsMade && delayMs < kLongestDelayMs; ++i) delayMs *= 2;
  delayMs = std::min(delayMs, kLongestDelayMs);
  const double scale = 0.5 + 0.5 * std::clamp(jitter, 0.0, 1.0);
  const int64_t nextAtMs = nowMs + static_cast<int64_t>(static_cast<double>(delayMs) * scale);
  if (nextAtMs > eventCreatedAtMs + retryForMs) return {vo::api::DeliveryState::kFailed, 0};
  return {vo::api::DeliveryState::kPending, nextAtMs};
}

}  // namespace vo::core::webhooks
