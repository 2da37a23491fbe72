#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "DueQueue.h"
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
  void run();

  Deliver deliver_;
  std::mutex mutex_;
  std::condition_variable changed_;
  DueQueue<api::CallEvent> pending_;
  bool stopping_ = false;
  std::thread thread_;
};

int64_t epochMs();

}  // namespace vo::simulator
