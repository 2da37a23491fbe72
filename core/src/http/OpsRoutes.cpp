#include "http/OpsRoutes.h"

#include <chrono>
#include <optional>

#include "http/Authenticator.h"
#include "http/IsoTime.h"
#include "http/OpenApiDocument.h"
#include "vo/api/CallQueue.h"
#include "vo/api/CallStore.h"
#include "vo/api/RetentionPolicy.h"
#include "vo/api/VoiceProvider.h"
#include "vo/core/Dispatcher.h"
#include "vo/core/Metrics.h"
#include "vo/core/TimeSource.h"

namespace vo::core::http {

namespace {

// Counting calls by status scans the calls table: one background read per interval, whatever
// the number of scrapes (the README says how stale vo_calls may be).
constexpr std::chrono::milliseconds kCallCountRefresh{5000};
constexpr const char* kCallCountHelp =
    "Stored calls by status, counted every 5 s in the background.";

// Anyone sees whether a component is up; only the admin sees which plugin it is and its detail
// (host names, ports, database names, raw errors).
void writeComponent(JsonWriter& writer, const std::string& kind, const std::string& name,
                    const api::ComponentHealth& health, bool detailed) {
  writer.key(kind).beginObject().key("up").boolean(health.up);
  if (detailed) writer.key("name").string(name).key("detail").string(health.detail);
}

void writeRun(JsonWriter& writer, const api::RetentionRun& run) {
  writer.beginObject();
  writer.key("startedAt").stringOrNull(run.startedAtMs > 0 ? formatIsoMs(run.startedAtMs) : "");
  writer.key("finishedAt").stringOrNull(run.finishedAtMs > 0 ? formatIsoMs(run.finishedAtMs) : "");
  writer.key("daysRolledUp").integer(run.daysRolledUp);
  writer.key("callsRolledUp").integer(run.callsRolledUp);
  writer.key("callsPurged").integer(run.callsPurged);
  writer.key("callsKeptNotFinal").integer(run.callsKeptNotFinal);
  writer.key("skipped").boolean(run.skipped).key("error").stringOrNull(run.error);
  writer.endObject();
}

void appendGauge(std::string& out, const std::string& name, const std::string& help,
                 const std::vector<std::pair<std::string, int64_t>>& samples) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " gauge\n";
  for (const auto& [labels, value] : samples) {
    out += name + (labels.empty() ? "" : "{" + labels + "}") + " " + std::to_string(value) + "\n";
  }
}

}  // namespace

OpsRoutes::OpsRoutes(ApiContext& context)
    : context_(context),
      callCounts_(
          [&store = context.services.store]() -> std::optional<api::StatusCounts> {
            auto counts = store.countByStatus();
            if (!counts) return std::nullopt;
            return std::move(counts.value());
          },
          kCallCountRefresh),
      storeHealth_([&store = context.services.store] { return store.health(); },
                   context.services.clock),
      queueHealth_([&queue = context.services.queue] { return queue.health(); },
                   context.services.clock),
      providerHealth_([&provider = context.services.provider] { return provider.health(); },
                      context.services.clock) {
  // At start-up: a store that cannot answer yet is asked again on the first unverified webhook.
  (void)context.webhookSecrets.reload();
  // The registry outlives this object: the collector holds the cached counts, not the store.
  context.services.metrics.addCollector([counts = callCounts_.reader()](std::string& out) {
    std::optional<api::StatusCounts> byStatus = counts();
    if (!byStatus) return;  // the last count failed: no figure rather than a wrong one
    std::vector<std::pair<std::string, int64_t>> samples;
    for (api::CallStatus status : api::kAllCallStatuses) {
      auto found = byStatus->find(status);
      samples.emplace_back("status=\"" + std::string(api::toString(status)) + "\"",
                           found == byStatus->end() ? 0 : found->second);
    }
    appendGauge(out, "vo_calls", kCallCountHelp, samples);
  });
}

OpsRoutes::~OpsRoutes() = default;

void OpsRoutes::addTo(Router& router) {
  const RouteOptions open{false, false};
  router.add(
      "GET", "/health", [this](const RouteContext& route) { return health(route); }, open);
  router.add(
      "GET", "/metrics", [this](const RouteContext& route) { return metrics(route); }, open);
  router.add(
      "GET", "/openapi.json",
      [](const RouteContext&) { return jsonResponse(200, std::string(openApiDocument())); }, open);
  router.addLater(
      "POST", "/webhooks/{provider}",
      [this](const RouteContext& route, const Responder& responder) { webhook(route, responder); },
      open);
}

