#pragma once

#include "vo/api/CallStore.h"

namespace vo::retention::testing {

// A CallStore that hands every call to another store. Tests derive from it to watch or break
// the retention methods (a failing purge, a process killed mid-purge) of a real store.
class ForwardingCallStore : public vo::api::CallStore {
 public:
  explicit ForwardingCallStore(vo::api::CallStore& inner) : inner_(inner) {}
  ~ForwardingCallStore() override;

  vo::api::Result<void> migrate() override { return inner_.migrate(); }
  vo::api::ComponentHealth health() override { return inner_.health(); }

  vo::api::Result<void> createWorkspace(const vo::api::Workspace& workspace) override {
    return inner_.createWorkspace(workspace);
  }
  vo::api::Result<vo::api::Workspace> getWorkspace(std::string_view id) override {
    return inner_.getWorkspace(id);
  }
  vo::api::Result<std::vector<vo::api::Workspace>> listWorkspaces() override {
    return inner_.listWorkspaces();
  }
  vo::api::Result<void> createAgent(const vo::api::Agent& agent) override {
    return inner_.createAgent(agent);
  }
  vo::api::Result<vo::api::Agent> getAgent(std::string_view workspaceId,
                                           std::string_view agentId) override {
    return inner_.getAgent(workspaceId, agentId);
  }
  vo::api::Result<std::vector<vo::api::Agent>> listAgents(std::string_view workspaceId) override {
    return inner_.listAgents(workspaceId);
  }
  vo::api::Result<void> createPhoneNumber(const vo::api::PhoneNumber& phoneNumber) override {
    return inner_.createPhoneNumber(phoneNumber);
  }
  vo::api::Result<vo::api::PhoneNumber> getPhoneNumber(std::string_view workspaceId,
                                                       std::string_view phoneNumberId) override {
    return inner_.getPhoneNumber(workspaceId, phoneNumberId);
  }
  vo::api::Result<std::vector<vo::api::PhoneNumber>> listPhoneNumbers(
      std::string_view workspaceId) override {
    return inner_.listPhoneNumbers(workspaceId);
  }
  vo::api::Result<void> createApiKey(const vo::api::ApiKeyRecord& key) override {
    return inner_.createApiKey(key);
  }
  vo::api::Result<std::vector<vo::api::ApiKeyRecord>> listApiKeys(
      std::string_view workspaceId) override {
    return inner_.listApiKeys(workspaceId);
  }
  vo::api::Result<vo::api::ApiKeyRecord> revokeApiKey(std::string_view workspaceId,
                                                      std::string_view keyId,
                                                      int64_t atMs) override {
    return inner_.revokeApiKey(workspaceId, keyId, atMs);
  }
  vo::api::Result<vo::api::ApiKeyRecord> findApiKeyByHash(std::string_view keyHash) override {
    return inner_.findApiKeyByHash(keyHash);
  }

  vo::api::Result<bool> reserveIdempotency(const vo::api::IdempotencyRecord& record,
                                           int64_t replacePendingBeforeMs) override {
    return inner_.reserveIdempotency(record, replacePendingBeforeMs);
  }
  vo::api::Result<vo::api::IdempotencyRecord> findIdempotency(std::string_view scope,
                                                              std::string_view key) override {
    return inner_.findIdempotency(scope, key);
  }
  vo::api::Result<void> completeIdempotency(std::string_view scope, std::string_view key,
                                            int httpStatus,
                                            std::string_view responseBody) override {
    return inner_.completeIdempotency(scope, key, httpStatus, responseBody);
  }
  vo::api::Result<void> deleteIdempotency(std::string_view scope, std::string_view key) override {
    return inner_.deleteIdempotency(scope, key);
  }
  vo::api::Result<int64_t> purgeIdempotency(int64_t createdBeforeMs, int limit) override {
    return inner_.purgeIdempotency(createdBeforeMs, limit);
  }

  vo::api::Result<void> createCampaign(const vo::api::Campaign& campaign) override {
    return inner_.createCampaign(campaign);
  }
  vo::api::Result<vo::api::Campaign> getCampaign(std::string_view id) override {
    return inner_.getCampaign(id);
  }
  vo::api::Result<std::vector<vo::api::Campaign>> listCampaigns(
      std::string_view workspaceId) override {
    return inner_.listCampaigns(workspaceId);
  }
  vo::api::Result<void> setCampaignStatus(std::string_view id, vo::api::CampaignStatus status,
                                          int64_t atMs) override {
    return inner_.setCampaignStatus(id, status, atMs);
  }
  vo::api::Result<vo::api::StatusCounts> campaignProgress(std::string_view id) override {
    return inner_.campaignProgress(id);
  }

