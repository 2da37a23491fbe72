#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vo/api/Call.h"
#include "vo/api/CallEvent.h"
#include "vo/api/CallEventSink.h"
#include "vo/api/Campaign.h"
#include "vo/api/Result.h"
#include "vo/core/AppConfig.h"

namespace spdlog {
class logger;
}
namespace vo::api {
class CallQueue;
class CallStore;
class VoiceProvider;
}  // namespace vo::api

namespace vo::core {

class Metrics;
class TimeSource;

// Moves calls through their life: claims due jobs, dials, applies outcomes, retries with backoff
// when the provider certainly did not place a call, marks `unknown` when it may have, recovers
// dead workers' leases, re-enqueues due calls the queue lost (sweeper), polls calls whose
// outcome never came (reconciler), and holds pacing slots until a call's final status. Every
// write about a dial is fenced by the call's attempt number; outcomes of many workers and
// webhooks reach the store in group commits.
class Dispatcher {
 public:
  // `clock` is where every time the dispatcher writes comes from (tests pass a fake one).
  Dispatcher(const DispatcherConfig& config, const PacingConfig& pacing, api::CallStore& store,
             api::CallQueue& queue, api::VoiceProvider& provider, std::string providerName,
             Metrics& metrics, spdlog::logger& logger, TimeSource& clock);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Starts the workers, the sweeper and the reconciler. The first sweep restores the queue
  // from the store, so calls accepted before a crash or a lost queue go on.
  void start();
  // Stops claiming, lets in-flight dials finish within the grace period, joins all threads.
  void stop();

  // Puts stored `queued` calls in line (after CallStore::insertCalls).
  api::Result<void> enqueue(std::span<const api::Call> calls);
  // The same without waiting for the queue: a thread of the dispatcher puts them in line, in
  // the order given, and logs a failure (the sweeper then puts them in line, as it does for
  // calls whose process died before they were). When these would make too many calls wait
  // (a large bulk, or a slow queue), the caller enqueues them itself: memory stays bounded.
  void enqueueSoon(std::vector<api::Call> calls);
  // The priority call (status `queued`, not stored yet), on the caller's thread: when its pacing
  // limits have room it is stored already `dispatching` and dialed now; otherwise stored
  // `queued`, first in line. Returns the call as it stands afterwards, after at most
  // `priorityWaitMs` for the dial's answer (then still `dispatching`; the dial goes on); an
  // error only when it could not be stored. `answer` makes the request's idempotency record
  // from the call as stored (nullopt: none), written in the call's own transaction.
  using AnswerAsStored = std::function<std::optional<api::IdempotencyRecord>(const api::Call&)>;
  api::Result<api::Call> submitPriority(api::Call call, const AnswerAsStored& answer);

  // Provider outcomes (webhooks and the sink): idempotent conditional transitions; a final
  // status releases the call's pacing slots. Returns once they are durably recorded; an error
  // when some are not (store down, or the call not known yet: the sender should retry).
  api::Result<void> applyEvents(std::span<const api::CallEvent> events);
  // The same without holding the caller's thread (a webhook answered from the event loop):
  // `done` gets what applyEvents would return, on the event batch's thread (so it must not
  // block), or on a thread of `runBlocking` when a lookup that may wait is left to do.
  using EventsApplied = std::function<void(api::Result<void>)>;
  using RunBlocking = std::function<void(std::function<void()>)>;
  void applyEventsAsync(std::vector<api::CallEvent> events, EventsApplied done,
                        RunBlocking runBlocking);
  api::CallEventSink& eventSink();

  // Campaign control: store and queue together. Answer the campaign as it stands.
  api::Result<api::Campaign> pauseCampaign(const std::string& campaignId);
  api::Result<api::Campaign> resumeCampaign(const std::string& campaignId);
  api::Result<api::Campaign> cancelCampaign(const std::string& campaignId);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vo::core
