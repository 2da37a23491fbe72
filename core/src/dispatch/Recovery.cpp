// Nothing lost, nobody called twice: leases of dead workers, calls left in `dispatching`, calls
// whose outcome never came, and queued calls the queue lost.
#include <spdlog/spdlog.h>

#include <limits>

#include "dispatch/DispatcherImpl.h"

namespace vo::core {

namespace {

constexpr int kPageSize = 500;
constexpr int kSweepPagesPerPass = 20;
constexpr int kRecoverBatch = 1000;
// The sweeper leaves recently changed calls alone: they are being enqueued or retried right now.
constexpr int64_t kSweepMinAgeMs = 3000;

}  // namespace

void Dispatcher::Impl::recoverLeases(int64_t now) {
  auto expired = queue_.recoverExpired(now, kRecoverBatch);
  if (!expired) {
    logger_.warn("lease recovery failed: {}", expired.error().message);
    return;
  }
  for (const auto& callId : expired.value()) {
    metrics_.leasesRecovered.increment();
    if (inFlight_.contains(callId)) continue;  // a slow dial here: its own outcome decides
    auto call = store_.getCall(callId);
    if (!call) continue;
    if (call->status == api::CallStatus::kQueued) {
      (void)enqueueCalls(std::span<const api::Call>(&call.value(), 1), now);
    } else if (call->status == api::CallStatus::kDispatching) {
      expireDispatching(std::move(call.value()), now);
    }
  }
}

void Dispatcher::Impl::expireStaleDispatching(int64_t now) {
  api::CallScan scan;
  scan.statuses = {api::CallStatus::kDispatching};
  scan.updatedBeforeMs = now - config_.leaseMs;
  scan.limit = kPageSize;
  for (int page = 0; page < kSweepPagesPerPass; ++page) {
    auto calls = store_.scanCalls(scan);
    if (!calls) {
      logger_.warn("scan of dispatching calls failed: {}", calls.error().message);
      return;
    }
    for (auto& call : calls.value()) expireDispatching(std::move(call), now);
    if (static_cast<int>(calls->size()) < scan.limit) return;
    scan.afterId = calls->back().id;
  }
}

void Dispatcher::Impl::expireDispatching(api::Call call, int64_t now) {
  if (inFlight_.contains(call.id)) return;
  api::CallTransition change;
  change.callId = call.id;
  change.from = {api::CallStatus::kDispatching};
  change.to = api::CallStatus::kUnknown;
  change.atMs = now;
  change.lastError = "dispatch interrupted: the worker's lease expired before an answer";
  auto moved = store_.transition(change);
  if (!moved || !moved.value()) return;
  metrics_.markedUnknown.increment();
  logger_.warn("call {} left dispatching by a dead worker: unknown, asking the provider", call.id);
  call.status = api::CallStatus::kUnknown;
  (void)queue_.releaseSlots(call.id);
  reconcileOne(call);
}

void Dispatcher::Impl::reconcileOne(const api::Call& call) {
  if (inFlight_.contains(call.id)) return;
  const api::LookupResult found = provider_.lookup(call);
  const int64_t now = dispatch::nowMs();
  api::CallTransition change;
  change.callId = call.id;
  change.from = {call.status};
  change.atMs = now;
  switch (found.outcome) {
    case api::LookupOutcome::kFinal: {
      api::CallEvent event = found.event;
      if (event.callId.empty()) event.callId = call.id;
      if (applyEventTo(call, event)) metrics_.reconciled.increment();
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
      change.to = api::CallStatus::kQueued;
      change.nextAttemptAtMs = now;
      break;
    case api::LookupOutcome::kUnsupported:
    case api::LookupOutcome::kUnavailable:
      return;  // stays as it is: an operator decides, or the next pass asks again
  }
  auto moved = store_.transition(change);
  if (!moved || !moved.value()) return;
  metrics_.reconciled.increment();
  logger_.info("call {} reconciled with the provider: {}", call.id, api::toString(change.to));
  if (change.to == api::CallStatus::kQueued) {
    api::Call requeued = call;
    requeued.status = api::CallStatus::kQueued;
    requeued.nextAttemptAtMs = now;
    (void)enqueueCalls(std::span<const api::Call>(&requeued, 1), now);
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

void Dispatcher::Impl::reconcileUnknown(int64_t now, int maxLookups) {
  api::CallScan scan;
  scan.statuses = {api::CallStatus::kUnknown};
  scan.updatedBeforeMs = now;
  scan.limit = maxLookups;
  scanPages(store_, scan, unknownCursor_, 1, logger_, [&](const std::vector<api::Call>& calls) {
    for (const auto& call : calls) reconcileOne(call);
    return true;
  });
}

void Dispatcher::Impl::reconcileInitiated(int64_t now, int maxLookups) {
  api::CallScan scan;
  scan.statuses = {api::CallStatus::kInitiated};
  scan.updatedBeforeMs = now - config_.reconcileAfterMs;
  scan.limit = maxLookups;
  scanPages(store_, scan, initiatedCursor_, 1, logger_, [&](const std::vector<api::Call>& calls) {
    for (const auto& call : calls) reconcileOne(call);
    return true;
  });
}

void Dispatcher::Impl::sweep(int64_t now, bool fullPass) {
  api::CallScan scan;
  scan.statuses = {api::CallStatus::kQueued};
  scan.dueAtOrBeforeMs = now;
  if (!fullPass) scan.updatedBeforeMs = now - kSweepMinAgeMs;
  scan.limit = kPageSize;
  std::string fullCursor;
  std::string& cursor = fullPass ? fullCursor : sweepCursor_;
  const int pages = fullPass ? std::numeric_limits<int>::max() : kSweepPagesPerPass;
  scanPages(store_, scan, cursor, pages, logger_, [&](const std::vector<api::Call>& calls) {
    auto added = enqueueCalls(calls, now);
    if (!added) {
      logger_.warn("sweeper could not enqueue: {}", added.error().message);
      return false;
    }
    if (added.value() > 0) {
      metrics_.swept.increment(static_cast<uint64_t>(added.value()));
      logger_.info("sweeper put {} queued calls back in line", added.value());
    }
    return true;
  });
}

void Dispatcher::Impl::reapplyPausedCampaigns() {
  auto workspaces = store_.listWorkspaces();
  if (!workspaces) {
    logger_.warn("paused campaigns not re-applied: {}", workspaces.error().message);
    return;
  }
  for (const auto& workspace : workspaces.value()) {
    auto campaigns = store_.listCampaigns(workspace.id);
    if (!campaigns) continue;
    for (const auto& campaign : campaigns.value()) {
      if (campaign.status == api::CampaignStatus::kPaused) {
        (void)queue_.pauseCampaign(campaign.id);
      }
    }
  }
}

}  // namespace vo::core
