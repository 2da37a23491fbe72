#pragma once

#include <cstdint>
#include <string>

#include "vo/api/Health.h"
#include "vo/api/Result.h"

namespace vo::api {

struct RetentionRun {
  int64_t startedAtMs = 0;
  int64_t finishedAtMs = 0;
  int64_t daysRolledUp = 0;
  int64_t callsRolledUp = 0;
  int64_t callsPurged = 0;
  // Calls of days past retention left because they are not final yet (queued, dispatching,
  // initiated): purged by a later run once they end.
  int64_t callsKeptNotFinal = 0;
  bool skipped = false;  // another instance held the lease
  std::string error;     // empty when the run succeeded
};

// Rolls days up into daily aggregates and deletes old calls, through the CallStore it gets from
// its context. The core calls runDue() on a timer; the policy decides what is due.
class RetentionPolicy {
 public:
  static constexpr const char* kKind = "retention";
  virtual ~RetentionPolicy();

  // Does whatever is due at nowMs (roll-ups, purges), in bounded batches. Safe to call from
  // several instances at once and after an interrupted run.
  virtual Result<RetentionRun> runDue(int64_t nowMs) = 0;
  // When runDue should next be called.
  virtual int64_t nextRunAtMs(int64_t nowMs) = 0;
  // The last finished run (zeros before the first), for /metrics and /health.
  virtual RetentionRun lastRun() = 0;
  virtual ComponentHealth health() = 0;
};

}  // namespace vo::api
