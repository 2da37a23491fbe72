#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "vo/api/CallStore.h"

namespace vo::testing {

// An in-memory CallStore for the dispatcher's unit tests: the registry, campaigns, calls with
// conditional transitions and attempts, scans. Reports, retention and idempotency are not the
// dispatcher's business and answer kInternal.
class FakeCallStore : public api::CallStore {
 public:
  api::Result<void> migrate() override { return {}; }
  api::ComponentHealth health() override { return {}; }

  api::Result<void> createWorkspace(const api::Workspace& workspace) override;
  api::Result<api::Workspace> getWorkspace(std::string_view id) override;
  api::Result<std::vector<api::Workspace>> listWorkspaces() override;
  api::Result<void> createAgent(const api::Agent& agent) override;
  api::Result<api::Agent> getAgent(std::string_view workspaceId, std::string_view agentId) override;
  api::Result<std::vector<api::Agent>> listAgents(std::string_view workspaceId) override;
  api::Result<void> createPhoneNumber(const api::PhoneNumber& phoneNumber) override;
  api::Result<api::PhoneNumber> getPhoneNumber(std::string_view workspaceId,
                                               std::string_view phoneNumberId) override;
  api::Result<std::vector<api::PhoneNumber>> listPhoneNumbers(
      std::string_view workspaceId) override;
  api::Result<void> createApiKey(const api::ApiKeyRecord&) override { return notUsed(); }
  api::Result<api::ApiKeyRecord> findApiKeyByHash(std::string_view) override { return notUsed(); }
  api::Result<std::vector<api::ApiKeyRecord>> listApiKeys(std::string_view) override {
    return notUsed();
  }
  api::Result<api::ApiKeyRecord> revokeApiKey(std::string_view, std::string_view,
                                              int64_t) override {
    return notUsed();
  }

  api::Result<bool> reserveIdempotency(const api::IdempotencyRecord&, int64_t) override {
    return notUsed();
  }
  // The answers insertCalls stored with their calls (the priority lane's).
  api::Result<api::IdempotencyRecord> findIdempotency(std::string_view scope,
                                                      std::string_view key) override;
  api::Result<void> completeIdempotency(std::string_view scope, std::string_view key,
                                        int httpStatus, std::string_view responseBody) override;
  api::Result<void> deleteIdempotency(std::string_view, std::string_view) override {
    return notUsed();
  }
  api::Result<int64_t> purgeIdempotency(int64_t, int) override { return int64_t{0}; }

  api::Result<void> createCampaign(const api::Campaign& campaign) override;
  api::Result<api::Campaign> getCampaign(std::string_view id) override;
  api::Result<std::vector<api::Campaign>> listCampaigns(std::string_view workspaceId) override;
  api::Result<void> setCampaignStatus(std::string_view id, api::CampaignStatus status,
                                      int64_t atMs) override;
  api::Result<api::StatusCounts> campaignProgress(std::string_view id) override;

  api::Result<void> insertCalls(std::span<const api::Call> calls,
                                const api::IdempotencyRecord* answer) override;
  api::Result<void> createCampaignWithCalls(const api::Campaign& campaign,
                                            std::span<const api::Call> calls,
                                            const api::IdempotencyRecord* answer) override;
  api::Result<api::Call> getCall(std::string_view id) override;
  api::Result<std::vector<api::CallAttempt>> getAttempts(std::string_view callId) override;
  api::Result<api::Call> findByProviderCallId(std::string_view providerCallId) override;
  api::Result<api::CallPage> listCalls(const api::CallFilter&, int, std::string_view) override {
    return notUsed();
  }
  api::Result<bool> transition(const api::CallTransition& change) override;
  api::Result<int64_t> transitionCampaignCalls(std::string_view campaignId,
                                               std::span<const api::CallStatus> from,
                                               api::CallStatus to, int64_t atMs) override;
  api::Result<std::vector<api::Call>> scanCalls(const api::CallScan& scan) override;
  api::Result<std::vector<api::Call>> beginDispatch(std::span<const std::string> callIds,
                                                    int64_t atMs) override;
  api::Result<std::vector<bool>> transitionMany(
      std::span<const api::CallTransition> changes) override;
  api::Result<std::vector<api::Call>> getCalls(std::span<const std::string> callIds) override;
  api::Result<std::vector<api::Call>> findByProviderCallIds(
      std::span<const std::string> providerCallIds) override;
  api::Result<api::StatusCounts> countByStatus() override;

