#pragma once

#include <array>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "dispatch/DialRoutine.h"

namespace vo::core::dispatch {

// Hands dial jobs to the workers. One claiming thread leases jobs for the workers that wait,
// begins the whole batch with one store write and hands the jobs out. So that a worker back
// from a dial finds its next job at once instead of waiting a claim's round trips, it also
// claims ahead as many jobs as the workers took during its last claim; when the workers take
// nothing (slow dials, no work), nothing is claimed ahead and no job waits long once begun.
class Claimer {
 public:
  Claimer(DispatchContext& context, DialRoutine& dials);
  ~Claimer();
  Claimer(const Claimer&) = delete;
  Claimer& operator=(const Claimer&) = delete;

  // The next job for the calling worker; nullopt once stopping and no job is left to hand out
  // (jobs already begun are dialed, not abandoned).
  std::optional<DialJob> next();
  // New work may be claimable (enqueue, a released slot, a resumed campaign).
  void wake();
  void start();
  void stop();

 private:
  void claimLoop();
  // Under the lock: the claiming thread has work to do.
  bool claimWanted() const;

  DispatchContext& context_;
  DialRoutine& dials_;
  std::mutex mutex_;
  std::condition_variable workAvailable_;  // hand-offs, or stopping
  std::condition_variable claimerWake_;    // the claiming thread's wait
  std::deque<DialJob> handoff_;
  std::size_t waitingWorkers_ = 0;
  std::size_t claimAhead_ = 0;  // jobs to hold ready beyond the waiting workers
  uint64_t taken_ = 0;          // jobs handed to workers, ever
  uint64_t wakeups_ = 0;
  bool stopping_ = true;
  std::size_t claiming_ = 0;  // jobs being claimed now
  // Two claiming threads: one's store write overlaps the other's queue round trip.
  std::array<std::thread, 2> threads_;
};

}  // namespace vo::core::dispatch
