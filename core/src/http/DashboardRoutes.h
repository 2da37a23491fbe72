#pragma once

#include <filesystem>

#include "http/ApiContext.h"
#include "http/Router.h"

namespace vo::core::http {

// The dashboard: its static files (GET /dashboard and /dashboard/{file}, open: the page signs
// in with an API key and calls the API with it) and the live queue figures it polls
// (GET /stats, scoped to the caller's workspace for a workspace key).
class DashboardRoutes {
 public:
  explicit DashboardRoutes(ApiContext& context);
  void addTo(Router& router);

  ApiResponse page(const RouteContext& route);
  ApiResponse file(const RouteContext& route);
  ApiResponse stats(const RouteContext& route);

 private:
  // The file's contents as an answer, or 404 naming what is missing and where it was looked for.
  ApiResponse serve(const std::filesystem::path& path, const char* contentType) const;

  ApiContext& context_;
  const std::filesystem::path dashboardDir_;
};

}  // namespace vo::core::http
