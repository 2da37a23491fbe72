// Leased jobs' way from the queue through the provider to their recorded outcome.
#include "dispatch/DialRoutine.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>

#include "dispatch/Backoff.h"
#include "dispatch/Campaigns.h"

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

// Runs a call into the provider. A provider must not throw; if one does, the request may have
// gone out, so the dial counts as maybe placed: the result to record instead, or nullopt.
template <typename ProviderCall>
std::optional<api::DialResult> unlessTheProviderThrows(ProviderCall&& call) {
  try {
    call();
    return std::nullopt;
  } catch (const std::exception& e) {
    return api::DialResult{api::DialOutcome::kAmbiguous, "", "{}",
                           std::string("the provider threw: ") + e.what()};
  } catch (...) {
    return api::DialResult{api::DialOutcome::kAmbiguous, "", "{}", "the provider threw"};
  }
}

std::string errorText(const api::DialResult& dial) {
  std::string text = dial.message.empty() ? std::string(api::toString(dial.outcome)) : dial.message;
  if (dial.httpStatus != 0) text = "HTTP " + std::to_string(dial.httpStatus) + ": " + text;
  return text;
}

}  // namespace

DialRoutine::DialRoutine(DispatchContext& context, LeaseKeeper* leases)
    : context_(context), leases_(leases) {}

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
  std::vector<const api::Lease*> notMoved;
  for (const auto& lease : leases) {
    auto found = byId.find(lease.callId);
    if (found != byId.end() && found->second.status == api::CallStatus::kSuppressed) {
      // Its number is on a do-not-call list: the store ended it instead of moving it.
      context_.metrics.of(found->second).finished(api::CallStatus::kSuppressed);
      drop(lease);
      continue;
    }
    if (found != byId.end()) {
      jobs.push_back(DialJob{lease, std::move(found->second)});
      continue;
    }
    notMoved.push_back(&lease);
  }
  const std::set<std::string> heldBack =
      notMoved.empty() || !moved ? std::set<std::string>() : holdBack(notMoved);
  for (const api::Lease* lease : notMoved) {
    if (!heldBack.contains(lease->callId)) drop(*lease);
  }
  return jobs;
}

std::set<std::string> DialRoutine::holdBack(std::span<const api::Lease* const> notMoved) {
  // Still queued although not moved: the store holds its campaign paused, and the queue did not
  // know (it lost the pause with Redis, or a pause and a resume crossed). The queue is brought in
  // step with the store, and the jobs go back in line, where the pause keeps them.
  std::vector<std::string> ids;
  for (const api::Lease* lease : notMoved) ids.push_back(lease->callId);
  std::set<std::string> heldBack;
  auto calls = context_.store.getCalls(ids);
  if (!calls) return heldBack;  // dropped; the sweeper brings the queued ones back
  std::unordered_map<std::string, std::string> heldCampaigns;  // call id -> campaign
  for (const api::Call& call : calls.value()) {
    if (call.status == api::CallStatus::kQueued && !call.campaignId.empty()) {
      heldCampaigns.emplace(call.id, call.campaignId);
    }
  }
  std::set<std::string> synced;
  for (const api::Lease* lease : notMoved) {
    auto held = heldCampaigns.find(lease->callId);
    if (held == heldCampaigns.end()) continue;
    if (synced.insert(held->second).second) {
      if (auto paused = syncCampaignQueue(context_, held->second); !paused) {
        // The job still goes back in line: the store holds it, whatever the queue does with it.
        context_.logger.warn("campaign {} not paused in the queue: {}", held->second,
                             paused.error().message);
      }
    }
    context_.inFlight.end(lease->callId);
    auto back = context_.queue.retry(lease->callId, lease->token, context_.clock.nowMs());
    if (!back) {
      context_.logger.warn(
          "call {} of held campaign {} not put back in line ({}); the sweeper will", lease->callId,
          held->second, back.error().message);
    }
    heldBack.insert(lease->callId);
  }
  return heldBack;
}

