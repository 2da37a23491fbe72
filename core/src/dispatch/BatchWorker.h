#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <iterator>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "support/ThreadName.h"

namespace vo::core::dispatch {

// One thread applying whatever items are waiting as one batch (up to `maxBatch`), for callers
// that hand work over and go on without its result: the workers' finished dials to record, the
// pacing slots of calls that ended. Items still waiting when it is destroyed are applied first.
// With a `spacing`, batches start at most that often (unless one is full): a steady stream of
// items is applied in fewer, larger batches, each costing one wake-up of the thread instead of
// one per item, for at most `spacing` more delay.
template <typename Item>
class BatchWorker {
 public:
  using Apply = std::function<void(std::vector<Item>& batch)>;

  // `threadName`: what `top -H` shows for its thread (15 characters at most).
  BatchWorker(Apply apply, std::size_t maxBatch, const char* threadName = "vo-batch",
              std::chrono::milliseconds spacing = std::chrono::milliseconds(0))
      : apply_(std::move(apply)), maxBatch_(std::max<std::size_t>(1, maxBatch)), spacing_(spacing) {
    thread_ = std::thread([this, threadName] {
      nameThisThread(threadName);
      run();
    });
  }
  ~BatchWorker() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }
  BatchWorker(const BatchWorker&) = delete;
  BatchWorker& operator=(const BatchWorker&) = delete;

  void add(Item item) {
    {
      std::lock_guard lock(mutex_);
      waiting_.push_back(std::move(item));
      if (!wakeWanted()) return;
    }
    changed_.notify_all();
  }

  // Adds every item when at most `capacity` would then wait, and returns true; otherwise adds
  // none, leaves `items` as they were and returns false. The check and the add are one step, so
  // callers on many threads never take the backlog past `capacity` together.
  bool addAllWithin(std::vector<Item>& items, std::size_t capacity) {
    {
      std::lock_guard lock(mutex_);
      if (waiting_.size() + items.size() > capacity) return false;
      waiting_.insert(waiting_.end(), std::make_move_iterator(items.begin()),
                      std::make_move_iterator(items.end()));
      items.clear();
      if (!wakeWanted()) return true;
    }
    changed_.notify_all();
    return true;
  }

  // Returns once every item added before the call was applied.
  void drain() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return waiting_.empty() && !applying_; });
  }

 private:
  // Under the lock, after an add: a thread waiting for the batch's spacing to pass is left to
  // sleep until the batch is full (drain's callers wait for no add either).
  bool wakeWanted() const { return !spacingOut_ || waiting_.size() >= maxBatch_; }

  void run() {
    std::vector<Item> batch;
    std::unique_lock lock(mutex_);
    auto lastStart = std::chrono::steady_clock::time_point();
    for (;;) {
      changed_.wait(lock, [&] { return stopping_ || !waiting_.empty(); });
      if (waiting_.empty()) return;  // stopping, and everything applied
      if (const auto due = lastStart + spacing_;
          waiting_.size() < maxBatch_ && std::chrono::steady_clock::now() < due) {
        spacingOut_ = true;
        changed_.wait_until(lock, due, [&] { return stopping_ || waiting_.size() >= maxBatch_; });
        spacingOut_ = false;
      }
      lastStart = std::chrono::steady_clock::now();
      if (waiting_.size() <= maxBatch_) {
        batch.swap(waiting_);
      } else {
        const auto end = waiting_.begin() + static_cast<std::ptrdiff_t>(maxBatch_);
        batch.assign(std::make_move_iterator(waiting_.begin()), std::make_move_iterator(end));
        waiting_.erase(waiting_.begin(), end);
      }
      applying_ = true;
      lock.unlock();
      apply_(batch);
      batch.clear();
      lock.lock();
      applying_ = false;
      changed_.notify_all();
    }
  }

  const Apply apply_;
  const std::size_t maxBatch_;
  const std::chrono::milliseconds spacing_;
  std::mutex mutex_;
  std::condition_variable changed_;  // items added, a batch applied, or stopping
  std::vector<Item> waiting_;
  bool applying_ = false;
  bool spacingOut_ = false;  // the thread waits for the spacing to pass
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vo::core::dispatch
