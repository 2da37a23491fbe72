#include "http/front/WorkerPool.h"

#include <algorithm>

#include "support/ThreadName.h"

namespace vo::core::http {

WorkerPool::WorkerPool(int threads, int reservedForClients) {
  const int count = std::max(1, threads);
  callbackThreads_ = std::max(1, count - std::max(0, reservedForClients));
  threads_.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    threads_.emplace_back([this] {
      nameThisThread("vo-http-worker");
      run();
    });
  }
}

WorkerPool::~WorkerPool() {
  stop();
}

bool WorkerPool::submit(Job job, JobLane lane) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    (lane == JobLane::kClient ? clientJobs_ : callbackJobs_).push_back(std::move(job));
  }
  ready_.notify_one();
  return true;
}

void WorkerPool::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    clientJobs_.clear();
    callbackJobs_.clear();
  }
  ready_.notify_all();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

std::size_t WorkerPool::queued() const {
  std::lock_guard lock(mutex_);
  return clientJobs_.size() + callbackJobs_.size();
}

bool WorkerPool::runnable() const {
  return !clientJobs_.empty() || (!callbackJobs_.empty() && callbacksRunning_ < callbackThreads_);
}

void WorkerPool::run() {
  while (true) {
    Job job;
    bool callback = false;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || runnable(); });
      if (stopping_) return;
      callback = clientJobs_.empty();
      auto& jobs = callback ? callbackJobs_ : clientJobs_;
      job = std::move(jobs.front());
      jobs.pop_front();
      if (callback) ++callbacksRunning_;
    }
    job();
    if (callback) {
      {
        std::lock_guard lock(mutex_);
        --callbacksRunning_;
      }
      ready_.notify_one();  // a callback waiting for its share may run now
    }
  }
}

}  // namespace vo::core::http
