#include "dispatch/LeaseKeeper.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "support/ThreadName.h"

namespace vo::core::dispatch {

LeaseKeeper::LeaseKeeper(DispatchContext& context) : context_(context) {}

LeaseKeeper::~LeaseKeeper() {
  stop();
}

void LeaseKeeper::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    nameThisThread("vo-lease");
    loop();
  });
}

void LeaseKeeper::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LeaseKeeper::began(const api::Lease& lease, int attempts, int64_t startedMs) {
  std::lock_guard lock(mutex_);
  kept_[lease.callId] = Kept{lease.token, attempts, startedMs};
}

void LeaseKeeper::done(const std::string& callId) {
  std::lock_guard lock(mutex_);
  kept_.erase(callId);
}

void LeaseKeeper::loop() {
  const int64_t every = std::max<int64_t>(context_.config.leaseMs / 3, 10);
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(every), [&] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    const int64_t now = context_.clock.nowMs();
    extendOlderThan(now - every, now);
    lock.lock();
  }
}

void LeaseKeeper::extendOlderThan(int64_t startedBeforeMs, int64_t now) {
  std::vector<std::pair<std::string, Kept>> due;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [callId, kept] : kept_) {
      if (kept.startedMs <= startedBeforeMs) due.emplace_back(callId, kept);
    }
  }
  if (due.empty()) return;
  std::vector<api::CallTransition> touches;
  for (const auto& [callId, kept] : due) {
    if (auto extended =
            context_.queue.extendLease(callId, kept.token, now, context_.config.leaseMs);
        !extended) {
      context_.logger.warn("lease of call {} not extended: {}", callId, extended.error().message);
    }
    api::CallTransition touch;
    touch.callId = callId;
    touch.from = {api::CallStatus::kDispatching};
    touch.to = api::CallStatus::kDispatching;
    touch.whileAttempts = kept.attempts;
    touch.atMs = now;
    touches.push_back(std::move(touch));
  }
  // Not applied: the dial's outcome was just recorded, or another attempt began; either way
  // there is nothing left to keep.
  if (auto touched = context_.store.transitionMany(touches); !touched) {
    context_.logger.warn("{} slow dials not marked alive: {}", touches.size(),
                         touched.error().message);
  }
}

}  // namespace vo::core::dispatch
