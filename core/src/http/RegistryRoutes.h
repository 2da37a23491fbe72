#pragma once

#include "http/ApiContext.h"
#include "http/Router.h"

namespace vo::core::http {

// The tenant registry: workspaces, their agents and phone numbers (API keys: ApiKeyRoutes).
class RegistryRoutes {
 public:
  explicit RegistryRoutes(ApiContext& context) : context_(context) {}
  void addTo(Router& router);

  ApiResponse createWorkspace(const RouteContext& route);
  ApiResponse listWorkspaces(const RouteContext& route);
  ApiResponse getWorkspace(const RouteContext& route);
  ApiResponse createAgent(const RouteContext& route);
  ApiResponse listAgents(const RouteContext& route);
  ApiResponse createPhoneNumber(const RouteContext& route);
  ApiResponse listPhoneNumbers(const RouteContext& route);

 private:
  ApiContext& context_;
};

// The workspace of /workspaces/{id}/...: 404 when unknown or not the caller's; 403 for a write
// to another workspace; 400 for a query parameter not in `allowedQuery`.
std::optional<ApiError> checkWorkspaceRoute(
    ApiContext& context, const RouteContext& route, bool write,
    std::initializer_list<std::string_view> allowedQuery = {});
// 403: only the admin key may do this.
ApiError adminOnly();

}  // namespace vo::core::http
