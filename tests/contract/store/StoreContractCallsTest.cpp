// Contract: calls — atomic bulk insert, lookups, keyset listing, transitions, scans.
#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "vo/contract/StoreContract.h"
#include "vo/testing/Json.h"

namespace vo::contract {
namespace {

using vo::api::Call;
using vo::api::CallStatus;
using vo::api::ErrorCode;

// A JSON object's members as text, whatever order and spacing the database wrote them in.
std::map<std::string, std::string> membersOf(const std::string& json) {
  std::map<std::string, std::string> members;
  for (const auto& [name, value] : vo::testing::Json::parse(json).members()) {
    members[name] = value.text();
  }
  return members;
}

std::string idOf(int i) {
  char text[16];
  std::snprintf(text, sizeof text, "call%05d", i);
  return text;
}

TEST_P(StoreContract, AnOutcomesDetailIsLaidOverTheCallsDataAndItsProviderIdKept) {
  seedTenants();
  Call call = makeCall("c1", 1);
  call.status = CallStatus::kInitiated;
  call.providerCallId = "conv_1";
  call.providerDataJson = R"({"callSid":"CA1","summary":"old"})";
  Call bare = makeCall("c2", 1);
  bare.status = CallStatus::kDispatching;
  Call odd = makeCall("c3", 1);
  odd.status = CallStatus::kInitiated;
  odd.providerDataJson = "[1,2]";
  insert({call, bare, odd});

  auto outcome = [](const std::string& id, const char* detail) {
    vo::api::CallTransition ended = transitionOf(
        id, {CallStatus::kDispatching, CallStatus::kInitiated}, CallStatus::kCompleted, 50);
    ended.providerCallIdIfNone = "conv_from_webhook";
    ended.providerDetailJson = detail;
    return ended;
  };
  const std::vector<vo::api::CallTransition> outcomes = {
      outcome("c1", R"({"summary":"new","success":"true"})"),
      outcome("c2", R"({"summary":"first"})"), outcome("c3", R"({"summary":"lost"})")};
  EXPECT_EQ(store_->transitionMany(outcomes).value(), (std::vector<bool>{true, true, true}));

  const Call c1 = store_->getCall("c1").value();
  EXPECT_EQ(c1.providerCallId, "conv_1");  // the dial's own id stays
  EXPECT_EQ(membersOf(c1.providerDataJson),
            (std::map<std::string, std::string>{
                {"callSid", R"("CA1")"}, {"summary", R"("new")"}, {"success", R"("true")"}}));
  const Call c2 = store_->getCall("c2").value();
  EXPECT_EQ(c2.providerCallId, "conv_from_webhook");  // the outcome beat the dial's record
  EXPECT_EQ(membersOf(c2.providerDataJson),
            (std::map<std::string, std::string>{{"summary", R"("first")"}}));
  // Stored data that is not an object is kept as it is; so is any data under a detail that is
  // not one, and the outcome itself still applies.
  EXPECT_EQ(store_->getCall("c3")->providerDataJson, "[1,2]");
  vo::api::CallTransition notAnObject = outcome("c1", "not json");
  notAnObject.from = {CallStatus::kCompleted};
  EXPECT_TRUE(store_->transition(notAnObject).value());
  EXPECT_EQ(membersOf(store_->getCall("c1")->providerDataJson).at("summary"), R"("new")");
}

TEST_P(StoreContract, InsertedCallsReadBackFieldForField) {
  seedTenants();
  Call call = makeCall("c-priority", msOfDay(3, 1234));
  call.campaignId.clear();
  call.lane = vo::api::Lane::kPriority;
  call.agentId = "ag2";
  call.from.clear();
  call.timezone = "America/New_York";
  call.variablesJson = R"({"a":1,"b":"x\"y","c":true})";
  call.attempts = 1;
  call.maxAttempts = 5;
  call.providerCallId = "conv_1";
  call.providerDataJson = R"({"callSid":"CA1"})";
  call.lastError = "earlier";
  call.durationSecs = 42;
  call.endReason = "hangup";
  call.status = CallStatus::kInitiated;
  call.updatedAtMs = call.createdAtMs + 5;
  call.nextAttemptAtMs = call.createdAtMs + 60000;
  insert({call});

