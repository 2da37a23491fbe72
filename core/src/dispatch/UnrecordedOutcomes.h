#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

#include "vo/api/CallStore.h"

namespace vo::core::dispatch {

// Accepted dials whose outcome the store could not take (it was down): their transitions, with
// the conversation id the provider gave, kept until the store answers again (recovery writes
// them, Recovery::recordUnrecorded). The transitions are fenced by the attempt, so writing one
// late changes nothing when the call moved on meanwhile. Bounded: past kMax the oldest go, and
// the reconciler finds their conversation through the provider instead.
class UnrecordedOutcomes {
 public:
  static constexpr std::size_t kMax = 100000;

  // Returns how many were dropped to stay within kMax.
  std::size_t keep(std::vector<api::CallTransition> changes);
  std::vector<api::CallTransition> takeAll();

 private:
  std::mutex mutex_;
  std::vector<api::CallTransition> changes_;
};

}  // namespace vo::core::dispatch
