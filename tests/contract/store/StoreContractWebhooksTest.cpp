// Contract: webhook endpoints, and the outbox a status change writes in its own transaction
// (WebhookStore): claims with a lease, attempts, redelivery, paging and the purge.
#include <algorithm>
#include <stdexcept>

#include "vo/api/WebhookStore.h"
#include "vo/contract/StoreContract.h"

namespace vo::contract {
namespace {

using vo::api::Call;
using vo::api::CallStatus;
using vo::api::DeliveryState;
using vo::api::ErrorCode;
using vo::api::WebhookDelivery;
using vo::api::WebhookEndpoint;

WebhookEndpoint endpointOf(const std::string& id, const std::string& workspaceId,
                           std::vector<std::string> events) {
  return {
      id, workspaceId, "https://hooks.example.com/" + id, "whsec_" + id, std::move(events), true,
      10, 10};
}

// The store's outbox, seeded with the contract's tenants; fails the test when it has none.
vo::api::WebhookStore& webhooksOf(vo::api::CallStore& store) {
  vo::api::WebhookStore* webhooks = store.webhooks();
  EXPECT_NE(webhooks, nullptr) << "every SQL store keeps an outbox";
  if (webhooks == nullptr) throw std::runtime_error("no outbox");
  return *webhooks;
}

void addEndpoint(vo::api::WebhookStore& webhooks, const WebhookEndpoint& endpoint) {
  const auto created = webhooks.createWebhookEndpoint(endpoint);
  ASSERT_TRUE(created.ok()) << created.error().message;
}

std::vector<WebhookDelivery> deliveriesOf(vo::api::WebhookStore& webhooks,
                                          const std::string& workspaceId,
                                          const std::string& endpointId) {
  auto page = webhooks.listDeliveries({workspaceId, endpointId, 1000, 0, ""});
  EXPECT_TRUE(page.ok()) << page.error().message;
  return page.ok() ? page.value() : std::vector<WebhookDelivery>{};
}

// Dispatching calls of `workspaceId` (on attempt 1), outside any campaign.
std::vector<Call> dispatchingCalls(const std::vector<std::string>& ids,
                                   const std::string& workspaceId) {
  std::vector<Call> calls;
  for (const std::string& id : ids) {
    Call call = makeCall(id, msOfDay(0));
    call.workspaceId = workspaceId;
    call.campaignId = "";
    call.status = CallStatus::kDispatching;
    call.attempts = 1;
    calls.push_back(call);
  }
  return calls;
}

TEST_P(StoreContract, WebhooksEndpointsAreCreatedReadListedChangedAndDeleted) {
  seedTenants();
  vo::api::WebhookStore& outbox = webhooksOf(*store_);
  addEndpoint(outbox, endpointOf("we1", "ws1", {"call.completed", "call.failed"}));
  addEndpoint(outbox, endpointOf("we2", "ws1", {"campaign.completed"}));
  EXPECT_EQ(outbox.createWebhookEndpoint(endpointOf("we1", "ws1", {"call.busy"})).error().code,
            ErrorCode::kConflict);
  EXPECT_EQ(outbox.createWebhookEndpoint(endpointOf("we9", "ws-none", {"call.busy"})).error().code,
            ErrorCode::kNotFound);

  auto read = outbox.getWebhookEndpoint("ws1", "we1");
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->url, "https://hooks.example.com/we1");
  EXPECT_EQ(read->secret, "whsec_we1");
  EXPECT_EQ(read->events, (std::vector<std::string>{"call.completed", "call.failed"}));
  EXPECT_TRUE(read->enabled);
  // Another workspace's endpoint is not found through this one.
  EXPECT_EQ(outbox.getWebhookEndpoint("ws2", "we1").error().code, ErrorCode::kNotFound);
  ASSERT_EQ(outbox.listWebhookEndpoints("ws1")->size(), 2u);
  EXPECT_TRUE(outbox.listWebhookEndpoints("ws2")->empty());

