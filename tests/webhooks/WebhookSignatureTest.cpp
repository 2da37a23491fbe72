#include <gtest/gtest.h>

#include "webhooks/DeliveryBackoff.h"
#include "webhooks/WebhookSignature.h"

namespace vo::core::webhooks {
namespace {

using vo::api::DeliveryState;

TEST(WebhookSignature, IsTheHmacOfTheTimestampAndBody) {
  // Expected value from Python's hmac module: hmac.new(b"whsec_test",
  // b'1767225600.{"id":"evt_1"}', hashlib.sha256).hexdigest().
  EXPECT_EQ(webhookSignature("whsec_test", 1767225600, R"({"id":"evt_1"})"),
            "t=1767225600,v1=45b40331de0325606dc5400202ade162460fbe48daf9401adfdcd0d7b4f35470");
  EXPECT_NE(webhookSignature("whsec_other", 1767225600, R"({"id":"evt_1"})"),
            webhookSignature("whsec_test", 1767225600, R"({"id":"evt_1"})"));
}

TEST(WebhookSignature, SecretsAreRandomAndLong) {
  const std::string first = newWebhookSecret();
  EXPECT_EQ(first.size(), 6u + 64u);
  EXPECT_EQ(first.rfind("whsec_", 0), 0u);
  EXPECT_NE(first, newWebhookSecret());
}

TEST(DeliveryBackoff, DoublesFromTenSecondsUpToAnHourWithJitter) {
  constexpr int64_t kDay = 86400000;
  EXPECT_EQ(planRetry(1, 0, 1000, kDay, 10000, 1.0).nextAttemptAtMs, 1000 + 10000);
  EXPECT_EQ(planRetry(1, 0, 1000, kDay, 10000, 0.0).nextAttemptAtMs, 1000 + 5000);
  EXPECT_EQ(planRetry(2, 0, 1000, kDay, 10000, 1.0).nextAttemptAtMs, 1000 + 20000);
  EXPECT_EQ(planRetry(4, 0, 1000, kDay, 10000, 1.0).nextAttemptAtMs, 1000 + 80000);
  EXPECT_EQ(planRetry(30, 0, 1000, kDay, 10000, 1.0).nextAttemptAtMs, 1000 + 3600000);
  EXPECT_EQ(planRetry(30, 0, 1000, kDay, 10000, 0.5).nextAttemptAtMs, 1000 + 2700000);
  EXPECT_EQ(planRetry(3, 0, 1000, kDay, 10000, 0.2).state, DeliveryState::kPending);
}

TEST(DeliveryBackoff, FailsWhenTheNextTryWouldBePastTheRetryWindow) {
  constexpr int64_t kDay = 86400000;
  EXPECT_EQ(planRetry(20, 0, kDay - 3600000, kDay, 10000, 1.0).state, DeliveryState::kPending);
  EXPECT_EQ(planRetry(20, 0, kDay - 3599999, kDay, 10000, 1.0).state, DeliveryState::kFailed);
  EXPECT_EQ(planRetry(1, 0, kDay, kDay, 10000, 0.0).state, DeliveryState::kFailed);
}

}  // namespace
}  // namespace vo::core::webhooks
