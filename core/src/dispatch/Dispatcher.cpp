#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "dispatch/DispatcherImpl.h"

namespace vo::core {

namespace {

constexpr int kEnqueueChunk = 1000;
// How often the claiming worker looks again when nothing was claimable: rate-limit windows
// and retry times pass without any event to wake it.
constexpr auto kIdleClaimInterval = std::chrono::milliseconds(20);
constexpr int64_t kRegistryRefreshMs = 60000;

}  // namespace

Dispatcher::Impl::Impl(const DispatcherConfig& config, const PacingConfig& pacing,
                       api::CallStore& store, api::CallQueue& queue, api::VoiceProvider& provider,
                       std::string providerName, Metrics& metrics, spdlog::logger& logger)
    : config_(config),
      store_(store),
      queue_(queue),
      provider_(provider),
      providerName_(std::move(providerName)),
      logger_(logger),
      metrics_(metrics),
      registry_(pacing, providerName_, store, queue, kRegistryRefreshMs) {}

Dispatcher::Impl::~Impl() {
  stop();
}

void Dispatcher::Impl::start() {
  {
    std::lock_guard lock(mutex_);
    if (started_) return;
    started_ = true;
    stopping_ = false;
  }
  // Restore before anyone claims: paused campaigns first (so restored jobs are not claimed),
  // then calls a dead worker left in `dispatching`, then every due queued call.
  const int64_t now = dispatch::nowMs();
  reapplyPausedCampaigns();
  expireStaleDispatching(now);
  reconcileUnknown(now, 1000);
  sweep(now, true);
  const int workers = std::max(1, config_.concurrency);
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { workerLoop(); });
  maintenance_ = std::thread([this] { maintenanceLoop(); });
  logger_.info("dispatcher started: {} workers, lease {} ms", workers, config_.leaseMs);
}

void Dispatcher::Impl::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!started_ || stopping_) return;
    stopping_ = true;
  }
  workAvailable_.notify_all();
  claimerWake_.notify_all();
  maintenanceWake_.notify_all();
  handBackUnstarted();
  // Dials cannot be interrupted; wait for them within the grace period, then join (each dial is
  // bounded by the provider's own timeouts).
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.shutdownGraceMs);
  while (inFlight_.size() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (inFlight_.size() > 0) {
    logger_.warn("dispatcher stopping with {} dials still running", inFlight_.size());
  }
  for (auto& worker : workers_) worker.join();
  workers_.clear();
  if (maintenance_.joinable()) maintenance_.join();
  handBackUnstarted();  // anything claimed while the workers were winding down
  std::lock_guard lock(mutex_);
  started_ = false;
  logger_.info("dispatcher stopped");
}

void Dispatcher::Impl::handBackUnstarted() {
  std::deque<api::Lease> leftovers;
  {
    std::lock_guard lock(mutex_);
    leftovers.swap(handoff_);
  }
  const int64_t now = dispatch::nowMs();
  for (const auto& lease : leftovers) {
    // The store still says queued: the job only goes back in line.
    inFlight_.end(lease.callId);
    if (auto back = queue_.retry(lease.callId, lease.token, now); !back) {
      logger_.warn("could not hand back job {}: {}", lease.callId, back.error().message);
    }
  }
}

void Dispatcher::Impl::wakeWorkers() {
  {
    std::lock_guard lock(mutex_);
    ++wakeups_;
  }
  // Only the claiming worker waits for new work; the others wait for its hand-offs.
  claimerWake_.notify_one();
}