  WebhookEndpoint changed = read.value();
  changed.url = "https://other.example.com/in";
  changed.events = {"call.busy"};
  changed.enabled = false;
  changed.secret = "ignored";
  changed.updatedAtMs = 20;
  ASSERT_TRUE(outbox.updateWebhookEndpoint(changed).ok());
  read = outbox.getWebhookEndpoint("ws1", "we1");
  EXPECT_EQ(read->url, "https://other.example.com/in");
  EXPECT_EQ(read->events, std::vector<std::string>{"call.busy"});
  EXPECT_FALSE(read->enabled);
  EXPECT_EQ(read->secret, "whsec_we1");
  EXPECT_EQ(read->updatedAtMs, 20);
  changed.workspaceId = "ws2";
  EXPECT_EQ(outbox.updateWebhookEndpoint(changed).error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(outbox.deleteWebhookEndpoint("ws1", "we1").ok());
  EXPECT_EQ(outbox.deleteWebhookEndpoint("ws1", "we1").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(outbox.listWebhookEndpoints("ws1")->size(), 1u);
}

TEST_P(StoreContract, WebhooksAStatusChangeWritesADeliveryForEachSubscribedEndpointOnly) {
  seedTenants();
  vo::api::WebhookStore& outbox = webhooksOf(*store_);
  addEndpoint(outbox, endpointOf("we1", "ws1", {"call.initiated", "call.completed"}));
  addEndpoint(outbox, endpointOf("we2", "ws1", {"call.completed"}));
  WebhookEndpoint disabled = endpointOf("we3", "ws1", {"call.completed"});
  disabled.enabled = false;
  addEndpoint(outbox, disabled);
  insert(dispatchingCalls({"c1", "c2", "c3"}, "ws1"));
  insert(dispatchingCalls({"d1"}, "ws2"));

  // The hot path's batch: c1 answered, c2 failed (nobody subscribed), d1 in another workspace.
  const auto moved = store_->transitionMany(std::vector<vo::api::CallTransition>{
      transitionOf("c1", {CallStatus::kDispatching}, CallStatus::kInitiated, 100),
      transitionOf("c2", {CallStatus::kDispatching}, CallStatus::kFailed, 100),
      transitionOf("d1", {CallStatus::kDispatching}, CallStatus::kCompleted, 100)});
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  // A change that does not apply reports nothing.
  EXPECT_FALSE(
      store_->transition(transitionOf("c3", {CallStatus::kQueued}, CallStatus::kCompleted, 150))
          .value());
  EXPECT_TRUE(
      store_->transition(transitionOf("c1", {CallStatus::kInitiated}, CallStatus::kCompleted, 200))
          .value());

  const auto first = deliveriesOf(outbox, "ws1", "we1");
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].eventType, "call.completed");  // newest first
  EXPECT_EQ(first[0].createdAtMs, 200);
  EXPECT_EQ(first[1].eventType, "call.initiated");
  EXPECT_EQ(first[1].createdAtMs, 100);
  for (const WebhookDelivery& delivery : first) {
    EXPECT_EQ(delivery.subjectId, "c1");
    EXPECT_EQ(delivery.state, DeliveryState::kPending);
    EXPECT_EQ(delivery.attempts, 0);
    EXPECT_EQ(delivery.id.rfind("evt_", 0), 0u) << delivery.id;
  }
  EXPECT_NE(first[0].id, first[1].id);
  const auto second = deliveriesOf(outbox, "ws1", "we2");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].subjectId, "c1");
  EXPECT_NE(second[0].id, first[0].id);
  EXPECT_TRUE(deliveriesOf(outbox, "ws1", "we3").empty());
}

TEST_P(StoreContract, WebhooksWithoutEndpointsAStatusChangeWritesNothing) {
  seedTenants();
  vo::api::WebhookStore& outbox = webhooksOf(*store_);
  insert(dispatchingCalls({"c1"}, "ws1"));
  ASSERT_TRUE(
      store_->transition(transitionOf("c1", {CallStatus::kDispatching}, CallStatus::kBusy, 100))
          .value());
  addEndpoint(outbox, endpointOf("we1", "ws1", {"call.busy"}));
  EXPECT_TRUE(deliveriesOf(outbox, "ws1", "we1").empty());
  EXPECT_TRUE(outbox.claimDueDeliveries(1'000, 1'000, 10)->empty());
}

