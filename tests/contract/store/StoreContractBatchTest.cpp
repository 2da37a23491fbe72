// Contract: fencing by attempt and the batch operations of the dispatch hot path
// (beginDispatch, transitionMany, findByProviderCallIds).
#include <algorithm>
#include <set>
#include <thread>

#include "vo/contract/StoreContract.h"

namespace vo::contract {
namespace {

using vo::api::Call;
using vo::api::CallStatus;
using vo::api::CallTransition;
using vo::api::ErrorCode;

TEST_P(StoreContract, TransitionWhileAttemptsIgnoresAStaleWriteForAnEarlierAttempt) {
  seedTenants();
  Call call = makeCall("c1", msOfDay(0));
  call.status = CallStatus::kDispatching;
  call.attempts = 2;
  insert({call});

  // A worker that dialed attempt 1 reports late: the call is on attempt 2 now.
  CallTransition stale = transitionOf("c1", {CallStatus::kDispatching}, CallStatus::kFailed, 50);
  stale.whileAttempts = 1;
  stale.lastError = "timeout of attempt 1";
  stale.attempt = vo::api::CallAttempt{1, 40, "failed", "", "timeout"};
  const auto refused = store_->transition(stale);
  ASSERT_TRUE(refused.ok()) << refused.error().message;
  EXPECT_FALSE(refused.value());
  auto read = store_->getCall("c1");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->status, CallStatus::kDispatching);
  EXPECT_EQ(read->attempts, 2);
  EXPECT_EQ(read->lastError, "");
  EXPECT_EQ(read->updatedAtMs, call.updatedAtMs);
  EXPECT_TRUE(store_->getAttempts("c1")->empty());

  // The current attempt's write applies.
  CallTransition current = stale;
  current.whileAttempts = 2;
  current.to = CallStatus::kInitiated;
  current.lastError.reset();
  current.attempt = vo::api::CallAttempt{2, 45, "accepted", "conv_2", ""};
  EXPECT_TRUE(store_->transition(current).value());
  read = store_->getCall("c1");
  EXPECT_EQ(read->status, CallStatus::kInitiated);
  ASSERT_EQ(store_->getAttempts("c1")->size(), 1u);
  EXPECT_EQ(store_->getAttempts("c1")->front().number, 2);

  // Unfenced (a provider event) applies whatever the attempt.
  CallTransition event = transitionOf("c1", {CallStatus::kInitiated}, CallStatus::kCompleted, 60);
  EXPECT_TRUE(store_->transition(event).value());

  // A fenced write for a missing call is still kNotFound.
  CallTransition ghost = stale;
  ghost.callId = "c-none";
  EXPECT_EQ(store_->transition(ghost).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace vo::contract
