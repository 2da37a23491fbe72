#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <unordered_set>

#include "http/CallIdGenerator.h"

namespace vo::core::http {
namespace {

TEST(CallIdGenerator, IdsAreCrockfordBase32OfFixedLength) {
  CallIdGenerator ids;
  const std::string id = ids.next();
  ASSERT_EQ(id.size(), CallIdGenerator::kLength);
  for (char c : id) {
    EXPECT_NE(std::string("0123456789ABCDEFGHJKMNPQRSTVWXYZ").find(c), std::string::npos) << id;
  }
}

TEST(CallIdGenerator, StrictlyIncreasingAndUniqueAcrossAMillionInOneMillisecond) {
  CallIdGenerator ids;
  std::string previous = ids.nextAt(1700000000000);
  for (int i = 0; i < 1000000; ++i) {
    std::string id = ids.nextAt(1700000000000);
    ASSERT_LT(previous, id);
    previous = std::move(id);
  }
}

TEST(CallIdGenerator, ClockSteppingBackDoesNotBreakTheOrder) {
  CallIdGenerator ids;
  const std::string late = ids.nextAt(1700000005000);
  const std::string early = ids.nextAt(1700000000000);
  EXPECT_LT(late, early);
  EXPECT_LT(early, ids.nextAt(1700000009000));
}

TEST(CallIdGenerator, TimePrefixSortsByTime) {
  CallIdGenerator a;
  CallIdGenerator b;
  EXPECT_LT(a.nextAt(1700000000000).substr(0, 10), b.nextAt(1700000000001).substr(0, 10));
  EXPECT_EQ(CallIdGenerator().nextAt(0).substr(0, 10), "0000000000");
}

TEST(CallIdGenerator, UniqueAcrossThreads) {
  CallIdGenerator ids;
  constexpr int kThreads = 4;
  constexpr int kEach = 50000;
  std::vector<std::vector<std::string>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) made[t].push_back(ids.next());
    });
  }
  for (auto& thread : threads) thread.join();
  std::unordered_set<std::string> all;
  for (const auto& list : made) {
    for (std::size_t i = 1; i < list.size(); ++i) ASSERT_LT(list[i - 1], list[i]);
    all.insert(list.begin(), list.end());
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kEach));
}

}  // namespace
}  // namespace vo::core::http