TEST_P(StoreContract, WebhooksClaimsLeaseAttemptsRecordAndRedeliveryMakesDueAgain) {
  seedTenants();
  vo::api::WebhookStore& outbox = webhooksOf(*store_);
  addEndpoint(outbox, endpointOf("we1", "ws1", {"call.no_answer"}));
  insert(dispatchingCalls({"c1", "c2"}, "ws1"));
  for (const std::string id : {"c1", "c2"}) {
    ASSERT_TRUE(
        store_->transition(transitionOf(id, {CallStatus::kDispatching}, CallStatus::kNoAnswer, 100))
            .value());
  }
  EXPECT_TRUE(outbox.claimDueDeliveries(99, 5'000, 10)->empty()) << "not due yet";
  auto claimed = outbox.claimDueDeliveries(1'000, 5'000, 1);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().url, "https://hooks.example.com/we1");
  EXPECT_EQ(claimed->front().secret, "whsec_we1");
  const WebhookDelivery first = claimed->front().delivery;
  auto rest = outbox.claimDueDeliveries(1'000, 5'000, 10);
  ASSERT_EQ(rest->size(), 1u) << "the leased one is skipped";
  EXPECT_NE(rest->front().delivery.id, first.id);
  EXPECT_TRUE(outbox.claimDueDeliveries(5'999, 5'000, 10)->empty());

  // The first answers 503 and is due again later; the second is delivered.
  ASSERT_TRUE(outbox
                  .recordDeliveryAttempt(
                      {{first.id, 1, 1'000, 30, 503, ""}, DeliveryState::kPending, 9'000})
                  .ok());
  ASSERT_TRUE(
      outbox
          .recordDeliveryAttempt(
              {{rest->front().delivery.id, 1, 1'000, 20, 200, ""}, DeliveryState::kDelivered, 0})
          .ok());
  EXPECT_TRUE(outbox.claimDueDeliveries(8'999, 5'000, 10)->empty());
  claimed = outbox.claimDueDeliveries(9'000, 5'000, 10);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().delivery.id, first.id);
  EXPECT_EQ(claimed->front().delivery.attempts, 1);
  ASSERT_TRUE(outbox
                  .recordDeliveryAttempt(
                      {{first.id, 2, 9'000, 10'000, 0, "timed out"}, DeliveryState::kFailed, 0})
                  .ok());
  const auto attempts = outbox.deliveryAttempts(first.id);
  ASSERT_EQ(attempts->size(), 2u);
  EXPECT_EQ(attempts.value()[0].attemptNumber, 1);
  EXPECT_EQ(attempts.value()[0].httpStatus, 503);
  EXPECT_EQ(attempts.value()[1].attemptNumber, 2);
  EXPECT_EQ(attempts.value()[1].error, "timed out");
  EXPECT_EQ(attempts.value()[1].durationMs, 10'000);
  EXPECT_TRUE(outbox.claimDueDeliveries(100'000, 5'000, 10)->empty()) << "failed for good";

  // Redelivered whatever its state: the failed one and the delivered one are due again.
  EXPECT_EQ(outbox.redeliver("ws1", "we9", first.id, 0).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(outbox.redeliver("ws2", "we1", first.id, 0).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(outbox.redeliver("ws1", "we1", first.id, 200'000).ok());
  ASSERT_TRUE(outbox.redeliver("ws1", "we1", rest->front().delivery.id, 200'000).ok());
  claimed = outbox.claimDueDeliveries(200'000, 5'000, 10);
  ASSERT_EQ(claimed->size(), 2u);
}

TEST_P(StoreContract, WebhooksDeliveriesPageNewestFirstAndFinishedOnesArePurged) {
  seedTenants();
  vo::api::WebhookStore& outbox = webhooksOf(*store_);
  addEndpoint(outbox, endpointOf("we1", "ws1", {"call.canceled"}));
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back("c" + std::to_string(i));
  insert(dispatchingCalls(ids, "ws1"));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store_
                    ->transition(transitionOf(ids[i], {CallStatus::kDispatching},
                                              CallStatus::kCanceled, 100 + i))
                    .value());
  }
  auto page = outbox.listDeliveries({"ws1", "we1", 2, 0, ""});
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ(page.value()[0].subjectId, "c4");
  EXPECT_EQ(page.value()[1].subjectId, "c3");
  page = outbox.listDeliveries({"ws1", "we1", 10, page->back().createdAtMs, page->back().id});
  ASSERT_EQ(page->size(), 3u);
  EXPECT_EQ(page.value()[0].subjectId, "c2");
  EXPECT_EQ(page.value()[2].subjectId, "c0");

  // Delivered c0 and c1; only finished deliveries older than the bound go.
  for (const WebhookDelivery& delivery : page.value()) {
    if (delivery.subjectId == "c2") continue;
    ASSERT_TRUE(outbox
                    .recordDeliveryAttempt(
                        {{delivery.id, 1, 500, 1, 204, ""}, DeliveryState::kDelivered, 0})
                    .ok());
  }
  auto purged = outbox.purgeDeliveries(102, 100);
  ASSERT_TRUE(purged.ok()) << purged.error().message;
  EXPECT_EQ(purged.value(), 2);
  const auto left = deliveriesOf(outbox, "ws1", "we1");
  ASSERT_EQ(left.size(), 3u);
  EXPECT_TRUE(std::none_of(left.begin(), left.end(), [](const WebhookDelivery& delivery) {
    return delivery.subjectId == "c0" || delivery.subjectId == "c1";
  }));
  EXPECT_TRUE(outbox.deliveryAttempts(page.value()[2].id)->empty());
}

}  // namespace
}  // namespace vo::contract
