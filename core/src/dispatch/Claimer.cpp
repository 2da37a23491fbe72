#include "dispatch/Claimer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "support/ThreadName.h"

namespace vo::core::dispatch {

namespace {

// How often the claiming thread looks again when nothing was claimable: rate-limit windows
// and retry times pass without any event to wake it.
constexpr auto kIdleClaimInterval = std::chrono::milliseconds(20);
// How often the jobs held ready are topped up while every dial slot has one: a claim per
// finished dial or two would cost two round trips and a wake-up each. A slot left without a job
// is claimed for at once.
constexpr auto kClaimSpacing = std::chrono::milliseconds(5);

}  // namespace

Claimer::Claimer(DispatchContext& context, DialRoutine& dials) : context_(context), dials_(dials) {}

Claimer::~Claimer() {
  stop();
}

void Claimer::start() {
  std::lock_guard lock(mutex_);
  if (!stopping_) return;
  stopping_ = false;
  freeSlots_ = static_cast<std::size_t>(std::max(1, context_.config.concurrency));
  for (auto& thread : threads_)
    thread = std::thread([this] {
      nameThisThread("vo-claim");
      claimLoop();
    });
}

void Claimer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  workAvailable_.notify_all();
  claimerWake_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

void Claimer::wake() {
  {
    std::lock_guard lock(mutex_);
    ++wakeups_;
  }
  claimerWake_.notify_one();
}

bool Claimer::claimWanted() const {
  // Claim again when a slot is free without a job, or fewer jobs are held ready than should be.
  return handoff_.size() + claiming_ < freeSlots_ + claimAhead_;
}

bool Claimer::slotWithoutJob() const {
  return handoff_.size() + claiming_ < freeSlots_;
}

bool Claimer::claimerToWake() const {
  // A claiming thread waiting out the spacing tops up the ready jobs then by itself.
  return claimWanted() && (spacingOut_ == 0 || slotWithoutJob());
}

std::vector<ReadyDial> Claimer::take() {
  std::vector<ReadyDial> jobs;
  std::unique_lock lock(mutex_);
  if (claimerToWake()) claimerWake_.notify_one();
  // Stopping ends the hand-out only once no claim is under way: a claim's calls are leased and
  // moved to dispatching whatever happens, so they are dialed, not left to wait out a lease.
  workAvailable_.wait(lock, [&] { return handOutOver() || (freeSlots_ > 0 && !handoff_.empty()); });
  while (!handoff_.empty() && freeSlots_ > 0) {
    jobs.push_back(std::move(handoff_.front()));
    handoff_.pop_front();
    --freeSlots_;
  }
  taken_ += jobs.size();
  if (claimerToWake()) claimerWake_.notify_one();
  return jobs;  // empty: stopping, nothing left to hand out
}

bool Claimer::handOutOver() const {
  return stopping_ && handoff_.empty() && claiming_ == 0;
}

void Claimer::release(std::size_t slots) {
  bool takerToWake = false;
  bool wakeClaimer = false;
  {
    std::lock_guard lock(mutex_);
    freeSlots_ += slots;
    takerToWake = !handoff_.empty() || handOutOver();
    wakeClaimer = claimerToWake();
  }
  if (takerToWake) workAvailable_.notify_all();
  if (wakeClaimer) claimerWake_.notify_one();
}

std::optional<ReadyDial> Claimer::tryTake() {
  std::lock_guard lock(mutex_);
  if (handoff_.empty()) return std::nullopt;
  ReadyDial job = std::move(handoff_.front());
  handoff_.pop_front();
  ++taken_;
  if (claimerToWake()) claimerWake_.notify_one();
  // The last job taken by a provider's thread while stopping: take() may end now (it waited for
  // a free slot for this job, and no release may come to tell it).
  if (handOutOver()) workAvailable_.notify_all();
  return job;
}

void Claimer::claimLoop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (!claimWanted()) {
      const uint64_t seen = wakeups_;
      claimerWake_.wait(lock, [&] { return stopping_ || claimWanted() || wakeups_ != seen; });
      if (!claimWanted()) continue;
    }
    if (const auto due = lastClaimStart_ + kClaimSpacing;
        !slotWithoutJob() && std::chrono::steady_clock::now() < due) {
      ++spacingOut_;
      claimerWake_.wait_until(lock, due, [&] { return stopping_ || slotWithoutJob(); });
      --spacingOut_;
      if (stopping_ || !claimWanted()) continue;  // or the other thread claimed meanwhile
    }
    // Woken by stop() while a claim was wanted: no new claim once stopping (the dialing thread
    // may already have ended, and the calls would be moved to dispatching for nobody).
    if (stopping_) break;
    lastClaimStart_ = std::chrono::steady_clock::now();
    const uint64_t seen = wakeups_;
    const uint64_t takenBefore = taken_;
    const uint64_t takenSincePreviousClaim = taken_ - takenAtLastClaimStart_;
    takenAtLastClaimStart_ = taken_;
    const std::size_t wanted = freeSlots_ + claimAhead_ - handoff_.size() - claiming_;
    claiming_ += wanted;
    api::ClaimRequest request;
    request.workerId = context_.config.workerId;
    request.maxJobs = static_cast<int>(wanted);
    request.leaseMs = context_.config.leaseMs;
    lock.unlock();
    request.nowMs = context_.clock.nowMs();
    auto claimed = context_.queue.claim(request);
    if (!claimed) context_.logger.warn("claim failed: {}", claimed.error().message);
    const bool anyClaimed = claimed && !claimed->empty();
    std::vector<ReadyDial> jobs;
    if (anyClaimed) {
      for (DialJob& job : dials_.begin(claimed.value()))
        jobs.push_back(dials_.ready(std::move(job)));
    }
    lock.lock();
    claiming_ -= wanted;
    for (auto& job : jobs) handoff_.push_back(std::move(job));
    // Jobs to take, or (stopping) the last claim over: the dialing thread looks again.
    if (!jobs.empty() || handOutOver()) workAvailable_.notify_all();
    // Hold ready about what is taken until the next claim returns: twice what was taken during
    // this one, and what was taken between the last two (the spacing); at most half the dial
    // slots, so a batch is never all claimed ahead.
    const auto slots = static_cast<std::size_t>(std::max(1, context_.config.concurrency));
    claimAhead_ =
        std::min<std::size_t>(2 * (taken_ - takenBefore) + takenSincePreviousClaim, slots / 2);
    if (!anyClaimed && !stopping_) {
      // Nothing claimable: look again when woken or after a short interval.
      claimerWake_.wait_for(lock, kIdleClaimInterval,
                            [&] { return stopping_ || wakeups_ != seen; });
    }
  }
}

}  // namespace vo::core::dispatch
