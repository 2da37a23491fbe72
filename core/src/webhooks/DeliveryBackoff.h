#pragma once

#include <cstdint>

#include "vo/api/WebhookStore.h"

namespace vo::core::webhooks {

// What follows a failed attempt (a non-2xx answer, a timeout, no connection): the attempt
// `attemptsMade` (1 for the first) waits firstRetryMs * 2^(attemptsMade-1), at most an hour, scaled
// by a jitter in [0.5, 1] so endpoints coming back are not hit by every instance at once. When the
// next try would fall past `retryForMs` after the event, the delivery fails for good.
struct RetryPlan {
  vo::api::DeliveryState state = vo::api::DeliveryState::kPending;
  int64_t nextAttemptAtMs = 0;
};

// `jitter` in [0, 1) (the caller's random draw, so tests choose it).
RetryPlan planRetry(int attemptsMade, int64_t eventCreatedAtMs, int64_t nowMs, int64_t retryForMs,
                    int64_t firstRetryMs, double jitter);

}  // namespace vo::core::webhooks
