#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

#include "dispatch/DialRoutine.h"

namespace vo::core::dispatch {

// Hands dial jobs to the workers. One worker at a time claims, for itself and every idle worker
// (leases sized to the idle workers), begins the whole batch with one store write, and hands the
// jobs out; the others sleep until a job or the claiming role comes to them.
class Claimer {
 public:
  Claimer(DispatchContext& context, DialRoutine& dials);

  // The next job for the calling worker; nullopt once stopping and no job is left to hand out
  // (jobs already begun are dialed, not abandoned).
  std::optional<DialJob> next();
  // New work may be claimable (enqueue, a released slot, a resumed campaign).
  void wake();
  void start();
  void stop();

 private:
  DispatchContext& context_;
  DialRoutine& dials_;
  std::mutex mutex_;
  std::condition_variable workAvailable_;  // hand-offs, or the claiming role is free
  std::condition_variable claimerWake_;    // the claiming worker's idle wait
  std::deque<DialJob> handoff_;
  int idleWorkers_ = 0;
  bool claiming_ = false;
  bool stopping_ = false;
  uint64_t wakeups_ = 0;
};

}  // namespace vo::core::dispatch
