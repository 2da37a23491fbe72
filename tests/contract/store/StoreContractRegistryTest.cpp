// Contract: tenant registry, API keys, idempotency records, campaigns, migrations.
#include "vo/contract/StoreContract.h"

namespace vo::contract {
namespace {

using vo::api::CallStatus;
using vo::api::ErrorCode;

TEST_P(StoreContract, MigrateTwiceIsHarmless) {
  ASSERT_TRUE(store_->migrate().ok());
  ASSERT_TRUE(store_->migrate().ok());
  EXPECT_TRUE(store_->health().up);
}

TEST_P(StoreContract, WorkspacesAreCreatedReadListedAndNeverDuplicated) {
  vo::api::Workspace acme{"acme", "Acme", "sk_own", {5, 2.5}, 1000, "wsec_own", "Europe/Madrid"};
  ASSERT_TRUE(store_->createWorkspace(acme).ok());
  ASSERT_TRUE(store_->createWorkspace({"beta", "Beta", "", {}, 2000, "", ""}).ok());

  const auto found = store_->getWorkspace("acme");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->name, "Acme");
  EXPECT_EQ(found->providerApiKey, "sk_own");
  EXPECT_EQ(found->providerWebhookSecret, "wsec_own");
  EXPECT_EQ(found->timezone, "Europe/Madrid");
  EXPECT_EQ(store_->getWorkspace("beta")->timezone, "");
  EXPECT_EQ(found->pacing.maxConcurrentCalls, 5);
  EXPECT_DOUBLE_EQ(found->pacing.callsPerSecond, 2.5);
  EXPECT_EQ(found->createdAtMs, 1000);

  const auto again = store_->createWorkspace({"acme", "Other", "", {}, 3, "", ""});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->getWorkspace("acme")->name, "Acme");

  const auto missing = store_->getWorkspace("nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  const auto all = store_->listWorkspaces();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all.value()[0].id, "acme");
  EXPECT_EQ(all.value()[1].id, "beta");
}

TEST_P(StoreContract, AgentsAndPhoneNumbersBelongToTheirWorkspace) {
  seedTenants();
  const auto agent = store_->getAgent("ws1", "ag2");
  ASSERT_TRUE(agent.ok());
  EXPECT_EQ(agent->workspaceId, "ws1");
  EXPECT_EQ(agent->name, "Agent ag2");
  EXPECT_EQ(store_->getAgent("ws1", "ag9").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->createAgent({"ag1", "ws1", "dup", {}, 0}).error().code, ErrorCode::kConflict);
  ASSERT_TRUE(store_->createAgent({"ag3", "ws2", "Third", {2, 1.5}, 9}).ok());
  EXPECT_EQ(store_->listAgents("ws1")->size(), 2u);
  const auto ws2Agents = store_->listAgents("ws2");
  ASSERT_EQ(ws2Agents->size(), 3u);
  EXPECT_EQ(ws2Agents.value()[2].pacing.maxConcurrentCalls, 2);

  const auto phone = store_->getPhoneNumber("ws2", "ph1");
  ASSERT_TRUE(phone.ok());
  EXPECT_EQ(phone->number, "+34601893170");
  EXPECT_EQ(phone->provider, "twilio");
  EXPECT_EQ(store_->getPhoneNumber("ws2", "ph2").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->createPhoneNumber({"ph1", "ws1", "+1", "sip_trunk", {}, 0}).error().code,
            ErrorCode::kConflict);
  ASSERT_TRUE(store_->createPhoneNumber({"ph2", "ws1", "+15550001", "sip_trunk", {}, 0}).ok());
  EXPECT_EQ(store_->listPhoneNumbers("ws1")->size(), 2u);
  EXPECT_TRUE(store_->listPhoneNumbers("nobody")->empty());
}

TEST_P(StoreContract, AProviderIdBelongsToOneWorkspaceUnlessSharedOnPurpose) {
  seedTenants();
  ASSERT_TRUE(store_->createWorkspace({"ws3", "Third", "", {}, 1, "", ""}).ok());
  ASSERT_TRUE(store_->createAgent({"el_agent", "ws1", "Voice", {}, 1}).ok());
  ASSERT_TRUE(store_->createPhoneNumber({"el_phone", "ws1", "+34601893171", "twilio", {}, 1}).ok());

  // Another workspace cannot take them: the provider would dial with ws1's voice and number.
  const auto agent = store_->createAgent({"el_agent", "ws2", "Stolen", {}, 2});
  ASSERT_FALSE(agent.ok());
  EXPECT_EQ(agent.error().code, ErrorCode::kConflict);
  EXPECT_NE(agent.error().message.find("el_agent"), std::string::npos) << agent.error().message;
  const auto phone =
      store_->createPhoneNumber({"el_phone", "ws2", "+34601893171", "twilio", {}, 2});
  ASSERT_FALSE(phone.ok());
  EXPECT_EQ(phone.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->getAgent("ws2", "el_agent").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->getPhoneNumber("ws2", "el_phone").error().code, ErrorCode::kNotFound);

  // Shared on purpose it may; a later unshared registration elsewhere still may not.
  ASSERT_TRUE(store_->createAgent({"el_agent", "ws2", "Shared", {}, 3, true}).ok());
  ASSERT_TRUE(
      store_->createPhoneNumber({"el_phone", "ws2", "+34601893171", "twilio", {}, 3, true}).ok());
  EXPECT_TRUE(store_->getAgent("ws2", "el_agent")->sharedAcrossWorkspaces);
  EXPECT_FALSE(store_->getAgent("ws1", "el_agent")->sharedAcrossWorkspaces);
  EXPECT_TRUE(store_->listPhoneNumbers("ws2")->back().sharedAcrossWorkspaces);
  EXPECT_EQ(store_->createAgent({"el_agent", "ws3", "Third", {}, 4}).error().code,
            ErrorCode::kConflict);
  EXPECT_EQ(
      store_->createPhoneNumber({"el_phone", "ws3", "+34601893171", "twilio", {}, 4}).error().code,
      ErrorCode::kConflict);
  // Its own workspace again is the plain duplicate it always was.
  EXPECT_EQ(store_->createAgent({"el_agent", "ws1", "Again", {}, 5, true}).error().code,
            ErrorCode::kConflict);
}

TEST_P(StoreContract, ApiKeysAreFoundByHashOnly) {
  seedTenants();
  ASSERT_TRUE(store_->createApiKey({"key1", "ws1", std::string(64, 'a'), 5, "vo_aaaa", 0, 0}).ok());
  const auto found = store_->findApiKeyByHash(std::string(64, 'a'));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, "key1");
  EXPECT_EQ(found->workspaceId, "ws1");
  EXPECT_EQ(found->createdAtMs, 5);
  EXPECT_EQ(found->prefix, "vo_aaaa");
  EXPECT_TRUE(found->validAt(1'000'000));
  EXPECT_EQ(store_->findApiKeyByHash(std::string(64, 'b')).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->createApiKey({"key2", "ws2", std::string(64, 'a'), 6, "", 0, 0}).error().code,
            ErrorCode::kConflict);
}

