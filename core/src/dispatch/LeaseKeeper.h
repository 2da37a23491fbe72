#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "dispatch/DispatchContext.h"

namespace vo::core::dispatch {

// Keeps the lease of every dial in flight alive while the provider takes its time: every third
// of a lease, the queue lease of each dial running longer than that is extended, and its call's
// `dispatching` row is touched (fenced by its attempt), so neither this instance's nor another's
// recovery takes a slow but live dial for a dead worker's. Its own thread (vo-lease).
class LeaseKeeper {
 public:
  explicit LeaseKeeper(DispatchContext& context);
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  void start();
  void stop();
  // A dial began: its lease is kept from now on, until done().
  void began(const api::Lease& lease, int attempts, int64_t startedMs);
  void done(const std::string& callId);

 private:
  struct Kept {
    std::string token;
    int attempts = 0;
    int64_t startedMs = 0;
  };
  void loop();
  void extendOlderThan(int64_t startedBeforeMs, int64_t now);

  DispatchContext& context_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::unordered_map<std::string, Kept> kept_;  // by call id
  std::thread thread_;
};

}  // namespace vo::core::dispatch
