#pragma once

#include <string>

#include "dispatch/DispatchContext.h"
#include "vo/api/Campaign.h"

namespace vo::core::dispatch {

// Campaign control: the store says what a campaign is, the queue acts on it at once. Each
// answers the campaign as it stands afterwards.
class Campaigns {
 public:
  explicit Campaigns(DispatchContext& context);

  api::Result<api::Campaign> pauseCampaign(const std::string& campaignId);
  api::Result<api::Campaign> resumeCampaign(const std::string& campaignId);
  // The store first: a worker holding one of these jobs then finds its call canceled and drops
  // it, so nothing is dialed after the cancel returns (except dials already started).
  api::Result<api::Campaign> cancelCampaign(const std::string& campaignId);

 private:
  DispatchContext& context_;
};

}  // namespace vo::core::dispatch
