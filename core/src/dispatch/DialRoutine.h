#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "dispatch/DispatchContext.h"
#include "dispatch/LeaseKeeper.h"

namespace vo::core::dispatch {

// What a dial came back with, waiting to be recorded.
struct PlacedDial {
  DialJob job;
  api::DialResult result;
  int64_t startedMs = 0;
};

// A begun job with what its dial needs looked up (which may block), so that starting it never
// blocks: a provider's answering thread starts the next dial itself.
struct ReadyDial {
  DialJob job;
  api::DialRequest request;
  std::optional<api::DialResult> refused;  // set when the job cannot be dialed (no route)
};

// A batch of leased jobs from the store's `dispatching` to each dial's recorded outcome.
class DialRoutine {
 public:
  // `leases`, when given, keeps the lease of each dial in flight alive (the dispatcher's).
  explicit DialRoutine(DispatchContext& context, LeaseKeeper* leases = nullptr);

  // One store write for the whole batch: the calls still queued move to `dispatching` (an
  // attempt counted) and come back as jobs to dial, marked in flight. Jobs whose call did not
  // move (canceled, taken by another process, store down) leave the queue; the sweeper brings
  // back a call that is still queued.
  std::vector<DialJob> begin(std::span<const api::Lease> leases);
  using Placed = std::function<void(PlacedDial)>;
  // Dials one job; nothing is written yet (the call stays in flight until recorded).
  PlacedDial place(const DialJob& job);
  // Looks up what the job's dial needs (the tenant registry, cached: it may block).
  ReadyDial ready(DialJob job);
  // Starts the dial without waiting for the provider and without blocking: `placed` is called
  // once, from any thread.
  void start(ReadyDial dial, Placed placed);
  // Records many dials' outcomes: one fenced transition each in one batch, the jobs settled in
  // the queue in one round trip, slots released where the outcome already came.
  void recordAll(std::span<const PlacedDial> dials);
  // place() and record one job; the call as it stands afterwards as far as this dial knows.
  api::Call dial(const DialJob& job);
  // Records one placed dial; the call as it stands afterwards as far as this dial knows.
  api::Call recordOne(const PlacedDial& placed);

 private:
  struct Recorded;  // a batch's transitions and what settling its jobs needs

  // Of the leases whose calls beginDispatch did not move, the jobs of calls a paused campaign
  // holds go back in line; returns their call ids (the others are for drop()).
  std::set<std::string> holdBack(std::span<const api::Lease* const> notMoved);
  void drop(const api::Lease& lease);
  api::DialResult dialGuarded(const api::DialRequest& request);
  // A not-placed result when the dial's lease ran out before it could begin; nullopt otherwise.
  std::optional<api::DialResult> leaseRanOut(const PlacedDial& dial) const;
  // How long after it was due the dial started.
  void observeLatency(const PlacedDial& dial);
  // The dial's transition; `retry`: not placed, attempts left.
  api::CallTransition changeFor(const PlacedDial& placed, bool& retry);
  // The provider said its account is over its rate: nothing more goes to it for a while.
  void throttleAccount(const api::Call& call, int64_t retryAfterMs, int64_t now);
  // Writes the outcomes and settles their jobs; whether each transition applied (empty: the
  // write failed, and every call stays in `dispatching` for recovery).
  std::vector<bool> record(std::span<const PlacedDial> dials, Recorded& recorded);
  // Counts the calls whose transition applied and ended them, under their workspace and agent,
  // and keeps the counters of the ringing ones for the outcome that ends them.
  void countApplied(std::span<const api::CallTransition> changes, const std::vector<bool>& applied,
                    std::span<AgentRow* const> rows);
  void requeue(const PlacedDial& placed, const api::CallTransition& change);
  // The call after its transition, when it applied; otherwise as the store has it now.
  api::Call callAfter(const DialJob& job, const api::CallTransition& change, bool applied);

  DispatchContext& context_;
  LeaseKeeper* const leases_;
};

}  // namespace vo::core::dispatch
