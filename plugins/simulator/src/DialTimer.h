#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "DueQueue.h"

namespace vo::simulator {

// Answers asynchronous dials when their simulated latency has passed, from one thread for all
// of them (a thread per dial is what an asynchronous dial must not cost).
class DialTimer {
 public:
  using Task = std::function<void()>;
  DialTimer();
  // Runs every task still waiting at once, then stops: every dial started gets its answer.
  ~DialTimer();
  DialTimer(const DialTimer&) = delete;
  DialTimer& operator=(const DialTimer&) = delete;

  void at(int64_t epochMs, Task task);

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable changed_;
  DueQueue<Task> pending_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vo::simulator
