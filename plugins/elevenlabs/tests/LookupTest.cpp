#include <chrono>

#include "ProviderFixture.h"
#include "vo/testing/Wait.h"

namespace vo::elevenlabs::testing {
namespace {

using vo::api::CallStatus;
using vo::api::LookupOutcome;
using vo::fake_elevenlabs::CallOutcome;

class LookupTest : public ProviderFixture {
 protected:
  vo::api::Call placedCall(const vo::api::DialRequest& dialRequest = request()) {
    const auto result = dial(dialRequest);
    EXPECT_EQ(result.outcome, vo::api::DialOutcome::kAccepted) << result.message;
    vo::api::Call call = dialRequest.call;
    call.providerCallId = result.providerCallId;
    call.status = CallStatus::kInitiated;
    return call;
  }

  void waitForCallsToEnd() {
    ASSERT_TRUE(vo::testing::waitUntil([&] { return fake().activeCalls() == 0; }));
  }
};

TEST_F(LookupTest, RingingCallIsInProgress) {
  const auto result = provider().lookup(vo::api::lookupRequestOf(placedCall()));
  EXPECT_EQ(result.outcome, LookupOutcome::kInProgress) << result.message;
}

TEST_F(LookupTest, FinishedCallIsFinalWithItsDetails) {
  fakeOptions.callDurationMs = 1;
  const vo::api::Call call = placedCall();
  waitForCallsToEnd();
  const auto result = provider().lookup(vo::api::lookupRequestOf(call));
  ASSERT_EQ(result.outcome, LookupOutcome::kFinal) << result.message;
  EXPECT_EQ(result.event.providerCallId, call.providerCallId);
  EXPECT_EQ(result.event.status, CallStatus::kCompleted);
  EXPECT_EQ(result.event.durationSecs, 42);
  EXPECT_EQ(result.event.endReason, "Call ended by remote party");
}

TEST_F(LookupTest, FailedConversationIsFinalFailed) {
  fakeOptions.callDurationMs = 1;
  fake().setDefaultOutcome(CallOutcome::kNoAnswer);
  const vo::api::Call call = placedCall();
  waitForCallsToEnd();
  const auto result = provider().lookup(vo::api::lookupRequestOf(call));
  ASSERT_EQ(result.outcome, LookupOutcome::kFinal);
  EXPECT_EQ(result.event.status, CallStatus::kFailed);
}

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A dial whose answer was lost: the call has no conversation id; its window is now ± a minute.
vo::api::LookupRequest lostDial(vo::api::Call call) {
  call.providerCallId.clear();
  vo::api::LookupRequest lookup = vo::api::lookupRequestOf(std::move(call));
  lookup.dialedAfterMs = nowMs() - 60'000;
  lookup.dialedBeforeMs = nowMs() + 60'000;
  return lookup;
}

TEST_F(LookupTest, ALostDialIsFoundInTheAgentsConversationsByItsCallId) {
  // Other calls of the agent in the same window, before and after it.
  for (int i = 0; i < 3; ++i) {
    vo::api::DialRequest other = request();
    other.call.id = "call_other_" + std::to_string(i);
    placedCall(other);
  }
  const vo::api::Call call = placedCall();
  placedCall([] {
    vo::api::DialRequest later = request();
    later.call.id = "call_later";
    return later;
  }());
  const auto result = provider().lookup(lostDial(call));
  ASSERT_EQ(result.outcome, LookupOutcome::kInProgress) << result.message;
  EXPECT_EQ(result.event.providerCallId, call.providerCallId);
}

TEST_F(LookupTest, ALostDialWhoseConversationEndedIsFinal) {
  fakeOptions.callDurationMs = 1;
  const vo::api::Call call = placedCall();
  waitForCallsToEnd();
  const auto ended = provider().lookup(lostDial(call));
  ASSERT_EQ(ended.outcome, LookupOutcome::kFinal) << ended.message;
  EXPECT_EQ(ended.event.providerCallId, call.providerCallId);
  EXPECT_EQ(ended.event.status, CallStatus::kCompleted);
}

TEST_F(LookupTest, ADialThatNeverReachedTheProviderIsCertainlyNotPlaced) {
  placedCall();  // someone else's conversation in the window
  vo::api::Call never = request().call;
  never.id = "call_never_dialed";
  const auto result = provider().lookup(lostDial(never));
  EXPECT_EQ(result.outcome, LookupOutcome::kNotPlaced) << result.message;
}

TEST_F(LookupTest, AListThatCannotBeReadIsUnavailableNeverNotPlaced) {
  vo::api::Call never = request().call;
  never.id = "call_never_dialed";
  fake().injectLookupFaults({vo::fake_elevenlabs::Fault{}});
  EXPECT_EQ(provider().lookup(lostDial(never)).outcome, LookupOutcome::kUnavailable);
}

TEST_F(LookupTest, UnknownConversationIsUnavailableNotFinal) {
  vo::api::Call call = request().call;
  call.providerCallId = "conv_nobody";
  const auto result = provider().lookup(vo::api::lookupRequestOf(call));
  EXPECT_EQ(result.outcome, LookupOutcome::kUnavailable);
  EXPECT_NE(result.message.find("404"), std::string::npos) << result.message;
}

TEST_F(LookupTest, ServerErrorIsUnavailable) {
  const vo::api::Call call = placedCall();
  fake().injectLookupFaults({vo::fake_elevenlabs::Fault{}});
  EXPECT_EQ(provider().lookup(vo::api::lookupRequestOf(call)).outcome, LookupOutcome::kUnavailable);
  EXPECT_EQ(provider().lookup(vo::api::lookupRequestOf(call)).outcome, LookupOutcome::kInProgress);
}

TEST_F(LookupTest, AsksWithTheWorkspaceKeyItIsGiven) {
  vo::api::DialRequest dialRequest = request();
  dialRequest.apiKey = kWorkspaceKey;
  // Placed by one instance, asked about by another (or after a restart): the key comes with
  // the request, from the store's registry.
  vo::api::LookupRequest lookup = vo::api::lookupRequestOf(placedCall(dialRequest));
  lookup.apiKey = kWorkspaceKey;
  auto other = makeProvider();
  (void)other->lookup(lookup);
  const auto sent = fake().requests().back();
  EXPECT_EQ(sent.method, "GET");
  EXPECT_EQ(sent.path, "/v1/convai/conversations/" + lookup.call.providerCallId);
  EXPECT_EQ(sent.headers.at("xi-api-key"), kWorkspaceKey);
}

}  // namespace
}  // namespace vo::elevenlabs::testing
