#pragma once

#include <Poco/Exception.h>

#include <exception>
#include <memory>
#include <string>
#include <type_traits>

#include "vo/api/CallStore.h"
#include "vo/api/WebhookStore.h"
#include "vo/sql/SqlBackend.h"
#include "vo/sql/SqlQuery.h"
#include "vo/sql/SqlSessionPool.h"

namespace vo::sql {

// The CallStore over any SQL database a SqlBackend describes. The shared SQL is written once
// here; the backends differ only in connections, placeholders, locking and bulk inserts. It is
// its own WebhookStore (SqlWebhooks.cpp): the outbox lives in the calls' database.
class SqlCallStore final : public vo::api::CallStore, public vo::api::WebhookStore {
 public:
  SqlCallStore(std::unique_ptr<SqlBackend> backend, int poolSize);
  ~SqlCallStore() override;

  vo::api::Result<void> migrate() override;
  vo::api::ComponentHealth health() override;

  vo::api::Result<void> createWorkspace(const vo::api::Workspace& workspace) override;
  vo::api::Result<vo::api::Workspace> getWorkspace(std::string_view id) override;
  vo::api::Result<std::vector<vo::api::Workspace>> listWorkspaces() override;
  vo::api::Result<void> createAgent(const vo::api::Agent& agent) override;
  vo::api::Result<vo::api::Agent> getAgent(std::string_view workspaceId,
                                           std::string_view agentId) override;
  vo::api::Result<std::vector<vo::api::Agent>> listAgents(std::string_view workspaceId) override;
  vo::api::Result<void> createPhoneNumber(const vo::api::PhoneNumber& phoneNumber) override;
  vo::api::Result<vo::api::PhoneNumber> getPhoneNumber(std::string_view workspaceId,
                                                       std::string_view phoneNumberId) override;
  vo::api::Result<std::vector<vo::api::PhoneNumber>> listPhoneNumbers(
      std::string_view workspaceId) override;
  vo::api::Result<void> createApiKey(const vo::api::ApiKeyRecord& key) override;
  vo::api::Result<vo::api::ApiKeyRecord> findApiKeyByHash(std::string_view keyHash) override;
  vo::api::Result<std::vector<vo::api::ApiKeyRecord>> listApiKeys(
      std::string_view workspaceId) override;
  vo::api::Result<vo::api::ApiKeyRecord> revokeApiKey(std::string_view workspaceId,
                                                      std::string_view keyId,
                                                      int64_t atMs) override;

  vo::api::Result<bool> reserveIdempotency(const vo::api::IdempotencyRecord& record,
                                           int64_t replacePendingBeforeMs) override;
  vo::api::Result<vo::api::IdempotencyRecord> findIdempotency(std::string_view scope,
                                                              std::string_view key) override;
  vo::api::Result<void> completeIdempotency(std::string_view scope, std::string_view key,
                                            int httpStatus, std::string_view responseBody) override;
  vo::api::Result<void> deleteIdempotency(std::string_view scope, std::string_view key) override;
  vo::api::Result<int64_t> purgeIdempotency(int64_t createdBeforeMs, int limit) override;

  vo::api::Result<void> createCampaign(const vo::api::Campaign& campaign) override;
  vo::api::Result<vo::api::Campaign> getCampaign(std::string_view id) override;
  vo::api::Result<std::vector<vo::api::Campaign>> listCampaigns(
      std::string_view workspaceId) override;
  vo::api::Result<void> setCampaignStatus(std::string_view id, vo::api::CampaignStatus status,
                                          int64_t atMs) override;
  vo::api::Result<vo::api::StatusCounts> campaignProgress(std::string_view id) override;

