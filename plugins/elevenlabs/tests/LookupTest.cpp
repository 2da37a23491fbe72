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
  const auto result = provider().lookup(placedCall());
  EXPECT_EQ(result.outcome, LookupOutcome::kInProgress) << result.message;
}

TEST_F(LookupTest, FinishedCallIsFinalWithItsDetails) {
  fakeOptions.callDurationMs = 1;
  const vo::api::Call call = placedCall();
  waitForCallsToEnd();
  const auto result = provider().lookup(call);
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
  const auto result = provider().lookup(call);
  ASSERT_EQ(result.outcome, LookupOutcome::kFinal);
  EXPECT_EQ(result.event.status, CallStatus::kFailed);
}

TEST_F(LookupTest, WithoutAConversationIdItCannotTell) {
  const auto result = provider().lookup(request().call);
  EXPECT_EQ(result.outcome, LookupOutcome::kUnsupported);
  EXPECT_TRUE(fake().requests().empty());
}

TEST_F(LookupTest, UnknownConversationIsUnavailableNotFinal) {
  vo::api::Call call = request().call;
  call.providerCallId = "conv_nobody";
  const auto result = provider().lookup(call);
  EXPECT_EQ(result.outcome, LookupOutcome::kUnavailable);
  EXPECT_NE(result.message.find("404"), std::string::npos) << result.message;
}

TEST_F(LookupTest, ServerErrorIsUnavailable) {
  const vo::api::Call call = placedCall();
  fake().injectLookupFaults({vo::fake_elevenlabs::Fault{}});
  EXPECT_EQ(provider().lookup(call).outcome, LookupOutcome::kUnavailable);
  EXPECT_EQ(provider().lookup(call).outcome, LookupOutcome::kInProgress);
}

TEST_F(LookupTest, UsesTheWorkspaceKeyThatPlacedTheCall) {
  vo::api::DialRequest dialRequest = request();
  dialRequest.apiKey = kWorkspaceKey;
  const vo::api::Call call = placedCall(dialRequest);
  (void)provider().lookup(call);
  const auto sent = fake().requests().back();
  EXPECT_EQ(sent.method, "GET");
  EXPECT_EQ(sent.path, "/v1/convai/conversations/" + call.providerCallId);
  EXPECT_EQ(sent.headers.at("xi-api-key"), kWorkspaceKey);
}

}  // namespace
}  // namespace vo::elevenlabs::testing
