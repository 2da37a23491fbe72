#pragma once

#include "http/ApiContext.h"
#include "http/Authenticator.h"
#include "http/Router.h"

namespace vo::core::http {

// A workspace's API keys, for the admin: create (the key shown once), list (prefix and times,
// never the key) and revoke.
class ApiKeyRoutes {
 public:
  ApiKeyRoutes(ApiContext& context, Authenticator& authenticator)
      : context_(context), authenticator_(authenticator) {}
  void addTo(Router& router);

  ApiResponse create(const RouteContext& route);
  ApiResponse list(const RouteContext& route);
  ApiResponse revoke(const RouteContext& route);

 private:
  ApiContext& context_;
  Authenticator& authenticator_;
};

}  // namespace vo::core::http
