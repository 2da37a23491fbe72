// Nothing lost, nobody called twice: leases of dead workers, calls left in `dispatching`, calls
// whose outcome never came, and queued calls the queue lost.
#include "dispatch/Recovery.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <limits>

#include "dispatch/Campaigns.h"
#include "support/ThreadName.h"

namespace vo::core::dispatch {

namespace {

constexpr int kPageSize = 500;
// Pages of stale dispatching calls expired per lease check.
constexpr int kStaleDispatchingPages = 20;
// The regular sweep's share of a backlog per pass: each page is re-offered to the queue, which
// has nearly all of them, so a large backlog swept 20 pages a pass every 5 s cost the queue 2,000
// needless enqueues a second. A whole backlog is still covered, page by page, and a call the
// queue lost waits in line anyway until the calls before it are dialed.
constexpr int kRegularSweepPages = 2;
constexpr int kRecoverBatch = 1000;
// The margin around a dial's times when the provider is asked for it: the provider's clock and
// ours may differ, and its start time is when it began the call.
constexpr int64_t kLookupClockMarginMs = 60 * 1000;
// The sweeper leaves recently changed calls alone: they are being enqueued or retried right now.
constexpr int64_t kSweepMinAgeMs = 3000;
// Pages of pacing slot holders checked per sweep.
constexpr int kSlotHolderPages = 4;
// An `unknown` call may still be ringing (the provider could not tell): its slots are kept this
// long after it became unknown, then given back.
constexpr int64_t kUnknownKeepsSlotsMs = 15 * 60 * 1000;

// Whether the call's dial is over for pacing: final, or `unknown` for longer than the keep.
bool slotsAreOver(const api::Call& call, int64_t now) {
  return call.status == api::CallStatus::kUnknown ? now - call.updatedAtMs >= kUnknownKeepsSlotsMs
                                                  : api::isFinal(call.status);
}
// Idempotency records past their TTL are purged this often, a bounded number per pass.
constexpr int64_t kAnswerPurgeEveryMs = 60 * 1000;
constexpr int kAnswerPurgePage = 1000;
constexpr int kAnswerPurgePages = 50;

std::chrono::milliseconds every(int64_t ms) {
  return std::chrono::milliseconds(std::max<int64_t>(ms, 10));
}

}  // namespace

Recovery::Recovery(DispatchContext& context, EventApplier& events)
    : context_(context), events_(events) {}

Recovery::~Recovery() {
  stop();
}

void Recovery::restore() {
  const int64_t now = context_.clock.nowMs();
  rebuildLostQueue(now);  // notes the generation the rebuild below starts from
  reapplyPausedCampaigns();
  expireStaleDispatching(now);
  sweep(now, true);
  // The provider is asked about unknown calls by the reconcile thread's first pass, at start.
}

void Recovery::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    nameThisThread("vo-recovery");
    loop();
  });
  // Provider lookups on a thread of their own: 200 slow ones never hold up lease recovery, the
  // stale-dispatching scan or the sweeper.
  reconcileThread_ = std::thread([this] {
    nameThisThread("vo-reconcile");
    reconcileLoop();
  });
}

void Recovery::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (reconcileThread_.joinable()) reconcileThread_.join();
}

void Recovery::loop() {
  using Clock = std::chrono::steady_clock;
  const auto& config = context_.config;
  const auto leaseEvery = every(std::clamp<int64_t>(config.leaseMs / 4, 50, 1000));
  auto nextLeaseCheck = Clock::now() + leaseEvery;
  auto nextSweep = Clock::now() + every(config.sweepIntervalMs);
  auto nextAnswerPurge = Clock::now();
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto wakeAt = std::min(nextLeaseCheck, nextSweep);
    wake_.wait_until(lock, wakeAt, [&] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    const auto now = Clock::now();
    const int64_t wallNow = context_.clock.nowMs();
    if (now >= nextLeaseCheck) {
      recordUnrecorded();
      rebuildLostQueue(wallNow);
      recoverLeases(wallNow);
      expireStaleDispatching(wallNow);
      nextLeaseCheck = now + leaseEvery;
    }
    if (now >= nextSweep) {
      sweep(wallNow, false);
      releaseLeakedSlots(wallNow);
      nextSweep = now + every(config.sweepIntervalMs);
    }
    if (now >= nextAnswerPurge) {
      purgeExpiredAnswers(wallNow);
      nextAnswerPurge = now + every(kAnswerPurgeEveryMs);
    }
    lock.lock();
  }
}

