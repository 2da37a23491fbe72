// Each answer a provider can give, and what the dispatcher makes of it.
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "DispatcherFixture.h"
#include "dispatch/Backoff.h"

namespace vo::testing {
namespace {

using api::CallStatus;
using api::DialOutcome;

TEST_F(DispatcherTest, AcceptedCallIsInitiatedWithTheProvidersIdsAndHoldsItsSlots) {
  submit({makeCall("c1")});
  dispatcher().start();
  ASSERT_TRUE(waitForStatus("c1", CallStatus::kInitiated));
  const api::Call call = stored("c1");
  EXPECT_EQ(call.providerCallId, "prov_c1");
  EXPECT_EQ(call.providerDataJson, R"({"callSid":"CA1"})");
  EXPECT_EQ(call.attempts, 1);
  auto attempts = store_.getAttempts("c1");
  ASSERT_TRUE(attempts.ok());
  ASSERT_EQ(attempts->size(), 1u);
  EXPECT_EQ(attempts->front().outcome, "accepted");
  EXPECT_EQ(attempts->front().number, 1);
  EXPECT_EQ(queueCounts().slotsHeld, 1);  // until its final status
  ASSERT_EQ(provider_.requests().size(), 1u);
  EXPECT_EQ(provider_.requests().front().phoneNumberProvider, "twilio");
}

TEST_F(DispatcherTest, WorkspaceKeyIsPassedToTheProvider) {
  api::Workspace own;
  own.id = "ws2";
  own.providerApiKey = "sk_own";
  ASSERT_TRUE(store_.createWorkspace(own).ok());
  api::PhoneNumber phone;
  phone.id = "phone2";
  phone.workspaceId = "ws2";
  phone.provider = "sip_trunk";
  ASSERT_TRUE(store_.createPhoneNumber(phone).ok());
  api::Call call = makeCall("k1");
  call.workspaceId = "ws2";
  call.agentPhoneNumberId = "phone2";
  submit({call});
  dispatcher().start();
  ASSERT_TRUE(waitForStatus("k1", CallStatus::kInitiated));
  const auto requests = provider_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].apiKey, "sk_own");
  EXPECT_EQ(requests[0].phoneNumberProvider, "sip_trunk");
}

TEST_F(DispatcherTest, NotPlacedIsRetriedUntilAccepted) {
  provider_.onDial([](const api::DialRequest& request) {
    if (request.call.attempts < 3) return answered(DialOutcome::kNotPlaced, "connection refused");
    return acceptedAs("prov_late");
  });
  submit({makeCall("r1")});
  dispatcher().start();
  ASSERT_TRUE(waitForStatus("r1", CallStatus::kInitiated));
  const api::Call call = stored("r1");
  EXPECT_EQ(call.attempts, 3);
  EXPECT_EQ(provider_.dials("r1"), 3);
  auto attempts = store_.getAttempts("r1");
  ASSERT_TRUE(attempts.ok());
  ASSERT_EQ(attempts->size(), 3u);
  EXPECT_EQ(attempts.value()[0].outcome, "not_placed");
  EXPECT_EQ(attempts.value()[0].error, "connection refused");
  EXPECT_EQ(attempts.value()[2].outcome, "accepted");
}

TEST_F(DispatcherTest, NotPlacedOutOfAttemptsFailsWithTheLastError) {
  config_.maxAttempts = 2;
  provider_.onDial([](const api::DialRequest&) {
    api::DialResult refused = answered(DialOutcome::kNotPlaced, "too many calls");
    refused.httpStatus = 429;
    refused.throttleAccount = true;
    refused.retryAfterMs = 1;
    return refused;
  });
  submit({makeCall("f1")});
  dispatcher().start();
  ASSERT_TRUE(waitForStatus("f1", CallStatus::kFailed));
  const api::Call call = stored("f1");
  EXPECT_EQ(call.attempts, 2);
  EXPECT_EQ(provider_.dials("f1"), 2);
  EXPECT_NE(call.lastError.find("too many calls"), std::string::npos);
  EXPECT_NE(call.lastError.find("429"), std::string::npos);
  EXPECT_TRUE(waitUntil([&] { return queueCounts().slotsHeld == 0; }));
}

TEST_F(DispatcherTest, RejectedFailsAtOnce) {
  provider_.onDial([](const api::DialRequest&) {
    return answered(DialOutcome::kRejected, "invalid phone number");
  });
  submit({makeCall("x1")});
  dispatcher().start();
  ASSERT_TRUE(waitForStatus("x1", CallStatus::kFailed));
  EXPECT_EQ(stored("x1").lastError, "invalid phone number");
  EXPECT_EQ(provider_.dials("x1"), 1);
  EXPECT_TRUE(waitUntil([&] { return queueCounts().slotsHeld == 0; }));
}

