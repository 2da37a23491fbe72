#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "dispatch/DialRoutine.h"

namespace vo::core::dispatch {

// Hands dial jobs to the dialer. Two claiming threads lease jobs for the dial slots that wait,
// begin each batch with one store write and hand the jobs out. So that a slot freed by a
// finished dial finds its next job at once instead of waiting a claim's round trips, they also
// claim ahead as many jobs as were taken during the last claim; when nothing is taken (slow
// dials, no work), nothing is claimed ahead and no job waits long once begun.
class Claimer {
 public:
  Claimer(DispatchContext& context, DialRoutine& dials);
  ~Claimer();
  Claimer(const Claimer&) = delete;
  Claimer& operator=(const Claimer&) = delete;

  // Jobs for the free dial slots (each job takes one), waiting until there are both; empty once
  // stopping and no job is left to hand out (jobs already begun are dialed, not abandoned).
  std::vector<ReadyDial> take();
  // One job for a slot its caller holds, if one is ready now, without waiting (a provider's
  // answering thread starts it with the slot its answer freed).
  std::optional<ReadyDial> tryTake();
  // Dial slots came free; the claim is sized by the free slots.
  void release(std::size_t slots);
  // New work may be claimable (enqueue, a released slot, a resumed campaign).
  void wake();
  void start();
  void stop();

 private:
  void claimLoop();
  // Under the lock: the claiming thread has work to do.
  bool claimWanted() const;
  // Under the lock: a free dial slot will find no job when it looks.
  bool slotWithoutJob() const;
  // Under the lock: stopping, no job left to hand out and no claim under way to bring more.
  bool handOutOver() const;
  // Under the lock: a claiming thread should be woken now.
  bool claimerToWake() const;

  DispatchContext& context_;
  DialRoutine& dials_;
  std::mutex mutex_;
  std::condition_variable workAvailable_;  // hand-offs, or stopping
  std::condition_variable claimerWake_;    // the claiming thread's wait
  std::deque<ReadyDial> handoff_;
  std::size_t freeSlots_ = 0;   // dial slots without a job (`concurrency` at start)
  std::size_t claimAhead_ = 0;  // jobs to hold ready beyond the free slots
  uint64_t taken_ = 0;          // jobs handed out, ever
  uint64_t wakeups_ = 0;
  bool stopping_ = true;
  std::size_t claiming_ = 0;  // jobs being claimed now
  int spacingOut_ = 0;        // claiming threads waiting for the claim spacing to pass
  std::chrono::steady_clock::time_point lastClaimStart_;
  uint64_t takenAtLastClaimStart_ = 0;
  // Two claiming threads: one's store write overlaps the other's queue round trip.
  std::array<std::thread, 2> threads_;
};

}  // namespace vo::core::dispatch
