#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace vo::core::http {

// Who a job answers. A provider's callbacks (webhooks) come in bursts of thousands a second and
// each waits on the store; they may never take every thread, so a client's request (a priority
// call) always finds one.
enum class JobLane { kClient, kCallback };

// A fixed set of threads running jobs in the order they were submitted within each lane
// (first in, first out, so a new request waits behind at most the requests already complete,
// never behind idle connections); clients' jobs go first, and callbacks run on at most
// `threads - reservedForClients` threads at once. Jobs must not throw.
class WorkerPool {
 public:
  using Job = std::function<void()>;

  WorkerPool(int threads, int reservedForClients);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False when the pool is stopping: the job was dropped unrun.
  bool submit(Job job, JobLane lane);
  // Lets the jobs running finish, drops the ones not started, joins the threads.
  void stop();
  std::size_t queued() const;

 private:
  void run();
  // Under the lock: a job a free thread may take now.
  bool runnable() const;

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> clientJobs_;
  std::deque<Job> callbackJobs_;
  int callbacksRunning_ = 0;
  int callbackThreads_ = 1;  // at most this many callbacks at once
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace vo::core::http
