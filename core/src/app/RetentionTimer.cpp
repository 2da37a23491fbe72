#include "app/RetentionTimer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "support/ThreadName.h"
#include "vo/api/RetentionPolicy.h"

namespace vo::core {

namespace {

// The policy is asked again at least this often, so a changed wall clock is noticed.
constexpr int64_t kMaxSleepMs = 60000;
// A policy that keeps answering "now" is not run in a busy loop.
constexpr int64_t kMinGapMs = 1000;

}  // namespace

RetentionTimer::RetentionTimer(api::RetentionPolicy& policy, spdlog::logger& logger,
                               TimeSource& clock)
    : policy_(policy), logger_(logger), clock_(clock) {}

RetentionTimer::~RetentionTimer() {
  stop();
}

void RetentionTimer::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    nameThisThread("vo-retention");
    run();
  });
}

void RetentionTimer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RetentionTimer::run() {
  int64_t earliestNextRun = 0;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const int64_t now = clock_.nowMs();
    const int64_t due = std::max(policy_.nextRunAtMs(now), earliestNextRun);
    if (due > now) {
      wake_.wait_for(lock, std::chrono::milliseconds(std::min(due - now, kMaxSleepMs)));
      continue;
    }
    lock.unlock();
    const auto result = policy_.runDue(now);
    if (!result.ok()) {
      logger_.error("retention run failed: {}", result.error().message);
    } else if (result.value().skipped) {
      logger_.info("retention run skipped: another instance holds the lease");
    } else if (!result.value().error.empty()) {
      logger_.error("retention run ended with an error: {}", result.value().error);
    } else {
      const auto& run = result.value();
      logger_.info(
          "retention run: {} days rolled up ({} calls), {} calls purged, {} older calls kept "
          "until they end, in {} ms",
          run.daysRolledUp, run.callsRolledUp, run.callsPurged, run.callsKeptNotFinal,
          run.finishedAtMs - run.startedAtMs);
    }
    earliestNextRun = clock_.nowMs() + kMinGapMs;
    lock.lock();
  }
}

}  // namespace vo::core