  vo::api::Result<void> insertCalls(std::span<const vo::api::Call> calls,
                                    const vo::api::IdempotencyRecord* answer) override;
  vo::api::Result<void> createCampaignWithCalls(const vo::api::Campaign& campaign,
                                                std::span<const vo::api::Call> calls,
                                                const vo::api::IdempotencyRecord* answer) override;
  vo::api::Result<vo::api::Call> getCall(std::string_view id) override;
  vo::api::Result<std::vector<vo::api::CallAttempt>> getAttempts(std::string_view callId) override;
  vo::api::Result<vo::api::Call> findByProviderCallId(std::string_view providerCallId) override;
  vo::api::Result<vo::api::CallPage> listCalls(const vo::api::CallFilter& filter, int limit,
                                               std::string_view cursor) override;
  vo::api::Result<bool> transition(const vo::api::CallTransition& change) override;
  vo::api::Result<int64_t> transitionCampaignCalls(std::string_view campaignId,
                                                   std::span<const vo::api::CallStatus> from,
                                                   vo::api::CallStatus to, int64_t atMs) override;
  vo::api::Result<std::vector<vo::api::Call>> scanCalls(const vo::api::CallScan& scan) override;
  vo::api::Result<std::vector<vo::api::Call>> beginDispatch(std::span<const std::string> callIds,
                                                            int64_t atMs) override;
  vo::api::Result<std::vector<bool>> transitionMany(
      std::span<const vo::api::CallTransition> changes) override;
  vo::api::Result<std::vector<vo::api::Call>> getCalls(
      std::span<const std::string> callIds) override;
  vo::api::Result<std::vector<vo::api::Call>> findByProviderCallIds(
      std::span<const std::string> providerCallIds) override;
  vo::api::Result<vo::api::StatusCounts> countByStatus() override;

  vo::api::Result<int64_t> addDncNumbers(std::string_view listId,
                                         std::span<const std::string> numbers,
                                         std::string_view reason, int64_t atMs) override;
  vo::api::Result<bool> removeDncNumber(std::string_view listId, std::string_view number) override;
  vo::api::Result<vo::api::DncPage> listDncNumbers(std::string_view listId, int limit,
                                                   std::string_view afterNumber) override;
  vo::api::Result<std::vector<std::string>> dncNumbersAmong(
      std::string_view workspaceId, std::span<const std::string> numbers) override;

  vo::api::Result<vo::api::Report> report(const vo::api::ReportQuery& query) override;
  vo::api::Result<std::vector<std::string>> daysWithCalls(std::string_view beforeDay) override;
  vo::api::Result<int64_t> rollUpDay(std::string_view day, int64_t nowMs) override;
  vo::api::Result<void> freezeDay(std::string_view day, int64_t nowMs) override;
  vo::api::Result<int64_t> purgeDay(std::string_view day, int limit) override;
  vo::api::Result<bool> acquireLease(std::string_view name, std::string_view holder, int64_t nowMs,
                                     int64_t ttlMs) override;
  vo::api::Result<void> releaseLease(std::string_view name, std::string_view holder) override;
  vo::api::WebhookStore* webhooks() override;

  vo::api::Result<void> createWebhookEndpoint(const vo::api::WebhookEndpoint& endpoint) override;
  vo::api::Result<vo::api::WebhookEndpoint> getWebhookEndpoint(
      std::string_view workspaceId, std::string_view endpointId) override;
  vo::api::Result<std::vector<vo::api::WebhookEndpoint>> listWebhookEndpoints(
      std::string_view workspaceId) override;
  vo::api::Result<void> updateWebhookEndpoint(const vo::api::WebhookEndpoint& endpoint) override;
  vo::api::Result<void> deleteWebhookEndpoint(std::string_view workspaceId,
                                              std::string_view endpointId) override;
  vo::api::Result<std::vector<vo::api::DueDelivery>> claimDueDeliveries(int64_t nowMs,
                                                                        int64_t leaseMs,
                                                                        int limit) override;
  vo::api::Result<void> recordDeliveryAttempt(const vo::api::DeliveryOutcome& outcome) override;
  vo::api::Result<std::vector<vo::api::WebhookDelivery>> listDeliveries(
      const vo::api::DeliveryQuery& query) override;
  vo::api::Result<std::vector<vo::api::DeliveryAttempt>> deliveryAttempts(
      std::string_view deliveryId) override;
  vo::api::Result<void> redeliver(std::string_view workspaceId, std::string_view endpointId,
                                  std::string_view deliveryId, int64_t nowMs) override;
  vo::api::Result<int64_t> purgeDeliveries(int64_t createdBeforeMs, int limit) override;

