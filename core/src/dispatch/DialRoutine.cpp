// Leased jobs' way from the queue through the provider to their recorded outcome.
#include "dispatch/DialRoutine.h"

#include <spdlog/spdlog.h>

#include <unordered_map>

#include "dispatch/Backoff.h"

namespace vo::core::dispatch {

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

DialRoutine::DialRoutine(DispatchContext& context) : context_(context) {}

std::vector<DialJob> DialRoutine::begin(std::span<const api::Lease> leases) {
  std::vector<std::string> ids;
  ids.reserve(leases.size());
  for (const auto& lease : leases) {
    ids.push_back(lease.callId);
    context_.inFlight.begin(lease.callId);  // from here recovery leaves the call alone
  }
  auto moved = context_.store.beginDispatch(ids, context_.clock.nowMs());
  if (!moved) {
    // Whether any call moved is not known: a moved one is left `dispatching` without a lease
    // and recovery marks it unknown; a queued one is brought back by the sweeper.
    context_.logger.warn("beginning {} dials failed: {}", ids.size(), moved.error().message);
  }
  std::unordered_map<std::string, api::Call> byId;
  if (moved) {
    for (auto& call : moved.value()) byId.emplace(call.id, std::move(call));
  }
  std::vector<DialJob> jobs;
  jobs.reserve(byId.size());
  for (const auto& lease : leases) {
    auto found = byId.find(lease.callId);
    if (found != byId.end()) {
      jobs.push_back(DialJob{lease, std::move(found->second)});
      continue;
    }
    // Someone else has it, it was canceled, or the store failed: the job goes.
    context_.metrics.dropped.increment();
    context_.inFlight.end(lease.callId);
    if (auto gone = context_.queue.complete(lease.callId, lease.token, false); !gone) {
      context_.logger.warn("call {}: dropped job not completed ({}); its lease expires",
                           lease.callId, gone.error().message);
    }
  }
  return jobs;
}

api::Call DialRoutine::dial(const DialJob& job) {
  const int64_t startedMs = context_.clock.nowMs();
  auto route = context_.registry.route(job.call, startedMs);
  if (!route) {
    api::DialResult refused;
    refused.outcome = route.error().code == api::ErrorCode::kNotFound
                          ? api::DialOutcome::kRejected
                          : api::DialOutcome::kNotPlaced;
    refused.message = "registry: " + route.error().message;
    return record(job, refused, startedMs);
  }
  api::DialRequest request;
  request.call = job.call;
  request.phoneNumberProvider = route.value()->phoneNumberProvider;
  request.apiKey = route.value()->apiKey;
  context_.metrics.latency.observe(
      static_cast<double>(std::max<int64_t>(0, startedMs - dueAtMs(request.call))) / 1000.0);
  return record(job, dialGuarded(request), startedMs);
}

api::DialResult DialRoutine::dialGuarded(const api::DialRequest& request) {
  // A provider must not throw here; if one does, the request may have gone out, so the call
  // is treated as maybe placed rather than taking the worker down.
  try {
    return context_.provider.dial(request);
  } catch (const std::exception& e) {
    return api::DialResult{api::DialOutcome::kAmbiguous, "", "{}",
                           std::string("the provider threw: ") + e.what()};
  } catch (...) {
    return api::DialResult{api::DialOutcome::kAmbiguous, "", "{}", "the provider threw"};
  }
}

api::Call DialRoutine::record(const DialJob& job, const api::DialResult& dial,
                              int64_t dialStartedMs) {
  context_.metrics.outcome(dial.outcome).increment();
  const api::Call& call = job.call;
  api::CallTransition change;
  change.callId = call.id;
  // A slow dial may have been marked unknown by lease recovery meanwhile; what the provider
  // answered is better knowledge than that guess. Fenced: only while this is still our attempt.
  change.from = {api::CallStatus::kDispatching, api::CallStatus::kUnknown};
  change.whileAttempts = call.attempts;
  change.atMs = context_.clock.nowMs();
  change.attempt = attemptOf(call, dialStartedMs, dial);
  switch (dial.outcome) {
    case api::DialOutcome::kAccepted:
      change.to = api::CallStatus::kInitiated;
      change.providerCallId = dial.providerCallId;
      change.providerDataJson = dial.providerDataJson.empty() ? "{}" : dial.providerDataJson;
      return recordAccepted(job, std::move(change));
    case api::DialOutcome::kNotPlaced:
      change.lastError = errorText(dial);
      return retryOrFail(job, dial, std::move(change));
    case api::DialOutcome::kRejected:
      change.to = api::CallStatus::kFailed;
      change.lastError = errorText(dial);
      break;
    case api::DialOutcome::kAmbiguous:
      change.to = api::CallStatus::kUnknown;
      change.lastError = errorText(dial);
      if (!dial.providerCallId.empty()) change.providerCallId = dial.providerCallId;
      context_.metrics.markedUnknown.increment();
      context_.logger.warn("call {} may have been placed ({}): unknown, not redialed", call.id,
                           change.lastError.value());
      break;
  }
  auto moved = context_.writer.apply(change);
  context_.inFlight.end(call.id);
  if (!moved) {
    // Left `dispatching` with the lease held: recovery marks it unknown; nobody redials it.
    context_.logger.error("call {}: outcome {} not recorded: {}", call.id,
                          api::toString(dial.outcome), moved.error().message);
    return call;
  }
  if (auto gone = context_.queue.complete(job.lease.callId, job.lease.token, false); !gone) {
    context_.logger.warn("call {}: job not completed ({}); its lease expires", call.id,
                         gone.error().message);
  }
  return callAfter(job, change, moved.value());
}

api::Call DialRoutine::recordAccepted(const DialJob& job, api::CallTransition change) {
  const std::string& callId = job.call.id;
  // A webhook racing this write finds the call by the provider's id and waits for it.
  context_.inFlight.noteAccepted(callId, *change.providerCallId);
  auto moved = context_.writer.apply(change);
  if (!moved) {
    // Left in `dispatching` with the lease held: recovery marks it unknown and reconciles.
    context_.logger.error("call {} accepted as {} but not recorded: {}", callId,
                          *change.providerCallId, moved.error().message);
    context_.inFlight.end(callId);
    return job.call;
  }
  const bool keepSlots = moved.value();  // not applied: its outcome is already in
  if (auto gone = context_.queue.complete(job.lease.callId, job.lease.token, keepSlots); !gone) {
    context_.logger.warn("call {}: job not completed ({}); its lease expires", callId,
                         gone.error().message);
  }
  if (context_.inFlight.end(callId) && keepSlots) context_.releaseAfterFinal(callId);
  return callAfter(job, change, moved.value());
}

api::Call DialRoutine::retryOrFail(const DialJob& job, const api::DialResult& dial,
                                   api::CallTransition change) {
  const api::Call& call = job.call;
  const int64_t now = change.atMs;
  const int maxAttempts = call.maxAttempts > 0 ? call.maxAttempts : context_.config.maxAttempts;
  const bool retry = call.attempts < maxAttempts;
  int64_t dueMs = now;
  if (retry) {
    dueMs = now + retryDelayMs(call.attempts, context_.config.retryBaseMs,
                               context_.config.retryMaxMs, dial.retryAfterMs, unitRandom());
    change.to = api::CallStatus::kQueued;
    change.nextAttemptAtMs = dueMs;
  } else {
    change.to = api::CallStatus::kFailed;
  }
  if (dial.throttleAccount) {
    if (auto route = context_.registry.route(call, now);
        route && !route.value()->pacingKeys.empty()) {
      const int64_t pause = std::max<int64_t>(dial.retryAfterMs, 1000);
      if (auto paused = context_.queue.throttle(route.value()->pacingKeys.back(), now + pause);
          !paused) {
        context_.logger.warn("provider account not throttled: {}", paused.error().message);
      }
    }
  }
  auto moved = context_.writer.apply(change);
  context_.inFlight.end(call.id);
  if (!moved) {
    context_.logger.error("call {}: not-placed outcome not recorded: {}", call.id,
                          moved.error().message);
    return call;
  }
  const api::Call after = callAfter(job, change, moved.value());
  if (!moved.value() || !retry) {
    if (auto gone = context_.queue.complete(job.lease.callId, job.lease.token, false); !gone) {
      context_.logger.warn("call {}: job not completed ({}); its lease expires", call.id,
                           gone.error().message);
    }
    return after;
  }
  context_.metrics.retried.increment();
  auto requeued = context_.queue.retry(job.lease.callId, job.lease.token, dueMs);
  if (!requeued || !requeued.value()) {
    // The lease was taken back meanwhile: enqueue again (idempotent); the sweeper is the net.
    if (auto added = context_.enqueueCalls(std::span<const api::Call>(&after, 1), now); !added) {
      context_.logger.warn("call {}: retry not queued ({}); the sweeper will", call.id,
                           added.error().message);
    }
  }
  return after;
}

api::Call DialRoutine::callAfter(const DialJob& job, const api::CallTransition& change,
                                 bool applied) {
  if (!applied) {
    // Someone else's write came first (a webhook's outcome, or recovery): ask the store.
    auto now = context_.store.getCall(job.call.id);
    return now ? std::move(now.value()) : job.call;
  }
  api::Call call = job.call;
  call.status = change.to;
  call.updatedAtMs = change.atMs;
  if (change.providerCallId) call.providerCallId = *change.providerCallId;
  if (change.providerDataJson) call.providerDataJson = *change.providerDataJson;
  if (change.lastError) call.lastError = *change.lastError;
  if (change.nextAttemptAtMs) call.nextAttemptAtMs = *change.nextAttemptAtMs;
  return call;
}

}  // namespace vo::core::dispatch
