#include "dispatch/PriorityLane.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

namespace vo::core::dispatch {

struct PriorityLane::Waiting {
  std::mutex mutex;
  std::condition_variable answered;
  std::optional<PlacedDial> placed;
  bool abandoned = false;  // the request answered without it: the recorder takes it
};

PriorityLane::PriorityLane(DispatchContext& context, DialRoutine& dials,
                           BatchWorker<PlacedDial>& recorder)
    : context_(context), dials_(dials), recorder_(recorder) {}

api::Result<api::Call> PriorityLane::submit(api::Call call, const AnswerAsStored& answer) {
  const int64_t now = context_.clock.nowMs();
  auto job = context_.registry.jobFor(call, now);
  if (!job)
    return queueIt(std::move(call), now, answer);  // the queue path reports the registry's word
  // The job is leased without ever being claimable by others, so no worker can race us to it.
  auto lease = context_.queue.leaseNew(job.value(), now, context_.config.leaseMs);
  if (!lease) {
    context_.logger.warn("priority call {}: no fast lease ({}); queued", call.id,
                         lease.error().message);
    return queueIt(std::move(call), now, answer);
  }
  if (!lease->has_value()) return queueIt(std::move(call), now, answer);
  return dialLeased(std::move(call), *lease.value(), now, answer);
}

api::Result<void> PriorityLane::store(const api::Call& call, const AnswerAsStored& answer) {
  const std::optional<api::IdempotencyRecord> record = answer(call);
  return context_.store.insertCalls(std::span(&call, 1), record ? &*record : nullptr);
}

bool PriorityLane::storedAfterAll(const api::Call& call, const api::Error& error) {
  // A commit can succeed although the connection broke before its answer: then the call exists
  // and must go on (dialed once, as accepted), not be left `dispatching` with nobody dialing.
  // Only a failure of the store itself is ambiguous; a refusal (a conflict, a missing parent)
  // wrote nothing.
  if (error.code != api::ErrorCode::kUnavailable && error.code != api::ErrorCode::kInternal) {
    return false;
  }
  auto stored = context_.store.getCall(call.id);
  if (!stored) return false;
  context_.logger.warn("priority call {}: its write reported a failure but was committed", call.id);
  return true;
}

api::Result<api::Call> PriorityLane::dialLeased(api::Call call, const api::Lease& lease,
                                                int64_t now, const AnswerAsStored& answer) {
  call.status = api::CallStatus::kDispatching;
  call.attempts = 1;
  call.updatedAtMs = now;
  // In flight before it exists: recovery must not take the lease back during the dial. A crash
  // before the insert leaves a lease without a call, which lease recovery drops.
  context_.inFlight.begin(call.id);
  if (auto inserted = store(call, answer); !inserted && !storedAfterAll(call, inserted.error())) {
    context_.inFlight.end(call.id);
    if (auto gone = context_.queue.complete(lease.callId, lease.token, false); !gone) {
      context_.logger.warn("priority call {}: lease not given back ({}); it expires", call.id,
                           gone.error().message);
    }
    return inserted.error();
  }
  return dialWithin(DialJob{lease, std::move(call)});
}

api::Result<api::Call> PriorityLane::queueIt(api::Call call, int64_t now,
                                             const AnswerAsStored& answer) {
  if (auto inserted = store(call, answer); !inserted && !storedAfterAll(call, inserted.error())) {
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
  return dialWithin(std::move(jobs.front()));
}

api::Call PriorityLane::dialWithin(DialJob job) {
  api::Call asDispatching = job.call;
  auto waiting = std::make_shared<Waiting>();
  {
    std::lock_guard lock(mutex_);
    ++dialing_;
  }
  // The lane outlives every dial it starts: the dispatcher's stop awaits them (awaitDials).
  dials_.start(dials_.ready(std::move(job)), [this, waiting](PlacedDial placed) {
    {
      std::unique_lock lock(waiting->mutex);
      if (!waiting->abandoned) {
        waiting->placed = std::move(placed);
        lock.unlock();
        waiting->answered.notify_one();
        dialEnded();
        return;
      }
    }
    recorder_.add(std::move(placed));
    dialEnded();
  });
  std::unique_lock lock(waiting->mutex);
  const bool answered =
      waiting->answered.wait_for(lock, std::chrono::milliseconds(context_.config.priorityWaitMs),
                                 [&] { return waiting->placed.has_value(); });
  if (!answered) {
    waiting->abandoned = true;
    context_.logger.info("priority call {}: no dial answer within {} ms; answered 202",
                         asDispatching.id, context_.config.priorityWaitMs);
    return asDispatching;
  }
  PlacedDial placed = std::move(*waiting->placed);
  lock.unlock();
  return dials_.recordOne(placed);
}

void PriorityLane::dialEnded() {
  std::lock_guard lock(mutex_);
  if (--dialing_ == 0) allAnswered_.notify_all();
}

void PriorityLane::awaitDials() {
  std::unique_lock lock(mutex_);
  allAnswered_.wait(lock, [&] { return dialing_ == 0; });
}

}  // namespace vo::core::dispatch
