#include "LaneRotation.h"

namespace vo::queue_memory {

CampaignNode& LaneRotation::campaign(const std::string& workspaceId, const std::string& campaignId,
                                     bool paused) {
  auto& workspace = workspaces_[workspaceId];
  if (!workspace) {
    workspace = std::make_unique<WorkspaceNode>();
    workspace->id = workspaceId;
  }
  auto& node = workspace->campaigns[campaignId];
  if (!node) {
    node = std::make_unique<CampaignNode>();
    node->id = campaignId;
    node->workspace = workspace.get();
    node->paused = paused;
  }
  return *node;
}

void LaneRotation::activate(Stream& stream) {
  CampaignNode& campaign = *stream.campaign;
  stream.slot = campaign.ring.insert(campaign.ring.end(), &stream);
  stream.place = Stream::Place::kRing;
  stream.parkedOn.clear();
  if (!campaign.paused && !campaign.inRing) attachCampaign(campaign);
}

void LaneRotation::detach(Stream& stream) {
  CampaignNode& campaign = *stream.campaign;
  campaign.ring.erase(stream.slot);
  stream.place = Stream::Place::kIdle;
  if (campaign.ring.empty() && campaign.inRing) detachCampaign(campaign);
}

void LaneRotation::pause(CampaignNode& campaign) {
  campaign.paused = true;
  if (campaign.inRing) detachCampaign(campaign);
}

void LaneRotation::resume(CampaignNode& campaign) {
  campaign.paused = false;
  if (!campaign.ring.empty() && !campaign.inRing) attachCampaign(campaign);
}

Stream* LaneRotation::next() {
  if (ring_.empty()) return nullptr;
  WorkspaceNode* workspace = ring_.front();
  ring_.splice(ring_.end(), ring_, ring_.begin());
  CampaignNode* campaign = workspace->ring.front();
  workspace->ring.splice(workspace->ring.end(), workspace->ring, workspace->ring.begin());
  Stream* stream = campaign->ring.front();
  campaign->ring.splice(campaign->ring.end(), campaign->ring, campaign->ring.begin());
  return stream;
}

void LaneRotation::forEachCampaign(const std::function<void(const CampaignNode&)>& visit) const {
  for (const auto& [workspaceId, workspace] : workspaces_) {
    for (const auto& [campaignId, campaign] : workspace->campaigns) visit(*campaign);
  }
}

void LaneRotation::attachCampaign(CampaignNode& campaign) {
  WorkspaceNode& workspace = *campaign.workspace;
  campaign.slot = workspace.ring.insert(workspace.ring.end(), &campaign);
  campaign.inRing = true;
  if (!workspace.inRing) {
    workspace.slot = ring_.insert(ring_.end(), &workspace);
    workspace.inRing = true;
  }
}

void LaneRotation::detachCampaign(CampaignNode& campaign) {
  WorkspaceNode& workspace = *campaign.workspace;
  workspace.ring.erase(campaign.slot);
  campaign.inRing = false;
  if (workspace.ring.empty() && workspace.inRing) {
    ring_.erase(workspace.slot);
    workspace.inRing = false;
  }
}

}  // namespace vo::queue_memory
