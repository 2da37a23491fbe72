#include "DialTimer.h"

#include <pthread.h>

#include <chrono>
#include <vector>

#include "EndScheduler.h"

namespace vo::simulator {

DialTimer::DialTimer() {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "vo-sim-dials");
    run();
  });
}

DialTimer::~DialTimer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void DialTimer::at(int64_t atMs, Task task) {
  bool earliest = false;
  {
    std::lock_guard lock(mutex_);
    earliest = pending_.push(atMs, std::move(task));
  }
  if (earliest) changed_.notify_one();
}

void DialTimer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (pending_.empty()) {
      if (stopping_) return;
      changed_.wait(lock);
      continue;
    }
    const int64_t now = epochMs();
    if (!stopping_ && pending_.nextAtMs() > now) {
      changed_.wait_for(lock, std::chrono::milliseconds(pending_.nextAtMs() - now));
      continue;
    }
    std::vector<Task> due;
    while (!pending_.empty() && (stopping_ || pending_.nextAtMs() <= now)) {
      due.push_back(pending_.pop());
    }
    lock.unlock();
    for (Task& task : due) task();
    lock.lock();
  }
}

}  // namespace vo::simulator