  const auto found = store_->getCall("c-priority");
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->id, call.id);
  EXPECT_EQ(found->workspaceId, "ws1");
  EXPECT_EQ(found->agentId, "ag2");
  EXPECT_EQ(found->agentPhoneNumberId, "ph1");
  EXPECT_EQ(found->campaignId, "");
  EXPECT_EQ(found->to, call.to);
  EXPECT_EQ(found->from, "");
  EXPECT_EQ(found->timezone, "America/New_York");
  EXPECT_EQ(found->variablesJson, call.variablesJson);
  EXPECT_EQ(found->status, CallStatus::kInitiated);
  EXPECT_EQ(found->lane, vo::api::Lane::kPriority);
  EXPECT_EQ(found->attempts, 1);
  EXPECT_EQ(found->maxAttempts, 5);
  EXPECT_EQ(found->providerCallId, "conv_1");
  EXPECT_EQ(found->providerDataJson, call.providerDataJson);
  EXPECT_EQ(found->lastError, "earlier");
  EXPECT_EQ(found->durationSecs, std::optional<int64_t>(42));
  EXPECT_EQ(found->endReason, "hangup");
  EXPECT_EQ(found->createdAtMs, call.createdAtMs);
  EXPECT_EQ(found->updatedAtMs, call.updatedAtMs);
  EXPECT_EQ(found->nextAttemptAtMs, call.nextAttemptAtMs);

  // Two at once: the bulk path (PostgreSQL's COPY) writes the zone too.
  const auto bulk = makeCall("c-bulk", msOfDay(3));
  auto inTokyo = makeCall("c-bulk-tokyo", msOfDay(3));
  inTokyo.to = "+81312345678";
  inTokyo.timezone = "Asia/Tokyo";
  insert({bulk, inTokyo});
  EXPECT_EQ(store_->getCall("c-bulk-tokyo")->timezone, "Asia/Tokyo");
  const auto plain = store_->getCall("c-bulk");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->timezone, "");
  EXPECT_EQ(plain->campaignId, "cmp1");
  EXPECT_EQ(plain->lane, vo::api::Lane::kBulk);
  EXPECT_FALSE(plain->durationSecs.has_value());
  EXPECT_EQ(plain->status, CallStatus::kQueued);

  EXPECT_EQ(store_->getCall("c-none").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store_->getAttempts("c-bulk")->empty());
  EXPECT_EQ(store_->getAttempts("c-none").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store_->insertCalls({}, nullptr).ok());
}

TEST_P(StoreContract, InsertCallsWritesAllOrNothing) {
  seedTenants();
  insert({makeCall(idOf(1), msOfDay(0))});
  // A batch whose last row repeats an existing id writes none of its rows.
  std::vector<Call> batch;
  for (int i = 2; i <= 50; ++i) batch.push_back(makeCall(idOf(i), msOfDay(0, i)));
  batch.push_back(makeCall(idOf(1), msOfDay(0)));
  const auto refused = store_->insertCalls(batch, nullptr);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->getCall(idOf(2)).error().code, ErrorCode::kNotFound);
  // One call alone (a priority call's insert, one round trip on PostgreSQL) is refused alike.
  const auto refusedAlone =
      store_->insertCalls(std::vector<Call>{makeCall(idOf(1), msOfDay(1))}, nullptr);
  ASSERT_FALSE(refusedAlone.ok());
  EXPECT_EQ(refusedAlone.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->getCall(idOf(50)).error().code, ErrorCode::kNotFound);

  // A duplicate inside the batch itself, too.
  std::vector<Call> twice{makeCall(idOf(60), msOfDay(0)), makeCall(idOf(60), msOfDay(0))};
  EXPECT_FALSE(store_->insertCalls(twice, nullptr).ok());
  EXPECT_EQ(store_->getCall(idOf(60)).error().code, ErrorCode::kNotFound);

  // A call naming an unknown workspace, agent, phone number or campaign is bad input, and the
  // whole batch is refused with it.
  const auto unknownParent = [&](auto change, const std::string& named) {
    std::vector<Call> mixed{makeCall(idOf(70), msOfDay(0)), makeCall(idOf(71), msOfDay(0))};
    change(mixed[1]);
    const auto refused = store_->insertCalls(mixed, nullptr);
    ASSERT_FALSE(refused.ok()) << named;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalid) << named;
    EXPECT_NE(refused.error().message.find(named), std::string::npos) << refused.error().message;
    EXPECT_EQ(store_->getCall(idOf(70)).error().code, ErrorCode::kNotFound);
    const auto refusedAlone = store_->insertCalls(std::vector<Call>{mixed[1]}, nullptr);
    ASSERT_FALSE(refusedAlone.ok()) << named;
    EXPECT_EQ(refusedAlone.error().code, ErrorCode::kInvalid) << named;
    EXPECT_NE(refusedAlone.error().message.find(named), std::string::npos)
        << refusedAlone.error().message;
    EXPECT_EQ(store_->getCall(idOf(71)).error().code, ErrorCode::kNotFound);
  };
  unknownParent([](Call& call) { call.workspaceId = "ws-x"; }, "ws-x");
  unknownParent([](Call& call) { call.agentId = "ag-x"; }, "ag-x");
  unknownParent([](Call& call) { call.agentPhoneNumberId = "ph-x"; }, "ph-x");
  unknownParent([](Call& call) { call.campaignId = "cmp-x"; }, "cmp-x");
  // ag1 exists, but in ws2 the call names ws2's own: agents belong to one workspace each.
  unknownParent(
      [](Call& call) {
        call.campaignId.clear();
        call.agentId = "ag3";
      },
      "ag3");

  const auto counts = store_->countByStatus();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->at(CallStatus::kQueued), 1);

  // The store keeps working after a refused batch.
  batch.pop_back();
  insert(batch);
  EXPECT_EQ(store_->countByStatus()->at(CallStatus::kQueued), 50);
}

