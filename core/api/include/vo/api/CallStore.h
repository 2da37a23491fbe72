#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vo/api/Call.h"
#include "vo/api/Campaign.h"
#include "vo/api/DoNotCall.h"
#include "vo/api/Health.h"
#include "vo/api/Report.h"
#include "vo/api/Result.h"
#include "vo/api/Tenant.h"

namespace vo::api {

class WebhookStore;

// A conditional status change: applied only while the call is in one of `from`, in one atomic
// write, together with the optional fields and the attempt record it carries.
struct CallTransition {
  std::string callId;
  std::vector<CallStatus> from;
  CallStatus to = CallStatus::kQueued;
  int64_t atMs = 0;
  bool countAttempt = false;  // attempts = attempts + 1
  std::optional<std::string> providerCallId;
  // Set as the provider id only when the call has none yet (an outcome that beat the record of
  // its dial): the store decides, so an outcome needs no read of its call first.
  std::optional<std::string> providerCallIdIfNone;
  std::optional<std::string> providerDataJson;
  // The provider's detail laid over the call's stored provider data, in the same write, as
  // overlaidProviderData (ProviderData.h) does it: stored data or detail that is not a JSON
  // object leaves the stored data as it is.
  std::optional<std::string> providerDetailJson;
  std::optional<std::string> lastError;
  std::optional<std::string> endReason;
  std::optional<int64_t> durationSecs;
  std::optional<int64_t> nextAttemptAtMs;
  std::optional<CallAttempt> attempt;  // appended to the call's attempts in the same write
  // Fencing token: applied only while the call's attempts equals this, so a stale worker's late
  // write about an earlier attempt changes nothing. Unset: no fencing (provider events).
  std::optional<int> whileAttempts;
};

// A bounded scan used by the sweeper and the reconciler. Ordered by id ascending.
struct CallScan {
  std::vector<CallStatus> statuses;        // required, at least one
  std::optional<int64_t> dueAtOrBeforeMs;  // nextAttemptAtMs <= this
  std::optional<int64_t> updatedBeforeMs;  // updatedAtMs < this
  std::string afterId;                     // resume after this id
  int limit = 1000;
};

// The record of truth: tenants, campaigns, every call and its attempts, idempotency records,
// daily roll-ups. Every method is thread-safe and returns a Result; none throws.
class CallStore {
 public:
  static constexpr const char* kKind = "store";
  virtual ~CallStore();

  // Creates or upgrades the schema. Safe when several instances run it at once.
  virtual Result<void> migrate() = 0;
  virtual ComponentHealth health() = 0;

  // --- tenant registry; create* answers kConflict when the id exists. An agent's or a phone
  // number's id is the provider's own, and belongs to one workspace: creating it in a second
  // one is kConflict too, unless the new object is sharedAcrossWorkspaces (an admin's choice).
  virtual Result<void> createWorkspace(const Workspace& workspace) = 0;
  virtual Result<Workspace> getWorkspace(std::string_view id) = 0;
  virtual Result<std::vector<Workspace>> listWorkspaces() = 0;
  virtual Result<void> createAgent(const Agent& agent) = 0;
  virtual Result<Agent> getAgent(std::string_view workspaceId, std::string_view agentId) = 0;
  virtual Result<std::vector<Agent>> listAgents(std::string_view workspaceId) = 0;
  virtual Result<void> createPhoneNumber(const PhoneNumber& phoneNumber) = 0;
  virtual Result<PhoneNumber> getPhoneNumber(std::string_view workspaceId,
                                             std::string_view phoneNumberId) = 0;
  virtual Result<std::vector<PhoneNumber>> listPhoneNumbers(std::string_view workspaceId) = 0;
  virtual Result<void> createApiKey(const ApiKeyRecord& key) = 0;
  // A workspace's keys, oldest first, revoked and expired ones included.
  virtual Result<std::vector<ApiKeyRecord>> listApiKeys(std::string_view workspaceId) = 0;
  // Marks the key revoked at atMs (a second revoke keeps the first time); kNotFound when the
  // workspace has no such key. The record stays, so lists show who revoked what when.
  virtual Result<ApiKeyRecord> revokeApiKey(std::string_view workspaceId, std::string_view keyId,
                                            int64_t atMs) = 0;
  virtual Result<ApiKeyRecord> findApiKeyByHash(std::string_view keyHash) = 0;

