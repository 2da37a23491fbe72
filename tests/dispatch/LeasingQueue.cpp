#include "LeasingQueue.h"

namespace vo::testing {

LeasingQueue::LeasingQueue(std::unique_ptr<api::CallQueue> inner) : inner_(std::move(inner)) {}

void LeasingQueue::enableLeaseNew(bool enabled) {
  std::lock_guard lock(claimMutex_);
  leaseNew_ = enabled;
}

api::ComponentHealth LeasingQueue::health() {
  return inner_->health();
}

api::Result<api::EnqueueOutcome> LeasingQueue::enqueue(std::span<const api::QueueJob> jobs) {
  return inner_->enqueue(jobs);
}

api::Result<std::vector<api::Lease>> LeasingQueue::claim(const api::ClaimRequest& request) {
  std::lock_guard lock(claimMutex_);
  return inner_->claim(request);
}

api::Result<std::optional<api::Lease>> LeasingQueue::claimCall(std::string_view callId,
                                                               int64_t nowMs, int64_t leaseMs) {
  std::lock_guard lock(claimMutex_);
  return inner_->claimCall(callId, nowMs, leaseMs);
}

api::Result<std::optional<api::Lease>> LeasingQueue::leaseNew(const api::QueueJob& job,
                                                              int64_t nowMs, int64_t leaseMs) {
  std::lock_guard lock(claimMutex_);
  if (!leaseNew_) return std::optional<api::Lease>();
  // A job left waiting when its limits are full stays in line: the caller enqueues it anyway
  // (idempotent), so only the moment it becomes visible differs from a real leaseNew.
  if (auto added = inner_->enqueue(std::span(&job, 1)); !added) return added.error();
  return inner_->claimCall(job.callId, nowMs, leaseMs);
}

api::Result<bool> LeasingQueue::extendLease(std::string_view callId, std::string_view token,
                                            int64_t nowMs, int64_t leaseMs) {
  return inner_->extendLease(callId, token, nowMs, leaseMs);
}

api::Result<bool> LeasingQueue::complete(std::string_view callId, std::string_view token,
                                         bool keepSlots) {
  return inner_->complete(callId, token, keepSlots);
}

api::Result<bool> LeasingQueue::retry(std::string_view callId, std::string_view token,
                                      int64_t dueAtMs) {
  return inner_->retry(callId, token, dueAtMs);
}

api::Result<void> LeasingQueue::releaseSlots(std::string_view callId) {
  return inner_->releaseSlots(callId);
}

api::Result<void> LeasingQueue::holdSlots(std::span<const api::QueueJob> jobs) {
  return inner_->holdSlots(jobs);
}

api::Result<std::vector<std::string>> LeasingQueue::recoverExpired(int64_t nowMs, int max) {
  return inner_->recoverExpired(nowMs, max);
}

api::Result<void> LeasingQueue::setPacingLimits(std::span<const api::PacingLimit> limits) {
  return inner_->setPacingLimits(limits);
}

api::Result<void> LeasingQueue::throttle(std::string_view pacingKey, int64_t untilMs) {
  return inner_->throttle(pacingKey, untilMs);
}

api::Result<void> LeasingQueue::pauseCampaign(std::string_view campaignId) {
  return inner_->pauseCampaign(campaignId);
}

api::Result<void> LeasingQueue::resumeCampaign(std::string_view campaignId) {
  return inner_->resumeCampaign(campaignId);
}

api::Result<int64_t> LeasingQueue::cancelCampaign(std::string_view campaignId, int max) {
  return inner_->cancelCampaign(campaignId, max);
}

api::Result<api::QueueCounts> LeasingQueue::counts() {
  return inner_->counts();
}

api::Result<api::SlotHolderPage> LeasingQueue::slotHolders(std::string_view cursor, int count) {
  return inner_->slotHolders(cursor, count);
}

}  // namespace vo::testing