TEST_P(StoreContract, CreateCampaignWithCallsWritesTheCampaignAndItsCallsOrNothing) {
  seedTenants();
  const vo::api::Campaign campaign = makeCampaign("cmp-bulk", "Bulk", 3, msOfDay(0));
  std::vector<Call> calls;
  for (int i = 200; i < 203; ++i) {
    calls.push_back(makeCall(idOf(i), msOfDay(0, i)));
    calls.back().campaignId = campaign.id;
  }
  // A call naming an unknown agent: neither the campaign nor any call is written.
  calls.back().agentId = "ag-x";
  const auto refused = store_->createCampaignWithCalls(campaign, calls, nullptr);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalid);
  EXPECT_NE(refused.error().message.find("ag-x"), std::string::npos) << refused.error().message;
  EXPECT_EQ(store_->getCampaign(campaign.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->getCall(idOf(200)).error().code, ErrorCode::kNotFound);

  calls.back().agentId = "ag1";
  const auto created = store_->createCampaignWithCalls(campaign, calls, nullptr);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(store_->getCampaign(campaign.id)->totalCalls, 3);
  EXPECT_EQ(store_->campaignProgress(campaign.id)->at(CallStatus::kQueued), 3);
  EXPECT_EQ(store_->getCall(idOf(202))->campaignId, campaign.id);

  // The same campaign id again is a conflict, and writes none of the new calls.
  std::vector<Call> more{makeCall(idOf(210), msOfDay(0))};
  more.front().campaignId = campaign.id;
  const auto again = store_->createCampaignWithCalls(campaign, more, nullptr);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->getCall(idOf(210)).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContract, AnAnswerIsWrittenWithItsCallsOrNeither) {
  seedTenants();
  const vo::api::IdempotencyRecord answer{"ws1", "order-7", "hash", 202, R"({"n":1})", 50};
  const vo::api::Campaign campaign = makeCampaign("cmp-idem", "Idem", 2, msOfDay(0));
  std::vector<Call> calls{makeCall(idOf(300), msOfDay(0)), makeCall(idOf(301), msOfDay(0))};
  for (Call& call : calls) call.campaignId = campaign.id;
  ASSERT_TRUE(store_->createCampaignWithCalls(campaign, calls, &answer).ok());
  auto stored = store_->findIdempotency("ws1", "order-7");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->httpStatus, 202);
  EXPECT_EQ(stored->responseBody, R"({"n":1})");

  // The same key again: a conflict, and neither the campaign nor a call is written.
  const vo::api::Campaign twin = makeCampaign("cmp-twin", "Twin", 1, msOfDay(0));
  std::vector<Call> twinCalls{makeCall(idOf(302), msOfDay(0))};
  twinCalls.front().campaignId = twin.id;
  const auto again = store_->createCampaignWithCalls(twin, twinCalls, &answer);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->getCampaign(twin.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->getCall(idOf(302)).error().code, ErrorCode::kNotFound);

  // One call with its answer (a priority call), then a repeat: one call only.
  const vo::api::IdempotencyRecord urgent{"ws1", "urgent", "hash", 201, "{}", 60};
  const Call priority = makeCall(idOf(303), msOfDay(0));
  ASSERT_TRUE(store_->insertCalls(std::span(&priority, 1), &urgent).ok());
  const Call repeat = makeCall(idOf(304), msOfDay(0));
  EXPECT_EQ(store_->insertCalls(std::span(&repeat, 1), &urgent).error().code, ErrorCode::kConflict);
  EXPECT_TRUE(store_->getCall(idOf(303)).ok());
  EXPECT_EQ(store_->getCall(idOf(304)).error().code, ErrorCode::kNotFound);
  // A call that cannot be written leaves no answer behind.
  const vo::api::IdempotencyRecord lost{"ws1", "lost", "hash", 201, "{}", 70};
  Call orphan = makeCall(idOf(305), msOfDay(0));
  orphan.agentId = "ag-x";
  EXPECT_FALSE(store_->insertCalls(std::span(&orphan, 1), &lost).ok());
  EXPECT_EQ(store_->findIdempotency("ws1", "lost").error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContract, FindsCallsByProviderCallId) {
  seedTenants();
  Call call = makeCall("c1", msOfDay(0));
  insert({call, makeCall("c2", msOfDay(0))});
  EXPECT_EQ(store_->findByProviderCallId("conv_x").error().code, ErrorCode::kNotFound);
  vo::api::CallTransition change =
      transitionOf("c1", {CallStatus::kQueued}, CallStatus::kInitiated, 5);
  change.providerCallId = "conv_x";
  ASSERT_TRUE(store_->transition(change).value());
  const auto found = store_->findByProviderCallId("conv_x");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, "c1");
  EXPECT_EQ(found->status, CallStatus::kInitiated);
}

