#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>

#include "dispatch/BatchWorker.h"
#include "dispatch/DialRoutine.h"

namespace vo::core::dispatch {

// The priority call on the request's own thread: leased before it is written, written already
// `dispatching` (one commit), dialed at once; no lock shared with the workers on the way. The
// request waits for the dial's answer at most `priorityWaitMs`; past it the dial goes on and
// its answer is recorded by the dispatcher's recorder.
class PriorityLane {
 public:
  // The idempotency record to store with the call, made from the call as it is stored; nullopt
  // when the request carries no Idempotency-Key.
  using AnswerAsStored = std::function<std::optional<api::IdempotencyRecord>(const api::Call&)>;

  PriorityLane(DispatchContext& context, DialRoutine& dials, BatchWorker<PlacedDial>& recorder);

  // Stores the call and dials it now when its pacing limits have room; otherwise it is stored
  // `queued`, first in line. The call as it stands afterwards (still `dispatching` when the dial
  // did not answer in time); an error only when it could not be stored (nothing was dialed
  // then; kConflict when the answer's Idempotency-Key is taken).
  api::Result<api::Call> submit(api::Call call, const AnswerAsStored& answer);
  // Returns once every dial the lane started has its answer (dispatcher stop, before the
  // recorder drains). Each is bounded by the provider's own timeouts.
  void awaitDials();

 private:
  struct Waiting;  // a dial's answer handed from the provider's thread to the request's

  api::Result<api::Call> dialLeased(api::Call call, const api::Lease& lease, int64_t now,
                                    const AnswerAsStored& answer);
  api::Result<api::Call> queueIt(api::Call call, int64_t now, const AnswerAsStored& answer);
  api::Result<void> store(const api::Call& call, const AnswerAsStored& answer);
  // After store() failed: whether the call was written all the same (its commit's answer lost).
  bool storedAfterAll(const api::Call& call, const api::Error& error);
  // Dials the job and records its answer if it comes within priorityWaitMs; otherwise the call
  // as it is (dispatching), and the recorder records the answer when it comes.
  api::Call dialWithin(DialJob job);
  void dialEnded();

  DispatchContext& context_;
  DialRoutine& dials_;
  BatchWorker<PlacedDial>& recorder_;
  std::mutex mutex_;
  std::condition_variable allAnswered_;
  std::size_t dialing_ = 0;
};

}  // namespace vo::core::dispatch