void Recovery::recordUnrecorded() {
  std::vector<api::CallTransition> changes = context_.unrecorded.takeAll();
  if (changes.empty()) return;
  auto moved = context_.store.transitionMany(changes);
  if (!moved) {
    context_.unrecorded.keep(std::move(changes));  // the store is still down: next pass
    return;
  }
  int64_t applied = 0;
  for (bool one : moved.value()) applied += one ? 1 : 0;
  context_.logger.info("{} accepted dials recorded once the store answered ({} had moved on)",
                       applied, static_cast<int64_t>(changes.size()) - applied);
}

void Recovery::purgeExpiredAnswers(int64_t now) {
  const int64_t before = now - context_.config.idempotencyTtlMs;
  int64_t purged = 0;
  for (int page = 0; page < kAnswerPurgePages; ++page) {
    auto deleted = context_.store.purgeIdempotency(before, kAnswerPurgePage);
    if (!deleted) {
      context_.logger.warn("idempotency records not purged ({}); next pass retries",
                           deleted.error().message);
      break;
    }
    purged += deleted.value();
    if (deleted.value() < kAnswerPurgePage) break;
  }
  if (purged > 0) context_.logger.info("purged {} idempotency records past their TTL", purged);
}

bool Recovery::stopRequested() {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void Recovery::reconcileLoop() {
  const auto interval = every(context_.config.reconcileIntervalMs);
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    const int64_t wallNow = context_.clock.nowMs();
    reconcileUnknown(wallNow, 200);
    reconcileInitiated(wallNow, 200);
    lock.lock();
    wake_.wait_for(lock, interval, [&] { return stopping_; });
  }
}

void Recovery::recoverLeases(int64_t now) {
  auto expired = context_.queue.recoverExpired(now, kRecoverBatch);
  if (!expired) {
    context_.logger.warn("lease recovery failed: {}", expired.error().message);
    return;
  }
  for (const auto& callId : expired.value()) {
    context_.metrics.leasesRecovered.increment();
    if (context_.inFlight.contains(callId)) continue;  // a slow dial here: its own outcome decides
    auto call = context_.store.getCall(callId);
    if (!call) {
      // kNotFound: a priority call leased before it was written, by a process that died before
      // writing it. Nobody was dialed; the lease just goes (recoverExpired removed it). Any
      // other error: the call is still in the store and the sweeper or the scan below finds it.
      if (call.error().code != api::ErrorCode::kNotFound) {
        context_.logger.warn("call {} of a recovered lease not read: {}", callId,
                             call.error().message);
      }
      continue;
    }
    if (call->status == api::CallStatus::kQueued) {
      if (auto added = context_.enqueueCalls(std::span<const api::Call>(&call.value(), 1), now);
          !added) {
        context_.logger.warn("call {} not put back in line ({}); the sweeper will", callId,
                             added.error().message);
      }
    } else if (call->status == api::CallStatus::kDispatching) {
      expireDispatching(call.value(), now);
    }
  }
}

void Recovery::expireStaleDispatching(int64_t now) {
  api::CallScan scan;
  scan.statuses = {api::CallStatus::kDispatching};
  scan.updatedBeforeMs = now - context_.config.leaseMs;
  scan.limit = kPageSize;
  for (int page = 0; page < kStaleDispatchingPages; ++page) {
    auto calls = context_.store.scanCalls(scan);
    if (!calls) {
      context_.logger.warn("scan of dispatching calls failed: {}", calls.error().message);
      return;
    }
    for (const auto& call : calls.value()) expireDispatching(call, now);
    if (static_cast<int>(calls->size()) < scan.limit) return;
    scan.afterId = calls->back().id;
  }
}

