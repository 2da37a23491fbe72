// The dispatcher's public face and the composition of its parts: the claimer hands jobs to the
// workers, the dial routine takes each from `dispatching` to its outcome, the event applier
// records provider outcomes, recovery runs beside them, all sharing one group-commit writer.
#include "vo/core/Dispatcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include "dispatch/BatchWorker.h"
#include "dispatch/Campaigns.h"
#include "dispatch/Claimer.h"
#include "dispatch/DialRoutine.h"
#include "dispatch/Dialer.h"
#include "dispatch/DispatchContext.h"
#include "dispatch/EventApplier.h"
#include "dispatch/PriorityLane.h"
#include "dispatch/Recovery.h"

namespace vo::core {

namespace {

// The most dial outcomes recorded in one write (each batch is one transaction), and how often a
// batch may start: nothing waits on a record (the dial's slot is free already, its webhook comes
// a second later), so a few milliseconds turn a record per dial or two into one per twenty at
// the c=100 ceiling, each a wake-up and a database round trip fewer (bench/RESULTS.md).
constexpr std::size_t kRecordBatch = 500;
constexpr auto kRecordSpacing = std::chrono::milliseconds(10);
// Accepted calls put in line per queue round trip by enqueueSoon's thread, and how many may
// wait for it (whole calls, in memory): a request that would take the backlog past it enqueues
// its own calls. Five bulk requests of 1,000; a 40,000-call request held for the thread cost
// 14 MB of peak RSS (bench/RESULTS.md).
constexpr std::size_t kEnqueueBatch = 1000;
constexpr std::size_t kEnqueueBacklog = 5000;

}  // namespace

class Dispatcher::Impl : public api::CallEventSink {
 public:
  Impl(const DispatcherConfig& config, const PacingConfig& pacing, api::CallStore& store,
       api::CallQueue& queue, api::VoiceProvider& provider, const std::string& providerName,
       Metrics& metrics, spdlog::logger& logger, TimeSource& clock)
      : context(config, pacing, store, queue, provider, providerName, metrics, logger, clock),
        leases(context),
        dials(context, &leases),
        recorder([this](std::vector<dispatch::PlacedDial>& batch) { dials.recordAll(batch); },
                 kRecordBatch, "vo-record", kRecordSpacing),
        claimer(context, dials),
        dialer(dials, claimer, recorder),
        events(context),
        recovery(context, events),
        campaigns(context),
        priority(context, dials, recorder),
        enqueuer([this](std::vector<api::Call>& batch) { enqueueNow(batch); }, kEnqueueBatch,
                 "vo-enqueue") {
    context.wakeWorkers = [this] { claimer.wake(); };
  }
  ~Impl() override {
    stop();
    // The parts go before the context: nothing left in it may wake the claimer any more.
    context.wakeWorkers = [] {};
  }

  void start() {
    if (started_) return;
    started_ = true;
    recovery.restore();  // before anyone claims
    claimer.start();
    dialer.start();
    leases.start();
    recovery.start();
    context.logger.info("dispatcher started: up to {} dials at once, lease {} ms",
                        std::max(1, context.config.concurrency), context.config.leaseMs);
  }

  void stop() {
    if (!started_) return;
    claimer.stop();
    recovery.stop();
    // Dials cannot be interrupted; wait for them within the grace period, then for good (each
    // dial is bounded by the provider's own timeouts).
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(context.config.shutdownGraceMs);
    while (context.inFlight.size() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (context.inFlight.size() > 0) {
      context.logger.warn("dispatcher stopping with {} dials still running",
                          context.inFlight.size());
    }
    dialer.stop();
    priority.awaitDials();  // a priority dial its request stopped waiting for is recorded too
    leases.stop();
    recorder.drain();  // every dial's outcome written before stop() returns
    enqueuer.drain();  // every accepted call in line before the queue goes
    started_ = false;
    context.logger.info("dispatcher stopped");
  }

  void enqueueNow(std::span<const api::Call> calls) {
    if (auto added = context.enqueueCalls(calls, context.clock.nowMs()); !added) {
      context.logger.warn(
          "{} stored calls (the first '{}') not put in line ({}); the sweeper "
          "will put them in line",
          calls.size(), calls.front().id, added.error().message);
    }
  }

  void publish(std::span<const api::CallEvent> pushed) override {
    if (pushed.empty()) return;
    // A pushed event has nobody to retry it: the reconciler asks the provider later.
    if (auto applied = events.apply(pushed); !applied) {
      context.logger.warn("{} pushed outcomes (the first for call '{}{}') not recorded: {}",
                          pushed.size(), pushed.front().callId, pushed.front().providerCallId,
                          applied.error().message);
    }
  }

  dispatch::DispatchContext context;
  dispatch::LeaseKeeper leases;
  dispatch::DialRoutine dials;
  // Records finished dials in batches, off the provider's answering thread.
  dispatch::BatchWorker<dispatch::PlacedDial> recorder;
  dispatch::Claimer claimer;
  dispatch::Dialer dialer;
  dispatch::EventApplier events;
  dispatch::Recovery recovery;
  dispatch::Campaigns campaigns;
  dispatch::PriorityLane priority;
  // Puts accepted calls in line off the request's thread (enqueueSoon). Last, so it is destroyed
  // first: what still waits goes in line while everything else is there.
  dispatch::BatchWorker<api::Call> enqueuer;

 private:
  bool started_ = false;  // start() and stop() come from one thread (the application's)
};

Dispatcher::Dispatcher(const DispatcherConfig& config, const PacingConfig& pacing,
                       api::CallStore& store, api::CallQueue& queue, api::VoiceProvider& provider,
                       std::string providerName, Metrics& metrics, spdlog::logger& logger,
                       TimeSource& clock)
    : impl_(std::make_unique<Impl>(config, pacing, store, queue, provider, providerName, metrics,
                                   logger, clock)) {}

Dispatcher::~Dispatcher() = default;

void Dispatcher::start() {
  impl_->start();
}

void Dispatcher::stop() {
  impl_->stop();
}

api::Result<void> Dispatcher::enqueue(std::span<const api::Call> calls) {
  auto added = impl_->context.enqueueCalls(calls, impl_->context.clock.nowMs());
  if (!added) return added.error();
  return api::Result<void>::success();
}

void Dispatcher::enqueueSoon(std::vector<api::Call> calls) {
  if (calls.empty()) return;
  if (!impl_->enqueuer.addAllWithin(calls, kEnqueueBacklog)) impl_->enqueueNow(calls);
}

api::Result<api::Call> Dispatcher::submitPriority(api::Call call, const AnswerAsStored& answer) {
  return impl_->priority.submit(std::move(call), answer);
}

api::Result<void> Dispatcher::applyEvents(std::span<const api::CallEvent> events) {
  return impl_->events.apply(events);
}

void Dispatcher::applyEventsAsync(std::vector<api::CallEvent> events, EventsApplied done,
                                  RunBlocking runBlocking) {
  impl_->events.applyAsync(std::move(events), std::move(done), std::move(runBlocking));
}

api::CallEventSink& Dispatcher::eventSink() {
  return *impl_;
}

api::Result<api::Campaign> Dispatcher::pauseCampaign(const std::string& campaignId) {
  return impl_->campaigns.pauseCampaign(campaignId);
}

api::Result<api::Campaign> Dispatcher::resumeCampaign(const std::string& campaignId) {
  return impl_->campaigns.resumeCampaign(campaignId);
}

api::Result<api::Campaign> Dispatcher::cancelCampaign(const std::string& campaignId) {
  return impl_->campaigns.cancelCampaign(campaignId);
}

}  // namespace vo::core
