#pragma once

#include "vo/api/CallStore.h"

namespace vo::bench {

// The dispatch hot path's batch operations on `count` of today's queued bulk calls, starting at
// serial `first` ("q<day><serial>" ids), in batches of `batch`: beginDispatch, transitionMany
// (dispatching -> initiated with the attempt row, fenced by attempt), findByProviderCallIds;
// then the same transitions one transition() at a time on the next `count` calls, for
// comparison. Prints one line per figure; exits when the store fails.
void measureBatches(vo::api::CallStore& store, int day, int first, int count, int batch);

}  // namespace vo::bench