// 90 calls across workspaces, agents, campaigns, numbers, statuses and three days.
std::vector<Call> variedCalls() {
  std::vector<Call> calls;
  for (int i = 0; i < 90; ++i) {
    Call call = makeCall(idOf(i), msOfDay(i % 3, i * 1000));
    call.workspaceId = i % 5 == 0 ? "ws2" : "ws1";
    call.agentId = i % 2 == 0 ? "ag1" : "ag2";
    call.campaignId = call.workspaceId == "ws1" && i % 4 == 0 ? "cmp1" : "";
    call.to = i % 7 == 0 ? "+15550007" : "+15550000";
    call.status = vo::api::kAllCallStatuses[i % 4];
    calls.push_back(call);
  }
  return calls;
}

// Walks every page of a filter and checks it returns exactly the expected ids, newest first.
void expectPages(vo::api::CallStore& store, const vo::api::CallFilter& filter,
                 const std::vector<Call>& all, const std::function<bool(const Call&)>& matches) {
  std::vector<std::string> expected;
  for (const Call& call : all) {
    if (matches(call)) expected.push_back(call.id);
  }
  std::sort(expected.rbegin(), expected.rend());
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 100; ++page) {
    const auto result = store.listCalls(filter, 7, cursor);
    ASSERT_TRUE(result.ok()) << result.error().message;
    for (const Call& call : result->calls) seen.push_back(call.id);
    ASSERT_LE(result->calls.size(), 7u);
    if (result->nextCursor.empty()) break;
    ASSERT_EQ(result->calls.size(), 7u);
    cursor = result->nextCursor;
  }
  EXPECT_EQ(seen, expected);
}

