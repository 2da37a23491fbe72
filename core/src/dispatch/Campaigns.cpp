// Campaign control: the store says what a campaign is, the queue acts on it at once.
#include "dispatch/Campaigns.h"

#include <spdlog/spdlog.h>

namespace vo::core::dispatch {

namespace {

constexpr int kCancelBatch = 1000;

api::Result<api::Campaign> changeable(api::CallStore& store, const std::string& campaignId) {
  auto campaign = store.getCampaign(campaignId);
  if (!campaign) return campaign.error();
  const auto status = campaign->status;
  if (status == api::CampaignStatus::kCanceled || status == api::CampaignStatus::kCompleted) {
    return api::makeError(api::ErrorCode::kConflict,
                          "campaign " + campaignId + " is " + std::string(api::toString(status)));
  }
  return campaign;
}

}  // namespace

Campaigns::Campaigns(DispatchContext& context) : context_(context) {}

api::Result<api::Campaign> Campaigns::pauseCampaign(const std::string& campaignId) {
  auto campaign = changeable(context_.store, campaignId);
  if (!campaign) return campaign.error();
  if (auto set = context_.store.setCampaignStatus(campaignId, api::CampaignStatus::kPaused,
                                                  context_.clock.nowMs());
      !set) {
    return set.error();
  }
  if (auto paused = context_.queue.pauseCampaign(campaignId); !paused) return paused.error();
  return context_.store.getCampaign(campaignId);
}

api::Result<api::Campaign> Campaigns::resumeCampaign(const std::string& campaignId) {
  auto campaign = changeable(context_.store, campaignId);
  if (!campaign) return campaign.error();
  if (auto set = context_.store.setCampaignStatus(campaignId, api::CampaignStatus::kActive,
                                                  context_.clock.nowMs());
      !set) {
    return set.error();
  }
  if (auto resumed = context_.queue.resumeCampaign(campaignId); !resumed) return resumed.error();
  context_.wakeWorkers();
  return context_.store.getCampaign(campaignId);
}

api::Result<api::Campaign> Campaigns::cancelCampaign(const std::string& campaignId) {
  auto campaign = context_.store.getCampaign(campaignId);
  if (!campaign) return campaign.error();
  if (campaign->status == api::CampaignStatus::kCompleted) {
    return api::makeError(api::ErrorCode::kConflict, "campaign " + campaignId + " is completed");
  }
  const int64_t now = context_.clock.nowMs();
  // The store first: a worker holding one of these jobs then finds its call canceled and drops
  // it, so nothing is dialed after the cancel returns (except dials already started).
  if (auto set = context_.store.setCampaignStatus(campaignId, api::CampaignStatus::kCanceled, now);
      !set) {
    return set.error();
  }
  const api::CallStatus queued[] = {api::CallStatus::kQueued};
  auto moved =
      context_.store.transitionCampaignCalls(campaignId, queued, api::CallStatus::kCanceled, now);
  if (!moved) return moved.error();
  for (;;) {
    auto removed = context_.queue.cancelCampaign(campaignId, kCancelBatch);
    if (!removed) return removed.error();
    if (removed.value() == 0) break;
  }
  context_.logger.info("campaign {} canceled: {} queued calls canceled", campaignId, moved.value());
  return context_.store.getCampaign(campaignId);
}

}  // namespace vo::core::dispatch
