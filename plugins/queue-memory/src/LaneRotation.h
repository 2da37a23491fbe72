#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "Model.h"

namespace vo::queue_memory {

// One lane's round-robin: workspaces in a ring, each with a ring of its campaigns, each with a
// ring of its streams. Every visit rotates all three, so a tenant with 50,000 jobs and one with
// 100 alternate. All operations are O(1) (list splices through stored iterators).
class LaneRotation {
 public:
  // The campaign's node, created on first use with `paused` as its initial state.
  CampaignNode& campaign(const std::string& workspaceId, const std::string& campaignId,
                         bool paused);
  // An idle or parked stream joins its campaign's ring (and the campaign and workspace theirs).
  void activate(Stream& stream);
  // A stream in the ring leaves it; empty campaigns and workspaces leave theirs.
  void detach(Stream& stream);
  void pause(CampaignNode& campaign);
  void resume(CampaignNode& campaign);
  // The next stream in round-robin order, or nullptr when nothing is in the ring.
  Stream* next();
  void forEachCampaign(const std::function<void(const CampaignNode&)>& visit) const;

 private:
  void attachCampaign(CampaignNode& campaign);
  void detachCampaign(CampaignNode& campaign);

  std::list<WorkspaceNode*> ring_;
  std::map<std::string, std::unique_ptr<WorkspaceNode>> workspaces_;
};

}  // namespace vo::queue_memory
