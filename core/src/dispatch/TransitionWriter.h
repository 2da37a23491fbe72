#pragma once

#include <cstddef>
#include <vector>

#include "dispatch/GroupCommit.h"
#include "vo/api/CallStore.h"

namespace vo::core::dispatch {

// Applies call transitions from many threads through one flusher: whatever is waiting goes to
// the store as one transitionMany (one transaction), and each caller learns whether its own
// changes moved their calls.
class TransitionWriter {
 public:
  TransitionWriter(api::CallStore& store, std::size_t maxBatch);
  ~TransitionWriter();
  TransitionWriter(const TransitionWriter&) = delete;
  TransitionWriter& operator=(const TransitionWriter&) = delete;

  // True when applied, false when the call was not in `from` (or its attempt moved on).
  api::Result<bool> apply(api::CallTransition change);
  // applied[i] for changes[i], all in the same store transaction.
  api::Result<std::vector<bool>> applyAll(std::vector<api::CallTransition> changes);
  // How many store transactions the writer has run.
  std::size_t flushes();

 private:
  GroupCommit<api::CallTransition, bool> commit_;
};

}  // namespace vo::core::dispatch
