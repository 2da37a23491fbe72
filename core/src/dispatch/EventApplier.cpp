// Provider outcomes applied in batches as conditional transitions.
#include "dispatch/EventApplier.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <utility>

namespace vo::core::dispatch {

namespace {

constexpr std::size_t kLookupBatch = 500;
// Three batches at once: a webhook arriving while others are in the database starts on a free
// flusher instead of waiting (transitions lock their calls in id order, so they never
// deadlock). Measured: webhook p99 43–51 ms during the c=100 drain, against 40–71 with two.
constexpr int kBatchFlushers = 3;
// How often a batch may start: a webhook waits at most this much more, and a stream of them is
// looked up and written in fewer, larger batches (bench/RESULTS.md).
constexpr auto kBatchSpacing = std::chrono::milliseconds(5);

// The calls found for `ids`, in the order of `ids` (nullopt where none was found); `key` is the
// field of a call that the ids name.
api::Result<std::vector<std::optional<api::Call>>> inOrderOf(
    api::Result<std::vector<api::Call>> found, std::span<const std::string> ids,
    std::string api::Call::*key) {
  if (!found) return found.error();
  struct Wanted {
    api::Call call;
    std::size_t timesAsked = 0;  // two outcomes of one call can share a batch
  };
  std::unordered_map<std::string, Wanted> byKey;
  for (auto& call : found.value()) {
    std::string name = call.*key;
    byKey.emplace(std::move(name), Wanted{std::move(call)});
  }
  for (const auto& id : ids) {
    if (auto wanted = byKey.find(id); wanted != byKey.end()) ++wanted->second.timesAsked;
  }
  std::vector<std::optional<api::Call>> calls;
  calls.reserve(ids.size());
  for (const auto& id : ids) {
    auto wanted = byKey.find(id);
    if (wanted == byKey.end()) {
      calls.emplace_back();
    } else if (--wanted->second.timesAsked == 0) {
      calls.emplace_back(std::move(wanted->second.call));  // its last use: no copy
    } else {
      calls.emplace_back(wanted->second.call);
    }
  }
  return calls;
}

}  // namespace

EventApplier::EventApplier(DispatchContext& context)
    : context_(context),
      batches_([this](std::span<const api::CallEvent> events) { return applyBatch(events); },
               kLookupBatch, kBatchFlushers, "vo-events", kBatchSpacing) {}

EventApplier::~EventApplier() = default;

api::Result<std::vector<std::optional<api::Call>>> EventApplier::callsByProviderId(
    std::span<const api::CallEvent> events) {
  std::vector<std::optional<api::Call>> calls(events.size());
  std::vector<std::string> providerIds;
  std::vector<std::size_t> byProviderId;  // index into events
  for (std::size_t i = 0; i < events.size(); ++i) {
    const api::CallEvent& event = events[i];
    if (event.callId.empty() && !event.providerCallId.empty()) {
      providerIds.push_back(event.providerCallId);
      byProviderId.push_back(i);
    }
  }
  if (providerIds.empty()) return calls;
  auto found = inOrderOf(context_.store.findByProviderCallIds(providerIds), providerIds,
                         &api::Call::providerCallId);
  if (!found) return found.error();
  for (std::size_t k = 0; k < byProviderId.size(); ++k)
    calls[byProviderId[k]] = std::move(found.value()[k]);
  return calls;
}

api::Result<std::vector<EventApplier::Fate>> EventApplier::applyBatch(
    std::span<const api::CallEvent> events) {
  // An outcome naming its call is written at once: the store lays its detail over the call's
  // data and sets a missing provider id itself, so there is nothing to read first. Only the
  // rare outcome known by the provider's id alone is looked up.
  auto found = callsByProviderId(events);
  if (!found) {
    context_.logger.warn("{} outcomes not applied: {}", events.size(), found.error().message);
    return found.error();
  }
  std::vector<Fate> fates(events.size(), Fate::kSettled);
  std::vector<api::CallTransition> changes;
  std::vector<std::size_t> eventOf;  // index into events, per change
  changes.reserve(events.size());
  const int64_t now = context_.clock.nowMs();
  for (std::size_t i = 0; i < events.size(); ++i) {
    const api::CallEvent& event = events[i];
    const std::string& callId =
        event.callId.empty() && found.value()[i] ? found.value()[i]->id : event.callId;
    if (callId.empty()) {
      fates[i] = event.providerCallId.empty() ? unknownCall(event, now) : Fate::kLookAgain;
    } else if (auto change = changeFor(callId, event)) {
      changes.push_back(std::move(*change));
      eventOf.push_back(i);
    }
  }
  if (changes.empty()) return fates;
  auto moved = context_.store.transitionMany(changes);
  if (!moved) {
    context_.logger.warn("{} outcomes not applied: {}", changes.size(), moved.error().message);
    return moved.error();
  }
  // A change that did not apply is moot (its call moved on) or names a call not stored here:
  // only those are read, to tell which.
  std::vector<std::string> unmoved;
  for (std::size_t k = 0; k < changes.size(); ++k) {
    if (!moved.value()[k]) unmoved.push_back(changes[k].callId);
  }
  std::vector<bool> unknown(changes.size(), false);
  if (!unmoved.empty()) {
    auto stored = inOrderOf(context_.store.getCalls(unmoved), unmoved, &api::Call::id);
    if (!stored) {
      context_.logger.warn("{} outcomes not settled: {}", unmoved.size(), stored.error().message);
      return stored.error();
    }
    for (std::size_t k = 0, u = 0; k < changes.size(); ++k) {
      if (moved.value()[k]) continue;
      if (!stored.value()[u++]) {
        unknown[k] = true;
        fates[eventOf[k]] = unknownCall(events[eventOf[k]], now);
      }
    }
  }
  countFinished(changes, moved.value());
  // Released here, by the batch's own thread: a webhook is answered once its call's slots are
  // free, without a hand-off to the release batch.
  context_.releaseNow(settle(changes, moved.value(), unknown));
  return fates;
}

api::Result<EventApplier::Fate> EventApplier::applyLate(const api::CallEvent& event) {
  // Not stored under this id yet: if the dial that got it is being recorded here, wait for that
  // record and read the call by its own id. Otherwise look once more: the record may have
  // landed since the batch's lookup.
  api::Result<api::Call> call = api::makeError(api::ErrorCode::kNotFound, "");
  if (auto inFlight = context_.inFlight.callOfProviderId(event.providerCallId)) {
    context_.inFlight.waitUntilDone(*inFlight, std::chrono::milliseconds(context_.config.leaseMs));
    call = context_.store.getCall(*inFlight);
  } else {
    call = context_.store.findByProviderCallId(event.providerCallId);
  }
  if (call) {
    applyTo(call.value(), event);
    return Fate::kSettled;
  }
  if (call.error().code != api::ErrorCode::kNotFound) return call.error();
  return unknownCall(event, context_.clock.nowMs());
}

EventApplier::Fate EventApplier::unknownCall(const api::CallEvent& event, int64_t now) {
  context_.metrics.eventsForUnknownCalls.increment();
  // A recent outcome may belong to a dial another process has not recorded yet (a record lands
  // within a lease, or recovery settles the call with the provider): it should come again. An
  // old one, or one without a time, is not ours: acknowledged and ignored.
  const bool mayBeRecordedSoon = event.atMs > 0 && now - event.atMs < context_.config.leaseMs;
  context_.logger.info("outcome for a call not known{} (call id '{}', provider id '{}')",
                       mayBeRecordedSoon ? " yet" : ": ignored", event.callId,
                       event.providerCallId);
  return mayBeRecordedSoon ? Fate::kNotKnownYet : Fate::kSettled;
}

api::Result<void> EventApplier::apply(std::span<const api::CallEvent> events) {
  auto fates = batches_.submit({events.begin(), events.end()});
  if (!fates) return fates.error();
  return finish(events, std::move(fates.value()));
}

void EventApplier::applyAsync(std::vector<api::CallEvent> events, Applied done,
                              RunBlocking runBlocking) {
  batches_.submitAsync(
      std::move(events),
      [this, done = std::move(done), runBlocking = std::move(runBlocking)](
          std::span<const api::CallEvent> applied, api::Result<std::vector<Fate>> fates) {
        if (!fates) return done(fates.error());
        const bool lookAgain =
            std::find(fates->begin(), fates->end(), Fate::kLookAgain) != fates->end();
        if (!lookAgain) return done(finish(applied, std::move(fates.value())));
        // A late lookup may wait for a dial being recorded: never on the batch's thread.
        runBlocking([this, done, events = std::vector(applied.begin(), applied.end()),
                     fates = std::move(fates.value())]() mutable {
          done(finish(events, std::move(fates)));
        });
      });
}

api::Result<void> EventApplier::finish(std::span<const api::CallEvent> events,
                                       std::vector<Fate> fates) {
  std::size_t notYetKnown = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    Fate fate = fates[i];
    if (fate == Fate::kLookAgain) {
      auto late = applyLate(events[i]);
      if (!late) {
        context_.logger.warn("outcome for provider id '{}' not applied: {}",
                             events[i].providerCallId, late.error().message);
        return late.error();
      }
      fate = late.value();
    }
    if (fate == Fate::kNotKnownYet) ++notYetKnown;
  }
  if (notYetKnown > 0) {
    return api::makeError(api::ErrorCode::kNotFound,
                          std::to_string(notYetKnown) + " outcomes for calls not known yet");
  }
  return api::Result<void>::success();
}

