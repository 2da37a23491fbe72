#include <gtest/gtest.h>

#include "http/HealthCache.h"

namespace vo::core::http {
namespace {

class SteppedClock : public TimeSource {
 public:
  int64_t nowMs() override { return now; }
  int64_t now = 1000;
};

TEST(HealthCache, AsksAtMostOncePerSecondAndKeepsTheLastAnswerMeanwhile) {
  SteppedClock clock;
  int asks = 0;
  HealthCache cache(
      [&] {
        ++asks;
        return api::ComponentHealth{asks % 2 == 1, "ask " + std::to_string(asks)};
      },
      clock);
  EXPECT_EQ(cache.get().detail, "ask 1");
  clock.now += 999;
  EXPECT_EQ(cache.get().detail, "ask 1");
  EXPECT_TRUE(cache.get().up);
  EXPECT_EQ(asks, 1);
  clock.now += 1;
  const api::ComponentHealth second = cache.get();
  EXPECT_EQ(second.detail, "ask 2");
  EXPECT_FALSE(second.up);
  clock.now -= 5000;  // a clock set back asks again rather than trusting a future answer
  EXPECT_EQ(cache.get().detail, "ask 3");
  EXPECT_EQ(asks, 3);
}

}  // namespace
}  // namespace vo::core::http
