#include "FakeCallStore.h"

#include <algorithm>
#include <utility>

#include "vo/api/ProviderData.h"

namespace vo::testing {

namespace {

std::string pair(std::string_view a, std::string_view b) {
  return std::string(a) + "/" + std::string(b);
}

api::Error notFound(std::string_view what) {
  return api::makeError(api::ErrorCode::kNotFound, std::string(what) + " not found");
}

template <typename Map, typename Value>
api::Result<void> insertNew(Map& map, const std::string& key, const Value& value) {
  if (!map.emplace(key, value).second) {
    return api::makeError(api::ErrorCode::kConflict, key + " exists");
  }
  return {};
}

// Agents and phone numbers: a provider id in one workspace only, unless shared on purpose.
template <typename Map, typename Value>
api::Result<void> insertProviderId(Map& map, const Value& value) {
  if (!value.sharedAcrossWorkspaces) {
    for (const auto& [key, existing] : map) {
      if (existing.id == value.id && existing.workspaceId != value.workspaceId) {
        return api::makeError(api::ErrorCode::kConflict,
                              value.id + " belongs to another workspace");
      }
    }
  }
  return insertNew(map, pair(value.workspaceId, value.id), value);
}

template <typename Map>
auto lookup(Map& map, std::string_view key) -> api::Result<typename Map::mapped_type> {
  auto found = map.find(key);
  if (found == map.end()) return notFound(key);
  return found->second;
}

}  // namespace

api::Result<void> FakeCallStore::createWorkspace(const api::Workspace& workspace) {
  std::lock_guard lock(mutex_);
  return insertNew(workspaces_, workspace.id, workspace);
}

api::Result<api::Workspace> FakeCallStore::getWorkspace(std::string_view id) {
  std::lock_guard lock(mutex_);
  return lookup(workspaces_, id);
}

api::Result<std::vector<api::Workspace>> FakeCallStore::listWorkspaces() {
  std::lock_guard lock(mutex_);
  std::vector<api::Workspace> all;
  for (const auto& [id, workspace] : workspaces_) all.push_back(workspace);
  return all;
}

api::Result<void> FakeCallStore::createAgent(const api::Agent& agent) {
  std::lock_guard lock(mutex_);
  return insertProviderId(agents_, agent);
}

api::Result<api::Agent> FakeCallStore::getAgent(std::string_view workspaceId,
                                                std::string_view agentId) {
  std::lock_guard lock(mutex_);
  return lookup(agents_, pair(workspaceId, agentId));
}

api::Result<std::vector<api::Agent>> FakeCallStore::listAgents(std::string_view workspaceId) {
  std::lock_guard lock(mutex_);
  std::vector<api::Agent> all;
  for (const auto& [key, agent] : agents_) {
    if (agent.workspaceId == workspaceId) all.push_back(agent);
  }
  return all;
}

api::Result<void> FakeCallStore::createPhoneNumber(const api::PhoneNumber& phone) {
  std::lock_guard lock(mutex_);
  return insertProviderId(phones_, phone);
}

api::Result<api::PhoneNumber> FakeCallStore::getPhoneNumber(std::string_view workspaceId,
                                                            std::string_view phoneNumberId) {
  std::lock_guard lock(mutex_);
  return lookup(phones_, pair(workspaceId, phoneNumberId));
}

api::Result<std::vector<api::PhoneNumber>> FakeCallStore::listPhoneNumbers(
    std::string_view workspaceId) {
  std::lock_guard lock(mutex_);
  std::vector<api::PhoneNumber> all;
  for (const auto& [key, phone] : phones_) {
    if (phone.workspaceId == workspaceId) all.push_back(phone);
  }
  return all;
}

api::Result<void> FakeCallStore::createCampaign(const api::Campaign& campaign) {
  std::lock_guard lock(mutex_);
  return insertNew(campaigns_, campaign.id, campaign);
}

api::Result<api::Campaign> FakeCallStore::getCampaign(std::string_view id) {
  std::lock_guard lock(mutex_);
  return lookup(campaigns_, id);
}

api::Result<std::vector<api::Campaign>> FakeCallStore::listCampaigns(std::string_view workspaceId) {
  std::lock_guard lock(mutex_);
  std::vector<api::Campaign> all;
  for (const auto& [id, campaign] : campaigns_) {
    if (workspaceId.empty() || campaign.workspaceId == workspaceId) all.push_back(campaign);
  }
  return all;
}

api::Result<void> FakeCallStore::setCampaignStatus(std::string_view id, api::CampaignStatus status,
                                                   int64_t atMs) {
  std::lock_guard lock(mutex_);
  auto found = campaigns_.find(id);
  if (found == campaigns_.end()) return notFound(id);
  found->second.status = status;
  found->second.updatedAtMs = atMs;
  return {};
}

api::Result<api::StatusCounts> FakeCallStore::campaignProgress(std::string_view id) {
  std::lock_guard lock(mutex_);
  api::StatusCounts counts;
  for (const auto& [callId, call] : calls_) {
    if (call.campaignId == id) ++counts[call.status];
  }
  return counts;
}

api::Result<void> FakeCallStore::insertCalls(std::span<const api::Call> calls,
                                             const api::IdempotencyRecord* answer) {
  std::lock_guard lock(mutex_);
  auto inserted = insertNewCalls(calls, answer);
  if (inserted && std::exchange(failNextInsertAfterWriting_, false)) {
    return api::makeError(api::ErrorCode::kUnavailable, "connection lost at COMMIT");
  }
  return inserted;
}

void FakeCallStore::failNextInsertAfterWriting() {
  std::lock_guard lock(mutex_);
  failNextInsertAfterWriting_ = true;
}

api::Result<void> FakeCallStore::insertNewCalls(std::span<const api::Call> calls,
                                                const api::IdempotencyRecord* answer) {
  for (const auto& call : calls) {
    if (calls_.contains(call.id)) {
      return api::makeError(api::ErrorCode::kConflict, call.id + " exists");
    }
  }
  if (answer != nullptr && !answers_.emplace(answer->scope + "\n" + answer->key, *answer).second) {
    return api::makeError(api::ErrorCode::kConflict, answer->key + " used");
  }
  for (const auto& call : calls) calls_[call.id] = call;
  return {};
}

api::Result<void> FakeCallStore::createCampaignWithCalls(const api::Campaign& campaign,
                                                         std::span<const api::Call> calls,
                                                         const api::IdempotencyRecord* answer) {
  std::lock_guard lock(mutex_);
  if (campaigns_.contains(campaign.id)) {
    return api::makeError(api::ErrorCode::kConflict, campaign.id + " exists");
  }
  auto inserted = insertNewCalls(calls, answer);
  if (inserted) campaigns_[campaign.id] = campaign;
  return inserted;
}

api::Result<api::IdempotencyRecord> FakeCallStore::findIdempotency(std::string_view scope,
                                                                   std::string_view key) {
  std::lock_guard lock(mutex_);
  auto found = answers_.find(std::string(scope) + "\n" + std::string(key));
  if (found == answers_.end()) return api::makeError(api::ErrorCode::kNotFound, "no answer");
  return found->second;
}

api::Result<void> FakeCallStore::completeIdempotency(std::string_view scope, std::string_view key,
                                                     int httpStatus,
                                                     std::string_view responseBody) {
  std::lock_guard lock(mutex_);
  auto found = answers_.find(std::string(scope) + "\n" + std::string(key));
  if (found == answers_.end()) return api::makeError(api::ErrorCode::kNotFound, "no answer");
  found->second.httpStatus = httpStatus;
  found->second.responseBody = std::string(responseBody);
  return {};
}

void FakeCallStore::putCall(const api::Call& call) {
  std::lock_guard lock(mutex_);
  calls_[call.id] = call;
}

std::vector<api::Call> FakeCallStore::allCalls() {
  std::lock_guard lock(mutex_);
  std::vector<api::Call> all;
  for (const auto& [id, call] : calls_) all.push_back(call);
  return all;
}

api::Result<api::Call> FakeCallStore::getCall(std::string_view id) {
  std::lock_guard lock(mutex_);
  return lookup(calls_, id);
}

api::Result<std::vector<api::CallAttempt>> FakeCallStore::getAttempts(std::string_view callId) {
  std::lock_guard lock(mutex_);
  auto found = attempts_.find(callId);
  if (found == attempts_.end()) return std::vector<api::CallAttempt>();
  return found->second;
}

api::Result<api::Call> FakeCallStore::findByProviderCallId(std::string_view providerCallId) {
  std::lock_guard lock(mutex_);
  for (const auto& [id, call] : calls_) {
    if (!providerCallId.empty() && call.providerCallId == providerCallId) return call;
  }
  return notFound(providerCallId);
}

api::Result<bool> FakeCallStore::transition(const api::CallTransition& change) {
  std::lock_guard lock(mutex_);
  return transitionLocked(change);
}

api::Result<bool> FakeCallStore::transitionLocked(const api::CallTransition& change) {
  auto found = calls_.find(change.callId);
  if (found == calls_.end()) return notFound(change.callId);
  api::Call& call = found->second;
  if (std::find(change.from.begin(), change.from.end(), call.status) == change.from.end()) {
    return false;
  }
  if (change.whileAttempts && call.attempts != *change.whileAttempts) return false;
  call.status = change.to;
  call.updatedAtMs = change.atMs;
  if (change.countAttempt) ++call.attempts;
  if (change.providerCallId) {
    call.providerCallId = *change.providerCallId;
  } else if (change.providerCallIdIfNone && call.providerCallId.empty()) {
    call.providerCallId = *change.providerCallIdIfNone;
  }
  if (change.providerDataJson) {
    call.providerDataJson = *change.providerDataJson;
  } else if (change.providerDetailJson) {
    if (auto overlaid =
            api::overlaidProviderData(call.providerDataJson, *change.providerDetailJson))
      call.providerDataJson = std::move(*overlaid);
  }
  if (change.lastError) call.lastError = *change.lastError;
  if (change.endReason) call.endReason = *change.endReason;
  if (change.durationSecs) call.durationSecs = change.durationSecs;
  if (change.nextAttemptAtMs) call.nextAttemptAtMs = *change.nextAttemptAtMs;
  if (change.attempt) attempts_[call.id].push_back(*change.attempt);
  return true;
}

api::Result<int64_t> FakeCallStore::transitionCampaignCalls(std::string_view campaignId,
                                                            std::span<const api::CallStatus> from,
                                                            api::CallStatus to, int64_t atMs) {
  std::lock_guard lock(mutex_);
  int64_t moved = 0;
  for (auto& [id, call] : calls_) {
    if (call.campaignId != campaignId) continue;
    if (std::find(from.begin(), from.end(), call.status) == from.end()) continue;
    call.status = to;
    call.updatedAtMs = atMs;
    ++moved;
  }
  return moved;
}

api::Result<std::vector<api::Call>> FakeCallStore::scanCalls(const api::CallScan& scan) {
  std::lock_guard lock(mutex_);
  std::vector<api::Call> page;
  for (auto it = calls_.upper_bound(scan.afterId);
       it != calls_.end() && static_cast<int>(page.size()) < scan.limit; ++it) {
    const api::Call& call = it->second;
    if (std::find(scan.statuses.begin(), scan.statuses.end(), call.status) == scan.statuses.end()) {
      continue;
    }
    if (scan.dueAtOrBeforeMs && call.nextAttemptAtMs > *scan.dueAtOrBeforeMs) continue;
    if (scan.updatedBeforeMs && call.updatedAtMs >= *scan.updatedBeforeMs) continue;
    page.push_back(call);
  }
  return page;
}

api::Result<void> FakeCallStore::batchFailure() {
  if (failBatches_) return api::makeError(api::ErrorCode::kUnavailable, "the database is gone");
  return {};
}

api::Result<std::vector<api::Call>> FakeCallStore::beginDispatch(
    std::span<const std::string> callIds, int64_t atMs) {
  beginDispatchHold_.passWhenReleased();
  std::lock_guard lock(mutex_);
  ++beginDispatchCalls_;
  if (auto failed = batchFailure(); !failed) return failed.error();
  std::vector<api::Call> moved;
  for (const auto& id : callIds) {
    auto found = calls_.find(id);
    if (found == calls_.end() || found->second.status != api::CallStatus::kQueued) continue;
    const auto campaign = campaigns_.find(found->second.campaignId);
    if (campaign != campaigns_.end() && campaign->second.status == api::CampaignStatus::kPaused) {
      continue;
    }
    if (campaign != campaigns_.end() && campaign->second.status == api::CampaignStatus::kCanceled) {
      found->second.status = api::CallStatus::kCanceled;
      found->second.updatedAtMs = atMs;
      continue;
    }
    if (listedLocked(found->second)) {
      found->second.status = api::CallStatus::kSuppressed;
      found->second.endReason = std::string(api::kDoNotCallEndReason);
      found->second.updatedAtMs = atMs;
      moved.push_back(found->second);
      continue;
    }
    found->second.status = api::CallStatus::kDispatching;
    found->second.updatedAtMs = atMs;
    ++found->second.attempts;
    moved.push_back(found->second);
  }
  return moved;
}

api::Result<std::vector<bool>> FakeCallStore::transitionMany(
    std::span<const api::CallTransition> changes) {
  transitionsHold_.passWhenReleased();
  std::lock_guard lock(mutex_);
  transitionManySizes_.push_back(changes.size());
  if (auto failed = batchFailure(); !failed) return failed.error();
  std::vector<bool> applied;
  for (const auto& change : changes) {
    auto moved = transitionLocked(change);
    applied.push_back(moved && moved.value());
  }
  return applied;
}

api::Result<std::vector<api::Call>> FakeCallStore::getCalls(std::span<const std::string> callIds) {
  std::lock_guard lock(mutex_);
  if (auto failed = batchFailure(); !failed) return failed.error();
  std::vector<api::Call> found;
  for (const std::string& id : callIds) {
    if (auto call = calls_.find(id); call != calls_.end()) found.push_back(call->second);
  }
  return found;
}

api::Result<std::vector<api::Call>> FakeCallStore::findByProviderCallIds(
    std::span<const std::string> providerCallIds) {
  std::lock_guard lock(mutex_);
  if (auto failed = batchFailure(); !failed) return failed.error();
  std::vector<api::Call> found;
  for (const auto& [id, call] : calls_) {
    if (call.providerCallId.empty()) continue;
    if (std::find(providerCallIds.begin(), providerCallIds.end(), call.providerCallId) !=
        providerCallIds.end()) {
      found.push_back(call);
    }
  }
  return found;
}

void FakeCallStore::Hold::set(bool held) {
  {
    std::lock_guard lock(mutex_);
    held_ = held;
  }
  released_.notify_all();
}

int FakeCallStore::Hold::waiting() {
  std::lock_guard lock(mutex_);
  return waiting_;
}

void FakeCallStore::Hold::passWhenReleased() {
  std::unique_lock lock(mutex_);
  ++waiting_;
  released_.wait(lock, [&] { return !held_; });
  --waiting_;
}

void FakeCallStore::failBatches(bool fail) {
  std::lock_guard lock(mutex_);
  failBatches_ = fail;
}

api::Result<int64_t> FakeCallStore::addDncNumbers(std::string_view listId,
                                                  std::span<const std::string> numbers,
                                                  std::string_view, int64_t) {
  std::lock_guard lock(mutex_);
  int64_t added = 0;
  for (const std::string& number : numbers) {
    added += doNotCall_.emplace(std::string(listId), number).second ? 1 : 0;
  }
  return added;
}

api::Result<bool> FakeCallStore::removeDncNumber(std::string_view listId, std::string_view number) {
  std::lock_guard lock(mutex_);
  return doNotCall_.erase({std::string(listId), std::string(number)}) > 0;
}

api::Result<std::vector<std::string>> FakeCallStore::dncNumbersAmong(
    std::string_view workspaceId, std::span<const std::string> numbers) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> listed;
  for (const std::string& number : numbers) {
    api::Call probe;
    probe.workspaceId = workspaceId;
    probe.to = number;
    if (listedLocked(probe)) listed.push_back(number);
  }
  return listed;
}

bool FakeCallStore::listedLocked(const api::Call& call) const {
  return doNotCall_.contains({call.workspaceId, call.to}) ||
         doNotCall_.contains({std::string(api::kGlobalDncList), call.to});
}

int FakeCallStore::beginDispatchCalls() {
  std::lock_guard lock(mutex_);
  return beginDispatchCalls_;
}

std::vector<std::size_t> FakeCallStore::transitionManySizes() {
  std::lock_guard lock(mutex_);
  return transitionManySizes_;
}

api::Result<api::StatusCounts> FakeCallStore::countByStatus() {
  std::lock_guard lock(mutex_);
  api::StatusCounts counts;
  for (const auto& [id, call] : calls_) ++counts[call.status];
  return counts;
}

}  // namespace vo::testing
