#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

#include "vo/api/CallEvent.h"

namespace vo::simulator {

// Delivers each placed call's final event at its time, from one thread for all calls.
class EndScheduler {
 public:
  using Deliver = std::function<void(const api::CallEvent&)>;
  explicit EndScheduler(Deliver deliver);
  // Stops the thread; events not yet due are dropped (a lookup still tells how they end).
  ~EndScheduler();
  EndScheduler(const EndScheduler&) = delete;
  EndScheduler& operator=(const EndScheduler&) = delete;

  void schedule(api::CallEvent event);  // delivered when its atMs passes

 private:
  struct Pending {
    int64_t atMs;
    uint64_t sequence;
    api::CallEvent event;
    bool operator>(const Pending& other) const {
      return atMs != other.atMs ? atMs > other.atMs : sequence > other.sequence;
    }
  };
  void run();

  Deliver deliver_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending_;
  uint64_t sequence_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

int64_t epochMs();

}  // namespace vo::simulator
