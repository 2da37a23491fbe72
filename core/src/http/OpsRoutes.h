#pragma once

#include <memory>

#include "http/ApiContext.h"
#include "http/HealthCache.h"
#include "http/Router.h"
#include "metrics/RefreshedValue.h"
#include "vo/api/CallStore.h"
#include "vo/api/VoiceProvider.h"

namespace vo::core::http {

// Operational routes open to anyone: GET /health (up or down per component; names and details
// only for the admin key), GET /metrics (behind auth.metricsToken when one is set), GET
// /openapi.json (docs/openapi.json, built in) and the provider's webhooks (the provider verifies
// its own signature).
class OpsRoutes {
 public:
  // Starts counting calls by status in the background and registers the vo_calls collector.
  explicit OpsRoutes(ApiContext& context);
  ~OpsRoutes();
  void addTo(Router& router);

  ApiResponse health(const RouteContext& route);
  ApiResponse metrics(const RouteContext& route);
  // Answered once its outcomes are recorded, without holding a thread meanwhile.
  void webhook(const RouteContext& route, const Responder& responder);
  // The provider's answer to a webhook: recorded outcomes first (answered 2xx only then).
  void settleWebhook(api::WebhookResponse answer, const Responder& responder);

  // Registers the scrape-time collectors of queue depth and retention. They hold only the
  // services, which outlive the metrics registry's scrapes.
  static void registerCollectors(const ApiServices& services);

 private:
  ApiContext& context_;
  RefreshedValue<api::StatusCounts> callCounts_;  // vo_calls: never counted on a scrape
  HealthCache storeHealth_;                       // pinged at most once a second
  HealthCache queueHealth_;
  HealthCache providerHealth_;
};

}  // namespace vo::core::http
