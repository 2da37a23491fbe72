#pragma once

#include "http/ApiContext.h"
#include "http/Router.h"

namespace vo::api {
struct Campaign;
}

namespace vo::core::http {

// GET /campaigns, GET /campaigns/{id} (with progress), POST /campaigns/{id}/pause|resume|cancel.
class CampaignRoutes {
 public:
  explicit CampaignRoutes(ApiContext& context) : context_(context) {}
  void addTo(Router& router);

  ApiResponse list(const RouteContext& route);
  ApiResponse get(const RouteContext& route);
  enum class Control { kPause, kResume, kCancel };
  ApiResponse control(const RouteContext& route, Control action);

 private:
  // The campaign with its progress as JSON, or the error answer.
  ApiResponse campaignAnswer(const api::Campaign& campaign);
  ApiContext& context_;
};

}  // namespace vo::core::http