  api::Result<api::Report> report(const api::ReportQuery&) override { return notUsed(); }
  api::Result<std::vector<std::string>> daysWithCalls(std::string_view) override {
    return notUsed();
  }
  api::Result<int64_t> rollUpDay(std::string_view, int64_t) override { return notUsed(); }
  api::Result<void> freezeDay(std::string_view, int64_t) override { return notUsed(); }
  api::Result<int64_t> purgeDay(std::string_view, int) override { return notUsed(); }
  api::Result<bool> acquireLease(std::string_view, std::string_view, int64_t, int64_t) override {
    return notUsed();
  }
  api::Result<void> releaseLease(std::string_view, std::string_view) override { return notUsed(); }
  // The dispatcher's tests deliver no webhooks.
  api::WebhookStore* webhooks() override { return nullptr; }
  // Do-not-call lists: a set of (list, number); listing is not the dispatcher's concern.
  api::Result<int64_t> addDncNumbers(std::string_view listId, std::span<const std::string> numbers,
                                     std::string_view reason, int64_t atMs) override;
  api::Result<bool> removeDncNumber(std::string_view listId, std::string_view number) override;
  api::Result<api::DncPage> listDncNumbers(std::string_view, int, std::string_view) override {
    return notUsed();
  }
  api::Result<std::vector<std::string>> dncNumbersAmong(
      std::string_view workspaceId, std::span<const std::string> numbers) override;

  // Test helpers: a call as stored (with every field, e.g. an old updatedAt), and all calls.
  void putCall(const api::Call& call);
  std::vector<api::Call> allCalls();
  // While set, every batch method (beginDispatch, transitionMany, getCalls,
  // findByProviderCallIds) fails
  // with kUnavailable, as a store that lost its database would.
  void failBatches(bool fail);
  // The next insertCalls writes its calls and then reports the store unavailable (a commit
  // whose answer was lost).
  void failNextInsertAfterWriting();
  // How many times each batch method ran, and the sizes transitionMany was called with.
  int beginDispatchCalls();
  // While held, transitionMany waits (outside the store's lock) before writing anything.
  void holdTransitions(bool hold) { transitionsHold_.set(hold); }
  // How many transitionMany calls are waiting on the hold.
  int heldTransitions() { return transitionsHold_.waiting(); }
  // The same for beginDispatch: a claim held between the queue's lease and the store's move.
  void holdBeginDispatch(bool hold) { beginDispatchHold_.set(hold); }
  int heldBeginDispatches() { return beginDispatchHold_.waiting(); }
  std::vector<std::size_t> transitionManySizes();

 private:
  static api::Error notUsed() {
    return api::makeError(api::ErrorCode::kInternal, "not part of the dispatcher's tests");
  }

  api::Result<bool> transitionLocked(const api::CallTransition& change);
  // Under mutex_: all the calls or none (a known id is a conflict).
  api::Result<void> insertNewCalls(std::span<const api::Call> calls,
                                   const api::IdempotencyRecord* answer);
  api::Result<void> batchFailure();
  // Under mutex_: on the workspace's list or the global one.
  bool listedLocked(const api::Call& call) const;

  // A point a store method waits at while a test holds it.
  class Hold {
   public:
    void set(bool held);
    int waiting();
    void passWhenReleased();

   private:
    std::mutex mutex_;
    std::condition_variable released_;
    bool held_ = false;
    int waiting_ = 0;
  };

  Hold transitionsHold_;
  Hold beginDispatchHold_;
  std::mutex mutex_;
  bool failBatches_ = false;
  bool failNextInsertAfterWriting_ = false;
  int beginDispatchCalls_ = 0;
  std::vector<std::size_t> transitionManySizes_;
  std::map<std::string, api::Workspace, std::less<>> workspaces_;
  std::map<std::string, api::Agent, std::less<>> agents_;        // by workspace/agent
  std::map<std::string, api::PhoneNumber, std::less<>> phones_;  // by workspace/phone
  std::map<std::string, api::Campaign, std::less<>> campaigns_;
  std::map<std::string, api::Call, std::less<>> calls_;
  std::map<std::string, api::IdempotencyRecord> answers_;  // by scope, newline, key
  std::map<std::string, std::vector<api::CallAttempt>, std::less<>> attempts_;
  std::set<std::pair<std::string, std::string>> doNotCall_;  // (list id, number)
};

}  // namespace vo::testing
