// Campaign control: the store says what a campaign is, the queue acts on it at once.
#include <spdlog/spdlog.h>

#include "dispatch/DispatcherImpl.h"

namespace vo::core {

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

api::Result<api::Campaign> Dispatcher::Impl::pauseCampaign(const std::string& campaignId) {
  auto campaign = changeable(store_, campaignId);
  if (!campaign) return campaign.error();
  if (auto set =
          store_.setCampaignStatus(campaignId, api::CampaignStatus::kPaused, dispatch::nowMs());
      !set) {
    return set.error();
  }
  if (auto paused = queue_.pauseCampaign(campaignId); !paused) return paused.error();
  return store_.getCampaign(campaignId);
}

api::Result<api::Campaign> Dispatcher::Impl::resumeCampaign(const std::string& campaignId) {
  auto campaign = changeable(store_, campaignId);
  if (!campaign) return campaign.error();
  if (auto set =
          store_.setCampaignStatus(campaignId, api::CampaignStatus::kActive, dispatch::nowMs());
      !set) {
    return set.error();
  }
  if (auto resumed = queue_.resumeCampaign(campaignId); !resumed) return resumed.error();
  wakeWorkers();
  return store_.getCampaign(campaignId);
}

api::Result<api::Campaign> Dispatcher::Impl::cancelCampaign(const std::string& campaignId) {
  auto campaign = store_.getCampaign(campaignId);
  if (!campaign) return campaign.error();
  if (campaign->status == api::CampaignStatus::kCompleted) {
    return api::makeError(api::ErrorCode::kConflict, "campaign " + campaignId + " is completed");
  }
  const int64_t now = dispatch::nowMs();
  // The store first: a worker holding one of these jobs then finds its call canceled and drops
  // it, so nothing is dialed after the cancel returns (except dials already started).
  if (auto set = store_.setCampaignStatus(campaignId, api::CampaignStatus::kCanceled, now); !set) {
    return set.error();
  }
  const api::CallStatus queued[] = {api::CallStatus::kQueued};
  auto moved = store_.transitionCampaignCalls(campaignId, queued, api::CallStatus::kCanceled, now);
  if (!moved) return moved.error();
  for (;;) {
    auto removed = queue_.cancelCampaign(campaignId, kCancelBatch);
    if (!removed) return removed.error();
    if (removed.value() == 0) break;
  }
  logger_.info("campaign {} canceled: {} queued calls canceled", campaignId, moved.value());
  return store_.getCampaign(campaignId);
}

}  // namespace vo::core
