#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "dispatch/DispatchContext.h"

namespace vo::core::dispatch {

// A batch of leased jobs from the store's `dispatching` to each dial's recorded outcome.
class DialRoutine {
 public:
  explicit DialRoutine(DispatchContext& context);

  // One store write for the whole batch: the calls still queued move to `dispatching` (an
  // attempt counted) and come back as jobs to dial, marked in flight. Jobs whose call did not
  // move (canceled, taken by another process, store down) leave the queue; the sweeper brings
  // back a call that is still queued.
  std::vector<DialJob> begin(std::span<const api::Lease> leases);
  // Dials one job and records the outcome (fenced by the job's attempt). Returns the call as it
  // stands afterwards as far as this dial knows.
  api::Call dial(const DialJob& job);

 private:
  api::DialResult dialGuarded(const api::DialRequest& request);
  // Writes the outcome and settles the job in the queue; the call as written.
  api::Call record(const DialJob& job, const api::DialResult& dial, int64_t dialStartedMs);
  api::Call recordAccepted(const DialJob& job, api::CallTransition change);
  api::Call retryOrFail(const DialJob& job, const api::DialResult& dial,
                        api::CallTransition change);
  // The call after `change`, when it applied; otherwise as the store has it now.
  api::Call callAfter(const DialJob& job, const api::CallTransition& change, bool applied);

  DispatchContext& context_;
};

}  // namespace vo::core::dispatch
