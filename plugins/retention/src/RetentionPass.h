#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "vo/api/CallStore.h"
#include "vo/api/RetentionPolicy.h"
#include "vo/retention/RetentionSettings.h"

namespace spdlog {
class logger;
}

namespace vo::retention {

// One retention run's work, done while holding the lease: re-roll the recent days, then freeze
// and purge the old ones. Keeps the run's figures. Every step is idempotent, so a pass that
// stopped anywhere (error, crash, lost lease) is finished by the next one.
class RetentionPass {
 public:
  RetentionPass(vo::api::CallStore& store, spdlog::logger& logger,
                const RetentionSettings& settings, const std::string& holderId, int64_t nowMs);

  // Takes the lease; false when another instance holds it.
  vo::api::Result<bool> acquireLease();
  vo::api::Result<void> rollUpRecentDays();
  vo::api::Result<void> purgeOldDays();
  // Best effort: a lease that is not released expires after its ttl.
  void releaseLease();

  // The run's instant now: the injected start instant plus the real time spent since.
  int64_t clockMs() const;
  vo::api::RetentionRun& figures() { return run_; }

 private:
  vo::api::Result<void> renewLease();
  vo::api::Result<void> freezeAndPurge(const std::string& day);
  // Counts and logs the calls a purged day keeps because they are not final yet.
  vo::api::Result<void> reportKept(const std::string& day);
  vo::api::Result<std::vector<std::string>> daysBefore(int64_t dayNumber, const char* purpose);

  vo::api::CallStore& store_;
  spdlog::logger& logger_;
  const RetentionSettings& settings_;
  const std::string& holderId_;
  const int64_t nowMs_;
  const std::chrono::steady_clock::time_point startedAt_;
  vo::api::RetentionRun run_;
};

}  // namespace vo::retention
