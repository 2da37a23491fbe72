#pragma once

#include "http/ApiContext.h"
#include "http/Router.h"

namespace vo::core::http {

// A workspace's webhook endpoints (docs/webhooks.md), for the admin or that workspace's key:
// register (the secret shown once), list, read, change (url, events, enabled), delete; an
// endpoint's deliveries newest first with their attempts, and a redelivery.
class WebhookRoutes {
 public:
  explicit WebhookRoutes(ApiContext& context) : context_(context) {}
  void addTo(Router& router);

  ApiResponse create(const RouteContext& route);
  ApiResponse list(const RouteContext& route);
  ApiResponse get(const RouteContext& route);
  ApiResponse change(const RouteContext& route);
  ApiResponse remove(const RouteContext& route);
  ApiResponse deliveries(const RouteContext& route);
  ApiResponse redeliver(const RouteContext& route);

 private:
  ApiContext& context_;
};

}  // namespace vo::core::http
