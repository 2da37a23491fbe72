#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <thread>

#include "http/front/WorkerPool.h"

namespace vo::core::http::testing {
namespace {

constexpr auto kGenerous = std::chrono::seconds(20);

TEST(WorkerPool, CallbacksNeverTakeTheThreadsKeptForClients) {
  std::latch release(1);
  WorkerPool pool(4, 1);
  // Lets the callbacks end however the test ends, before the pool joins its threads.
  struct Release {
    std::latch& latch;
    ~Release() { latch.count_down(); }
  } releaseAtEnd{release};
  std::atomic<int> callbacksStarted{0};
  for (int i = 0; i < 10; ++i) {
    pool.submit(
        [&] {
          ++callbacksStarted;
          release.wait();
        },
        JobLane::kCallback);
  }
  // Three threads hold callbacks; the fourth is the client's even with seven callbacks waiting.
  const auto deadline = std::chrono::steady_clock::now() + kGenerous;
  while (callbacksStarted.load() < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_EQ(callbacksStarted.load(), 3);
  std::promise<void> clientRan;
  pool.submit([&] { clientRan.set_value(); }, JobLane::kClient);
  EXPECT_EQ(clientRan.get_future().wait_for(kGenerous), std::future_status::ready);
  EXPECT_EQ(callbacksStarted.load(), 3);  // the free thread took no fourth callback
}

TEST(WorkerPool, EveryCallbackRunsOnceTheirThreadsFree) {
  WorkerPool pool(2, 1);
  std::atomic<int> ran{0};
  std::promise<void> allRan;
  for (int i = 0; i < 50; ++i) {
    pool.submit(
        [&] {
          if (++ran == 50) allRan.set_value();
        },
        JobLane::kCallback);
  }
  EXPECT_EQ(allRan.get_future().wait_for(kGenerous), std::future_status::ready);
  pool.stop();
}

}  // namespace
}  // namespace vo::core::http::testing
