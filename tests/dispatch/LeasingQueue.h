#pragma once

#include <memory>
#include <mutex>

#include "vo/api/CallQueue.h"

namespace vo::testing {

// The in-memory queue with leaseNew, until queue-memory has its own: the job is enqueued and
// leased under one lock that claims also take, so no worker of this process sees it between.
// With leaseNew off it answers nullopt like the API's default.
class LeasingQueue final : public api::CallQueue {
 public:
  explicit LeasingQueue(std::unique_ptr<api::CallQueue> inner);
  void enableLeaseNew(bool enabled);

  api::ComponentHealth health() override;
  api::Result<api::EnqueueOutcome> enqueue(std::span<const api::QueueJob> jobs) override;
  api::Result<std::vector<api::Lease>> claim(const api::ClaimRequest& request) override;
  api::Result<std::optional<api::Lease>> claimCall(std::string_view callId, int64_t nowMs,
                                                   int64_t leaseMs) override;
  api::Result<std::optional<api::Lease>> leaseNew(const api::QueueJob& job, int64_t nowMs,
                                                  int64_t leaseMs) override;
  api::Result<bool> extendLease(std::string_view callId, std::string_view token, int64_t nowMs,
                                int64_t leaseMs) override;
  api::Result<bool> complete(std::string_view callId, std::string_view token,
                             bool keepSlots) override;
  api::Result<bool> retry(std::string_view callId, std::string_view token,
                          int64_t dueAtMs) override;
  api::Result<void> releaseSlots(std::string_view callId) override;
  api::Result<void> holdSlots(std::span<const api::QueueJob> jobs) override;
  api::Result<std::vector<std::string>> recoverExpired(int64_t nowMs, int max) override;
  api::Result<void> setPacingLimits(std::span<const api::PacingLimit> limits) override;
  api::Result<void> throttle(std::string_view pacingKey, int64_t untilMs) override;
  api::Result<void> pauseCampaign(std::string_view campaignId) override;
  api::Result<void> resumeCampaign(std::string_view campaignId) override;
  api::Result<int64_t> cancelCampaign(std::string_view campaignId, int max) override;
  api::Result<api::QueueCounts> counts() override;
  api::Result<api::SlotHolderPage> slotHolders(std::string_view cursor, int count) override;

 private:
  std::unique_ptr<api::CallQueue> inner_;
  std::mutex claimMutex_;
  bool leaseNew_ = true;
};

}  // namespace vo::testing