TEST_P(StoreContract, ApiKeysAreListedExpireAndAreRevokedOnce) {
  seedTenants();
  ASSERT_TRUE(store_->createApiKey({"key1", "ws1", std::string(64, 'a'), 5, "vo_a", 0, 0}).ok());
  ASSERT_TRUE(store_->createApiKey({"key2", "ws1", std::string(64, 'b'), 6, "vo_b", 100, 0}).ok());
  ASSERT_TRUE(store_->createApiKey({"key3", "ws2", std::string(64, 'c'), 7, "vo_c", 0, 0}).ok());
  const auto listed = store_->listApiKeys("ws1");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ(listed.value()[0].id, "key1");
  EXPECT_EQ(listed.value()[1].expiresAtMs, 100);
  EXPECT_TRUE(listed.value()[1].validAt(99));
  EXPECT_FALSE(listed.value()[1].validAt(100));

  const auto revoked = store_->revokeApiKey("ws1", "key1", 50);
  ASSERT_TRUE(revoked.ok()) << revoked.error().message;
  EXPECT_EQ(revoked->revokedAtMs, 50);
  EXPECT_FALSE(revoked->validAt(51));
  EXPECT_EQ(store_->revokeApiKey("ws1", "key1", 60)->revokedAtMs, 50);  // the first time stays
  EXPECT_FALSE(store_->findApiKeyByHash(std::string(64, 'a'))->validAt(51));
  // Another workspace's key, or none: not found, nothing changed.
  EXPECT_EQ(store_->revokeApiKey("ws1", "key3", 70).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->revokeApiKey("ws1", "nope", 70).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store_->findApiKeyByHash(std::string(64, 'c'))->validAt(71));
}

TEST_P(StoreContract, IdempotencyIsReservedOnceCompletedAndDeleted) {
  vo::api::IdempotencyRecord record{"ws1", "k-1", "hash-a", 0, "", 10};
  const auto first = store_->reserveIdempotency(record, 0);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first.value());
  const auto repeat = store_->reserveIdempotency({"ws1", "k-1", "hash-b", 0, "", 11}, 0);
  ASSERT_TRUE(repeat.ok());
  EXPECT_FALSE(repeat.value());
  // The same key in another scope is another record.
  EXPECT_TRUE(store_->reserveIdempotency({"admin", "k-1", "hash-c", 0, "", 12}, 0).value());

  auto found = store_->findIdempotency("ws1", "k-1");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->requestHash, "hash-a");
  EXPECT_EQ(found->httpStatus, 0);

  ASSERT_TRUE(store_->completeIdempotency("ws1", "k-1", 201, R"({"id":"c1"})").ok());
  found = store_->findIdempotency("ws1", "k-1");
  EXPECT_EQ(found->httpStatus, 201);
  EXPECT_EQ(found->responseBody, R"({"id":"c1"})");
  EXPECT_EQ(found->createdAtMs, 10);
  EXPECT_EQ(store_->findIdempotency("admin", "k-1")->requestHash, "hash-c");

  ASSERT_TRUE(store_->deleteIdempotency("ws1", "k-1").ok());
  EXPECT_EQ(store_->findIdempotency("ws1", "k-1").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store_->reserveIdempotency(record, 0).value());
  EXPECT_EQ(store_->completeIdempotency("ws9", "none", 200, "{}").error().code,
            ErrorCode::kNotFound);
}

