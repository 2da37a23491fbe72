#include "CallQueueContract.h"

namespace vo::contract {

std::string queueTargetName(const testing::TestParamInfo<QueueTarget>& info) {
  return info.param.name;
}

void CallQueueContract::SetUp() {
  queue_ = GetParam().makeQueue();
  if (!queue_) GTEST_SKIP() << GetParam().name << " queue is not configured here";
}

api::QueueJob CallQueueContract::job(std::string callId, std::string workspaceId,
                                     std::string campaignId, api::Lane lane, int64_t dueAtMs,
                                     std::vector<std::string> pacingKeys) {
  api::QueueJob job;
  job.callId = std::move(callId);
  job.workspaceId = std::move(workspaceId);
  job.campaignId = std::move(campaignId);
  job.lane = lane;
  job.dueAtMs = dueAtMs;
  job.pacingKeys = std::move(pacingKeys);
  return job;
}

api::EnqueueOutcome CallQueueContract::enqueue(const std::vector<api::QueueJob>& jobs) {
  auto outcome = queue_->enqueue(jobs);
  EXPECT_TRUE(outcome.ok()) << (outcome.ok() ? "" : outcome.error().message);
  return outcome.ok() ? outcome.value() : api::EnqueueOutcome{};
}

std::vector<api::Lease> CallQueueContract::claim(int maxJobs, int64_t nowMs, int64_t leaseMs) {
  api::ClaimRequest request;
  request.workerId = "contract-worker";
  request.maxJobs = maxJobs;
  request.nowMs = nowMs;
  request.leaseMs = leaseMs;
  auto leases = queue_->claim(request);
  EXPECT_TRUE(leases.ok()) << (leases.ok() ? "" : leases.error().message);
  return leases.ok() ? leases.value() : std::vector<api::Lease>{};
}

std::vector<std::string> CallQueueContract::claimIds(int maxJobs, int64_t nowMs) {
  std::vector<std::string> ids;
  for (const api::Lease& lease : claim(maxJobs, nowMs)) ids.push_back(lease.callId);
  return ids;
}

std::optional<api::Lease> CallQueueContract::leaseNew(const api::QueueJob& job, int64_t nowMs,
                                                      int64_t leaseMs) {
  auto lease = queue_->leaseNew(job, nowMs, leaseMs);
  EXPECT_TRUE(lease.ok()) << (lease.ok() ? "" : lease.error().message);
  return lease.ok() ? lease.value() : std::nullopt;
}

void CallQueueContract::setLimit(const std::string& key, int maxConcurrent, double perSecond,
                                 int burst) {
  api::PacingLimit limit{key, maxConcurrent, perSecond, burst};
  auto set = queue_->setPacingLimits(std::span<const api::PacingLimit>(&limit, 1));
  ASSERT_TRUE(set.ok()) << set.error().message;
}

api::QueueCounts CallQueueContract::counts() {
  auto counts = queue_->counts();
  EXPECT_TRUE(counts.ok()) << (counts.ok() ? "" : counts.error().message);
  return counts.ok() ? counts.value() : api::QueueCounts{};
}

void CallQueueContract::completeAll(const std::vector<api::Lease>& leases) {
  for (const api::Lease& lease : leases) {
    auto done = queue_->complete(lease.callId, lease.token, false);
    ASSERT_TRUE(done.ok()) << done.error().message;
    EXPECT_TRUE(done.value()) << lease.callId;
  }
}

}  // namespace vo::contract
