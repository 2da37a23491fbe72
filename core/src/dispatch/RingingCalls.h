#pragma once

#include <cstddef>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "vo/core/AgentCounters.h"

namespace vo::core::dispatch {

// The counters (workspace and agent) of calls this process dialed and the provider accepted,
// by call id: the outcome that ends such a call is counted without reading the call. A call
// not found here (dialed by another instance, or before a restart) is read instead. Bounded:
// an entry whose outcome went to another instance stays until the map, full, starts over.
class RingingCalls {
 public:
  static constexpr std::size_t kMax = 100000;

  // One lock for the whole batch.
  void add(std::vector<std::pair<std::string, AgentRow*>> calls);
  // The rows of these calls, forgotten here (nullptr where a call is not here); one lock.
  std::vector<AgentRow*> take(std::span<const std::string> callIds);
  std::size_t size();

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, AgentRow*> rows_;
};

}  // namespace vo::core::dispatch