  vo::api::Result<void> insertCalls(std::span<const vo::api::Call> calls,
                                    const vo::api::IdempotencyRecord* answer) override {
    return inner_.insertCalls(calls, answer);
  }
  vo::api::Result<void> createCampaignWithCalls(const vo::api::Campaign& campaign,
                                                std::span<const vo::api::Call> calls,
                                                const vo::api::IdempotencyRecord* answer) override {
    return inner_.createCampaignWithCalls(campaign, calls, answer);
  }
  vo::api::Result<vo::api::Call> getCall(std::string_view id) override {
    return inner_.getCall(id);
  }
  vo::api::Result<std::vector<vo::api::CallAttempt>> getAttempts(std::string_view callId) override {
    return inner_.getAttempts(callId);
  }
  vo::api::Result<vo::api::Call> findByProviderCallId(std::string_view providerCallId) override {
    return inner_.findByProviderCallId(providerCallId);
  }
  vo::api::Result<vo::api::CallPage> listCalls(const vo::api::CallFilter& filter, int limit,
                                               std::string_view cursor) override {
    return inner_.listCalls(filter, limit, cursor);
  }
  vo::api::Result<bool> transition(const vo::api::CallTransition& change) override {
    return inner_.transition(change);
  }
  vo::api::Result<int64_t> transitionCampaignCalls(std::string_view campaignId,
                                                   std::span<const vo::api::CallStatus> from,
                                                   vo::api::CallStatus to, int64_t atMs) override {
    return inner_.transitionCampaignCalls(campaignId, from, to, atMs);
  }
  vo::api::Result<std::vector<vo::api::Call>> scanCalls(const vo::api::CallScan& scan) override {
    return inner_.scanCalls(scan);
  }
  vo::api::Result<std::vector<vo::api::Call>> beginDispatch(std::span<const std::string> callIds,
                                                            int64_t atMs) override {
    return inner_.beginDispatch(callIds, atMs);
  }
  vo::api::Result<std::vector<bool>> transitionMany(
      std::span<const vo::api::CallTransition> changes) override {
    return inner_.transitionMany(changes);
  }
  vo::api::Result<std::vector<vo::api::Call>> getCalls(
      std::span<const std::string> callIds) override {
    return inner_.getCalls(callIds);
  }
  vo::api::Result<std::vector<vo::api::Call>> findByProviderCallIds(
      std::span<const std::string> providerCallIds) override {
    return inner_.findByProviderCallIds(providerCallIds);
  }
  vo::api::Result<vo::api::StatusCounts> countByStatus() override { return inner_.countByStatus(); }

  vo::api::Result<vo::api::Report> report(const vo::api::ReportQuery& query) override {
    return inner_.report(query);
  }
  vo::api::Result<std::vector<std::string>> daysWithCalls(std::string_view beforeDay) override {
    return inner_.daysWithCalls(beforeDay);
  }
  vo::api::Result<int64_t> rollUpDay(std::string_view day, int64_t nowMs) override {
    return inner_.rollUpDay(day, nowMs);
  }
  vo::api::Result<void> freezeDay(std::string_view day, int64_t nowMs) override {
    return inner_.freezeDay(day, nowMs);
  }
  vo::api::Result<int64_t> purgeDay(std::string_view day, int limit) override {
    return inner_.purgeDay(day, limit);
  }
  vo::api::Result<bool> acquireLease(std::string_view name, std::string_view holder, int64_t nowMs,
                                     int64_t ttlMs) override {
    return inner_.acquireLease(name, holder, nowMs, ttlMs);
  }
  vo::api::Result<void> releaseLease(std::string_view name, std::string_view holder) override {
    return inner_.releaseLease(name, holder);
  }
  vo::api::WebhookStore* webhooks() override { return inner_.webhooks(); }
  vo::api::Result<int64_t> addDncNumbers(std::string_view listId,
                                         std::span<const std::string> numbers,
                                         std::string_view reason, int64_t atMs) override {
    return inner_.addDncNumbers(listId, numbers, reason, atMs);
  }
  vo::api::Result<bool> removeDncNumber(std::string_view listId, std::string_view number) override {
    return inner_.removeDncNumber(listId, number);
  }
  vo::api::Result<vo::api::DncPage> listDncNumbers(std::string_view listId, int limit,
                                                   std::string_view afterNumber) override {
    return inner_.listDncNumbers(listId, limit, afterNumber);
  }
  vo::api::Result<std::vector<std::string>> dncNumbersAmong(
      std::string_view workspaceId, std::span<const std::string> numbers) override {
    return inner_.dncNumbersAmong(workspaceId, numbers);
  }

 private:
  vo::api::CallStore& inner_;
};

}  // namespace vo::retention::testing