void Recovery::expireDispatching(const api::Call& call, int64_t now) {
  if (context_.inFlight.contains(call.id)) return;
  api::CallTransition change;
  change.callId = call.id;
  change.from = {api::CallStatus::kDispatching};
  change.to = api::CallStatus::kUnknown;
  change.atMs = now;
  change.lastError = "dispatch interrupted: the worker's lease expired before an answer";
  change.whileAttempts = call.attempts;  // not if a newer attempt began meanwhile
  auto moved = context_.store.transition(change);
  if (!moved || !moved.value()) return;
  context_.metrics.markedUnknown.increment();
  context_.logger.warn("call {} left dispatching by a dead worker: unknown, asking the provider",
                       call.id);
  if (auto released = context_.queue.releaseSlots(call.id); !released) {
    context_.logger.warn("call {}: pacing slots not released: {}", call.id,
                         released.error().message);
  }
  // The reconcile thread asks the provider about it: never this thread, which must not wait on
  // lookups.
}

api::LookupRequest Recovery::lookupRequestFor(const api::Call& call) {
  api::LookupRequest request;
  request.call = call;
  if (auto route = context_.registry.route(call, context_.clock.nowMs()); route) {
    request.apiKey = route.value()->apiKey;
  }
  // A call known by its provider id is asked about by it: no window, no read of its attempts.
  if (!call.providerCallId.empty()) return request;
  // The last dial began after its attempt's start (or the call's creation) and before the call
  // became what it is now.
  int64_t dialedAfterMs = call.createdAtMs;
  if (auto attempts = context_.store.getAttempts(call.id); attempts && !attempts->empty()) {
    dialedAfterMs = std::max(dialedAfterMs, attempts->back().startedAtMs);
  }
  request.dialedAfterMs = dialedAfterMs - kLookupClockMarginMs;
  request.dialedBeforeMs = call.updatedAtMs + kLookupClockMarginMs;
  return request;
}

void Recovery::reconcileOne(const api::Call& call) {
  if (context_.inFlight.contains(call.id)) return;
  const api::LookupResult found = context_.provider.lookup(lookupRequestFor(call));
  const int64_t now = context_.clock.nowMs();
  api::CallTransition change;
  change.callId = call.id;
  change.from = {call.status};
  change.whileAttempts = call.attempts;
  change.atMs = now;
  switch (found.outcome) {
    case api::LookupOutcome::kFinal: {
      api::CallEvent event = found.event;
      if (event.callId.empty()) event.callId = call.id;
      if (events_.applyTo(call, event)) context_.metrics.reconciled.increment();
      return;
    }
    case api::LookupOutcome::kInProgress:
      if (call.status != api::CallStatus::kUnknown) return;
      change.to = api::CallStatus::kInitiated;
      if (!found.event.providerCallId.empty()) change.providerCallId = found.event.providerCallId;
      break;
    case api::LookupOutcome::kNotPlaced:
      // Only safe because the provider says it never dialed; an initiated call is left alone.
      if (call.status != api::CallStatus::kUnknown) return;
      // Too early to believe it: the lost dial may not have reached the provider yet, or the
      // provider may not list it yet. After the settle window a later pass asks again.
      if (now - call.updatedAtMs < context_.config.settleWindowMs) return;
      change.to = api::CallStatus::kQueued;
      change.nextAttemptAtMs = now;
      break;
    case api::LookupOutcome::kUnsupported:
    case api::LookupOutcome::kUnavailable:
      return;  // stays as it is: an operator decides, or the next pass asks again
  }
  auto moved = context_.store.transition(change);
  if (!moved || !moved.value()) return;
  context_.metrics.reconciled.increment();
  context_.logger.info("call {} reconciled with the provider: {}", call.id,
                       api::toString(change.to));
  if (change.to == api::CallStatus::kQueued) {
    api::Call requeued = call;
    requeued.status = api::CallStatus::kQueued;
    requeued.nextAttemptAtMs = now;
    if (auto added = context_.enqueueCalls(std::span<const api::Call>(&requeued, 1), now); !added) {
      context_.logger.warn("call {} not put back in line ({}); the sweeper will", call.id,
                           added.error().message);
    }
  }
}