TEST_P(StoreContract, ListCallsFiltersAndWalksEveryPageExactlyOnce) {
  seedTenants();
  const std::vector<Call> calls = variedCalls();
  insert(calls);
  vo::api::CallFilter filter;
  expectPages(*store_, filter, calls, [](const Call&) { return true; });
  filter.workspaceId = "ws1";
  expectPages(*store_, filter, calls, [](const Call& c) { return c.workspaceId == "ws1"; });
  filter.agentId = "ag2";
  expectPages(*store_, filter, calls,
              [](const Call& c) { return c.workspaceId == "ws1" && c.agentId == "ag2"; });
  filter = {};
  filter.campaignId = "cmp1";
  expectPages(*store_, filter, calls, [](const Call& c) { return c.campaignId == "cmp1"; });
  filter = {};
  filter.to = "+15550007";
  expectPages(*store_, filter, calls, [](const Call& c) { return c.to == "+15550007"; });
  filter = {};
  filter.status = CallStatus::kInitiated;
  filter.workspaceId = "ws1";
  expectPages(*store_, filter, calls, [](const Call& c) {
    return c.status == CallStatus::kInitiated && c.workspaceId == "ws1";
  });
  filter = {};
  filter.createdFromMs = msOfDay(1);
  filter.createdToMs = msOfDay(2);
  expectPages(*store_, filter, calls, [](const Call& c) {
    return c.createdAtMs >= msOfDay(1) && c.createdAtMs < msOfDay(2);
  });
  filter = {};
  filter.workspaceId = "ws-none";
  expectPages(*store_, filter, calls, [](const Call&) { return false; });

  // A page of exactly the remaining rows says there is no next page.
  filter = {};
  filter.workspaceId = "ws2";
  const auto whole = store_->listCalls(filter, 18, "");
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->calls.size(), 18u);
  EXPECT_TRUE(whole->nextCursor.empty());
  EXPECT_EQ(store_->listCalls(filter, 0, "").error().code, ErrorCode::kInvalid);
}

TEST_P(StoreContract, TransitionsApplyOnlyFromTheGivenStatuses) {
  seedTenants();
  insert({makeCall("c1", msOfDay(0))});
  vo::api::CallTransition claim =
      transitionOf("c1", {CallStatus::kQueued}, CallStatus::kDispatching, 100);
  claim.countAttempt = true;
  EXPECT_TRUE(store_->transition(claim).value());
  // The same claim again finds it dispatching: not applied, nothing changes.
  EXPECT_FALSE(store_->transition(claim).value());
  auto call = store_->getCall("c1");
  EXPECT_EQ(call->status, CallStatus::kDispatching);
  EXPECT_EQ(call->attempts, 1);
  EXPECT_EQ(call->updatedAtMs, 100);

  vo::api::CallTransition accepted =
      transitionOf("c1", {CallStatus::kDispatching}, CallStatus::kInitiated, 200);
  accepted.providerCallId = "conv_9";
  accepted.providerDataJson = R"({"callSid":"CA9"})";
  accepted.attempt = vo::api::CallAttempt{1, 150, "accepted", "conv_9", ""};
  EXPECT_TRUE(store_->transition(accepted).value());

  vo::api::CallTransition ended =
      transitionOf("c1", {CallStatus::kInitiated}, CallStatus::kCompleted, 300);
  ended.durationSecs = 61;
  ended.endReason = "agent_hangup";
  ended.lastError = "none";
  ended.nextAttemptAtMs = 999;
  EXPECT_TRUE(store_->transition(ended).value());
  call = store_->getCall("c1");
  EXPECT_EQ(call->status, CallStatus::kCompleted);
  EXPECT_EQ(call->providerCallId, "conv_9");
  EXPECT_EQ(call->providerDataJson, R"({"callSid":"CA9"})");
  EXPECT_EQ(call->durationSecs, std::optional<int64_t>(61));
  EXPECT_EQ(call->endReason, "agent_hangup");
  EXPECT_EQ(call->lastError, "none");
  EXPECT_EQ(call->nextAttemptAtMs, 999);
  EXPECT_EQ(call->attempts, 1);
  EXPECT_EQ(call->updatedAtMs, 300);

  // A refused transition appends no attempt.
  vo::api::CallTransition late =
      transitionOf("c1", {CallStatus::kQueued}, CallStatus::kDispatching, 400);
  late.attempt = vo::api::CallAttempt{2, 400, "accepted", "conv_10", ""};
  EXPECT_FALSE(store_->transition(late).value());
  const auto attempts = store_->getAttempts("c1");
  ASSERT_TRUE(attempts.ok());
  ASSERT_EQ(attempts->size(), 1u);
  EXPECT_EQ(attempts.value()[0].number, 1);
  EXPECT_EQ(attempts.value()[0].startedAtMs, 150);
  EXPECT_EQ(attempts.value()[0].outcome, "accepted");
  EXPECT_EQ(attempts.value()[0].providerCallId, "conv_9");

  vo::api::CallTransition ghost =
      transitionOf("c-none", {CallStatus::kQueued}, CallStatus::kDispatching, 1);
  const auto missing = store_->transition(ghost);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContract, ManyThreadsClaimingOneCallOnlyOneWins) {
  seedTenants();
  std::vector<Call> calls;
  for (int i = 0; i < 20; ++i) calls.push_back(makeCall(idOf(i), msOfDay(0, i)));
  insert(calls);
  std::atomic<int> wins{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        vo::api::CallTransition claim =
            transitionOf(idOf(i), {CallStatus::kQueued}, CallStatus::kDispatching, 1);
        claim.countAttempt = true;
        const auto result = store_->transition(claim);
        if (!result.ok())
          ++errors;
        else if (result.value())
          ++wins;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(wins.load(), 20);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(store_->getCall(idOf(i))->attempts, 1);
}

TEST_P(StoreContract, TransitionCampaignCallsMovesOnlyMatchingCalls) {
  seedTenants();
  std::vector<Call> calls;
  for (int i = 0; i < 6; ++i) calls.push_back(makeCall(idOf(i), msOfDay(0, i)));
  calls[5].campaignId.clear();
  calls[4].status = CallStatus::kInitiated;
  insert(calls);
  const CallStatus from[] = {CallStatus::kQueued};
  const auto moved =
      store_->transitionCampaignCalls("cmp1", from, CallStatus::kCanceled, msOfDay(1));
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved.value(), 4);
  EXPECT_EQ(store_->getCall(idOf(0))->status, CallStatus::kCanceled);
  EXPECT_EQ(store_->getCall(idOf(0))->updatedAtMs, msOfDay(1));
  EXPECT_EQ(store_->getCall(idOf(4))->status, CallStatus::kInitiated);
  EXPECT_EQ(store_->getCall(idOf(5))->status, CallStatus::kQueued);
  EXPECT_EQ(store_->transitionCampaignCalls("cmp1", from, CallStatus::kCanceled, 1).value(), 0);
}

