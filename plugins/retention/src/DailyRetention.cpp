#include "vo/retention/DailyRetention.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <optional>
#include <random>

#include "RetentionPass.h"
#include "vo/retention/RetentionSchedule.h"
#include "vo/retention/UtcCalendar.h"

namespace vo::retention {
namespace {

using vo::api::ComponentHealth;
using vo::api::Error;
using vo::api::Result;
using vo::api::RetentionRun;

std::string describe(const RetentionRun& run) {
  return std::to_string(run.daysRolledUp) + " days rolled up (" +
         std::to_string(run.callsRolledUp) + " calls), " + std::to_string(run.callsPurged) +
         " calls purged, " + std::to_string(run.callsKeptNotFinal) +
         " older calls kept until they end, in " +
         std::to_string(run.finishedAtMs - run.startedAtMs) + " ms";
}

class DailyRetention final : public vo::api::RetentionPolicy {
 public:
  DailyRetention(vo::api::CallStore& store, spdlog::logger& logger, RetentionSettings settings,
                 std::string holderId)
      : store_(store), logger_(logger), settings_(settings), holderId_(std::move(holderId)) {}

  Result<RetentionRun> runDue(int64_t nowMs) override {
    // Overlapping calls on one instance would only queue on the lease; the second has nothing
    // left to do, so it reports a skip rather than waiting.
    std::unique_lock<std::mutex> running(runMutex_, std::try_to_lock);
    if (!running.owns_lock()) {
      RetentionRun skipped;
      skipped.startedAtMs = skipped.finishedAtMs = nowMs;
      skipped.skipped = true;
      return skipped;
    }
    RetentionPass pass(store_, logger_, settings_, holderId_, nowMs);
    auto acquired = pass.acquireLease();
    if (!acquired) return finish(pass, acquired.error());
    if (!acquired.value()) {
      pass.figures().skipped = true;
      return finish(pass, std::nullopt);
    }
    auto done = pass.rollUpRecentDays();
    if (done) done = pass.purgeOldDays();
    pass.releaseLease();
    return finish(pass, done ? std::nullopt : std::optional<Error>(done.error()));
  }

  int64_t nextRunAtMs(int64_t nowMs) override {
    std::lock_guard<std::mutex> lock(lastMutex_);
    // The first run is due at once: it catches up on whatever fell due while no instance ran.
    if (!hasRun_) return nowMs;
    const int64_t nextSlot = nextSlotAfter(settings_, last_.startedAtMs);
    if (!last_.error.empty())
      return std::min(nextSlot, last_.finishedAtMs + settings_.retryAfterMs);
    return nextSlot;
  }

  RetentionRun lastRun() override {
    std::lock_guard<std::mutex> lock(lastMutex_);
    return last_;
  }

  ComponentHealth health() override {
    std::lock_guard<std::mutex> lock(lastMutex_);
    if (!hasRun_) return {true, "no run yet"};
    const std::string when = "last run at " + isoInstant(last_.startedAtMs);
    if (!last_.error.empty()) return {false, when + " failed: " + last_.error};
    if (last_.skipped) return {true, when + " skipped: another instance held the lease"};
    return {true, when + ": " + describe(last_)};
  }

 private:
  Result<RetentionRun> finish(RetentionPass& pass, const std::optional<Error>& failure) {
    RetentionRun run = pass.figures();
    run.finishedAtMs = pass.clockMs();
    if (failure) run.error = failure->message;
    {
      std::lock_guard<std::mutex> lock(lastMutex_);
      last_ = run;
      hasRun_ = true;
    }
    if (failure) {
      logger_.error("retention run failed after {}: {}", describe(run), run.error);
      return *failure;
    }
    if (run.skipped) {
      logger_.info("retention run skipped: another instance holds the lease");
    } else {
      logger_.info("retention run done: {}", describe(run));
    }
    return run;
  }

  vo::api::CallStore& store_;
  spdlog::logger& logger_;
  const RetentionSettings settings_;
  const std::string holderId_;
  std::mutex runMutex_;  // one run at a time per instance
  std::mutex lastMutex_;
  RetentionRun last_;
  bool hasRun_ = false;
};

}  // namespace

std::unique_ptr<vo::api::RetentionPolicy> makeDailyRetention(vo::api::CallStore& store,
                                                             spdlog::logger& logger,
                                                             RetentionSettings settings,
                                                             std::string holderId) {
  return std::make_unique<DailyRetention>(store, logger, settings, std::move(holderId));
}

std::string makeHolderId() {
  char host[256] = "host";
  if (gethostname(host, sizeof host) != 0) std::snprintf(host, sizeof host, "host");
  host[sizeof host - 1] = '\0';
  std::random_device entropy;
  const uint64_t nonce = (uint64_t{entropy()} << 32) | entropy();
  char suffix[64];
  std::snprintf(suffix, sizeof suffix, ":%d:%016llx", static_cast<int>(getpid()),
                static_cast<unsigned long long>(nonce));
  return std::string(host) + suffix;
}

}  // namespace vo::retention
