// Batches with a spacing: a stream of items goes in one batch per spacing, a full batch or the
// end of the worker never waits for it.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

#include "dispatch/BatchWorker.h"
#include "dispatch/GroupCommit.h"
#include "vo/testing/Wait.h"

namespace vo::testing {
namespace {

using core::dispatch::BatchWorker;
using core::dispatch::GroupCommit;
using std::chrono::milliseconds;

constexpr auto kLongSpacing = std::chrono::hours(1);  // a test that waited for it would time out

// Records the size of each batch it is asked to flush and answers every item with true.
class BatchLog {
 public:
  api::Result<std::vector<bool>> flush(std::span<const int> items) {
    std::lock_guard lock(mutex_);
    sizes_.push_back(items.size());
    return std::vector<bool>(items.size(), true);
  }
  std::vector<std::size_t> sizes() {
    std::lock_guard lock(mutex_);
    return sizes_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::size_t> sizes_;
};

void submitOne(GroupCommit<int, bool>& commit, int item, std::atomic<int>& answered) {
  commit.submitAsync(
      {item}, [&answered](std::span<const int>, api::Result<std::vector<bool>>) { ++answered; });
}

TEST(GroupCommitSpacing, CallersArrivingWithinTheSpacingGoInTheNextBatchTogether) {
  BatchLog log;
  const auto spacing = milliseconds(200);
  GroupCommit<int, bool> commit([&](std::span<const int> items) { return log.flush(items); }, 100,
                                3, "vo-test", spacing);
  std::atomic<int> answered = 0;
  submitOne(commit, 0, answered);  // nothing came before it: at once
  ASSERT_TRUE(waitUntil([&] { return answered == 1; }));
  const auto firstDone = std::chrono::steady_clock::now();
  for (int i = 1; i <= 20; ++i) submitOne(commit, i, answered);
  ASSERT_TRUE(waitUntil([&] { return answered == 21; }));
  EXPECT_EQ(log.sizes(), (std::vector<std::size_t>{1, 20}));
  EXPECT_GE(std::chrono::steady_clock::now() - firstDone, spacing / 2);
}

TEST(GroupCommitSpacing, AFullBatchStartsWithoutWaitingForTheSpacing) {
  BatchLog log;
  GroupCommit<int, bool> commit([&](std::span<const int> items) { return log.flush(items); }, 10, 2,
                                "vo-test", kLongSpacing);
  std::atomic<int> answered = 0;
  submitOne(commit, 0, answered);
  ASSERT_TRUE(waitUntil([&] { return answered == 1; }));
  for (int i = 1; i <= 10; ++i) submitOne(commit, i, answered);
  ASSERT_TRUE(waitUntil([&] { return answered == 11; }));
  EXPECT_EQ(log.sizes(), (std::vector<std::size_t>{1, 10}));
}

TEST(GroupCommitSpacing, CallersStillWaitingAreAppliedWhenItStops) {
  BatchLog log;
  std::atomic<int> answered = 0;
  {
    GroupCommit<int, bool> commit([&](std::span<const int> items) { return log.flush(items); }, 10,
                                  1, "vo-test", kLongSpacing);
    submitOne(commit, 0, answered);
    ASSERT_TRUE(waitUntil([&] { return answered == 1; }));
    submitOne(commit, 1, answered);
    submitOne(commit, 2, answered);
  }
  EXPECT_EQ(answered, 3);
}

TEST(BatchWorkerSpacing, ItemsAddedWithinTheSpacingAreAppliedTogether) {
  std::vector<std::size_t> sizes;
  BatchWorker<int> worker([&](std::vector<int>& batch) { sizes.push_back(batch.size()); }, 100,
                          "vo-test", milliseconds(200));
  worker.add(0);
  worker.drain();
  for (int i = 1; i <= 20; ++i) worker.add(i);
  worker.drain();
  EXPECT_EQ(sizes, (std::vector<std::size_t>{1, 20}));
}

TEST(BatchWorkerSpacing, AFullBatchOrTheEndDoesNotWaitForTheSpacing) {
  std::vector<std::size_t> sizes;
  {
    BatchWorker<int> worker([&](std::vector<int>& batch) { sizes.push_back(batch.size()); }, 10,
                            "vo-test", kLongSpacing);
    worker.add(0);
    worker.drain();
    for (int i = 1; i <= 10; ++i) worker.add(i);
    worker.drain();
    worker.add(11);
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{1, 10, 1}));
}

}  // namespace
}  // namespace vo::testing
