#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "support/ThreadName.h"

namespace vo::core {

// The latest result of a read too costly for a request path (counting calls by status scans
// the calls table), re-read by one background thread every `interval`, so readers take the
// cached value and never cause a read. The value is at most one interval plus one read old.
// Readers wait only before the very first read has finished.
template <typename T>
class RefreshedValue {
 public:
  using Read = std::function<std::optional<T>()>;  // nullopt: the read failed

  // Starts the refresher thread; its first read begins at once.
  RefreshedValue(Read read, std::chrono::milliseconds interval)
      : shared_(std::make_shared<Shared>()), read_(std::move(read)), interval_(interval) {
    thread_ = std::thread([this] {
      nameThisThread("vo-metrics");
      refreshUntilStopped();
    });
  }
  ~RefreshedValue() {
    {
      std::lock_guard lock(shared_->mutex);
      shared_->stopping = true;
    }
    shared_->changed.notify_all();
    thread_.join();  // a read in progress finishes first
  }
  RefreshedValue(const RefreshedValue&) = delete;
  RefreshedValue& operator=(const RefreshedValue&) = delete;

  // The last read's result (nullopt when it failed).
  std::optional<T> latest() const { return latestOf(*shared_); }

  // The same for holders that may outlive this object (a metrics collector kept by the
  // registry): once the refresher has stopped it keeps answering with the last value.
  std::function<std::optional<T>()> reader() const {
    return [shared = shared_] { return latestOf(*shared); };
  }

  // Has a read begun now rather than at the next interval, and waits for its result.
  std::optional<T> refreshNow() {
    std::unique_lock lock(shared_->mutex);
    // A read already under way may have looked before the caller's change: wait for the next.
    const uint64_t wanted = shared_->reads + (shared_->reading ? 2 : 1);
    shared_->wake = true;
    shared_->changed.notify_all();
    shared_->changed.wait(lock, [&] { return shared_->reads >= wanted || shared_->stopping; });
    return shared_->value;
  }

  // How many reads have finished.
  uint64_t reads() const {
    std::lock_guard lock(shared_->mutex);
    return shared_->reads;
  }

 private:
  struct Shared {
    mutable std::mutex mutex;
    mutable std::condition_variable changed;
    std::optional<T> value;
    uint64_t reads = 0;
    bool reading = false;
    bool wake = false;
    bool stopping = false;
  };

  static std::optional<T> latestOf(const Shared& shared) {
    std::unique_lock lock(shared.mutex);
    shared.changed.wait(lock, [&] { return shared.reads > 0 || shared.stopping; });
    return shared.value;
  }

  void refreshUntilStopped() {
    std::unique_lock lock(shared_->mutex);
    while (!shared_->stopping) {
      shared_->reading = true;
      shared_->wake = false;
      lock.unlock();
      std::optional<T> value = read_();
      lock.lock();
      shared_->value = std::move(value);
      shared_->reading = false;
      ++shared_->reads;
      shared_->changed.notify_all();
      shared_->changed.wait_for(lock, interval_,
                                [&] { return shared_->stopping || shared_->wake; });
    }
  }

  std::shared_ptr<Shared> shared_;
  Read read_;
  std::chrono::milliseconds interval_;
  std::thread thread_;
};

}  // namespace vo::core