  // --- idempotency: a request that writes calls stores its answer with them (insertCalls,
  // createCampaignWithCalls); other requests reserve before the work and complete after it ---
  // Inserts the record (httpStatus 0 = in progress). Returns false when scope+key exists, unless
  // the existing record is still in progress and was created before `replacePendingBeforeMs`
  // (its request crashed): then it is replaced by this one, and true is returned.
  virtual Result<bool> reserveIdempotency(const IdempotencyRecord& record,
                                          int64_t replacePendingBeforeMs) = 0;
  virtual Result<IdempotencyRecord> findIdempotency(std::string_view scope,
                                                    std::string_view key) = 0;
  virtual Result<void> completeIdempotency(std::string_view scope, std::string_view key,
                                           int httpStatus, std::string_view responseBody) = 0;
  virtual Result<void> deleteIdempotency(std::string_view scope, std::string_view key) = 0;
  // Deletes up to `limit` records created before `createdBeforeMs`; returns how many.
  virtual Result<int64_t> purgeIdempotency(int64_t createdBeforeMs, int limit) = 0;

  // --- campaigns ---
  virtual Result<void> createCampaign(const Campaign& campaign) = 0;
  virtual Result<Campaign> getCampaign(std::string_view id) = 0;
  virtual Result<std::vector<Campaign>> listCampaigns(std::string_view workspaceId) = 0;
  virtual Result<void> setCampaignStatus(std::string_view id, CampaignStatus status,
                                         int64_t atMs) = 0;
  virtual Result<StatusCounts> campaignProgress(std::string_view id) = 0;

  // --- calls ---
  // Writes all calls or none, in one transaction (up to 100,000 at once). `answer`, when not
  // null, is the idempotency record of the request (complete, with its answer), written in the
  // same transaction: when its scope and key exist already nothing is written, kConflict.
  virtual Result<void> insertCalls(std::span<const Call> calls,
                                   const IdempotencyRecord* answer) = 0;
  // A bulk: the campaign and all its calls (and `answer`, as insertCalls), or nothing, in one
  // transaction.
  virtual Result<void> createCampaignWithCalls(const Campaign& campaign,
                                               std::span<const Call> calls,
                                               const IdempotencyRecord* answer) = 0;
  virtual Result<Call> getCall(std::string_view id) = 0;
  virtual Result<std::vector<CallAttempt>> getAttempts(std::string_view callId) = 0;
  virtual Result<Call> findByProviderCallId(std::string_view providerCallId) = 0;
  // Newest first (id descending); `cursor` is the nextCursor of the previous page.
  virtual Result<CallPage> listCalls(const CallFilter& filter, int limit,
                                     std::string_view cursor) = 0;
  // Returns true when applied, false when the call was not in `from` (someone else moved it).
  virtual Result<bool> transition(const CallTransition& change) = 0;
  // Moves every call of the campaign that is in `from` to `to`; returns how many moved.
  virtual Result<int64_t> transitionCampaignCalls(std::string_view campaignId,
                                                  std::span<const CallStatus> from, CallStatus to,
                                                  int64_t atMs) = 0;
  virtual Result<std::vector<Call>> scanCalls(const CallScan& scan) = 0;