bool EventApplier::applyTo(const api::Call& call, const api::CallEvent& event) {
  auto change = changeFor(call.id, event);
  if (!change) return false;
  auto moved = context_.store.transitionMany(std::span(&*change, 1));
  if (!moved) {
    context_.logger.warn("outcome {} for call {} not applied: {}", api::toString(event.status),
                         call.id, moved.error().message);
    return false;
  }
  context_.releaseAfterFinal(settle(std::span(&*change, 1), moved.value(), {false}));
  if (moved->front() && AgentRow::counts(change->to)) {
    context_.ringing.take(std::span(&call.id, 1));  // counted here, not again
    context_.metrics.of(call).finished(change->to);
  }
  return moved->front();
}

std::optional<api::CallTransition> EventApplier::changeFor(const std::string& callId,
                                                           const api::CallEvent& event) {
  api::CallTransition change;
  change.callId = callId;
  change.to = event.status;
  change.atMs = context_.clock.nowMs();
  // The outcome may beat the dial's own record: the store keeps a provider id already there.
  if (!event.providerCallId.empty()) change.providerCallIdIfNone = event.providerCallId;
  if (event.status == api::CallStatus::kInitiated) {
    change.from = {api::CallStatus::kDispatching, api::CallStatus::kUnknown};
  } else if (api::isFinal(event.status)) {
    change.from = {api::CallStatus::kDispatching, api::CallStatus::kInitiated};
    if (event.status != api::CallStatus::kUnknown) change.from.push_back(api::CallStatus::kUnknown);
    change.durationSecs = event.durationSecs;
    if (!event.endReason.empty()) change.endReason = event.endReason;
    if (!event.detailJson.empty() && event.detailJson != "{}") {
      change.providerDetailJson = event.detailJson;
    }
  } else {
    context_.metrics.eventsIgnored.increment();
    return std::nullopt;  // queued/dispatching are ours to set, never a provider's
  }
  return change;
}

