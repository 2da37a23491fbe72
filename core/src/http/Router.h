#pragma once

#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "http/ApiMessage.h"
#include "http/Responder.h"
#include "vo/api/Tenant.h"

namespace vo::core::http {

struct RouteContext {
  ApiRequest& request;  // a route may release request.body once it has parsed it
  const Caller& caller;
  const std::vector<std::string>& params;  // the {placeholders} of the path, in order
  // With an Idempotency-Key on a route that answersWithItsWrite: the record to complete with the
  // answer and store in the same transaction as the route's writes. Null otherwise.
  const api::IdempotencyRecord* idempotency = nullptr;
};

using RouteHandler = std::function<ApiResponse(const RouteContext&)>;
// A route that answers later, through the Responder, without blocking: the HTTP front runs it on
// its event loop (a provider's webhook, answered once its batch is recorded).
using LaterHandler = std::function<void(const RouteContext&, const Responder&)>;

struct RouteOptions {
  bool authenticated = true;  // Bearer key required
  bool jsonBody = true;       // a POST body must be JSON; Idempotency-Key applies
  // Stores its Idempotency-Key answer with its own writes (RouteContext::idempotency).
  bool answersWithItsWrite = false;
};

struct Route {
  std::string method;
  std::string pattern;                // as added, e.g. "/workspaces/{id}/agents"
  std::vector<std::string> segments;  // "{}" matches any one segment
  RouteOptions options;
  RouteHandler handler;  // one of the two is set
  LaterHandler later;
};

struct RouteMatch {
  const Route* route = nullptr;
  std::vector<std::string> params;
};

// Maps method + path to a handler: 404 for unknown paths, 405 with Allow for known paths asked
// with another method. A literal segment wins over a placeholder (/calls/report vs /calls/{id}).
class Router {
 public:
  // `pattern` like "/workspaces/{id}/agents".
  void add(std::string method, const std::string& pattern, RouteHandler handler,
           RouteOptions options = {});
  // A route answered later (no Idempotency-Key handling: for routes without a JSON body).
  void addLater(std::string method, const std::string& pattern, LaterHandler handler,
                RouteOptions options);
  // Either the route, or the finished 404 / 405 (with an Allow header) answer.
  std::variant<RouteMatch, ApiResponse> match(const std::string& method,
                                              const std::string& path) const;
  // Every route, in the order added (docs/openapi.json must describe each: OpenApiTest).
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

std::vector<std::string> splitPath(const std::string& path);

}  // namespace vo::core::http
