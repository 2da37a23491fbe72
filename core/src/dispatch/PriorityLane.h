#pragma once

#include "dispatch/DialRoutine.h"

namespace vo::core::dispatch {

// The priority call on the request's own thread: leased before it is written, written already
// `dispatching` (one commit), dialed at once; no lock shared with the workers on the way.
class PriorityLane {
 public:
  PriorityLane(DispatchContext& context, DialRoutine& dials);

  // Stores the call and dials it now when its pacing limits have room; otherwise it is stored
  // `queued`, first in line. The call as it stands afterwards; an error only when it could not
  // be stored (nothing was dialed then).
  api::Result<api::Call> submit(api::Call call);

 private:
  api::Result<api::Call> dialLeased(api::Call call, const api::Lease& lease, int64_t now);
  api::Result<api::Call> queueIt(api::Call call, int64_t now);

  DispatchContext& context_;
  DialRoutine& dials_;
};

}  // namespace vo::core::dispatch
