#include <Poco/Net/ServerSocket.h>

#include <set>
#include <thread>

#include "JsonFields.h"
#include "JsonParse.h"
#include "ProviderFixture.h"

namespace vo::elevenlabs::testing {
namespace {

using vo::api::DialOutcome;
using vo::fake_elevenlabs::Fault;
using vo::fake_elevenlabs::FaultKind;

// The JSON object in `text`; an empty one (and a failure) when it is not one.
rapidjson::Document parseObject(const std::string& text) {
  rapidjson::Document document;
  EXPECT_TRUE(parseJson(text, document) && document.IsObject()) << text;
  if (!document.IsObject()) document.SetObject();
  return document;
}

// conversation_initiation_client_data.dynamic_variables of an outbound-call body, as JSON text.
std::string dynamicVariablesOf(const rapidjson::Value& body) {
  const rapidjson::Value* clientData = objectMember(body, "conversation_initiation_client_data");
  const rapidjson::Value* variables =
      clientData ? objectMember(*clientData, "dynamic_variables") : nullptr;
  return variables ? jsonText(*variables) : "";
}

// A port nothing listens on: bound by the kernel's choice, then released.
int closedPort() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  const int port = socket.address().port();
  socket.close();
  return port;
}

Fault statusFault(int status, std::map<std::string, std::string> headers = {}) {
  Fault fault;
  fault.status = status;
  fault.headers = std::move(headers);
  return fault;
}

using DialTest = ProviderFixture;

TEST_F(DialTest, AcceptedTwilioCallSendsTheRealRequestAndKeepsTheIds) {
  vo::api::DialRequest call = request("+34600111222");
  call.call.variablesJson = R"({"customer_name":"Ana","order":42,"vip":true})";
  const vo::api::DialResult result = dial(call);

  ASSERT_EQ(result.outcome, DialOutcome::kAccepted) << result.message;
  ASSERT_EQ(fake().acceptedCalls().size(), 1u);
  const auto placed = fake().acceptedCalls().front();
  EXPECT_EQ(result.providerCallId, placed.conversationId);
  EXPECT_EQ(result.httpStatus, 200);
  EXPECT_EQ(placed.path, "/v1/convai/twilio/outbound-call");
  EXPECT_EQ(placed.apiKey, kGlobalKey);
  EXPECT_EQ(placed.agentId, "agent_abc");
  EXPECT_EQ(placed.agentPhoneNumberId, "phnum_123");
  EXPECT_EQ(placed.toNumber, "+34600111222");
  // The operator's values as given, typed, and our call id, by name.
  EXPECT_EQ(
      placed.dynamicVariablesJson,
      R"({"customer_name":"Ana","order":42,"vip":true,"vo_call_id":")" + call.call.id + R"("})");
  EXPECT_EQ(textMember(parseObject(result.providerDataJson), "callSid"), placed.telephonyCallId);

  const auto sent = fake().requests().front();
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.headers.at("content-type"), "application/json");
  EXPECT_EQ(sent.headers.at("xi-api-key"), kGlobalKey);
  const auto body = parseObject(sent.body);
  EXPECT_EQ(body.MemberCount(), 4u);  // exactly the fields the API defines, nothing of ours
  EXPECT_EQ(dynamicVariablesOf(body), placed.dynamicVariablesJson);
  // The fields in the order the body has always had them.
  EXPECT_EQ(sent.body.rfind(R"({"agent_id":"agent_abc","agent_phone_number_id":"phnum_123",)"
                            R"("to_number":"+34600111222","conversation_initiation_client_data":)"
                            R"({"dynamic_variables":{"customer_name":)",
                            0),
            0u)
      << sent.body;
}

TEST_F(DialTest, CallWithoutVariablesSendsOnlyItsIdAsADynamicVariable) {
  ASSERT_EQ(dial().outcome, DialOutcome::kAccepted);
  const auto body = parseObject(fake().requests().front().body);
  EXPECT_EQ(body.MemberCount(), 4u);
  EXPECT_EQ(dynamicVariablesOf(body), R"({"vo_call_id":")" + request().call.id + R"("})");
}

TEST_F(DialTest, SipTrunkNumbersUseTheSipTrunkEndpoint) {
  vo::api::DialRequest call = request();
  call.phoneNumberProvider = "sip_trunk";
  const vo::api::DialResult result = dial(call);
  ASSERT_EQ(result.outcome, DialOutcome::kAccepted) << result.message;
  const auto placed = fake().acceptedCalls().front();
  EXPECT_EQ(placed.path, "/v1/convai/sip-trunk/outbound-call");
  EXPECT_EQ(textMember(parseObject(result.providerDataJson), "sip_call_id"),
            placed.telephonyCallId);
}