void DialRoutine::drop(const api::Lease& lease) {
  // Someone else has it, it was canceled, or the store failed: the job goes.
  context_.metrics.dropped.increment();
  context_.inFlight.end(lease.callId);
  if (auto gone = context_.queue.complete(lease.callId, lease.token, false); !gone) {
    context_.logger.warn("call {}: dropped job not completed ({}); its lease expires", lease.callId,
                         gone.error().message);
  }
}

struct DialRoutine::Recorded {
  std::vector<api::CallTransition> changes;  // one per dial, in the dials' order
  // Per dial: not placed, attempts left: back in line at its change's nextAttemptAtMs.
  std::vector<bool> retry;
};

ReadyDial DialRoutine::ready(DialJob job) {
  ReadyDial dial;
  auto route = context_.registry.route(job.call, context_.clock.nowMs());
  if (!route) {
    api::DialResult& refused = dial.refused.emplace();
    refused.outcome = route.error().code == api::ErrorCode::kNotFound
                          ? api::DialOutcome::kRejected
                          : api::DialOutcome::kNotPlaced;
    refused.message = "registry: " + route.error().message;
  } else {
    dial.request.call = job.call;
    dial.request.phoneNumberProvider = route.value()->phoneNumberProvider;
    dial.request.apiKey = route.value()->apiKey;
  }
  dial.job = std::move(job);
  return dial;
}

std::optional<api::DialResult> DialRoutine::leaseRanOut(const PlacedDial& dial) const {
  // Dispatching since beginDispatch (the call's updatedAtMs) for a whole lease: recovery may
  // have given the call up, and a cancel has stopped waiting for it. Not dialed now, so
  // certainly not placed.
  if (dial.startedMs - dial.job.call.updatedAtMs < context_.config.leaseMs) return std::nullopt;
  return api::DialResult{api::DialOutcome::kNotPlaced, "", "{}",
                         "the lease ran out before the dial began"};
}

PlacedDial DialRoutine::place(const DialJob& job) {
  ReadyDial dial = ready(job);
  PlacedDial placed{std::move(dial.job), {}, context_.clock.nowMs()};
  if (!dial.refused) dial.refused = leaseRanOut(placed);
  if (dial.refused) {
    placed.result = std::move(*dial.refused);
    return placed;
  }
  observeLatency(placed);
  if (leases_) leases_->began(placed.job.lease, placed.job.call.attempts, placed.startedMs);
  placed.result = dialGuarded(dial.request);
  if (leases_) leases_->done(placed.job.call.id);
  return placed;
}

void DialRoutine::start(ReadyDial ready, Placed placed) {
  auto dial =
      std::make_shared<PlacedDial>(PlacedDial{std::move(ready.job), {}, context_.clock.nowMs()});
  if (!ready.refused) ready.refused = leaseRanOut(*dial);
  if (ready.refused) {
    dial->result = std::move(*ready.refused);
    placed(std::move(*dial));
    return;
  }
  observeLatency(*dial);
  if (leases_) leases_->began(dial->job.lease, dial->job.call.attempts, dial->startedMs);
  // `answered` keeps a throwing provider's late answer from counting twice.
  auto answered = std::make_shared<std::atomic<bool>>(false);
  auto deliver = [this, dial, answered, placed](api::DialResult result) {
    if (answered->exchange(true)) return;
    if (leases_) leases_->done(dial->job.call.id);
    dial->result = std::move(result);
    placed(std::move(*dial));
  };
  if (auto thrown =
          unlessTheProviderThrows([&] { context_.provider.dialAsync(ready.request, deliver); })) {
    deliver(std::move(*thrown));
  }
}

void DialRoutine::observeLatency(const PlacedDial& dial) {
  const int64_t lateMs = std::max<int64_t>(0, dial.startedMs - dueAtMs(dial.job.call));
  context_.metrics.latency.observe(static_cast<double>(lateMs) / 1000.0);
}