 private:
  vo::api::Result<void> applyMigrations();
  // Runs `body(SqlRunner&)` -> Result<T> on a pooled session, turning exceptions into errors.
  // A read that finds its reused session ended (a server restart since its last use) runs once
  // more on a fresh one: reads are safe to repeat, and the restart then costs the caller nothing.
  template <typename T, typename Body>
  vo::api::Result<T> read(Body&& body);
  // One run of `body` on a pooled session; sets `reusedSessionEnded` when it failed because the
  // session it reused from the pool had been ended.
  template <typename T, typename Body>
  vo::api::Result<T> runOnSession(Body& body, bool& reusedSessionEnded);
  // The same inside one write transaction, committed only when the body succeeds.
  template <typename T, typename Body>
  vo::api::Result<T> write(Body&& body);
  // One autocommitted write statement: no explicit transaction needed.
  template <typename T, typename Body>
  vo::api::Result<T> writeOne(Body&& body);

  vo::api::Error failure(const Poco::Exception& error) const;
  int64_t rollUp(SqlRunner& sql, const std::string& day, int64_t nowMs, bool freeze);
  // Inside a write: the campaign's row (a duplicate id throws, as a conflict).
  void insertCampaign(SqlRunner& sql, const vo::api::Campaign& campaign);
  // Inside a write: a request's complete idempotency record; kConflict when its key exists.
  static vo::api::Result<void> insertAnswer(SqlRunner& sql,
                                            const vo::api::IdempotencyRecord& answer);

  std::unique_ptr<SqlBackend> backend_;
  SqlSessionPool pool_;
};

// ---- implementation of the private templates (used by every SqlCallStore source) ----

template <typename T, typename Body>
vo::api::Result<T> SqlCallStore::read(Body&& body) {
  bool reusedSessionEnded = false;
  vo::api::Result<T> result = runOnSession<T>(body, reusedSessionEnded);
  if (!reusedSessionEnded) return result;
  return runOnSession<T>(body, reusedSessionEnded);
}

template <typename T, typename Body>
vo::api::Result<T> SqlCallStore::runOnSession(Body& body, bool& reusedSessionEnded) {
  try {
    SqlSessionPool::Lease lease = pool_.acquire();
    try {
      SqlRunner sql(*backend_, lease.session(), lease.prepared());
      return body(sql);
    } catch (const Poco::Exception&) {
      reusedSessionEnded = lease.reused() && !backend_->isUsable(lease.session());
      throw;
    }
  } catch (const Poco::Exception& error) {
    return failure(error);
  } catch (const std::exception& error) {
    return vo::api::makeError(vo::api::ErrorCode::kInternal, error.what());
  }
}

template <typename T, typename Body>
vo::api::Result<T> SqlCallStore::writeOne(Body&& body) {
  std::unique_lock writer = backend_->lockWriter();
  // Never repeated: the statement may have run before the session ended.
  bool reusedSessionEnded = false;
  return runOnSession<T>(body, reusedSessionEnded);
}

template <typename T, typename Body>
vo::api::Result<T> SqlCallStore::write(Body&& body) {
  std::unique_lock writer = backend_->lockWriter();
  try {
    SqlSessionPool::Lease lease = pool_.acquire();
    SqlRunner sql(*backend_, lease.session(), lease.prepared());
    backend_->beginWrite(lease.session());
    try {
      vo::api::Result<T> result = body(sql);
      sql.prepared().query(result.ok() ? "COMMIT" : "ROLLBACK", {});
      return result;
    } catch (...) {
      try {
        sql.prepared().query("ROLLBACK", {});
      } catch (const Poco::Exception&) {
        // The connection is gone; the pool drops it and the database rolled back by itself.
      }
      throw;
    }
  } catch (const Poco::Exception& error) {
    return failure(error);
  } catch (const std::exception& error) {
    return vo::api::makeError(vo::api::ErrorCode::kInternal, error.what());
  }
}

}  // namespace vo::sql