TEST_P(StoreContract, ScanCallsByStatusDueTimeAndAgeInIdOrder) {
  seedTenants();
  std::vector<Call> calls;
  for (int i = 0; i < 30; ++i) {
    Call call = makeCall(idOf(i), msOfDay(0, i));
    call.status = i % 3 == 0 ? CallStatus::kDispatching : CallStatus::kQueued;
    call.nextAttemptAtMs = msOfDay(0, i * 10);
    call.updatedAtMs = msOfDay(0, i * 100);
    calls.push_back(call);
  }
  insert(calls);
  vo::api::CallScan due;
  due.statuses = {CallStatus::kQueued};
  due.dueAtOrBeforeMs = msOfDay(0, 100);  // i <= 10 and queued: 1,2,4,5,7,8,10
  due.limit = 4;
  auto page = store_->scanCalls(due);
  ASSERT_TRUE(page.ok());
  std::vector<std::string> ids;
  for (const Call& call : page.value()) ids.push_back(call.id);
  EXPECT_EQ(ids, (std::vector<std::string>{idOf(1), idOf(2), idOf(4), idOf(5)}));
  due.afterId = idOf(5);
  ids.clear();
  page = store_->scanCalls(due);
  ASSERT_TRUE(page.ok());
  for (const Call& call : page.value()) ids.push_back(call.id);
  EXPECT_EQ(ids, (std::vector<std::string>{idOf(7), idOf(8), idOf(10)}));

  vo::api::CallScan stale;
  stale.statuses = {CallStatus::kDispatching, CallStatus::kInitiated};
  stale.updatedBeforeMs = msOfDay(0, 1000);  // i < 10 and dispatching: 0,3,6,9
  ids.clear();
  page = store_->scanCalls(stale);
  ASSERT_TRUE(page.ok());
  for (const Call& call : page.value()) ids.push_back(call.id);
  EXPECT_EQ(ids, (std::vector<std::string>{idOf(0), idOf(3), idOf(6), idOf(9)}));
  EXPECT_EQ(store_->scanCalls(vo::api::CallScan{}).error().code, ErrorCode::kInvalid);
}

TEST_P(StoreContract, CountByStatusCountsEveryCall) {
  seedTenants();
  const std::vector<Call> calls = variedCalls();
  insert(calls);
  const auto counts = store_->countByStatus();
  ASSERT_TRUE(counts.ok());
  int64_t total = 0;
  for (const auto& [status, count] : counts.value()) total += count;
  EXPECT_EQ(total, 90);
  EXPECT_EQ(counts->at(CallStatus::kQueued), 23);
  EXPECT_EQ(counts->at(CallStatus::kInitiated), 22);
}

}  // namespace
}  // namespace vo::contract
