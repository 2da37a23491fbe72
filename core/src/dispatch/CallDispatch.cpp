// One leased job's way from the queue through the provider to its recorded outcome.
#include <spdlog/spdlog.h>

#include "dispatch/Backoff.h"
#include "dispatch/DispatcherImpl.h"

namespace vo::core {

namespace {

api::CallAttempt attemptOf(const api::Call& call, int64_t startedMs, const api::DialResult& dial) {
  api::CallAttempt attempt;
  attempt.number = call.attempts;
  attempt.startedAtMs = startedMs;
  attempt.outcome = api::toString(dial.outcome);
  attempt.providerCallId = dial.providerCallId;
  if (dial.outcome != api::DialOutcome::kAccepted) attempt.error = dial.message;
  return attempt;
}

std::string errorText(const api::DialResult& dial) {
  std::string text = dial.message.empty() ? std::string(api::toString(dial.outcome)) : dial.message;
  if (dial.httpStatus != 0) text = "HTTP " + std::to_string(dial.httpStatus) + ": " + text;
  return text;
}

}  // namespace

void Dispatcher::Impl::processLease(const api::Lease& lease) {
  const int64_t claimedMs = dispatch::nowMs();
  api::CallTransition toDispatching;
  toDispatching.callId = lease.callId;
  toDispatching.from = {api::CallStatus::kQueued};
  toDispatching.to = api::CallStatus::kDispatching;
  toDispatching.atMs = claimedMs;
  toDispatching.countAttempt = true;
  auto moved = store_.transition(toDispatching);
  if (!moved || !moved.value()) {
    // Someone else has it (or it was canceled), or the store is down: the sweeper brings a
    // still-queued call back, so the job can go.
    if (!moved) logger_.warn("call {}: {}", lease.callId, moved.error().message);
    metrics_.dropped.increment();
    inFlight_.end(lease.callId);
    (void)queue_.complete(lease.callId, lease.token, false);
    return;
  }
  auto call = store_.getCall(lease.callId);
  if (!call) {
    // Left in `dispatching`: the lease expires and recovery marks it unknown. Nothing dialed.
    logger_.error("call {} vanished after being claimed: {}", lease.callId, call.error().message);
    inFlight_.end(lease.callId);
    return;
  }
  auto route = registry_.route(call.value(), claimedMs);
  if (!route) {
    api::DialResult refused;
    refused.outcome = route.error().code == api::ErrorCode::kNotFound
                          ? api::DialOutcome::kRejected
                          : api::DialOutcome::kNotPlaced;
    refused.message = "registry: " + route.error().message;
    finishDial(lease, call.value(), refused, claimedMs);
    return;
  }
  api::DialRequest request;
  request.call = std::move(call.value());
  request.phoneNumberProvider = route.value()->phoneNumberProvider;
  request.apiKey = route.value()->apiKey;
  const int64_t dialStartedMs = dispatch::nowMs();
  metrics_.latency.observe(
      static_cast<double>(std::max<int64_t>(0, dialStartedMs - dispatch::dueAtMs(request.call))) /
      1000.0);
  finishDial(lease, request.call, dialGuarded(request), dialStartedMs);
}

api::DialResult Dispatcher::Impl::dialGuarded(const api::DialRequest& request) {
  // A provider must not throw here; if one does, the request may have gone out, so the call
  // is treated as maybe placed rather than taking the worker down.
  try {
    return provider_.dial(request);
  } catch (const std::exception& e) {
    return api::DialResult{api::DialOutcome::kAmbiguous, "", "{}",
                           std::string("the provider threw: ") + e.what()};
  } catch (...) {
    return api::DialResult{api::DialOutcome::kAmbiguous, "", "{}", "the provider threw"};
  }
}

void Dispatcher::Impl::finishDial(const api::Lease& lease, const api::Call& call,
                                  const api::DialResult& dial, int64_t dialStartedMs) {
  metrics_.outcome(dial.outcome).increment();
  const int64_t now = dispatch::nowMs();
  const api::CallAttempt attempt = attemptOf(call, dialStartedMs, dial);
  api::CallTransition change;
  change.callId = call.id;
  // A slow dial may have been marked unknown by lease recovery meanwhile; what the provider
  // answered is better knowledge than that guess.
  change.from = {api::CallStatus::kDispatching, api::CallStatus::kUnknown};
  change.atMs = now;
  change.attempt = attempt;
  switch (dial.outcome) {
    case api::DialOutcome::kAccepted: {
      change.to = api::CallStatus::kInitiated;
      change.providerCallId = dial.providerCallId;
      change.providerDataJson = dial.providerDataJson.empty() ? "{}" : dial.providerDataJson;
      auto moved = store_.transition(change);
      if (!moved) {
        // Left in `dispatching` with the lease held: recovery marks it unknown and reconciles.
        logger_.error("call {} accepted as {} but not recorded: {}", call.id, dial.providerCallId,
                      moved.error().message);
        inFlight_.end(call.id);
        return;
      }
      const bool keepSlots = moved.value();  // not applied: its outcome is already in
      (void)queue_.complete(lease.callId, lease.token, keepSlots);
      if (inFlight_.end(call.id) && keepSlots) releaseAfterFinal(call.id);
      return;
    }
    case api::DialOutcome::kNotPlaced:
      retryOrFail(lease, call, dial, now, attempt);
      return;
    case api::DialOutcome::kRejected:
      change.to = api::CallStatus::kFailed;
      change.lastError = errorText(dial);
      break;
    case api::DialOutcome::kAmbiguous:
      change.to = api::CallStatus::kUnknown;
      change.lastError = errorText(dial);
      if (!dial.providerCallId.empty()) change.providerCallId = dial.providerCallId;
      metrics_.markedUnknown.increment();
      logger_.warn("call {} may have been placed ({}): unknown, not redialed", call.id,
                   change.lastError.value());
      break;
  }
  if (auto moved = store_.transition(change); !moved) {
    logger_.error("call {}: outcome {} not recorded: {}", call.id, api::toString(dial.outcome),
                  moved.error().message);
    inFlight_.end(call.id);
    return;
  }
  (void)queue_.complete(lease.callId, lease.token, false);
  inFlight_.end(call.id);
}

void Dispatcher::Impl::retryOrFail(const api::Lease& lease, const api::Call& call,
                                   const api::DialResult& dial, int64_t now,
                                   const api::CallAttempt& attempt) {
  const int maxAttempts = call.maxAttempts > 0 ? call.maxAttempts : config_.maxAttempts;
  api::CallTransition change;
  change.callId = call.id;
  change.from = {api::CallStatus::kDispatching, api::CallStatus::kUnknown};
  change.atMs = now;
  change.attempt = attempt;
  change.lastError = errorText(dial);
  const bool retry = call.attempts < maxAttempts;
  int64_t dueMs = now;
  if (retry) {
    dueMs = now + dispatch::retryDelayMs(call.attempts, config_.retryBaseMs, config_.retryMaxMs,
                                         dial.retryAfterMs, dispatch::unitRandom());
    change.to = api::CallStatus::kQueued;
    change.nextAttemptAtMs = dueMs;
  } else {
    change.to = api::CallStatus::kFailed;
  }
  if (dial.throttleAccount) {
    if (auto route = registry_.route(call, now); route && !route.value()->pacingKeys.empty()) {
      const int64_t pause = std::max<int64_t>(dial.retryAfterMs, 1000);
      (void)queue_.throttle(route.value()->pacingKeys.back(), now + pause);
    }
  }
  auto moved = store_.transition(change);
  inFlight_.end(call.id);
  if (!moved) {
    logger_.error("call {}: not-placed outcome not recorded: {}", call.id, moved.error().message);
    return;
  }
  if (!moved.value() || !retry) {
    (void)queue_.complete(lease.callId, lease.token, false);
    return;
  }
  metrics_.retried.increment();
  auto requeued = queue_.retry(lease.callId, lease.token, dueMs);
  if (!requeued || !requeued.value()) {
    // The lease was taken back meanwhile: enqueue again (idempotent); the sweeper is the net.
    api::Call again = call;
    again.nextAttemptAtMs = dueMs;
    if (auto added = enqueueCalls(std::span<const api::Call>(&again, 1), now); !added) {
      logger_.warn("call {}: retry not queued ({}); the sweeper will", call.id,
                   added.error().message);
    }
  }
}

void Dispatcher::Impl::releaseAfterFinal(const std::string& callId) {
  if (auto released = queue_.releaseSlots(callId); !released) {
    logger_.warn("call {}: pacing slots not released: {}", callId, released.error().message);
  }
  wakeWorkers();
}

}  // namespace vo::core