TEST_F(DialTest, WorkspaceKeyWinsOverTheGlobalKey) {
  vo::api::DialRequest call = request();
  call.apiKey = kWorkspaceKey;
  ASSERT_EQ(dial(call).outcome, DialOutcome::kAccepted);
  ASSERT_EQ(dial(request("+34600000002")).outcome, DialOutcome::kAccepted);
  const auto placed = fake().acceptedCalls();
  EXPECT_EQ(placed[0].apiKey, kWorkspaceKey);
  EXPECT_EQ(placed[1].apiKey, kGlobalKey);
}

TEST_F(DialTest, WrongKeyIsRejectedWithTheProvidersMessage) {
  settings.apiKey = "xi-wrong";
  const vo::api::DialResult result = dial();
  EXPECT_EQ(result.outcome, DialOutcome::kRejected);
  EXPECT_EQ(result.httpStatus, 401);
  EXPECT_NE(result.message.find("invalid_api_key"), std::string::npos) << result.message;
  EXPECT_TRUE(fake().acceptedCalls().empty());
}

TEST_F(DialTest, NoKeyAtAllIsRejectedWithoutARequest) {
  settings.apiKey = "";
  EXPECT_EQ(dial().outcome, DialOutcome::kRejected);
  EXPECT_TRUE(fake().requests().empty());
}

TEST_F(DialTest, VariablesThatAreNotAnObjectAreRejectedWithoutARequest) {
  vo::api::DialRequest call = request();
  call.call.variablesJson = "[1,2]";
  const vo::api::DialResult result = dial(call);
  EXPECT_EQ(result.outcome, DialOutcome::kRejected);
  EXPECT_NE(result.message.find("variables"), std::string::npos);
  EXPECT_TRUE(fake().requests().empty());
}

class PermanentRefusalTest : public ProviderFixture, public ::testing::WithParamInterface<int> {};

TEST_P(PermanentRefusalTest, IsRejectedAndKeepsTheProvidersWords) {
  fake().injectFaults({statusFault(GetParam())});
  const vo::api::DialResult result = dial();
  EXPECT_EQ(result.outcome, DialOutcome::kRejected);
  EXPECT_EQ(result.httpStatus, GetParam());
  EXPECT_NE(result.message.find("HTTP " + std::to_string(GetParam())), std::string::npos);
  EXPECT_GT(result.message.size(), 10u) << result.message;
}

INSTANTIATE_TEST_SUITE_P(Statuses, PermanentRefusalTest,
                         ::testing::Values(400, 401, 403, 404, 422));

TEST_F(DialTest, ValidationErrorNamesTheField) {
  fake().injectFaults({statusFault(422)});
  const vo::api::DialResult result = dial();
  EXPECT_EQ(result.outcome, DialOutcome::kRejected);
  EXPECT_NE(result.message.find("body.to_number: Field required"), std::string::npos)
      << result.message;
}

TEST_F(DialTest, TooManyRequestsWithRetryAfterIsNotPlacedAndSlowsTheAccount) {
  fake().injectFaults({statusFault(429, {{"Retry-After", "7"}})});
  const vo::api::DialResult result = dial();
  EXPECT_EQ(result.outcome, DialOutcome::kNotPlaced);
  EXPECT_EQ(result.retryAfterMs, 7000);
  EXPECT_TRUE(result.throttleAccount);
  EXPECT_NE(result.message.find("system_busy"), std::string::npos) << result.message;
}

TEST_F(DialTest, TooManyRequestsWithAnHttpDateRetryAfter) {
  fake().injectFaults({statusFault(429, {{"Retry-After", "Wed, 21 Oct 2099 07:28:00 GMT"}})});
  const vo::api::DialResult result = dial();
  EXPECT_EQ(result.outcome, DialOutcome::kNotPlaced);
  EXPECT_GT(result.retryAfterMs, 0);
}

TEST_F(DialTest, ConcurrencyLimitAnswers429WithoutRetryAfter) {
  fakeOptions.maxConcurrentCalls = 1;
  ASSERT_EQ(dial().outcome, DialOutcome::kAccepted);
  const vo::api::DialResult result = dial(request("+34600000002"));
  EXPECT_EQ(result.outcome, DialOutcome::kNotPlaced);
  EXPECT_EQ(result.httpStatus, 429);
  EXPECT_EQ(result.retryAfterMs, -1);
  EXPECT_TRUE(result.throttleAccount);
  EXPECT_NE(result.message.find("too_many_concurrent_requests"), std::string::npos);
  EXPECT_EQ(fake().acceptedCalls().size(), 1u);
}

