#include "EndScheduler.h"

#include <chrono>

namespace vo::simulator {

int64_t epochMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

EndScheduler::EndScheduler(Deliver deliver) : deliver_(std::move(deliver)) {
  thread_ = std::thread([this] { run(); });
}

EndScheduler::~EndScheduler() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void EndScheduler::schedule(api::CallEvent event) {
  bool earliest = false;
  {
    std::lock_guard lock(mutex_);
    const int64_t atMs = event.atMs;
    earliest = pending_.push(atMs, std::move(event));
  }
  if (earliest) changed_.notify_one();
}

void EndScheduler::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (pending_.empty()) {
      changed_.wait(lock);
      continue;
    }
    const int64_t now = epochMs();
    if (pending_.nextAtMs() > now) {
      changed_.wait_for(lock, std::chrono::milliseconds(pending_.nextAtMs() - now));
      continue;
    }
    std::vector<api::CallEvent> due;
    while (!pending_.empty() && pending_.nextAtMs() <= now && due.size() < kMaxBatch) {
      due.push_back(pending_.pop());
    }
    lock.unlock();
    deliver_(due);
    lock.lock();
  }
}

}  // namespace vo::simulator
