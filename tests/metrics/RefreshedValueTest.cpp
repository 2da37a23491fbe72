// RefreshedValue: readers take the cached value and never cause a read; one background thread
// reads once per interval (or when asked). Reads are counted, never timed.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "metrics/RefreshedValue.h"
#include "vo/testing/Wait.h"

namespace vo::core {
namespace {

using namespace std::chrono_literals;

constexpr auto kNever = std::chrono::hours(24);  // the interval never passes within a test

// A read that counts its calls and answers with that count.
struct CountingRead {
  std::atomic<int> calls{0};
  std::atomic<bool> failing{false};
  RefreshedValue<int>::Read function() {
    return [this]() -> std::optional<int> {
      const int call = ++calls;
      if (failing) return std::nullopt;
      return call;
    };
  }
};

// A counting read whose first call blocks until open().
struct GatedRead {
  std::promise<void> gate;
  std::shared_future<void> opened = gate.get_future().share();
  std::atomic<int> calls{0};
  RefreshedValue<int>::Read function() {
    return [this]() -> std::optional<int> {
      const int call = ++calls;
      if (call == 1) opened.wait();
      return call;
    };
  }
  void open() {
    if (!isOpen.exchange(true)) gate.set_value();
  }
  std::atomic<bool> isOpen{false};
};

// Opens the gate when a test ends early, so the refresher's join never waits on it.
struct OpenOnExit {
  GatedRead& read;
  ~OpenOnExit() { read.open(); }
};

TEST(RefreshedValue, ReadersShareOneReadAndNeverCauseAnother) {
  CountingRead read;
  RefreshedValue<int> value(read.function(), kNever);
  std::vector<std::thread> scrapers;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    scrapers.emplace_back([&] {
      for (int i = 0; i < 250; ++i) {
        if (value.latest() != 1) ++wrong;
      }
    });
  }
  for (std::thread& scraper : scrapers) scraper.join();
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(read.calls, 1);
  EXPECT_EQ(value.reads(), 1u);
}

TEST(RefreshedValue, RefreshNowReadsAgainAndReadersSeeTheNewValue) {
  CountingRead read;
  RefreshedValue<int> value(read.function(), kNever);
  ASSERT_EQ(value.latest(), 1);
  EXPECT_EQ(value.refreshNow(), 2);
  EXPECT_EQ(value.latest(), 2);
  EXPECT_EQ(read.calls, 2);
}

TEST(RefreshedValue, AFailedReadLeavesNoValueUntilOneSucceeds) {
  CountingRead read;
  RefreshedValue<int> value(read.function(), kNever);
  ASSERT_EQ(value.latest(), 1);
  read.failing = true;
  EXPECT_EQ(value.refreshNow(), std::nullopt);
  EXPECT_EQ(value.latest(), std::nullopt);
  read.failing = false;
  EXPECT_EQ(value.refreshNow(), 3);
}

TEST(RefreshedValue, RereadsByItselfEveryInterval) {
  CountingRead read;
  RefreshedValue<int> value(read.function(), 1ms);
  EXPECT_TRUE(vo::testing::waitUntil([&] { return value.reads() >= 3; }));
  EXPECT_GE(value.latest().value_or(0), 3);
}

TEST(RefreshedValue, ReadersWaitOnlyForTheFirstRead) {
  GatedRead read;
  RefreshedValue<int> value(read.function(), kNever);
  OpenOnExit opener{read};
  auto first = std::async(std::launch::async, [&] { return value.latest(); });
  EXPECT_EQ(first.wait_for(50ms), std::future_status::timeout);  // the read cannot finish yet
  read.open();
  EXPECT_EQ(first.get(), 1);
  EXPECT_EQ(read.calls, 1);
}

TEST(RefreshedValue, ARefreshAskedDuringAReadWaitsForTheNextOne) {
  GatedRead read;
  RefreshedValue<int> value(read.function(), kNever);
  OpenOnExit opener{read};
  ASSERT_TRUE(vo::testing::waitUntil([&] { return read.calls == 1; }));
  // The first read began before this refresh was asked for (it cannot finish before open()),
  // so its result is not enough: the refresh must wait for a second read.
  auto refreshed = std::async(std::launch::async, [&] { return value.refreshNow(); });
  EXPECT_EQ(refreshed.wait_for(50ms), std::future_status::timeout);
  read.open();
  EXPECT_EQ(refreshed.get(), 2);
}

TEST(RefreshedValue, AReaderOutlivesTheRefresherWithTheLastValue) {
  CountingRead read;
  std::function<std::optional<int>()> reader;
  {
    RefreshedValue<int> value(read.function(), kNever);
    ASSERT_EQ(value.latest(), 1);
    ASSERT_EQ(value.refreshNow(), 2);
    reader = value.reader();
  }
  EXPECT_EQ(reader(), 2);
  EXPECT_EQ(read.calls, 2);
}

}  // namespace
}  // namespace vo::core