TEST_F(DialTest, RefusedConnectionIsNotPlaced) {
  settings.baseUrl = "http://127.0.0.1:" + std::to_string(closedPort());
  const vo::api::DialResult result = dial();
  EXPECT_EQ(result.outcome, DialOutcome::kNotPlaced);
  EXPECT_EQ(result.httpStatus, 0);
  EXPECT_FALSE(result.throttleAccount);
}

TEST_F(DialTest, TimeoutAfterSendingIsAmbiguousEvenThoughTheCallRang) {
  settings.readTimeoutMs = 300;
  Fault hang;
  hang.kind = FaultKind::kHang;
  hang.acceptFirst = true;
  fake().injectFaults({hang});
  const vo::api::DialResult result = dial();
  EXPECT_EQ(result.outcome, DialOutcome::kAmbiguous) << result.message;
  EXPECT_EQ(result.httpStatus, 0);
  EXPECT_EQ(fake().acceptedCalls().size(), 1u);  // why it must never be redialed
}

TEST_F(DialTest, DroppedConnectionIsAmbiguous) {
  Fault drop;
  drop.kind = FaultKind::kDrop;
  drop.acceptFirst = true;
  fake().injectFaults({drop});
  const vo::api::DialResult result = dial();
  EXPECT_EQ(result.outcome, DialOutcome::kAmbiguous) << result.message;
  EXPECT_EQ(fake().acceptedCalls().size(), 1u);
  // The connection is gone; the next dial works on a new one.
  EXPECT_EQ(dial(request("+34600000002")).outcome, DialOutcome::kAccepted);
}

TEST_F(DialTest, ServerErrorsAreAmbiguous) {
  fake().injectFaults({statusFault(500), statusFault(502), statusFault(503)});
  for (int i = 0; i < 3; ++i) {
    const vo::api::DialResult result = dial();
    EXPECT_EQ(result.outcome, DialOutcome::kAmbiguous);
    EXPECT_GE(result.httpStatus, 500);
  }
}

TEST_F(DialTest, SuccessWithoutConversationIdIsAmbiguous) {
  Fault odd = statusFault(200);
  odd.body = R"({"success":true,"message":"ok"})";
  fake().injectFaults({odd});
  EXPECT_EQ(dial().outcome, DialOutcome::kAmbiguous);
}

TEST_F(DialTest, SuccessFalseIsRejectedWithTheMessage) {
  Fault refused = statusFault(200);
  refused.body =
      R"({"success":false,"message":"Twilio refused the number","conversation_id":null})";
  fake().injectFaults({refused});
  const vo::api::DialResult result = dial();
  EXPECT_EQ(result.outcome, DialOutcome::kRejected);
  EXPECT_NE(result.message.find("Twilio refused the number"), std::string::npos);
}

TEST_F(DialTest, ManyThreadsShareThePoolAndEachCallIsPlacedOnce) {
  constexpr int kThreads = 8;
  constexpr int kCallsEach = 25;
  std::vector<std::thread> threads;
  std::vector<std::vector<std::string>> ids(kThreads);
  provider();
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCallsEach; ++i) {
        const auto result = dial(request("+3460" + std::to_string(t * 1000 + i)));
        if (result.outcome == DialOutcome::kAccepted) ids[t].push_back(result.providerCallId);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<std::string> unique;
  for (const auto& perThread : ids) unique.insert(perThread.begin(), perThread.end());
  EXPECT_EQ(unique.size(), static_cast<size_t>(kThreads * kCallsEach));
  EXPECT_EQ(fake().acceptedCalls().size(), static_cast<size_t>(kThreads * kCallsEach));
}

TEST_F(DialTest, HealthGoesDownAfterARunOfUnreachableRequestsAndSaysWhy) {
  settings.baseUrl = "http://127.0.0.1:" + std::to_string(closedPort());
  EXPECT_TRUE(provider().health().up);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(dial().outcome, DialOutcome::kNotPlaced);
  const auto health = provider().health();
  EXPECT_FALSE(health.up);
  EXPECT_NE(health.detail.find("no answer"), std::string::npos) << health.detail;
}

TEST_F(DialTest, HealthStaysUpWhenTheApiAnswersEvenWithErrors) {
  fake().injectFaults({statusFault(500), statusFault(500), statusFault(500), statusFault(500),
                       statusFault(500), statusFault(500)});
  for (int i = 0; i < 6; ++i) (void)dial();
  EXPECT_TRUE(provider().health().up);
}

}  // namespace
}  // namespace vo::elevenlabs::testing