void EventApplier::countFinished(std::span<const api::CallTransition> changes,
                                 const std::vector<bool>& moved) {
  std::vector<std::string> ended;
  std::vector<api::CallStatus> statuses;
  for (std::size_t k = 0; k < changes.size(); ++k) {
    if (!moved[k] || !AgentRow::counts(changes[k].to)) continue;
    ended.push_back(changes[k].callId);
    statuses.push_back(changes[k].to);
  }
  if (ended.empty()) return;
  std::vector<AgentRow*> rows = context_.ringing.take(ended);
  std::vector<std::string> unread;  // not dialed here: whose they are is read
  for (std::size_t i = 0; i < ended.size(); ++i) {
    if (!rows[i]) unread.push_back(ended[i]);
  }
  if (!unread.empty()) {
    auto calls = inOrderOf(context_.store.getCalls(unread), unread, &api::Call::id);
    if (!calls) {
      context_.logger.warn("{} ended calls counted as workspace \"other\": {}", unread.size(),
                           calls.error().message);
    }
    for (std::size_t i = 0, u = 0; i < ended.size(); ++i) {
      if (rows[i]) continue;
      const std::optional<api::Call>* call = calls ? &calls.value()[u] : nullptr;
      ++u;
      rows[i] = call && *call ? &context_.metrics.of(**call) : &context_.metrics.perAgent.other();
    }
  }
  for (std::size_t i = 0; i < ended.size(); ++i) rows[i]->finished(statuses[i]);
}

std::vector<std::string> EventApplier::settle(std::span<const api::CallTransition> changes,
                                              const std::vector<bool>& moved,
                                              const std::vector<bool>& unknown) {
  std::vector<std::string> finals;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (!moved[i]) {
      if (!unknown[i]) context_.metrics.eventsIgnored.increment();  // counted as unknown
      continue;
    }
    context_.metrics.eventsApplied.increment();
    if (api::isFinal(changes[i].to)) {
      context_.inFlight.noteFinal(changes[i].callId);
      finals.push_back(changes[i].callId);
    }
  }
  return finals;
}

}  // namespace vo::core::dispatch