namespace {

// Pages through calls of one status, resuming at `cursor` across passes (wrapping at the end),
// so each pass does bounded work however many calls there are.
template <typename Visit>
void scanPages(api::CallStore& store, api::CallScan scan, std::string& cursor, int maxPages,
               spdlog::logger& logger, Visit&& visit) {
  for (int page = 0; page < maxPages; ++page) {
    scan.afterId = cursor;
    auto calls = store.scanCalls(scan);
    if (!calls) {
      logger.warn("scan of {} calls failed: {}", api::toString(scan.statuses.front()),
                  calls.error().message);
      return;
    }
    if (!visit(calls.value())) {
      if (!calls->empty()) cursor = calls->back().id;
      return;
    }
    if (static_cast<int>(calls->size()) < scan.limit) {
      cursor.clear();
      return;
    }
    cursor = calls->back().id;
  }
}

}  // namespace

void Recovery::reconcileUnknown(int64_t now, int maxLookups) {
  api::CallScan scan;
  scan.statuses = {api::CallStatus::kUnknown};
  scan.updatedBeforeMs = now;
  scan.limit = maxLookups;
  scanPages(context_.store, scan, unknownCursor_, 1, context_.logger,
            [&](const std::vector<api::Call>& calls) {
              for (const auto& call : calls) {
                if (stopRequested()) return false;  // a stop never waits for a pass of lookups
                reconcileOne(call);
              }
              return true;
            });
}

void Recovery::reconcileInitiated(int64_t now, int maxLookups) {
  api::CallScan scan;
  scan.statuses = {api::CallStatus::kInitiated};
  scan.updatedBeforeMs = now - context_.config.reconcileAfterMs;
  scan.limit = maxLookups;
  scanPages(context_.store, scan, initiatedCursor_, 1, context_.logger,
            [&](const std::vector<api::Call>& calls) {
              for (const auto& call : calls) {
                if (stopRequested()) return false;  // a stop never waits for a pass of lookups
                reconcileOne(call);
              }
              return true;
            });
}

void Recovery::sweep(int64_t now, bool fullPass) {
  api::CallScan scan;
  scan.statuses = {api::CallStatus::kQueued};
  scan.dueAtOrBeforeMs = now;
  if (!fullPass) scan.updatedBeforeMs = now - kSweepMinAgeMs;
  scan.limit = kPageSize;
  std::string fullCursor;
  std::string& cursor = fullPass ? fullCursor : sweepCursor_;
  const int pages = fullPass ? std::numeric_limits<int>::max() : kRegularSweepPages;
  scanPages(context_.store, scan, cursor, pages, context_.logger,
            [&](const std::vector<api::Call>& calls) {
              auto added = context_.enqueueCalls(calls, now);
              if (!added) {
                context_.logger.warn("sweeper could not enqueue: {}", added.error().message);
                return false;
              }
              if (added.value() > 0) {
                context_.metrics.swept.increment(static_cast<uint64_t>(added.value()));
                context_.logger.info("sweeper put {} queued calls back in line", added.value());
              }
              return true;
            });
}

