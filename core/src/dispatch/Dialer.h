#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

#include "dispatch/BatchWorker.h"
#include "dispatch/Claimer.h"
#include "dispatch/DialRoutine.h"

namespace vo::core::dispatch {

// Keeps up to `concurrency` dials in flight (the Claimer counts the free slots): one thread takes
// jobs for the free slots and starts each with the provider's asynchronous dial; each answer
// goes to the recorder and its slot starts the next ready job right away, or is given back.
// Hundreds of dials waiting on the provider cost no thread.
class Dialer {
 public:
  Dialer(DialRoutine& dials, Claimer& claimer, BatchWorker<PlacedDial>& recorder);
  ~Dialer();
  Dialer(const Dialer&) = delete;
  Dialer& operator=(const Dialer&) = delete;

  void start();
  // After the claimer stopped: the thread ends once the jobs handed out are started; then waits
  // until every dial started has its answer (each is bounded by the provider's own timeouts).
  void stop();

 private:
  void run();
  void startDial(ReadyDial job);
  void answered(PlacedDial placed);

  DialRoutine& dials_;
  Claimer& claimer_;
  BatchWorker<PlacedDial>& recorder_;
  std::mutex mutex_;
  std::condition_variable answered_;
  std::size_t dialing_ = 0;  // started, not yet answered
  std::thread thread_;
};

}  // namespace vo::core::dispatch
