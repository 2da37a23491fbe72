// The webhook endpoints and their outbox (WebhookStore). The outbox rows themselves are written
// by the database, in the status change's transaction (Migrations.cpp, version 11).
#include "vo/sql/SqlCallStore.h"

namespace vo::sql {

using vo::api::DeliveryState;
using vo::api::ErrorCode;
using vo::api::makeError;
using vo::api::Result;

namespace {

constexpr std::string_view kEndpointColumns =
    "id, workspace_id, url, secret, events, enabled, created_at_ms, updated_at_ms";
constexpr std::string_view kDeliveryColumns =
    "id, endpoint_id, workspace_id, event_type, subject_id, created_at_ms, state, attempts, "
    "next_attempt_at_ms";

std::string str(std::string_view text) {
  return std::string(text);
}

// ",a,b," : a subscription is then one substring test in the trigger.
std::string eventsText(const std::vector<std::string>& events) {
  std::string text = ",";
  for (const std::string& event : events) text += event + ",";
  return text;
}

std::vector<std::string> eventsOf(const std::string& text) {
  std::vector<std::string> events;
  std::size_t from = 0;
  for (std::size_t comma = text.find(',', from); comma != std::string::npos;
       comma = text.find(',', from)) {
    if (comma > from) events.push_back(text.substr(from, comma - from));
    from = comma + 1;
  }
  return events;
}

DeliveryState stateOf(const std::string& text) {
  for (DeliveryState state :
       {DeliveryState::kPending, DeliveryState::kDelivered, DeliveryState::kFailed}) {
    if (vo::api::toString(state) == text) return state;
  }
  return DeliveryState::kPending;
}

vo::api::WebhookEndpoint rowToEndpoint(const SqlRow& row) {
  return {textOf(row[0]),           textOf(row[1]),     textOf(row[2]), textOf(row[3]),
          eventsOf(textOf(row[4])), intOf(row[5]) != 0, intOf(row[6]),  intOf(row[7])};
}

vo::api::WebhookDelivery rowToDelivery(const SqlRow& row) {
  return {textOf(row[0]), textOf(row[1]), textOf(row[2]),          textOf(row[3]),
          textOf(row[4]), intOf(row[5]),  stateOf(textOf(row[6])), static_cast<int>(intOf(row[7])),
          intOf(row[8])};
}

vo::api::Error endpointNotFound(std::string_view workspaceId, std::string_view endpointId) {
  return makeError(ErrorCode::kNotFound, "webhook endpoint " + str(endpointId) + " of workspace " +
                                             str(workspaceId) + " not found");
}

}  // namespace

vo::api::WebhookStore* SqlCallStore::webhooks() {
  return this;
}

Result<void> SqlCallStore::createWebhookEndpoint(const vo::api::WebhookEndpoint& endpoint) {
  return write<void>([&](SqlRunner& sql) -> Result<void> {
    if (sql.query("SELECT 1 FROM workspaces WHERE id = ?", {endpoint.workspaceId}).empty()) {
      return makeError(ErrorCode::kNotFound, "workspace " + endpoint.workspaceId + " not found");
    }
    sql.execute("INSERT INTO webhook_endpoints (" + str(kEndpointColumns) +
                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                {endpoint.id, endpoint.workspaceId, endpoint.url, endpoint.secret,
                 eventsText(endpoint.events), int64_t{endpoint.enabled ? 1 : 0},
                 endpoint.createdAtMs, endpoint.updatedAtMs});
    return Result<void>::success();
  });
}

Result<vo::api::WebhookEndpoint> SqlCallStore::getWebhookEndpoint(std::string_view workspaceId,
                                                                  std::string_view endpointId) {
  return read<vo::api::WebhookEndpoint>([&](SqlRunner& sql) -> Result<vo::api::WebhookEndpoint> {
    const auto rows = sql.query("SELECT " + str(kEndpointColumns) +
                                    " FROM webhook_endpoints WHERE workspace_id = ? AND id = ?",
                                {str(workspaceId), str(endpointId)});
    if (rows.empty()) return endpointNotFound(workspaceId, endpointId);
    return rowToEndpoint(rows.front());
  });
}

Result<std::vector<vo::api::WebhookEndpoint>> SqlCallStore::listWebhookEndpoints(
    std::string_view workspaceId) {
  return read<std::vector<vo::api::WebhookEndpoint>>([&](SqlRunner& sql) {
    std::vector<vo::api::WebhookEndpoint> endpoints;
    for (const SqlRow& row :
         sql.query("SELECT " + str(kEndpointColumns) +
                       " FROM webhook_endpoints WHERE workspace_id = ? ORDER BY created_at_ms, id",
                   {str(workspaceId)})) {
      endpoints.push_back(rowToEndpoint(row));
    }
    return Result<std::vector<vo::api::WebhookEndpoint>>(std::move(endpoints));
  });
}

Result<void> SqlCallStore::updateWebhookEndpoint(const vo::api::WebhookEndpoint& endpoint) {
  return writeOne<void>([&](SqlRunner& sql) -> Result<void> {
    const int64_t changed = sql.execute(
        "UPDATE webhook_endpoints SET url = ?, events = ?, enabled = ?, updated_at_ms = ? WHERE "
        "workspace_id = ? AND id = ?",
        {endpoint.url, eventsText(endpoint.events), int64_t{endpoint.enabled ? 1 : 0},
         endpoint.updatedAtMs, endpoint.workspaceId, endpoint.id});
    if (changed == 0) return endpointNotFound(endpoint.workspaceId, endpoint.id);
    return Result<void>::success();
  });
}

Result<void> SqlCallStore::deleteWebhookEndpoint(std::string_view workspaceId,
                                                 std::string_view endpointId) {
  return write<void>([&](SqlRunner& sql) -> Result<void> {
    const SqlParams endpoint{str(workspaceId), str(endpointId)};
    if (sql.execute("DELETE FROM webhook_endpoints WHERE workspace_id = ? AND id = ?", endpoint) ==
        0) {
      return endpointNotFound(workspaceId, endpointId);
    }
    sql.execute(
        "DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries "
        "WHERE workspace_id = ? AND endpoint_id = ?)",
        endpoint);
    sql.execute("DELETE FROM webhook_deliveries WHERE workspace_id = ? AND endpoint_id = ?",
                endpoint);
    return Result<void>::success();
  });
}

Result<std::vector<vo::api::DueDelivery>> SqlCallStore::claimDueDeliveries(int64_t nowMs,
                                                                           int64_t leaseMs,
                                                                           int limit) {
  // Instances sharing PostgreSQL skip each other's locked rows instead of waiting for them; the
  // lease (the next attempt moved past the send's timeout) keeps them apart after the commit.
  const std::string skipLocked =
      backend_->name() == "postgres" ? " FOR UPDATE SKIP LOCKED" : std::string();
  // The workers poll: an idle outbox costs one index probe, not a write transaction (SQLite's
  // writer lock is the calls' too).
  auto anyDue = read<bool>([&](SqlRunner& sql) -> Result<bool> {
    return !sql.query(
                   "SELECT 1 FROM webhook_deliveries WHERE state = 'pending' AND "
                   "next_attempt_at_ms <= ? LIMIT 1",
                   {nowMs})
                .empty();
  });
  if (!anyDue) return anyDue.error();
  if (!anyDue.value()) return std::vector<vo::api::DueDelivery>{};
  return write<std::vector<vo::api::DueDelivery>>(
      [&](SqlRunner& sql) -> Result<std::vector<vo::api::DueDelivery>> {
        const auto rows = sql.query(
            "UPDATE webhook_deliveries SET next_attempt_at_ms = ? WHERE id IN (SELECT id FROM "
            "webhook_deliveries WHERE state = 'pending' AND next_attempt_at_ms <= ? ORDER BY "
            "next_attempt_at_ms LIMIT ?" +
                skipLocked + ") RETURNING " + str(kDeliveryColumns),
            {nowMs + leaseMs, nowMs, int64_t{limit}});
        std::vector<vo::api::DueDelivery> due;
        if (rows.empty()) return due;
        std::vector<std::string> endpointIds;
        for (const SqlRow& row : rows) {
          due.push_back({rowToDelivery(row), "", ""});
          endpointIds.push_back(due.back().delivery.endpointId);
        }
        SqlWhere where;
        where.addIn("id", endpointIds);
        for (const SqlRow& row : sql.query(
                 "SELECT id, url, secret FROM webhook_endpoints" + where.clause(), where.params)) {
          for (vo::api::DueDelivery& delivery : due) {
            if (delivery.delivery.endpointId != textOf(row[0])) continue;
            delivery.url = textOf(row[1]);
            delivery.secret = textOf(row[2]);
          }
        }
        return due;
      });
}

Result<void> SqlCallStore::recordDeliveryAttempt(const vo::api::DeliveryOutcome& outcome) {
  const vo::api::DeliveryAttempt& attempt = outcome.attempt;
  return write<void>([&](SqlRunner& sql) -> Result<void> {
    // Numbered by the store: a redelivery sent while an earlier send was still out cannot make
    // two attempts with one number.
    sql.execute(
        "INSERT INTO webhook_attempts (delivery_id, attempt_number, at_ms, duration_ms, "
        "http_status, error) SELECT id, attempts + 1, ?, ?, ?, ? FROM webhook_deliveries WHERE "
        "id = ?",
        {attempt.atMs, attempt.durationMs, int64_t{attempt.httpStatus}, attempt.error,
         attempt.deliveryId});
    sql.execute(
        "UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, next_attempt_at_ms = ? "
        "WHERE id = ?",
        {str(vo::api::toString(outcome.state)), outcome.nextAttemptAtMs, attempt.deliveryId});
    return Result<void>::success();
  });
}

Result<std::vector<vo::api::WebhookDelivery>> SqlCallStore::listDeliveries(
    const vo::api::DeliveryQuery& query) {
  return read<std::vector<vo::api::WebhookDelivery>>([&](SqlRunner& sql) {
    SqlParams params{query.workspaceId, query.endpointId};
    std::string before;
    if (query.beforeCreatedAtMs > 0) {
      before = " AND (created_at_ms < ? OR (created_at_ms = ? AND id < ?))";
      params.insert(params.end(),
                    {query.beforeCreatedAtMs, query.beforeCreatedAtMs, query.beforeId});
    }
    params.push_back(int64_t{query.limit});
    std::vector<vo::api::WebhookDelivery> deliveries;
    for (const SqlRow& row :
         sql.query("SELECT " + str(kDeliveryColumns) +
                       " FROM webhook_deliveries WHERE workspace_id = ? AND endpoint_id = ?" +
                       before + " ORDER BY created_at_ms DESC, id DESC LIMIT ?",
                   params)) {
      deliveries.push_back(rowToDelivery(row));
    }
    return Result<std::vector<vo::api::WebhookDelivery>>(std::move(deliveries));
  });
}

Result<std::vector<vo::api::DeliveryAttempt>> SqlCallStore::deliveryAttempts(
    std::string_view deliveryId) {
  return read<std::vector<vo::api::DeliveryAttempt>>([&](SqlRunner& sql) {
    std::vector<vo::api::DeliveryAttempt> attempts;
    for (const SqlRow& row : sql.query(
             "SELECT delivery_id, attempt_number, at_ms, duration_ms, http_status, error FROM "
             "webhook_attempts WHERE delivery_id = ? ORDER BY attempt_number",
             {str(deliveryId)})) {
      attempts.push_back({textOf(row[0]), static_cast<int>(intOf(row[1])), intOf(row[2]),
                          intOf(row[3]), static_cast<int>(intOf(row[4])), textOf(row[5])});
    }
    return Result<std::vector<vo::api::DeliveryAttempt>>(std::move(attempts));
  });
}

Result<void> SqlCallStore::redeliver(std::string_view workspaceId, std::string_view endpointId,
                                     std::string_view deliveryId, int64_t nowMs) {
  return writeOne<void>([&](SqlRunner& sql) -> Result<void> {
    const int64_t changed = sql.execute(
        "UPDATE webhook_deliveries SET state = 'pending', next_attempt_at_ms = ? WHERE "
        "workspace_id = ? AND endpoint_id = ? AND id = ?",
        {nowMs, str(workspaceId), str(endpointId), str(deliveryId)});
    if (changed == 0) {
      return makeError(ErrorCode::kNotFound, "delivery " + str(deliveryId) + " of endpoint " +
                                                 str(endpointId) + " not found");
    }
    return Result<void>::success();
  });
}

Result<int64_t> SqlCallStore::purgeDeliveries(int64_t createdBeforeMs, int limit) {
  return write<int64_t>([&](SqlRunner& sql) -> Result<int64_t> {
    std::vector<std::string> ids;
    for (SqlRow& row : sql.query(
             "SELECT id FROM webhook_deliveries WHERE created_at_ms < ? AND state <> 'pending' "
             "ORDER BY created_at_ms LIMIT ?",
             {createdBeforeMs, int64_t{limit}})) {
      ids.push_back(textOf(std::move(row[0])));
    }
    if (ids.empty()) return int64_t{0};
    SqlWhere attempts;
    attempts.addIn("delivery_id", ids);
    sql.execute("DELETE FROM webhook_attempts" + attempts.clause(), attempts.params);
    SqlWhere deliveries;
    deliveries.addIn("id", ids);
    return sql.execute("DELETE FROM webhook_deliveries" + deliveries.clause(), deliveries.params);
  });
}

}  // namespace vo::sql
