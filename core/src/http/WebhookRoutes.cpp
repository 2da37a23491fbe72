#include "http/WebhookRoutes.h"

#include <charconv>
#include <set>

#include "http/IsoTime.h"
#include "http/RegistryRoutes.h"
#include "vo/api/CallStore.h"
#include "vo/api/WebhookStore.h"
#include "webhooks/WebhookSignature.h"
#include "webhooks/WebhookTarget.h"

namespace vo::core::http {

namespace {

constexpr std::string_view kEventTypes[] = {
    "call.initiated", "call.completed", "call.no_answer",  "call.busy",    "call.failed",
    "call.unknown",   "call.canceled",  "call.suppressed", "call.expired", "campaign.completed"};
constexpr int kDefaultPage = 50;
constexpr int kLargestPage = 200;

std::optional<ApiError> readUrl(const JsonValue& body, const ApiContext& context, bool required,
                                std::string& url) {
  const JsonValue* value = body.find("url");
  if (value == nullptr) {
    return required ? std::optional(invalidField("url", "is required")) : std::nullopt;
  }
  if (!value->isString()) return invalidField("url", "must be a string");
  if (auto reason = webhooks::checkWebhookUrl(
          value->text, context.services.config.webhooks.allowPrivateTargets)) {
    return invalidField("url", *reason);
  }
  url = value->text;
  return std::nullopt;
}

std::optional<ApiError> readEvents(const JsonValue& body, bool required,
                                   std::vector<std::string>& events) {
  const JsonValue* value = body.find("events");
  if (value == nullptr) {
    return required ? std::optional(invalidField("events", "is required")) : std::nullopt;
  }
  if (!value->isArray() || value->items.empty()) {
    return invalidField("events", "must be a non-empty array of event types");
  }
  std::set<std::string> seen;
  events.clear();
  for (std::size_t i = 0; i < value->items.size(); ++i) {
    const JsonValue& item = value->items[i];
    const std::string field = "events[" + std::to_string(i) + "]";
    if (!item.isString() || std::find(std::begin(kEventTypes), std::end(kEventTypes), item.text) ==
                                std::end(kEventTypes)) {
      return invalidField(field,
                          "must be one of call.initiated, call.completed, "
                          "call.no_answer, call.busy, call.failed, call.unknown, "
                          "call.canceled, call.suppressed, call.expired, "
                          "campaign.completed");
    }
    if (!seen.insert(item.text).second) return invalidField(field, "is listed twice");
    events.push_back(item.text);
  }
  return std::nullopt;
}

void writeEndpoint(JsonWriter& writer, const api::WebhookEndpoint& endpoint,
                   std::string_view shownSecret = {}) {
  writer.beginObject()
      .key("id")
      .string(endpoint.id)
      .key("workspaceId")
      .string(endpoint.workspaceId)
      .key("url")
      .string(endpoint.url)
      .key("events")
      .beginArray();
  for (const std::string& event : endpoint.events) writer.string(event);
  writer.endArray().key("enabled").boolean(endpoint.enabled);
  if (!shownSecret.empty()) writer.key("secret").string(shownSecret);
  writer.key("createdAt")
      .string(formatIsoMs(endpoint.createdAtMs))
      .key("updatedAt")
      .string(formatIsoMs(endpoint.updatedAtMs))
      .endObject();
}

void writeDelivery(JsonWriter& writer, const api::WebhookDelivery& delivery,
                   const std::vector<api::DeliveryAttempt>& attempts) {
  writer.beginObject()
      .key("id")
      .string(delivery.id)
      .key("type")
      .string(delivery.eventType)
      .key("callId")
      .string(delivery.subjectId)
      .key("createdAt")
      .string(formatIsoMs(delivery.createdAtMs))
      .key("state")
      .string(api::toString(delivery.state))
      .key("nextAttemptAt");
  if (delivery.state == api::DeliveryState::kPending) {
    writer.string(formatIsoMs(delivery.nextAttemptAtMs));
  } else {
    writer.null();
  }
  writer.key("attempts").beginArray();
  for (const api::DeliveryAttempt& attempt : attempts) {
    writer.beginObject()
        .key("number")
        .integer(attempt.attemptNumber)
        .key("at")
        .string(formatIsoMs(attempt.atMs))
        .key("durationMs")
        .integer(attempt.durationMs)
        .key("httpStatus");
    if (attempt.httpStatus > 0) {
      writer.integer(attempt.httpStatus);
    } else {
      writer.null();
    }
    writer.key("error").stringOrNull(attempt.error).endObject();
  }
  writer.endArray().endObject();
}

// "<createdAtMs>:<id>" of the last delivery of a page, where the next page starts.
bool readCursor(const std::string& cursor, api::DeliveryQuery& query) {
  const std::size_t colon = cursor.find(':');
  if (colon == std::string::npos || colon + 1 == cursor.size()) return false;
  const auto [end, error] =
      std::from_chars(cursor.data(), cursor.data() + colon, query.beforeCreatedAtMs);
  if (error != std::errc() || end != cursor.data() + colon || query.beforeCreatedAtMs <= 0) {
    return false;
  }
  query.beforeId = cursor.substr(colon + 1);
  return !checkId(query.beforeId);
}

}  // namespace

void WebhookRoutes::addTo(Router& router) {
  router.add("POST", "/workspaces/{id}/webhooks",
             [this](const RouteContext& route) { return create(route); });
  router.add("GET", "/workspaces/{id}/webhooks",
             [this](const RouteContext& route) { return list(route); });
  router.add("GET", "/workspaces/{id}/webhooks/{webhookId}",
             [this](const RouteContext& route) { return get(route); });
  router.add("PATCH", "/workspaces/{id}/webhooks/{webhookId}",
             [this](const RouteContext& route) { return change(route); });
  router.add("DELETE", "/workspaces/{id}/webhooks/{webhookId}",
             [this](const RouteContext& route) { return remove(route); });
  router.add("GET", "/workspaces/{id}/webhooks/{webhookId}/deliveries",
             [this](const RouteContext& route) { return deliveries(route); });
  router.add("POST", "/workspaces/{id}/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver",
             [this](const RouteContext& route) { return redeliver(route); });
}

namespace {

// The outbox of the store, or 503 when it keeps none.
api::WebhookStore* outboxOf(ApiContext& context, std::optional<ApiError>& error) {
  api::WebhookStore* outbox = context.services.store.webhooks();
  if (outbox == nullptr) error = unavailable("the configured store keeps no webhook outbox");
  return outbox;
}

std::string endpointWhat(const RouteContext& route) {
  return "webhook '" + route.params[1] + "'";
}

}  // namespace

ApiResponse WebhookRoutes::create(const RouteContext& route) {
  std::optional<ApiError> error = checkWorkspaceRoute(context_, route, true);
  api::WebhookStore* outbox = error ? nullptr : outboxOf(context_, error);
  JsonValue body;
  if (!error) error = parseBodyObject(route.request, body);
  if (!error) error = ObjectFields(body, "").onlyKnown({"url", "events", "enabled"});
  api::WebhookEndpoint endpoint;
  if (!error) error = readUrl(body, context_, true, endpoint.url);
  if (!error) error = readEvents(body, true, endpoint.events);
  if (!error) error = ObjectFields(body, "").optionalBool("enabled", endpoint.enabled);
  if (error) return errorResponse(*error);
  endpoint.id = context_.ids.next();
  endpoint.workspaceId = route.params[0];
  endpoint.secret = webhooks::newWebhookSecret();
  endpoint.createdAtMs = endpoint.updatedAtMs = context_.services.clock.nowMs();
  if (auto stored = outbox->createWebhookEndpoint(endpoint); !stored) {
    return errorResponse(dependencyError(stored.error(), "webhook"));
  }
  auto answer = [&](std::string_view shownSecret) {
    return writeResponse(201,
                         [&](JsonWriter& writer) { writeEndpoint(writer, endpoint, shownSecret); });
  };
  // The secret is shown once: an idempotent replay answers the endpoint without it.
  ApiResponse response = answer(endpoint.secret);
  response.replayBody = answer("").body;
  return response;
}

ApiResponse WebhookRoutes::list(const RouteContext& route) {
  std::optional<ApiError> error = checkWorkspaceRoute(context_, route, false);
  api::WebhookStore* outbox = error ? nullptr : outboxOf(context_, error);
  if (error) return errorResponse(*error);
  auto endpoints = outbox->listWebhookEndpoints(route.params[0]);
  if (!endpoints) return errorResponse(dependencyError(endpoints.error(), "webhooks"));
  return listAnswer(endpoints.value(), [](JsonWriter& writer, const api::WebhookEndpoint& item) {
    writeEndpoint(writer, item);
  });
}

ApiResponse WebhookRoutes::get(const RouteContext& route) {
  std::optional<ApiError> error = checkWorkspaceRoute(context_, route, false);
  api::WebhookStore* outbox = error ? nullptr : outboxOf(context_, error);
  if (error) return errorResponse(*error);
  if (checkId(route.params[1])) return errorResponse(notFound(endpointWhat(route)));
  auto endpoint = outbox->getWebhookEndpoint(route.params[0], route.params[1]);
  if (!endpoint) return errorResponse(dependencyError(endpoint.error(), endpointWhat(route)));
  return writeResponse(200, [&](JsonWriter& writer) { writeEndpoint(writer, endpoint.value()); });
}

ApiResponse WebhookRoutes::change(const RouteContext& route) {
  std::optional<ApiError> error = checkWorkspaceRoute(context_, route, true);
  api::WebhookStore* outbox = error ? nullptr : outboxOf(context_, error);
  if (!error && checkId(route.params[1])) error = notFound(endpointWhat(route));
  JsonValue body;
  if (!error) error = parseBodyObject(route.request, body);
  if (!error) error = ObjectFields(body, "").onlyKnown({"url", "events", "enabled"});
  if (error) return errorResponse(*error);
  auto endpoint = outbox->getWebhookEndpoint(route.params[0], route.params[1]);
  if (!endpoint) return errorResponse(dependencyError(endpoint.error(), endpointWhat(route)));
  api::WebhookEndpoint changed = endpoint.value();
  error = readUrl(body, context_, false, changed.url);
  if (!error) error = readEvents(body, false, changed.events);
  if (!error) error = ObjectFields(body, "").optionalBool("enabled", changed.enabled);
  if (error) return errorResponse(*error);
  changed.updatedAtMs = context_.services.clock.nowMs();
  if (auto stored = outbox->updateWebhookEndpoint(changed); !stored) {
    return errorResponse(dependencyError(stored.error(), endpointWhat(route)));
  }
  return writeResponse(200, [&](JsonWriter& writer) { writeEndpoint(writer, changed); });
}

ApiResponse WebhookRoutes::remove(const RouteContext& route) {
  std::optional<ApiError> error = checkWorkspaceRoute(context_, route, true);
  api::WebhookStore* outbox = error ? nullptr : outboxOf(context_, error);
  if (!error && checkId(route.params[1])) error = notFound(endpointWhat(route));
  if (error) return errorResponse(*error);
  auto endpoint = outbox->getWebhookEndpoint(route.params[0], route.params[1]);
  if (!endpoint) return errorResponse(dependencyError(endpoint.error(), endpointWhat(route)));
  if (auto removed = outbox->deleteWebhookEndpoint(route.params[0], route.params[1]); !removed) {
    return errorResponse(dependencyError(removed.error(), endpointWhat(route)));
  }
  return writeResponse(200, [&](JsonWriter& writer) { writeEndpoint(writer, endpoint.value()); });
}

ApiResponse WebhookRoutes::deliveries(const RouteContext& route) {
  std::optional<ApiError> error = checkWorkspaceRoute(context_, route, false, {"limit", "cursor"});
  api::WebhookStore* outbox = error ? nullptr : outboxOf(context_, error);
  if (!error && checkId(route.params[1])) error = notFound(endpointWhat(route));
  api::DeliveryQuery query{route.params[0], route.params[1], kDefaultPage, 0, ""};
  const QueryParams params(route.request.query);
  if (const std::string* limit = params.find("limit"); !error && limit != nullptr) {
    const auto [end, failed] =
        std::from_chars(limit->data(), limit->data() + limit->size(), query.limit);
    if (failed != std::errc() || end != limit->data() + limit->size() || query.limit < 1 ||
        query.limit > kLargestPage) {
      error = invalidField("limit", "must be an integer from 1 to 200");
    }
  }
  if (const std::string* cursor = params.find("cursor"); !error && cursor != nullptr) {
    if (!readCursor(*cursor, query))
      error = invalidField("cursor", "is not a cursor this API gave");
  }
  if (error) return errorResponse(*error);
  if (auto endpoint = outbox->getWebhookEndpoint(route.params[0], route.params[1]); !endpoint) {
    return errorResponse(dependencyError(endpoint.error(), endpointWhat(route)));
  }
  auto page = outbox->listDeliveries(query);
  if (!page) return errorResponse(dependencyError(page.error(), "deliveries"));
  std::vector<std::vector<api::DeliveryAttempt>> attempts;
  for (const api::WebhookDelivery& delivery : page.value()) {
    auto tried = outbox->deliveryAttempts(delivery.id);
    if (!tried) return errorResponse(dependencyError(tried.error(), "deliveries"));
    attempts.push_back(std::move(tried.value()));
  }
  return writeResponse(200, [&](JsonWriter& writer) {
    writer.beginObject().key("data").beginArray();
    for (std::size_t i = 0; i < page->size(); ++i)
      writeDelivery(writer, page.value()[i], attempts[i]);
    writer.endArray().key("nextCursor");
    if (static_cast<int>(page->size()) == query.limit) {
      writer.string(std::to_string(page->back().createdAtMs) + ":" + page->back().id);
    } else {
      writer.null();
    }
    writer.endObject();
  });
}

ApiResponse WebhookRoutes::redeliver(const RouteContext& route) {
  std::optional<ApiError> error = checkWorkspaceRoute(context_, route, true);
  api::WebhookStore* outbox = error ? nullptr : outboxOf(context_, error);
  const std::string what = "delivery '" + route.params[2] + "'";
  if (!error && (checkId(route.params[1]) || checkId(route.params[2]))) error = notFound(what);
  if (error) return errorResponse(*error);
  if (auto redone = outbox->redeliver(route.params[0], route.params[1], route.params[2],
                                      context_.services.clock.nowMs());
      !redone) {
    return errorResponse(dependencyError(redone.error(), what));
  }
  return writeResponse(202, [&](JsonWriter& writer) {
    writer.beginObject()
        .key("id")
        .string(route.params[2])
        .key("state")
        .string("pending")
        .endObject();
  });
}

}  // namespace vo::core::http
