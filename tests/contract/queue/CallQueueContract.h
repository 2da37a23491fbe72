#pragma once

// The contract every CallQueue plugin must pass.
//
// A queue joins the suite by instantiating it with a factory that returns a FRESH, EMPTY queue
// on every call (or nullptr to skip, e.g. when its server is not configured):
//
//   INSTANTIATE_TEST_SUITE_P(Memory, CallQueueContract,
//                            testing::Values(vo::contract::QueueTarget{
//                                "memory", [] { return vo::queue_memory::makeMemoryQueue(); }}),
//                            vo::contract::queueTargetName);
//
// and linking the OBJECT library `vo_queue_contract` (object files, so the linker cannot drop
// the TEST_P registrations). Times are explicit nowMs values; no test sleeps.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "vo/api/CallQueue.h"

namespace vo::contract {

struct QueueTarget {
  std::string name;
  std::function<std::unique_ptr<api::CallQueue>()> makeQueue;
};

std::string queueTargetName(const testing::TestParamInfo<QueueTarget>& info);
inline void PrintTo(const QueueTarget& target, std::ostream* out) {
  *out << target.name;
}

// The fixture: a fresh queue per test plus small helpers that fail the test on errors.
class CallQueueContract : public testing::TestWithParam<QueueTarget> {
 public:
  static api::QueueJob job(std::string callId, std::string workspaceId = "ws_a",
                           std::string campaignId = "cmp_a", api::Lane lane = api::Lane::kBulk,
                           int64_t dueAtMs = 0, std::vector<std::string> pacingKeys = {});

 protected:
  void SetUp() override;

  api::CallQueue& queue() { return *queue_; }
  api::EnqueueOutcome enqueue(const std::vector<api::QueueJob>& jobs);
  std::vector<api::Lease> claim(int maxJobs, int64_t nowMs, int64_t leaseMs = 30000);
  std::vector<std::string> claimIds(int maxJobs, int64_t nowMs);
  // leaseNew that fails the test on an error.
  std::optional<api::Lease> leaseNew(const api::QueueJob& job, int64_t nowMs,
                                     int64_t leaseMs = 30000);
  void setLimit(const std::string& key, int maxConcurrent, double perSecond = 0, int burst = 0);
  api::QueueCounts counts();
  // Completes every lease (releasing slots), failing the test if a token is refused.
  void completeAll(const std::vector<api::Lease>& leases);

 private:
  std::unique_ptr<api::CallQueue> queue_;
};

}  // namespace vo::contract