std::optional<api::Lease> Dispatcher::Impl::nextLease() {
  // One worker at a time claims, for itself and every idle worker, and then polls while nothing
  // is claimable; the others sleep until it hands them a lease or passes the role on.
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (!handoff_.empty()) {
      api::Lease lease = std::move(handoff_.front());
      handoff_.pop_front();
      return lease;
    }
    if (claiming_) {
      ++idleWorkers_;
      workAvailable_.wait(lock, [&] { return stopping_ || !handoff_.empty() || !claiming_; });
      --idleWorkers_;
      continue;
    }
    claiming_ = true;
    const uint64_t seen = wakeups_;
    api::ClaimRequest request;
    request.workerId = config_.workerId;
    request.maxJobs = 1 + idleWorkers_;
    request.leaseMs = config_.leaseMs;
    claimRunning_ = true;
    lock.unlock();
    request.nowMs = dispatch::nowMs();
    auto claimed = queue_.claim(request);
    lock.lock();
    // In flight from the claim on, so dispatchNow can tell a worker has the call.
    if (claimed) {
      for (const auto& lease : claimed.value()) inFlight_.begin(lease.callId);
    }
    claimRunning_ = false;
    claimDone_.notify_all();
    if (!claimed) logger_.warn("claim failed: {}", claimed.error().message);
    if (claimed && !claimed->empty()) {
      claiming_ = false;
      for (std::size_t i = 1; i < claimed->size(); ++i) handoff_.push_back(claimed.value()[i]);
      // Wake one sleeper per handed-off lease, and one more to take over claiming.
      for (std::size_t i = 0; i < claimed->size() && i < std::size_t(idleWorkers_); ++i) {
        workAvailable_.notify_one();
      }
      return std::move(claimed.value()[0]);
    }
    // Nothing claimable: keep the role and look again when woken or after a short interval
    // (retry times and rate-limit windows pass without any event).
    claimerWake_.wait_for(lock, kIdleClaimInterval,
                          [&] { return stopping_ || wakeups_ != seen || !handoff_.empty(); });
    claiming_ = false;
  }
  return std::nullopt;
}

void Dispatcher::Impl::workerLoop() {
  while (auto lease = nextLease()) processLease(*lease);
}

void Dispatcher::Impl::maintenanceLoop() {
  using Clock = std::chrono::steady_clock;
  const auto every = [](int64_t ms) {
    return std::chrono::milliseconds(std::max<int64_t>(ms, 10));
  };
  const auto leaseEvery = every(std::clamp<int64_t>(config_.leaseMs / 4, 50, 1000));
  auto nextLeaseCheck = Clock::now() + leaseEvery;
  auto nextSweep = Clock::now() + every(config_.sweepIntervalMs);
  auto nextReconcile = Clock::now() + every(config_.reconcileIntervalMs);
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto wakeAt = std::min({nextLeaseCheck, nextSweep, nextReconcile});
    maintenanceWake_.wait_until(lock, wakeAt, [&] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    const auto now = Clock::now();
    const int64_t wallNow = dispatch::nowMs();
    if (now >= nextLeaseCheck) {
      recoverLeases(wallNow);
      expireStaleDispatching(wallNow);
      nextLeaseCheck = now + leaseEvery;
    }
    if (now >= nextSweep) {
      sweep(wallNow, false);
      nextSweep = now + every(config_.sweepIntervalMs);
    }
    if (now >= nextReconcile) {
      reconcileUnknown(wallNow, 200);
      reconcileInitiated(wallNow, 200);
      nextReconcile = now + every(config_.reconcileIntervalMs);
    }
    lock.lock();
  }
}

api::Result<void> Dispatcher::Impl::enqueue(std::span<const api::Call> calls) {
  auto added = enqueueCalls(calls, dispatch::nowMs());
  if (!added) return added.error();
  return api::Result<void>::success();
}

