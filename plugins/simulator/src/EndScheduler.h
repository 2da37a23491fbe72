#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <span>
#include <thread>
#include <vector>

#include "vo/api/CallEvent.h"

namespace vo::simulator {

// Delivers each placed call's final event at its time, from one thread for all calls. Events due
// together are delivered together (up to kMaxBatch), as the core records a batch in one
// transaction: one at a time, a backlog of ended calls would grow faster than it is recorded.
class EndScheduler {
 public:
  static constexpr std::size_t kMaxBatch = 500;
  using Deliver = std::function<void(std::span<const api::CallEvent>)>;
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
