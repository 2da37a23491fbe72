#pragma once

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
  // A priority call to a listed number: stored suppressed (with the request's answer), 422.
  ApiResponse suppressedPriority(const api::Call& call, const api::IdempotencyRecord* key);
  ApiContext& context_;
  KnownReferences knownReferences_;
};

}  // namespace vo::core::http
