#pragma once

#include <span>

#include "http/ApiContext.h"
#include "http/KnownReferences.h"
#include "http/Router.h"
#include "vo/api/Call.h"
#include "vo/api/CallStore.h"

namespace vo::core::http {

// POST /calls/priority and POST /calls/bulk: validate, store, enqueue (and dial priority calls
// on the request's thread when pacing allows).
class CallWriteRoutes {
 public:
  explicit CallWriteRoutes(ApiContext& context) : context_(context) {}
  void addTo(Router& router);

  ApiResponse priority(const RouteContext& route);
  ApiResponse bulk(const RouteContext& route);

 private:
  // 422 naming the workspace, agent or phone number the store does not know.
  std::optional<ApiError> checkReferences(const std::string& workspaceId,
                                          const std::string& agentId,
                                          const std::string& phoneNumberId);
  // Fills the zone of the calls whose request and number named none with the workspace's
  // default; reads the workspace only when one of them has none.
  std::optional<ApiError> applyDefaultZone(const std::string& workspaceId,
                                           std::span<std::string* const> zones);
  // A priority call to a listed number: stored suppressed (with the request's answer), 422.
  ApiResponse suppressedPriority(const api::Call& call, const api::IdempotencyRecord* key);
  ApiContext& context_;
  KnownReferences knownReferences_;
};

}  // namespace vo::core::http
