#include "dispatch/RegistryCache.h"

#include "vo/api/CallStore.h"

namespace vo::core::dispatch {

namespace {

// A registry object's own setting wins over the configured default for its kind.
api::PacingLimit limitFor(std::string key, const api::PacingSettings& own,
                          const api::PacingSettings& fallback) {
  api::PacingLimit limit;
  limit.key = std::move(key);
  limit.maxConcurrent =
      own.maxConcurrentCalls > 0 ? own.maxConcurrentCalls : fallback.maxConcurrentCalls;
  limit.perSecond = own.callsPerSecond > 0 ? own.callsPerSecond : fallback.callsPerSecond;
  return limit;
}

std::string routeKey(const api::Call& call) {
  return call.workspaceId + '\x1f' + call.agentId + '\x1f' + call.agentPhoneNumberId;
}

}  // namespace

RegistryCache::RegistryCache(const PacingConfig& pacing, std::string providerName,
                             api::CallStore& store, api::CallQueue& queue, int64_t refreshMs)
    : pacing_(pacing),
      providerName_(std::move(providerName)),
      store_(store),
      queue_(queue),
      refreshMs_(refreshMs) {}

RegistryCache::~RegistryCache() = default;

api::Result<std::shared_ptr<const DialRoute>> RegistryCache::route(const api::Call& call,
                                                                   int64_t nowMs) {
  const std::string key = routeKey(call);
  {
    std::lock_guard lock(mutex_);
    auto found = routes_.find(key);
    if (found != routes_.end() && nowMs - found->second.loadedAtMs < refreshMs_) {
      return found->second.route;
    }
  }
  auto loaded = load(call);
  if (!loaded) return loaded.error();
  std::lock_guard lock(mutex_);
  routes_[key] = Entry{loaded.value(), nowMs};
  return loaded.value();
}

api::Result<std::shared_ptr<const DialRoute>> RegistryCache::load(const api::Call& call) {
  auto workspace = store_.getWorkspace(call.workspaceId);
  if (!workspace) return workspace.error();
  auto phone = store_.getPhoneNumber(call.workspaceId, call.agentPhoneNumberId);
  if (!phone) return phone.error();
  api::PacingSettings agentPacing;
  if (auto agent = store_.getAgent(call.workspaceId, call.agentId)) {
    agentPacing = agent->pacing;
  } else if (agent.error().code != api::ErrorCode::kNotFound) {
    return agent.error();
  }

  auto route = std::make_shared<DialRoute>();
  route->phoneNumberProvider = phone->provider;
  route->apiKey = workspace->providerApiKey;
  // Every key is scoped by its workspace ('/' cannot appear in an id, so no id can forge
  // another's key); the operator's shared provider account has a key no workspace id can reach.
  const std::string account =
      "account:" + providerName_ +
      (workspace->providerApiKey.empty() ? "/operator" : "/workspace/" + workspace->id);
  std::vector<api::PacingLimit> limits{
      limitFor("phone:" + call.workspaceId + "/" + phone->id, phone->pacing, pacing_.phoneNumber),
      limitFor("agent:" + call.workspaceId + "/" + call.agentId, agentPacing, pacing_.agent),
      limitFor("workspace:" + workspace->id, workspace->pacing, pacing_.workspace),
      limitFor(account, {}, pacing_.providerAccount)};
  for (const auto& limit : limits) route->pacingKeys.push_back(limit.key);
  if (auto pushed = queue_.setPacingLimits(limits); !pushed) return pushed.error();
  return std::shared_ptr<const DialRoute>(std::move(route));
}

void RegistryCache::forgetAll() {
  std::lock_guard lock(mutex_);
  routes_.clear();
}

api::Result<api::QueueJob> RegistryCache::jobFor(const api::Call& call, int64_t nowMs) {
  auto found = route(call, nowMs);
  if (!found) return found.error();
  api::QueueJob job;
  job.callId = call.id;
  job.workspaceId = call.workspaceId;
  job.campaignId = call.campaignId;
  job.lane = call.lane;
  job.dueAtMs = dueAtMs(call);
  job.pacingKeys = found.value()->pacingKeys;
  return job;
}

}  // namespace vo::core::dispatch
