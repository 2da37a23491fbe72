#include "dispatch/Claimer.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace vo::core::dispatch {

namespace {

// How often the claiming worker looks again when nothing was claimable: rate-limit windows
// and retry times pass without any event to wake it.
constexpr auto kIdleClaimInterval = std::chrono::milliseconds(20);

}  // namespace

Claimer::Claimer(DispatchContext& context, DialRoutine& dials) : context_(context), dials_(dials) {}

void Claimer::start() {
  std::lock_guard lock(mutex_);
  stopping_ = false;
}

void Claimer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  workAvailable_.notify_all();
  claimerWake_.notify_all();
}

void Claimer::wake() {
  {
    std::lock_guard lock(mutex_);
    ++wakeups_;
  }
  // Only the claiming worker waits for new work; the others wait for its hand-offs.
  claimerWake_.notify_one();
}

std::optional<DialJob> Claimer::next() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!handoff_.empty()) {
      DialJob job = std::move(handoff_.front());
      handoff_.pop_front();
      return job;
    }
    if (stopping_) return std::nullopt;
    if (claiming_) {
      ++idleWorkers_;
      workAvailable_.wait(lock, [&] { return stopping_ || !handoff_.empty() || !claiming_; });
      --idleWorkers_;
      continue;
    }
    claiming_ = true;
    const uint64_t seen = wakeups_;
    api::ClaimRequest request;
    request.workerId = context_.config.workerId;
    request.maxJobs = 1 + idleWorkers_;
    request.leaseMs = context_.config.leaseMs;
    lock.unlock();
    request.nowMs = context_.clock.nowMs();
    auto claimed = context_.queue.claim(request);
    if (!claimed) context_.logger.warn("claim failed: {}", claimed.error().message);
    const bool anyClaimed = claimed && !claimed->empty();
    std::vector<DialJob> jobs;
    if (anyClaimed) jobs = dials_.begin(claimed.value());
    lock.lock();
    if (!jobs.empty()) {
      claiming_ = false;
      for (std::size_t i = 1; i < jobs.size(); ++i) handoff_.push_back(std::move(jobs[i]));
      // Wake one sleeper per handed-off job, and one more to take over claiming.
      for (std::size_t i = 0; i < jobs.size() && i < std::size_t(idleWorkers_); ++i) {
        workAvailable_.notify_one();
      }
      return std::move(jobs.front());
    }
    if (!anyClaimed) {
      // Nothing claimable: keep the role and look again when woken or after a short interval.
      claimerWake_.wait_for(lock, kIdleClaimInterval,
                            [&] { return stopping_ || wakeups_ != seen || !handoff_.empty(); });
    }
    claiming_ = false;  // every claimed job was dropped: claim again at once
  }
}

}  // namespace vo::core::dispatch
