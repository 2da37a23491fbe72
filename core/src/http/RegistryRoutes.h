#pragma once

#include "http/ApiContext.h"
#include "http/Router.h"

namespace vo::core::http {

// The tenant registry: workspaces, their agents, phone numbers and API keys.
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
  ApiResponse createApiKey(const RouteContext& route);

 private:
  // The workspace of /workspaces/{id}/...: 404 when unknown or not the caller's; 403 for a
  // write to another workspace.
  std::optional<ApiError> checkWorkspace(const RouteContext& route, bool write);
  ApiContext& context_;
};

}  // namespace vo::core::http