api::DialResult DialRoutine::dialGuarded(const api::DialRequest& request) {
  api::DialResult result;
  if (auto thrown = unlessTheProviderThrows([&] { result = context_.provider.dial(request); })) {
    return std::move(*thrown);
  }
  return result;
}

api::Call DialRoutine::dial(const DialJob& job) {
  return recordOne(place(job));
}

api::Call DialRoutine::recordOne(const PlacedDial& placed) {
  const DialJob& job = placed.job;
  Recorded recorded;
  const std::vector<bool> applied = record(std::span(&placed, 1), recorded);
  if (applied.empty()) return job.call;
  return callAfter(job, recorded.changes.front(), applied.front());
}

void DialRoutine::recordAll(std::span<const PlacedDial> dials) {
  Recorded recorded;
  record(dials, recorded);
}

api::CallTransition DialRoutine::changeFor(const PlacedDial& placed, bool& retry) {
  const api::DialResult& dial = placed.result;
  const api::Call& call = placed.job.call;
  retry = false;
  api::CallTransition change;
  change.callId = call.id;
  // A slow dial may have been marked unknown by lease recovery meanwhile; what the provider
  // answered is better knowledge than that guess. Fenced: only while this is still our attempt.
  change.from = {api::CallStatus::kDispatching, api::CallStatus::kUnknown};
  change.whileAttempts = call.attempts;
  change.atMs = context_.clock.nowMs();
  change.attempt = attemptOf(call, placed.startedMs, dial);
  switch (dial.outcome) {
    case api::DialOutcome::kAccepted:
      change.to = api::CallStatus::kInitiated;
      change.providerCallId = dial.providerCallId;
      change.providerDataJson = dial.providerDataJson.empty() ? "{}" : dial.providerDataJson;
      // A webhook racing this write finds the call by the provider's id and waits for it.
      context_.inFlight.noteAccepted(call.id, dial.providerCallId);
      break;
    case api::DialOutcome::kNotPlaced: {
      change.lastError = errorText(dial);
      const int maxAttempts = call.maxAttempts > 0 ? call.maxAttempts : context_.config.maxAttempts;
      retry = call.attempts < maxAttempts;
      if (retry) {
        change.to = api::CallStatus::kQueued;
        change.nextAttemptAtMs =
            change.atMs + retryDelayMs(call.attempts, context_.config.retryBaseMs,
                                       context_.config.retryMaxMs, dial.retryAfterMs, unitRandom());
      } else {
        change.to = api::CallStatus::kFailed;
      }
      if (dial.throttleAccount) throttleAccount(call, dial.retryAfterMs, change.atMs);
      break;
    }
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
  return change;
}

void DialRoutine::throttleAccount(const api::Call& call, int64_t retryAfterMs, int64_t now) {
  auto route = context_.registry.route(call, now);
  if (!route || route.value()->pacingKeys.empty()) return;
  const int64_t pause = std::max<int64_t>(retryAfterMs, 1000);
  if (auto paused = context_.queue.throttle(route.value()->pacingKeys.back(), now + pause);
      !paused) {
    context_.logger.warn("provider account not throttled: {}", paused.error().message);
  }
}

std::vector<bool> DialRoutine::record(std::span<const PlacedDial> dials, Recorded& recorded) {
  std::vector<api::CallTransition>& changes = recorded.changes;
  changes.clear();
  changes.reserve(dials.size());
  recorded.retry.assign(dials.size(), false);
  std::vector<AgentRow*> rows;  // each dial's workspace and agent counters
  rows.reserve(dials.size());
  for (std::size_t i = 0; i < dials.size(); ++i) {
    rows.push_back(&context_.metrics.of(dials[i].job.call));
    rows.back()->dialed(dials[i].result.outcome);
    bool retry = false;
    changes.push_back(changeFor(dials[i], retry));
    recorded.retry[i] = retry;
  }
  auto moved = context_.store.transitionMany(changes);
  if (!moved) {
    // Left `dispatching` with their leases held: recovery marks them unknown; nobody redials
    // them. An accepted dial's transition (its conversation id) is kept and written once the
    // store answers again; the others are settled by reconciliation.
    std::vector<api::CallTransition> accepted;
    for (std::size_t i = 0; i < dials.size(); ++i) {
      const PlacedDial& placed = dials[i];
      const bool kept = placed.result.outcome == api::DialOutcome::kAccepted;
      if (kept) accepted.push_back(changes[i]);
      context_.logger.error("call {}: outcome {} not recorded ({}){}", placed.job.call.id,
                            api::toString(placed.result.outcome), moved.error().message,
                            kept ? "; kept until the store answers" : "");
      context_.inFlight.end(placed.job.call.id);
    }
    if (const std::size_t dropped = context_.unrecorded.keep(std::move(accepted)); dropped > 0) {
      context_.logger.error("{} unrecorded outcomes dropped (over {}); reconciliation finds them",
                            dropped, UnrecordedOutcomes::kMax);
    }
    return {};
  }
  const std::vector<bool>& applied = moved.value();
  // A ringing call keeps its pacing slots until its outcome; when its transition did not
  // apply, that outcome is already in.
  const auto ringing = [&](std::size_t i) {
    return dials[i].result.outcome == api::DialOutcome::kAccepted && applied[i];
  };
  countApplied(changes, applied, rows);
  std::vector<api::JobCompletion> completions;
  completions.reserve(dials.size());
  for (std::size_t i = 0; i < dials.size(); ++i) {
    const api::Lease& lease = dials[i].job.lease;
    if (applied[i] && recorded.retry[i]) {
      requeue(dials[i], changes[i]);
      continue;
    }
    completions.push_back(api::JobCompletion{lease.callId, lease.token, ringing(i)});
  }
  if (auto done = context_.queue.completeMany(completions); !done) {
    context_.logger.warn("{} jobs not completed ({}); their leases expire", completions.size(),
                         done.error().message);
  }
  std::vector<std::string> finishedEarly;  // ringing calls whose outcome came meanwhile
  for (std::size_t i = 0; i < dials.size(); ++i) {
    if (context_.inFlight.end(dials[i].job.call.id) && ringing(i)) {
      finishedEarly.push_back(dials[i].job.call.id);
    }
  }
  context_.releaseAfterFinal(finishedEarly);
  return applied;
}

void DialRoutine::countApplied(std::span<const api::CallTransition> changes,
                               const std::vector<bool>& applied, std::span<AgentRow* const> rows) {
  std::vector<std::pair<std::string, AgentRow*>> ringing;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (!applied[i]) continue;  // someone else moved the call: counted by whoever did
    rows[i]->finished(changes[i].to);
    if (changes[i].to == api::CallStatus::kInitiated)
      ringing.emplace_back(changes[i].callId, rows[i]);
  }
  context_.ringing.add(std::move(ringing));
}

void DialRoutine::requeue(const PlacedDial& placed, const api::CallTransition& change) {
  const api::Lease& lease = placed.job.lease;
  const int64_t dueMs = change.nextAttemptAtMs.value_or(change.atMs);
  context_.metrics.retried.increment();
  auto requeued = context_.queue.retry(lease.callId, lease.token, dueMs);
  if (requeued && requeued.value()) return;
  // The lease was taken back meanwhile: enqueue again (idempotent); the sweeper is the net.
  const api::Call after = callAfter(placed.job, change, true);
  if (auto added = context_.enqueueCalls(std::span<const api::Call>(&after, 1), change.atMs);
      !added) {
    context_.logger.warn("call {}: retry not queued ({}); the sweeper will", lease.callId,
                         added.error().message);
  }
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
