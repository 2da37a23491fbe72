#pragma once

#include <memory>

#include "http/ApiContext.h"
#include "http/Router.h"

namespace vo::core::http {

// Unauthenticated operational routes: GET /health, GET /metrics and the provider's webhooks
// (the provider verifies its own signature).
class OpsRoutes {
 public:
  explicit OpsRoutes(ApiContext& context) : context_(context) {}
  void addTo(Router& router);

  ApiResponse health(const RouteContext& route);
  ApiResponse metrics(const RouteContext& route);
  ApiResponse webhook(const RouteContext& route);

  // Registers the scrape-time collectors (calls by status, queue depth, retention). They hold
  // only the services, which outlive the metrics registry's scrapes.
  static void registerCollectors(const ApiServices& services);

 private:
  ApiContext& context_;
};

}  // namespace vo::core::http