TEST_P(StoreContract, AReservationLeftInProgressIsTakenOverOnlyOnceStale) {
  ASSERT_TRUE(store_->reserveIdempotency({"ws1", "k-2", "hash-a", 0, "", 100}, 0).value());
  // Fresh (created at 100, not before 50): kept.
  EXPECT_FALSE(store_->reserveIdempotency({"ws1", "k-2", "hash-b", 0, "", 200}, 50).value());
  // Created before 150: its request died; the new one takes it, once.
  EXPECT_TRUE(store_->reserveIdempotency({"ws1", "k-2", "hash-b", 0, "", 300}, 150).value());
  EXPECT_FALSE(store_->reserveIdempotency({"ws1", "k-2", "hash-c", 0, "", 300}, 150).value());
  auto found = store_->findIdempotency("ws1", "k-2");
  EXPECT_EQ(found->requestHash, "hash-b");
  EXPECT_EQ(found->createdAtMs, 300);
  // A completed record is never taken over, however old.
  ASSERT_TRUE(store_->completeIdempotency("ws1", "k-2", 201, "{}").ok());
  EXPECT_FALSE(store_->reserveIdempotency({"ws1", "k-2", "hash-d", 0, "", 900}, 800).value());
  EXPECT_EQ(store_->findIdempotency("ws1", "k-2")->httpStatus, 201);
}

TEST_P(StoreContract, IdempotencyRecordsArePurgedByAgeAPageAtATime) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        store_->reserveIdempotency({"ws1", "old-" + std::to_string(i), "h", 201, "{}", 10 + i}, 0)
            .value());
  }
  ASSERT_TRUE(store_->reserveIdempotency({"ws1", "new", "h", 201, "{}", 1000}, 0).value());
  EXPECT_EQ(store_->purgeIdempotency(100, 3).value(), 3);
  EXPECT_EQ(store_->purgeIdempotency(100, 3).value(), 2);
  EXPECT_EQ(store_->purgeIdempotency(100, 3).value(), 0);
  EXPECT_EQ(store_->findIdempotency("ws1", "old-4").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store_->findIdempotency("ws1", "new").ok());
}

TEST_P(StoreContract, CampaignsKeepStatusAndReportProgress) {
  seedTenants();
  vo::api::Campaign second = makeCampaign("cmp2", "Autumn", 3, 7);
  second.agentId = "ag2";
  ASSERT_TRUE(store_->createCampaign(second).ok());
  EXPECT_EQ(store_->createCampaign(second).error().code, ErrorCode::kConflict);

  auto campaign = store_->getCampaign("cmp2");
  ASSERT_TRUE(campaign.ok());
  EXPECT_EQ(campaign->name, "Autumn");
  EXPECT_EQ(campaign->agentId, "ag2");
  EXPECT_EQ(campaign->totalCalls, 3);
  EXPECT_EQ(campaign->status, vo::api::CampaignStatus::kActive);

  ASSERT_TRUE(store_->setCampaignStatus("cmp2", vo::api::CampaignStatus::kPaused, 99).ok());
  campaign = store_->getCampaign("cmp2");
  EXPECT_EQ(campaign->status, vo::api::CampaignStatus::kPaused);
  EXPECT_EQ(campaign->updatedAtMs, 99);
  EXPECT_EQ(store_->setCampaignStatus("cmp9", vo::api::CampaignStatus::kPaused, 1).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->getCampaign("cmp9").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->listCampaigns("ws1")->size(), 2u);
  EXPECT_TRUE(store_->listCampaigns("ws2")->empty());

  std::vector<vo::api::Call> calls;
  for (int i = 0; i < 5; ++i) {
    calls.push_back(makeCall("c" + std::to_string(i), msOfDay(0, i)));
    calls.back().campaignId = i < 3 ? "cmp2" : "cmp1";
    calls.back().agentId = i < 3 ? "ag2" : "ag1";
  }
  insert(calls);
  finish("c0", CallStatus::kCompleted);
  finish("c1", CallStatus::kFailed);
  const auto progress = store_->campaignProgress("cmp2");
  ASSERT_TRUE(progress.ok());
  EXPECT_EQ(progress->at(CallStatus::kCompleted), 1);
  EXPECT_EQ(progress->at(CallStatus::kFailed), 1);
  EXPECT_EQ(progress->at(CallStatus::kQueued), 1);
  EXPECT_EQ(progress->count(CallStatus::kBusy), 0u);
  EXPECT_EQ(store_->campaignProgress("cmp1")->at(CallStatus::kQueued), 2);
  EXPECT_EQ(store_->campaignProgress("cmp9").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace vo::contract