ApiResponse OpsRoutes::health(const RouteContext& route) {
  const ApiServices& services = context_.services;
  const bool detailed = route.caller.admin;
  const api::ComponentHealth store = storeHealth_.get();
  const api::ComponentHealth queue = queueHealth_.get();
  const api::ComponentHealth provider = providerHealth_.get();
  bool up = store.up && queue.up && provider.up;
  std::string body;
  JsonWriter writer(body);
  writer.beginObject().key("components").beginObject();
  writeComponent(writer, "store", services.storeName, store, detailed);
  writer.endObject();
  writeComponent(writer, "queue", services.queueName, queue, detailed);
  writer.endObject();
  writeComponent(writer, "provider", services.providerName, provider, detailed);
  writer.endObject();
  if (services.retention != nullptr) {
    // The retention plugin's health and last run are its own memory: no round trip to cache.
    const api::ComponentHealth retention = services.retention->health();
    up = up && retention.up;
    writeComponent(writer, "retention", services.retentionName, retention, detailed);
    if (detailed) {
      writer.key("lastRun");
      writeRun(writer, services.retention->lastRun());
    }
    writer.endObject();
  }
  writer.endObject().key("status").string(up ? "ok" : "down").endObject();
  return jsonResponse(up ? 200 : 503, std::move(body));
}

ApiResponse OpsRoutes::metrics(const RouteContext& route) {
  const std::string& token = context_.services.config.auth.metricsToken;
  if (!token.empty() && !route.caller.admin &&
      !constantTimeEquals(route.request.header("authorization"), "Bearer " + token)) {
    return errorResponse(ApiError{401, "unauthorized",
                                  "/metrics needs 'Authorization: Bearer <auth.metricsToken>'"});
  }
  ApiResponse response{200, context_.services.metrics.render()};
  response.contentType = "text/plain; version=0.0.4; charset=utf-8";
  return response;
}

void OpsRoutes::webhook(const RouteContext& route, const Responder& responder) {
  if (route.params[0] != context_.services.providerName) {
    return responder.answer(errorResponse(notFound("webhook provider '" + route.params[0] + "'")));
  }
  auto request = std::make_shared<api::WebhookRequest>();
  request->headers = route.request.headers;
  request->body = std::move(route.request.body);
  request->nowMs = context_.services.clock.nowMs();
  request->workspaceSecrets = *context_.webhookSecrets.current();
  api::WebhookResponse answer = context_.services.provider.handleWebhook(*request);
  if (answer.httpStatus == 401 && context_.webhookSecrets.mayReload()) {
    // Signed, perhaps, by a workspace created since the secrets were read (on another
    // instance): read them again, off the event loop, and ask once more.
    return responder.runBlocking([this, request, responder] {
      if (context_.webhookSecrets.reload()) {
        request->workspaceSecrets = *context_.webhookSecrets.current();
      }
      settleWebhook(context_.services.provider.handleWebhook(*request), responder);
    });
  }
  settleWebhook(std::move(answer), responder);
}

void OpsRoutes::settleWebhook(api::WebhookResponse answer, const Responder& responder) {
  const int status = answer.httpStatus >= 200 && answer.httpStatus <= 599 ? answer.httpStatus : 500;
  if (answer.events.empty()) return responder.answer(jsonResponse(status, std::move(answer.body)));
  // Answered 2xx only once the outcomes are recorded: otherwise 503, and the provider sends the
  // webhook again (its call may not be recorded yet, or the store is down).
  context_.services.dispatcher.applyEventsAsync(
      std::move(answer.events),
      [responder, status, body = std::move(answer.body)](api::Result<void> applied) {
        if (!applied) {
          return responder.answer(errorResponse(
              ApiError{503, "unavailable",
                       "outcome not recorded yet, send it again: " + applied.error().message}));
        }
        responder.answer(jsonResponse(status, body));
      },
      [responder](std::function<void()> job) { responder.runBlocking(std::move(job)); });
}

void OpsRoutes::registerCollectors(const ApiServices& services) {
  api::CallQueue* queue = &services.queue;
  services.metrics.addCollector([queue](std::string& out) {
    auto counts = queue->counts();
    if (!counts) return;
    appendGauge(out, "vo_queue_jobs", "Queue jobs by state.",
                {{"state=\"waiting\"", counts->waiting},
                 {"state=\"delayed\"", counts->delayed},
                 {"state=\"active\"", counts->active},
                 {"state=\"paused\"", counts->paused}});
    appendGauge(out, "vo_queue_slots_held", "Calls holding pacing slots.",
                {{"", counts->slotsHeld}});
  });

  if (api::RetentionPolicy* retention = services.retention) {
    services.metrics.addCollector([retention](std::string& out) {
      const api::RetentionRun run = retention->lastRun();
      appendGauge(out, "vo_retention_last_run_finished_seconds",
                  "When the last retention run finished (Unix time).",
                  {{"", run.finishedAtMs / 1000}});
      appendGauge(
          out, "vo_retention_last_run_calls",
          "Calls rolled up and purged by the last retention run.",
          {{"action=\"rolled_up\"", run.callsRolledUp}, {"action=\"purged\"", run.callsPurged}});
      appendGauge(out, "vo_retention_last_run_failed", "1 when the last retention run failed.",
                  {{"", run.error.empty() ? 0 : 1}});
    });
  }
}

}  // namespace vo::core::http
