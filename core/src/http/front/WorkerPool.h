#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace vo::core::http {

// A fixed set of threads running jobs in the order they were submitted (first in, first out,
// so a new request waits behind at most the requests already complete, never behind idle
// connections). Jobs must not throw.
class WorkerPool {
 public:
  using Job = std::function<void()>;

  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void submit(Job job);
  // Lets the jobs running finish, drops the ones not started, joins the threads.
  void stop();
  std::size_t queued() const;

 private:
  void run();

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace vo::core::http
