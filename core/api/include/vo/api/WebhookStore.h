#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vo/api/Result.h"

namespace vo::api {

// An operator's endpoint: the workspace's calls' status changes of the subscribed event types
// ("call.completed", ...) are posted to `url`, signed with `secret`.
struct WebhookEndpoint {
  std::string id;
  std::string workspaceId;
  std::string url;
  std::string secret;
  std::vector<std::string> events;
  bool enabled = true;
  int64_t createdAtMs = 0;
  int64_t updatedAtMs = 0;
};

enum class DeliveryState { kPending, kDelivered, kFailed };

constexpr std::string_view toString(DeliveryState state) {
  switch (state) {
    case DeliveryState::kPending:
      return "pending";
    case DeliveryState::kDelivered:
      return "delivered";
    case DeliveryState::kFailed:
      return "failed";
  }
  return "pending";
}

// One event for one endpoint, in the outbox: written by the store in the transaction of the
// status change it reports (`subjectId` is the call), then sent until delivered or given up.
struct WebhookDelivery {
  std::string id;  // the event's id, "evt_…", also its VO-Event-Id
  std::string endpointId;
  std::string workspaceId;
  std::string eventType;
  std::string subjectId;
  int64_t createdAtMs = 0;
  DeliveryState state = DeliveryState::kPending;
  int attempts = 0;
  int64_t nextAttemptAtMs = 0;
};

// One POST of a delivery: the answer's status (0 when there was none) or the error.
struct DeliveryAttempt {
  std::string deliveryId;
  int attemptNumber = 0;
  int64_t atMs = 0;
  int64_t durationMs = 0;
  int httpStatus = 0;
  std::string error;
};

// A delivery taken for sending, with where to send it and how to sign it.
struct DueDelivery {
  WebhookDelivery delivery;
  std::string url;
  std::string secret;
};

// A sent attempt and what follows it: delivered, failed for good, or pending until
// `nextAttemptAtMs`.
struct DeliveryOutcome {
  DeliveryAttempt attempt;
  DeliveryState state = DeliveryState::kPending;
  int64_t nextAttemptAtMs = 0;
};

// A page of an endpoint's deliveries, newest first; the next page starts before the last one.
struct DeliveryQuery {
  std::string workspaceId;
  std::string endpointId;
  int limit = 50;
  int64_t beforeCreatedAtMs = 0;  // 0: from the newest
  std::string beforeId;
};

// The webhook endpoints and their outbox. A store that has one writes a delivery for each
// enabled endpoint subscribed to a call's new status, in the transaction that changes it.
// Thread-safe; every method returns a Result.
class WebhookStore {
 public:
  virtual ~WebhookStore();

  // kConflict when the id exists, kNotFound when the workspace does not.
  virtual Result<void> createWebhookEndpoint(const WebhookEndpoint& endpoint) = 0;
  virtual Result<WebhookEndpoint> getWebhookEndpoint(std::string_view workspaceId,
                                                     std::string_view endpointId) = 0;
  virtual Result<std::vector<WebhookEndpoint>> listWebhookEndpoints(
      std::string_view workspaceId) = 0;
  // Changes url, events, enabled and updatedAtMs (never the secret); kNotFound when absent.
  virtual Result<void> updateWebhookEndpoint(const WebhookEndpoint& endpoint) = 0;
  // Deletes the endpoint and its deliveries; kNotFound when absent.
  virtual Result<void> deleteWebhookEndpoint(std::string_view workspaceId,
                                             std::string_view endpointId) = 0;

  // Takes up to `limit` pending deliveries due at `nowMs`, oldest due first, and leases them
  // until nowMs + leaseMs (their next attempt time), so other instances skip them meanwhile.
  virtual Result<std::vector<DueDelivery>> claimDueDeliveries(int64_t nowMs, int64_t leaseMs,
                                                              int limit) = 0;
  // Records the attempt and moves its delivery to the outcome's state.
  virtual Result<void> recordDeliveryAttempt(const DeliveryOutcome& outcome) = 0;
  virtual Result<std::vector<WebhookDelivery>> listDeliveries(const DeliveryQuery& query) = 0;
  // A delivery's attempts, oldest first.
  virtual Result<std::vector<DeliveryAttempt>> deliveryAttempts(std::string_view deliveryId) = 0;
  // Makes the delivery pending and due at `nowMs`, whatever its state; kNotFound when absent.
  virtual Result<void> redeliver(std::string_view workspaceId, std::string_view endpointId,
                                 std::string_view deliveryId, int64_t nowMs) = 0;
  // Deletes up to `limit` deliveries no longer pending, created before `createdBeforeMs`, with
  // their attempts; answers how many.
  virtual Result<int64_t> purgeDeliveries(int64_t createdBeforeMs, int limit) = 0;
};

}  // namespace vo::api
