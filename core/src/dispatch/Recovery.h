#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "dispatch/DispatchContext.h"
#include "dispatch/EventApplier.h"

namespace vo::core::dispatch {

// Nothing lost, nobody called twice: takes back leases of dead workers, marks calls a dead worker
// left `dispatching` unknown, asks the provider about calls whose outcome never came, re-enqueues
// queued calls the queue lost, re-applies paused campaigns, rebuilds a queue that lost its state
// and gives back slots that outlived their calls. Two threads: provider lookups on their own, so
// slow ones never delay the rest.
class Recovery {
 public:
  Recovery(DispatchContext& context, EventApplier& events);
  ~Recovery();

  // What start-up does before any worker claims: paused campaigns first (so restored jobs are
  // not claimed), then calls a dead worker left in `dispatching`, then every due queued call.
  void restore();
  void start();
  void stop();

  void recoverLeases(int64_t now);
  void expireStaleDispatching(int64_t now);
  void reconcileUnknown(int64_t now, int maxLookups);
  void reconcileInitiated(int64_t now, int maxLookups);
  // Re-enqueues due queued calls; a full pass pages through all of them.
  void sweep(int64_t now, bool fullPass);
  void reapplyPausedCampaigns();
  // Gives back the pacing slots still held by calls that ended (or stayed `unknown` for long).
  void releaseLeakedSlots(int64_t now);
  // When the queue's generation changed (it lost its state: Redis restarted empty), rebuilds
  // it from the store at once: pacing limits, the slots of calls dialing or ringing, paused
  // campaigns, every queued call.
  void rebuildLostQueue(int64_t now);
  // Takes the pacing slots of the calls dialing or ringing (and `unknown` ones still keeping
  // theirs) again in a queue that lost them, before any queued call is put back in line.
  void holdSlotsOfCallsInFlight(int64_t now);
  // Writes the accepted dials' outcomes a failed write left (UnrecordedOutcomes).
  void recordUnrecorded();
  // Deletes the Idempotency-Key answers older than dispatcher.idempotencyTtlMs.
  void purgeExpiredAnswers(int64_t now);

 private:
  // Leases, stale dispatching calls, the queue's generation, the sweeper and leaked slots.
  void loop();
  // Provider lookups (reconcileUnknown, reconcileInitiated), on their own thread.
  void reconcileLoop();
  // `dispatching` -> unknown for a call whose worker is gone (the reconcile thread then asks
  // the provider).
  void expireDispatching(const api::Call& call, int64_t now);
  void reconcileOne(const api::Call& call);
  bool stopRequested();
  // What the provider is asked about the call: its workspace's key and, for a call without a
  // provider id (a lost dial), its last dial's window.
  api::LookupRequest lookupRequestFor(const api::Call& call);

  DispatchContext& context_;
  EventApplier& events_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
  std::thread reconcileThread_;
  std::string sweepCursor_;
  std::string slotHoldersCursor_;
  std::string queueGeneration_;  // as last seen; empty before the first look
  std::string unknownCursor_;
  std::string initiatedCursor_;
};

}  // namespace vo::core::dispatch
