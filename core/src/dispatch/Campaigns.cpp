// Campaign control: the store says what a campaign is, the queue acts on it at once.
#include "dispatch/Campaigns.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>
#include <thread>

namespace vo::core::dispatch {

namespace {

constexpr int kCancelBatch = 1000;
constexpr int64_t kDispatchingPollMs = 10;
// syncCampaignQueue's reads of the store before it gives up on a campaign that keeps changing.
constexpr int kSyncRounds = 8;

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

api::Result<void> syncCampaignQueue(DispatchContext& context, const std::string& campaignId) {
  // Read the store, act on the queue, read again: whoever acts last on the queue read the
  // store after its last write, so a pause and a resume that cross converge on the store's
  // state (each is followed by its own sync).
  std::optional<api::CampaignStatus> applied;
  for (int round = 0; round < kSyncRounds; ++round) {
    auto campaign = context.store.getCampaign(campaignId);
    if (!campaign) return campaign.error();
    const api::CampaignStatus status = campaign->status;
    if (applied == status) return api::Result<void>::success();
    if (status == api::CampaignStatus::kPaused) {
      if (auto paused = context.queue.pauseCampaign(campaignId); !paused) return paused.error();
    } else if (status == api::CampaignStatus::kActive) {
      if (auto resumed = context.queue.resumeCampaign(campaignId); !resumed) {
        return resumed.error();
      }
      context.wakeWorkers();
    } else {
      return api::Result<void>::success();  // canceled or completed: nothing left to pause
    }
    applied = status;
  }
  context.logger.warn("campaign {}: its state kept changing while the queue followed it",
                      campaignId);
  return api::Result<void>::success();
}

Campaigns::Campaigns(DispatchContext& context) : context_(context) {}

api::Result<api::Campaign> Campaigns::pauseCampaign(const std::string& campaignId) {
  return setAndSync(campaignId, api::CampaignStatus::kPaused);
}

api::Result<api::Campaign> Campaigns::resumeCampaign(const std::string& campaignId) {
  return setAndSync(campaignId, api::CampaignStatus::kActive);
}

api::Result<api::Campaign> Campaigns::setAndSync(const std::string& campaignId,
                                                 api::CampaignStatus status) {
  auto campaign = changeable(context_.store, campaignId);
  if (!campaign) return campaign.error();
  // The store first: it is the truth (beginDispatch holds a paused campaign's calls whatever
  // the queue says); the queue follows it.
  if (auto set = context_.store.setCampaignStatus(campaignId, status, context_.clock.nowMs());
      !set) {
    return set.error();
  }
  if (auto synced = syncCampaignQueue(context_, campaignId); !synced) return synced.error();
  return context_.store.getCampaign(campaignId);
}

api::Result<api::Campaign> Campaigns::cancelCampaign(const std::string& campaignId) {
  auto campaign = context_.store.getCampaign(campaignId);
  if (!campaign) return campaign.error();
  if (campaign->status == api::CampaignStatus::kCompleted) {
    return api::makeError(api::ErrorCode::kConflict, "campaign " + campaignId + " is completed");
  }
  // The store first: from its commit on, no instance's beginDispatch moves a call of the
  // campaign to `dispatching` (it ends such a call canceled instead).
  if (auto set = context_.store.setCampaignStatus(campaignId, api::CampaignStatus::kCanceled,
                                                  context_.clock.nowMs());
      !set) {
    return set.error();
  }
  auto moved = cancelQueued(campaignId);
  if (!moved) return moved.error();
  AgentRow& canceled = context_.metrics.perAgent.row(campaign->workspaceId, campaign->agentId);
  canceled.finished(api::CallStatus::kCanceled, static_cast<uint64_t>(moved.value()));
  // Calls already `dispatching` have their dial begin now, or never (a worker does not start a
  // dial whose lease ran out). Wait for them, so that no dial begins after this answer; those
  // not placed went back to `queued` meanwhile and end canceled in the second pass.
  auto left = awaitDispatching(campaignId);
  if (!left) return left.error();
  auto requeued = cancelQueued(campaignId);
  if (!requeued) return requeued.error();
  canceled.finished(api::CallStatus::kCanceled, static_cast<uint64_t>(requeued.value()));
  context_.logger.info("campaign {} canceled: {} queued calls canceled{}", campaignId,
                       moved.value() + requeued.value(),
                       left.value() > 0
                           ? fmt::format(", {} still dispatching past their lease", left.value())
                           : std::string());
  return context_.store.getCampaign(campaignId);
}

api::Result<int64_t> Campaigns::cancelQueued(const std::string& campaignId) {
  const api::CallStatus queued[] = {api::CallStatus::kQueued};
  auto moved = context_.store.transitionCampaignCalls(
      campaignId, queued, api::CallStatus::kCanceled, context_.clock.nowMs());
  if (!moved) return moved.error();
  for (;;) {
    auto removed = context_.queue.cancelCampaign(campaignId, kCancelBatch);
    if (!removed) return removed.error();
    if (removed.value() == 0) break;
  }
  return moved.value();
}

api::Result<int64_t> Campaigns::awaitDispatching(const std::string& campaignId) {
  const int64_t leaseMs = context_.config.leaseMs;
  // Polls, at most one lease long: a call dispatching longer than that has a worker that will
  // not start its dial (or a dead one), and recovery settles it.
  for (int64_t waitedMs = 0;; waitedMs += kDispatchingPollMs) {
    auto live = liveDispatching(campaignId, context_.clock.nowMs() - leaseMs);
    if (!live) return live.error();
    if (live.value() == 0 || waitedMs >= leaseMs) return live.value();
    std::this_thread::sleep_for(std::chrono::milliseconds(kDispatchingPollMs));
  }
}

api::Result<int64_t> Campaigns::liveDispatching(const std::string& campaignId,
                                                int64_t leaseStartAfterMs) {
  // Every dispatching call of every campaign: a few pages at most (the instances' dial slots).
  api::CallScan scan;
  scan.statuses = {api::CallStatus::kDispatching};
  scan.limit = kCancelBatch;
  int64_t live = 0;
  for (;;) {
    auto calls = context_.store.scanCalls(scan);
    if (!calls) return calls.error();
    for (const api::Call& call : calls.value()) {
      if (call.campaignId == campaignId && call.updatedAtMs > leaseStartAfterMs) ++live;
    }
    if (static_cast<int>(calls->size()) < scan.limit) return live;
    scan.afterId = calls->back().id;
  }
}

}  // namespace vo::core::dispatch
