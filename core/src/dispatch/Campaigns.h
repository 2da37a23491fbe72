#pragma once

#include <cstdint>
#include <string>

#include "dispatch/DispatchContext.h"
#include "vo/api/Campaign.h"

namespace vo::core::dispatch {

// Brings the queue in step with the campaign's state in the store (paused or not); converges
// when pauses and resumes cross, on any instance.
api::Result<void> syncCampaignQueue(DispatchContext& context, const std::string& campaignId);

// Campaign control: the store says what a campaign is, the queue acts on it at once. Each
// answers the campaign as it stands afterwards.
class Campaigns {
 public:
  explicit Campaigns(DispatchContext& context);

  api::Result<api::Campaign> pauseCampaign(const std::string& campaignId);
  api::Result<api::Campaign> resumeCampaign(const std::string& campaignId);
  // No dial of the campaign's calls begins after this answers, on any instance: the store's
  // campaign state stops new dispatches, and calls already dispatching are waited for (at most
  // one lease). Queued calls, and those whose dial was not placed, end canceled.
  api::Result<api::Campaign> cancelCampaign(const std::string& campaignId);

 private:
  api::Result<api::Campaign> setAndSync(const std::string& campaignId, api::CampaignStatus status);
  // Queued calls to canceled, their jobs out of the queue; how many calls moved.
  api::Result<int64_t> cancelQueued(const std::string& campaignId);
  // Returns once the campaign has no call dispatching within its lease; how many are left
  // dispatching past it (0 normally).
  api::Result<int64_t> awaitDispatching(const std::string& campaignId);
  api::Result<int64_t> liveDispatching(const std::string& campaignId, int64_t leaseStartAfterMs);

  DispatchContext& context_;
};

}  // namespace vo::core::dispatch
