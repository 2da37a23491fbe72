#pragma once

#include <array>
#include <variant>

#include "http/ApiContext.h"
#include "http/ApiKeyRoutes.h"
#include "http/Authenticator.h"
#include "http/CallReadRoutes.h"
#include "http/CallWriteRoutes.h"
#include "http/CampaignRoutes.h"
#include "http/DashboardRoutes.h"
#include "http/DncRoutes.h"
#include "http/Idempotency.h"
#include "http/OpsRoutes.h"
#include "http/RegistryRoutes.h"
#include "http/Router.h"
#include "http/WebhookRoutes.h"

namespace vo::core {
class Counter;
}

namespace vo::core::http {

// The whole REST API as a function of ApiRequest -> ApiResponse: routing, authentication,
// content-type and idempotency rules, then the route. Thread-safe; never throws.
class ApiHandler {
 public:
  explicit ApiHandler(ApiServices services);
  ApiHandler(const ApiHandler&) = delete;
  ApiHandler& operator=(const ApiHandler&) = delete;

  // Takes the request: a route may release its body once parsed (a 100,000-row bulk body).
  ApiResponse handle(ApiRequest request);

  // Whether the request goes to a route answered later that needs nothing which may block
  // first (no key to check): the HTTP front then passes it to handleLater on its event loop.
  bool answersLater(const ApiRequest& request) const;
  // Runs such a request; the answer comes through `responder` (the front counts it).
  void handleLater(ApiRequest request, const Responder& responder);

  // The refusal a request gets on its headers alone (unknown route, missing or unknown key,
  // wrong media type), or nullopt: the HTTP front asks before reading a large body.
  std::optional<ApiResponse> checkHeaders(const ApiRequest& request);

  // Counts an answer by status class (also for answers the HTTP layer gives itself).
  void countAnswer(int status);
  const ApiContext& context() const { return context_; }
  const Router& router() const { return router_; }

 private:
  struct Admitted {
    RouteMatch match;
    Caller caller;
  };
  // What every request passes before its route runs: a known route, a valid key where the route
  // needs one (on an open route a valid key only names the caller), and a JSON media type for a
  // body (`bodyFollows`: the front asks before the body is read). The route, or the refusal.
  std::variant<Admitted, ApiResponse> admit(const ApiRequest& request, bool bodyFollows,
                                            int64_t nowMs);
  ApiResponse route(ApiRequest& request);
  // A route answered later, on a worker thread: waits for its answer.
  ApiResponse waitForLater(const Route& route, const RouteContext& context);

  ApiContext context_;
  Authenticator authenticator_;
  Idempotency idempotency_;
  Router router_;
  CallWriteRoutes callWrites_;
  CallReadRoutes callReads_;
  CampaignRoutes campaigns_;
  RegistryRoutes registry_;
  ApiKeyRoutes apiKeys_;
  WebhookRoutes webhooks_;
  DncRoutes dnc_;
  OpsRoutes ops_;
  DashboardRoutes dashboard_;
  std::array<Counter*, 5> answersByClass_{};
};

}  // namespace vo::core::http
