#include "http/CampaignRoutes.h"

#include "http/Encoding.h"
#include "vo/api/CallStore.h"
#include "vo/core/Dispatcher.h"

namespace vo::core::http {

void CampaignRoutes::addTo(Router& router) {
  router.add("GET", "/campaigns", [this](const RouteContext& route) { return list(route); });
  router.add("GET", "/campaigns/{id}", [this](const RouteContext& route) { return get(route); });
  router.add("POST", "/campaigns/{id}/pause",
             [this](const RouteContext& route) { return control(route, Control::kPause); });
  router.add("POST", "/campaigns/{id}/resume",
             [this](const RouteContext& route) { return control(route, Control::kResume); });
  router.add("POST", "/campaigns/{id}/cancel",
             [this](const RouteContext& route) { return control(route, Control::kCancel); });
}

ApiResponse CampaignRoutes::campaignAnswer(const api::Campaign& campaign) {
  auto progress = context_.services.store.campaignProgress(campaign.id);
  if (!progress) return errorResponse(dependencyError(progress.error(), "campaign progress"));
  return writeResponse(
      200, [&](JsonWriter& writer) { writeCampaign(writer, campaign, progress.value()); });
}

ApiResponse CampaignRoutes::list(const RouteContext& route) {
  QueryParams query(route.request.query);
  std::string workspaceId;
  std::optional<ApiError> error = query.check({"workspaceId"});
  if (!error) error = query.optionalId("workspaceId", workspaceId);
  if (!error && !route.caller.admin) {
    if (!workspaceId.empty() && workspaceId != route.caller.workspaceId) {
      error = notFound("workspace '" + workspaceId + "'");
    }
    workspaceId = route.caller.workspaceId;
  }
  if (error) return errorResponse(*error);

  std::vector<std::string> workspaceIds;
  if (!workspaceId.empty()) {
    workspaceIds.push_back(workspaceId);
  } else {
    auto workspaces = context_.services.store.listWorkspaces();
    if (!workspaces) return errorResponse(dependencyError(workspaces.error(), "workspaces"));
    for (const auto& workspace : workspaces.value()) workspaceIds.push_back(workspace.id);
  }
  std::string body;
  JsonWriter writer(body);
  writer.beginObject().key("data").beginArray();
  for (const auto& id : workspaceIds) {
    auto campaigns = context_.services.store.listCampaigns(id);
    if (!campaigns) return errorResponse(dependencyError(campaigns.error(), "campaigns"));
    for (const auto& campaign : campaigns.value()) {
      auto progress = context_.services.store.campaignProgress(campaign.id);
      if (!progress) return errorResponse(dependencyError(progress.error(), "campaign progress"));
      writeCampaign(writer, campaign, progress.value());
    }
  }
  writer.endArray().endObject();
  return jsonResponse(200, std::move(body));
}

ApiResponse CampaignRoutes::get(const RouteContext& route) {
  const std::string& id = route.params[0];
  const std::string what = "campaign '" + id + "'";
  if (checkId(id)) return errorResponse(notFound(what));
  if (auto error = QueryParams(route.request.query).check({})) return errorResponse(*error);
  auto campaign = context_.services.store.getCampaign(id);
  if (!campaign) return errorResponse(dependencyError(campaign.error(), what));
  if (auto hidden = hideOtherWorkspace(route.caller, campaign->workspaceId, what)) {
    return errorResponse(*hidden);
  }
  return campaignAnswer(campaign.value());
}

ApiResponse CampaignRoutes::control(const RouteContext& route, Control action) {
  const std::string& id = route.params[0];
  const std::string what = "campaign '" + id + "'";
  if (checkId(id)) return errorResponse(notFound(what));
  if (!route.request.body.empty()) {
    JsonValue body;
    if (auto error = parseBodyObject(route.request, body)) return errorResponse(*error);
    if (auto error = ObjectFields(body, "").onlyKnown({})) return errorResponse(*error);
  }
  auto campaign = context_.services.store.getCampaign(id);
  if (!campaign) return errorResponse(dependencyError(campaign.error(), what));
  if (auto hidden = hideOtherWorkspace(route.caller, campaign->workspaceId, what)) {
    return errorResponse(*hidden);
  }
  Dispatcher& dispatcher = context_.services.dispatcher;
  auto changed = action == Control::kPause    ? dispatcher.pauseCampaign(id)
                 : action == Control::kResume ? dispatcher.resumeCampaign(id)
                                              : dispatcher.cancelCampaign(id);
  if (!changed) {
    if (changed.error().code == api::ErrorCode::kConflict) {
      return errorResponse(
          ApiError{409, "invalid_transition", what + ": " + changed.error().message});
    }
    return errorResponse(dependencyError(changed.error(), what));
  }
  return campaignAnswer(changed.value());
}

}  // namespace vo::core::http
