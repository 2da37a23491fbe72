#include "dispatch/PriorityLane.h"

#include <spdlog/spdlog.h>

namespace vo::core::dispatch {

PriorityLane::PriorityLane(DispatchContext& context, DialRoutine& dials)
    : context_(context), dials_(dials) {}

api::Result<api::Call> PriorityLane::submit(api::Call call) {
  const int64_t now = context_.clock.nowMs();
  auto job = context_.registry.jobFor(call, now);
  if (!job) return queueIt(std::move(call), now);  // the queue path reports the registry's word
  // The job is leased without ever being claimable by others, so no worker can race us to it.
  auto lease = context_.queue.leaseNew(job.value(), now, context_.config.leaseMs);
  if (!lease) {
    context_.logger.warn("priority call {}: no fast lease ({}); queued", call.id,
                         lease.error().message);
    return queueIt(std::move(call), now);
  }
  if (!lease->has_value()) return queueIt(std::move(call), now);
  return dialLeased(std::move(call), *lease.value(), now);
}

api::Result<api::Call> PriorityLane::dialLeased(api::Call call, const api::Lease& lease,
                                                int64_t now) {
  call.status = api::CallStatus::kDispatching;
  call.attempts = 1;
  call.updatedAtMs = now;
  // In flight before it exists: recovery must not take the lease back during the dial. A crash
  // before the insert leaves a lease without a call, which lease recovery drops.
  context_.inFlight.begin(call.id);
  if (auto inserted = context_.store.insertCalls(std::span(&call, 1)); !inserted) {
    context_.inFlight.end(call.id);
    if (auto gone = context_.queue.complete(lease.callId, lease.token, false); !gone) {
      context_.logger.warn("priority call {}: lease not given back ({}); it expires", call.id,
                           gone.error().message);
    }
    return inserted.error();
  }
  return dials_.dial(DialJob{lease, std::move(call)});
}

api::Result<api::Call> PriorityLane::queueIt(api::Call call, int64_t now) {
  if (auto inserted = context_.store.insertCalls(std::span(&call, 1)); !inserted) {
    return inserted.error();
  }
  // Not waking the workers yet: the fast path below takes the job first when it can.
  auto enqueued = context_.enqueueCalls(std::span(&call, 1), now, false);
  if (!enqueued) {
    // Stored as queued: the sweeper puts it in line. Accepted, not lost.
    context_.logger.warn("priority call {} stored but not enqueued: {}", call.id,
                         enqueued.error().message);
    return call;
  }
  // A queue without leaseNew answers nullopt even when there is room: try to take the job back
  // at once. A worker may have claimed it first; then it is being dialed and the caller hears
  // `queued` (202), never waiting on that worker.
  auto claimed = context_.queue.claimCall(call.id, now, context_.config.leaseMs);
  context_.wakeWorkers();
  if (!claimed || !claimed->has_value()) return call;
  const api::Lease lease = *claimed.value();
  auto jobs = dials_.begin(std::span(&lease, 1));
  if (jobs.empty()) {
    auto stored = context_.store.getCall(call.id);
    return stored ? std::move(stored.value()) : call;
  }
  return dials_.dial(jobs.front());
}

}  // namespace vo::core::dispatch
