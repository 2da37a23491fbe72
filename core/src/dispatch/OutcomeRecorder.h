#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

#include "dispatch/DialRoutine.h"

namespace vo::core::dispatch {

// Records dial outcomes off the dialing threads: a worker hands its finished dial over and
// takes its next job at once, while one thread records whatever dials are waiting as one batch
// (one group-committed write, one queue round trip). The call stays in flight until recorded.
class OutcomeRecorder {
 public:
  OutcomeRecorder(DialRoutine& dials, std::size_t maxBatch);
  // Records every dial still waiting, then stops.
  ~OutcomeRecorder();
  OutcomeRecorder(const OutcomeRecorder&) = delete;
  OutcomeRecorder& operator=(const OutcomeRecorder&) = delete;

  void add(PlacedDial placed);

 private:
  void recordLoop();

  DialRoutine& dials_;
  const std::size_t maxBatch_;
  std::mutex mutex_;
  std::condition_variable work_;
  std::vector<PlacedDial> waiting_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vo::core::dispatch