TEST_F(DispatcherTest, AmbiguousBecomesUnknownAndIsNeverRedialed) {
  // Shared with the script: the reconcile thread may call it again after the body ends.
  auto lookups = std::make_shared<std::atomic<int>>(0);
  provider_.onDial([](const api::DialRequest&) {
    return answered(DialOutcome::kAmbiguous, "timed out after sending");
  });
  provider_.onLookup([lookups](const api::Call&) {
    ++*lookups;
    return api::LookupResult{};  // kUnsupported: only an operator can decide
  });
  const uint64_t ambiguousBefore = agentRow().dialedCount(DialOutcome::kAmbiguous);
  submit({makeCall("a1")});
  dispatcher().start();
  ASSERT_TRUE(waitForStatus("a1", CallStatus::kUnknown));
  // Several sweeps, lease checks and reconciliations pass: still one dial.
  ASSERT_TRUE(waitUntil([&] { return lookups->load() >= 3; }));
  EXPECT_EQ(provider_.dials("a1"), 1);
  EXPECT_EQ(stored("a1").status, CallStatus::kUnknown);
  EXPECT_EQ(stored("a1").lastError, "timed out after sending");
  EXPECT_EQ(queueCounts().slotsHeld, 0);
  EXPECT_EQ(agentRow().dialedCount(DialOutcome::kAmbiguous), ambiguousBefore + 1);
}

TEST_F(DispatcherTest, AThrowingProviderLeavesTheCallUnknownAndTheDialerAlive) {
  std::atomic<int> boomStarts{0};
  provider_.onDialAsyncStart([&boomStarts](const api::DialRequest& request) {
    if (request.call.id != "boom") return;
    ++boomStarts;
    throw std::runtime_error("socket exploded");
  });
  submit({makeCall("boom")});
  dispatcher().start();
  ASSERT_TRUE(waitForStatus("boom", CallStatus::kUnknown));
  EXPECT_NE(stored("boom").lastError.find("socket exploded"), std::string::npos);
  submit({makeCall("after")});
  ASSERT_TRUE(waitForStatus("after", CallStatus::kInitiated));
  EXPECT_EQ(boomStarts.load(), 1);  // maybe placed: never dialed again
}

TEST_F(DispatcherTest, UnknownCallIsSettledByTheProvidersLookup) {
  provider_.onDial([](const api::DialRequest&) {
    return answered(DialOutcome::kAmbiguous, "502 from the provider");
  });
  provider_.onLookup([](const api::Call& call) {
    api::LookupResult result;
    result.outcome = api::LookupOutcome::kFinal;
    result.event.callId = call.id;
    result.event.providerCallId = "prov_found";
    result.event.status = CallStatus::kNoAnswer;
    return result;
  });
  submit({makeCall("u1")});
  dispatcher().start();
  ASSERT_TRUE(waitForStatus("u1", CallStatus::kNoAnswer));
  EXPECT_EQ(stored("u1").providerCallId, "prov_found");
  EXPECT_EQ(provider_.dials("u1"), 1);
}

TEST_F(DispatcherTest, AnAcceptedDialTheStoreCouldNotRecordIsRecordedOnceItAnswers) {
  config_.leaseMs = 400;
  auto gate = std::make_shared<Gate>();
  Gate::OpenAtExit openAtExit{gate};
  provider_.onDial([gate](const api::DialRequest& request) {
    gate->pass();
    return acceptedAs("prov_" + request.call.id);
  });
  submit({makeCall("s1")});
  dispatcher().start();
  ASSERT_TRUE(waitUntil([&] { return gate->reached(); }));
  store_.failBatches(true);  // the dial's outcome cannot be written
  gate->open();
  ASSERT_TRUE(waitUntil([&] { return provider_.dials("s1") == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // a few failed write passes
  EXPECT_TRUE(stored("s1").providerCallId.empty());
  store_.failBatches(false);
  // The conversation id was kept: recovery writes it once the store answers.
  ASSERT_TRUE(waitUntil([&] { return stored("s1").providerCallId == "prov_s1"; }));
  EXPECT_EQ(stored("s1").status, CallStatus::kInitiated);
  EXPECT_EQ(provider_.dials("s1"), 1);
}

TEST_F(DispatcherTest, ManyCallsAreEachDialedOnce) {
  std::vector<api::Call> calls;
  for (int i = 0; i < 500; ++i) calls.push_back(makeCall("m" + std::to_string(1000 + i)));
  config_.concurrency = 8;
  submit(calls);
  dispatcher().start();
  ASSERT_TRUE(waitUntilAll([](const api::Call& c) { return c.status == CallStatus::kInitiated; }));
  EXPECT_EQ(provider_.totalDials(), 500);
  for (const auto& call : calls) EXPECT_EQ(provider_.dials(call.id), 1) << call.id;
}

TEST(Backoff, FullJitterWithinTheExponentialCapAndHonoursRetryAfter) {
  using vo::core::dispatch::retryDelayMs;
  EXPECT_EQ(retryDelayMs(1, 2000, 600000, -1, 0.0), 0);
  EXPECT_EQ(retryDelayMs(1, 2000, 600000, -1, 0.5), 1000);
  EXPECT_EQ(retryDelayMs(3, 2000, 600000, -1, 0.5), 4000);     // 2000 * 2^2 / 2
  EXPECT_EQ(retryDelayMs(30, 2000, 600000, -1, 0.5), 300000);  // capped at retryMaxMs
  EXPECT_EQ(retryDelayMs(1000, 2000, 600000, -1, 0.999999), 599999);
  EXPECT_EQ(retryDelayMs(1, 2000, 600000, 5000, 0.5), 5000);  // Retry-After wins when larger
  EXPECT_EQ(retryDelayMs(2, 2000, 600000, 10, 0.5), 2000);
  for (int attempt = 1; attempt < 70; ++attempt) {
    const int64_t delay = retryDelayMs(attempt, 2000, 600000, -1, vo::core::dispatch::unitRandom());
    EXPECT_GE(delay, 0);
    EXPECT_LE(delay, 600000);
  }
}

}  // namespace
}  // namespace vo::testing