api::Result<int64_t> Dispatcher::Impl::enqueueCalls(std::span<const api::Call> calls, int64_t now) {
  int64_t added = 0;
  std::vector<api::QueueJob> jobs;
  jobs.reserve(std::min<std::size_t>(calls.size(), kEnqueueChunk));
  for (std::size_t i = 0; i < calls.size(); ++i) {
    auto job = registry_.jobFor(calls[i], now);
    if (job) {
      jobs.push_back(std::move(job.value()));
    } else if (job.error().code == api::ErrorCode::kNotFound) {
      // Its workspace or number is gone: dispatching fails it with the registry's message.
      api::QueueJob orphan;
      orphan.callId = calls[i].id;
      orphan.workspaceId = calls[i].workspaceId;
      orphan.campaignId = calls[i].campaignId;
      orphan.lane = calls[i].lane;
      orphan.dueAtMs = dispatch::dueAtMs(calls[i]);
      jobs.push_back(std::move(orphan));
    } else {
      return job.error();
    }
    if (jobs.size() == kEnqueueChunk || i + 1 == calls.size()) {
      auto outcome = queue_.enqueue(jobs);
      if (!outcome) return outcome.error();
      added += outcome->added;
      wakeWorkers();
      jobs.clear();
    }
  }
  return added;
}

api::Result<std::optional<api::Call>> Dispatcher::Impl::dispatchNow(const api::Call& call) {
  auto lease = queue_.claimCall(call.id, dispatch::nowMs(), config_.leaseMs);
  if (!lease) {
    // Leased (kConflict) or already gone from the queue (kNotFound): a worker has it.
    const auto code = lease.error().code;
    if (code == api::ErrorCode::kConflict || code == api::ErrorCode::kNotFound) {
      return dispatchedElsewhere(call.id);
    }
    return lease.error();
  }
  if (!lease->has_value()) return dispatchedElsewhere(call.id);
  inFlight_.begin(call.id);
  processLease(*lease.value());
  auto after = store_.getCall(call.id);
  if (!after) return after.error();
  return std::optional<api::Call>(std::move(after.value()));
}

api::Result<std::optional<api::Call>> Dispatcher::Impl::dispatchedElsewhere(
    const std::string& callId) {
  // A worker may have claimed the call between its enqueue and this fast path: then the caller
  // waits for that dial instead of hearing "queued" while it rings.
  {
    std::unique_lock lock(mutex_);
    claimDone_.wait(lock, [&] { return !claimRunning_; });
  }
  inFlight_.waitUntilDone(callId, std::chrono::milliseconds(config_.leaseMs));
  auto after = store_.getCall(callId);
  if (!after) return after.error();
  if (after->status == api::CallStatus::kQueued) return std::optional<api::Call>();
  return std::optional<api::Call>(std::move(after.value()));
}

// --- the public face ---

Dispatcher::Dispatcher(const DispatcherConfig& config, const PacingConfig& pacing,
                       api::CallStore& store, api::CallQueue& queue, api::VoiceProvider& provider,
                       std::string providerName, Metrics& metrics, spdlog::logger& logger)
    : impl_(std::make_unique<Impl>(config, pacing, store, queue, provider, std::move(providerName),
                                   metrics, logger)) {}

Dispatcher::~Dispatcher() = default;

void Dispatcher::start() {
  impl_->start();
}
void Dispatcher::stop() {
  impl_->stop();
}

api::Result<void> Dispatcher::enqueue(std::span<const api::Call> calls) {
  return impl_->enqueue(calls);
}

api::Result<std::optional<api::Call>> Dispatcher::dispatchNow(const api::Call& call) {
  return impl_->dispatchNow(call);
}

void Dispatcher::applyEvents(std::span<const api::CallEvent> events) {
  impl_->applyEvents(events);
}

api::CallEventSink& Dispatcher::eventSink() {
  return *impl_;
}

api::Result<api::Campaign> Dispatcher::pauseCampaign(const std::string& campaignId) {
  return impl_->pauseCampaign(campaignId);
}

api::Result<api::Campaign> Dispatcher::resumeCampaign(const std::string& campaignId) {
  return impl_->resumeCampaign(campaignId);
}

api::Result<api::Campaign> Dispatcher::cancelCampaign(const std::string& campaignId) {
  return impl_->cancelCampaign(campaignId);
}

}  // namespace vo::core
