// Default batch operations, built from the single-call ones: correct for any store or queue,
// one round trip per call. The bundled plugins override them with real batches.
#include "vo/api/CallQueue.h"
#include "vo/api/CallStore.h"
#include "vo/api/VoiceProvider.h"

namespace vo::api {

namespace {

// The calls `find` finds for `keys`, one lookup each; a key it does not know is left out.
template <typename Find>
Result<std::vector<Call>> foundOneByOne(std::span<const std::string> keys, Find find) {
  std::vector<Call> found;
  for (const std::string& key : keys) {
    auto call = find(key);
    if (!call) {
      if (call.error().code == ErrorCode::kNotFound) continue;
      return call.error();
    }
    found.push_back(std::move(call.value()));
  }
  return found;
}

}  // namespace

Result<std::vector<Call>> CallStore::beginDispatch(std::span<const std::string> callIds,
                                                   int64_t atMs) {
  std::vector<Call> moved;
  for (const std::string& id : callIds) {
    auto before = getCall(id);
    if (!before) {
      if (before.error().code == ErrorCode::kNotFound) continue;
      return before.error();
    }
    bool campaignCanceled = false;
    if (!before->campaignId.empty()) {
      auto campaign = getCampaign(before->campaignId);
      if (!campaign && campaign.error().code != ErrorCode::kNotFound) return campaign.error();
      if (campaign && campaign->status == CampaignStatus::kPaused) continue;
      campaignCanceled = campaign && campaign->status == CampaignStatus::kCanceled;
    }
    bool doNotCall = false;
    if (!campaignCanceled) {
      auto listed = dncNumbersAmong(before->workspaceId, std::span(&before->to, 1));
      if (!listed) return listed.error();
      doNotCall = !listed->empty();
    }
    CallTransition change;
    change.callId = id;
    change.from = {CallStatus::kQueued};
    change.to = campaignCanceled ? CallStatus::kCanceled
                : doNotCall      ? CallStatus::kSuppressed
                                 : CallStatus::kDispatching;
    change.atMs = atMs;
    change.countAttempt = !campaignCanceled && !doNotCall;
    if (doNotCall) change.endReason = "dnc";
    auto applied = transition(change);
    if (!applied) {
      if (applied.error().code == ErrorCode::kNotFound) continue;
      return applied.error();
    }
    if (!applied.value() || campaignCanceled) continue;
    auto call = getCall(id);
    if (!call) return call.error();
    moved.push_back(std::move(call.value()));
  }
  return moved;
}

int64_t VoiceProvider::longestDialMs() {
  return 0;
}

Result<std::string> CallQueue::generation() {
  return std::string("process");
}

Result<std::vector<bool>> CallStore::transitionMany(std::span<const CallTransition> changes) {
  std::vector<bool> applied;
  applied.reserve(changes.size());
  for (const CallTransition& change : changes) {
    auto moved = transition(change);
    if (!moved && moved.error().code != ErrorCode::kNotFound) return moved.error();
    applied.push_back(moved && moved.value());
  }
  return applied;
}

Result<std::vector<Call>> CallStore::getCalls(std::span<const std::string> callIds) {
  return foundOneByOne(callIds, [this](const std::string& id) { return getCall(id); });
}

Result<std::vector<Call>> CallStore::findByProviderCallIds(
    std::span<const std::string> providerCallIds) {
  return foundOneByOne(providerCallIds,
                       [this](const std::string& id) { return findByProviderCallId(id); });
}

Result<std::optional<Lease>> CallQueue::leaseNew(const QueueJob&, int64_t, int64_t) {
  return std::optional<Lease>();  // no fast lease: the caller enqueues the job
}

Result<std::vector<bool>> CallQueue::completeMany(std::span<const JobCompletion> jobs) {
  std::vector<bool> completed;
  completed.reserve(jobs.size());
  for (const JobCompletion& job : jobs) {
    auto done = complete(job.callId, job.token, job.keepSlots);
    if (!done) return done.error();
    completed.push_back(done.value());
  }
  return completed;
}

Result<void> CallQueue::releaseSlotsMany(std::span<const std::string> callIds) {
  for (const std::string& id : callIds) {
    if (auto released = releaseSlots(id); !released) return released.error();
  }
  return Result<void>::success();
}

}  // namespace vo::api
