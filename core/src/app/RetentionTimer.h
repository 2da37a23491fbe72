#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "vo/core/TimeSource.h"

namespace spdlog {
class logger;
}
namespace vo::api {
class RetentionPolicy;
}

namespace vo::core {

// Calls RetentionPolicy::runDue when the policy's nextRunAtMs comes, on its own thread, and
// logs each run's figures. The policy decides what is due; this only keeps time.
class RetentionTimer {
 public:
  RetentionTimer(api::RetentionPolicy& policy, spdlog::logger& logger, TimeSource& clock);
  ~RetentionTimer();
  RetentionTimer(const RetentionTimer&) = delete;
  RetentionTimer& operator=(const RetentionTimer&) = delete;

  void start();
  // Returns once the thread has ended (a run in progress finishes first).
  void stop();

 private:
  void run();

  api::RetentionPolicy& policy_;
  spdlog::logger& logger_;
  TimeSource& clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vo::core