  // --- batches: one round trip and one transaction for many calls (the dispatch hot path) ---
  // Moves each listed call that is `queued` to `dispatching`, counting an attempt, in one write.
  // Returns the calls that moved as they are after the move (their `attempts` is the fencing
  // token of this dial); calls not queued or missing are left out. Order is not significant.
  // The store, not the queue, decides whether a campaign's call may still be dialed: a queued
  // call whose campaign is paused stays queued, one whose campaign is canceled moves to
  // `canceled`; both are left out. A queued call (of a campaign not paused or canceled) whose
  // number is on its workspace's or the global do-not-call list moves to `suppressed` with
  // endReason "dnc" in the same write, and is returned as it is then (status `suppressed`, its
  // attempts unchanged): never dialed, and the caller can count it.
  virtual Result<std::vector<Call>> beginDispatch(std::span<const std::string> callIds,
                                                  int64_t atMs);
  // Applies every change as transition() would, all in one transaction: applied[i] tells
  // whether changes[i] moved its call. A missing call is not applied (false), not an error.
  virtual Result<std::vector<bool>> transitionMany(std::span<const CallTransition> changes);
  // The calls with these ids (webhooks that name their call, applied in batches); unknown ids
  // are left out. Order is not significant.
  virtual Result<std::vector<Call>> getCalls(std::span<const std::string> callIds);
  // The calls with these provider call ids (webhooks applied in batches); unknown ids are left
  // out.
  virtual Result<std::vector<Call>> findByProviderCallIds(
      std::span<const std::string> providerCallIds);
  virtual Result<StatusCounts> countByStatus() = 0;

  // --- do-not-call lists: `listId` is a workspace's id, or kGlobalDncList ---
  // Puts the numbers (E.164, validated by the caller) on the list with `reason`, in one
  // transaction (up to 100,000 at once). A number already there keeps its reason and time.
  // Returns how many were added.
  virtual Result<int64_t> addDncNumbers(std::string_view listId,
                                        std::span<const std::string> numbers,
                                        std::string_view reason, int64_t atMs) = 0;
  // True when the number was on the list, false when it was not.
  virtual Result<bool> removeDncNumber(std::string_view listId, std::string_view number) = 0;
  // Up to `limit` entries after the number `afterNumber` ("" from the first), by number.
  virtual Result<DncPage> listDncNumbers(std::string_view listId, int limit,
                                         std::string_view afterNumber) = 0;
  // Those of `numbers` on the workspace's list or the global one (calls being accepted).
  virtual Result<std::vector<std::string>> dncNumbersAmong(
      std::string_view workspaceId, std::span<const std::string> numbers) = 0;

  // --- reports and retention; days are UTC dates "YYYY-MM-DD" of createdAt ---
  // Per day x workspace x agent. A day that has a roll-up is read from it; other days from the
  // live calls. So a purged day reports exactly what it did before the purge.
  virtual Result<Report> report(const ReportQuery& query) = 0;
  // Days before `beforeDay` that still have live calls, oldest first.
  virtual Result<std::vector<std::string>> daysWithCalls(std::string_view beforeDay) = 0;
  // Recomputes the roll-up of `day` from its live calls, unless the day is frozen. Returns the
  // number of calls counted (0 for a frozen day). Idempotent.
  virtual Result<int64_t> rollUpDay(std::string_view day, int64_t nowMs) = 0;
  // Freezes the day: from then on its roll-up counts the calls purgeDay deletes, and the report
  // counts the calls it still holds live, so the day's figures stay exact. Idempotent.
  virtual Result<void> freezeDay(std::string_view day, int64_t nowMs) = 0;
  // Deletes up to `limit` calls in a final status (with their attempts) of a frozen day, adding
  // them to its roll-up in the same transaction; calls not final stay. kConflict if the day is
  // not frozen. Returns how many were deleted: 0 when no final call is left.
  virtual Result<int64_t> purgeDay(std::string_view day, int limit) = 0;
  // A named lease for work that one instance should do at a time (retention). True when
  // `holder` holds it until nowMs + ttlMs (acquired or renewed), false when another holds it.
  virtual Result<bool> acquireLease(std::string_view name, std::string_view holder, int64_t nowMs,
                                    int64_t ttlMs) = 0;
  virtual Result<void> releaseLease(std::string_view name, std::string_view holder) = 0;

  // The store's webhook endpoints and outbox, or nullptr when it keeps none (then no events
  // are delivered). Owned by the store, valid as long as it is.
  virtual WebhookStore* webhooks() = 0;
};

}  // namespace vo::api