void Recovery::releaseLeakedSlots(int64_t now) {
  // A call's final outcome gives its pacing slots back; if the queue could not be told then
  // (it was down), they would stay held and block their keys (a number limited to one call) for
  // good. Each pass checks a few pages of the holders against the store.
  for (int page = 0; page < kSlotHolderPages; ++page) {
    auto holders = context_.queue.slotHolders(slotHoldersCursor_, kPageSize);
    if (!holders) {
      context_.logger.warn("pacing slot holders not listed: {}", holders.error().message);
      return;
    }
    slotHoldersCursor_ = holders->cursor;
    std::vector<std::string> ids;
    for (const std::string& id : holders->callIds) {
      if (!context_.inFlight.contains(id)) ids.push_back(id);  // its own outcome decides
    }
    auto calls = context_.store.getCalls(ids);
    if (!calls) {
      context_.logger.warn("calls holding pacing slots not read: {}", calls.error().message);
      return;
    }
    std::vector<std::string> ended;
    for (const api::Call& call : calls.value()) {
      if (slotsAreOver(call, now)) ended.push_back(call.id);
    }
    if (!ended.empty()) {
      if (auto released = context_.queue.releaseSlotsMany(ended); !released) {
        context_.logger.warn("pacing slots of {} ended calls not released: {}", ended.size(),
                             released.error().message);
        return;
      }
      context_.logger.warn(
          "released the pacing slots of {} calls that had ended (the queue "
          "missed their outcome)",
          ended.size());
    }
    if (slotHoldersCursor_.empty()) return;
  }
}

void Recovery::rebuildLostQueue(int64_t now) {
  auto generation = context_.queue.generation();
  if (!generation) return;  // the queue is down: asked again at the next check
  if (generation.value() == queueGeneration_) return;
  const bool lost = !queueGeneration_.empty();
  queueGeneration_ = generation.value();
  if (!lost) return;
  context_.logger.warn(
      "the queue lost its state (a new generation): rebuilding it from the store now (pacing "
      "limits, paused campaigns, every queued call)");
  context_.registry.forgetAll();  // each key's limits are pushed again with its next job
  holdSlotsOfCallsInFlight(now);
  reapplyPausedCampaigns();
  sweep(now, true);
}

void Recovery::holdSlotsOfCallsInFlight(int64_t now) {
  // Without them a number limited to N concurrent calls, with N ringing, would get N more at
  // once. Every instance does this on the loss; a call already holding slots is left alone.
  api::CallScan scan;
  scan.statuses = {api::CallStatus::kDispatching, api::CallStatus::kInitiated,
                   api::CallStatus::kUnknown};
  scan.limit = kPageSize;
  std::string cursor;
  int64_t held = 0;
  scanPages(context_.store, scan, cursor, std::numeric_limits<int>::max(), context_.logger,
            [&](const std::vector<api::Call>& calls) {
              std::vector<api::QueueJob> jobs;
              for (const api::Call& call : calls) {
                if (slotsAreOver(call, now)) continue;  // given back (releaseLeakedSlots)
                // The job's keys, their limits pushed first; a call whose workspace or number
                // is gone has nothing left to limit.
                if (auto job = context_.registry.jobFor(call, now)) {
                  jobs.push_back(std::move(job.value()));
                }
              }
              if (auto done = context_.queue.holdSlots(jobs); !done) {
                context_.logger.warn("pacing slots of calls in flight not held again: {}",
                                     done.error().message);
                return false;
              }
              held += static_cast<int64_t>(jobs.size());
              return true;
            });
  context_.logger.warn("held the pacing slots of {} calls dialing or ringing again", held);
}

void Recovery::reapplyPausedCampaigns() {
  auto workspaces = context_.store.listWorkspaces();
  if (!workspaces) {
    context_.logger.warn("paused campaigns not re-applied: {}", workspaces.error().message);
    return;
  }
  for (const auto& workspace : workspaces.value()) {
    auto campaigns = context_.store.listCampaigns(workspace.id);
    if (!campaigns) continue;
    for (const auto& campaign : campaigns.value()) {
      if (campaign.status == api::CampaignStatus::kPaused) {
        if (auto paused = syncCampaignQueue(context_, campaign.id); !paused) {
          context_.logger.warn("campaign {} not paused in the queue: {}", campaign.id,
                               paused.error().message);
        }
      }
    }
  }
}

}  // namespace vo::core::dispatch
