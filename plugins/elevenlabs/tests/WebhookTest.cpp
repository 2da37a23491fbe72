#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include <chrono>
#include <mutex>

#include "ProviderFixture.h"
#include "WebhookBridge.h"
#include "WebhookSignature.h"
#include "vo/testing/Wait.h"

namespace vo::elevenlabs::testing {
namespace {

using vo::api::CallStatus;
using vo::fake_elevenlabs::CallOutcome;
using vo::fake_elevenlabs::FakeElevenLabs;

int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const std::string kTranscription =
    R"({"type":"post_call_transcription","event_timestamp":1739537297,"data":{)"
    R"("agent_id":"agent_abc","conversation_id":"conv_1","status":"done","transcript":[],)"
    R"("metadata":{"start_time_unix_secs":1739537200,"call_duration_secs":22,)"
    R"("termination_reason":"Call ended by remote party"},)"
    R"("analysis":{"call_successful":"success","transcript_summary":"hi"}}})";

vo::api::WebhookRequest signedRequest(const std::string& body, const std::string& secret,
                                      int64_t signedAtSecs, int64_t nowMs = nowMillis()) {
  vo::api::WebhookRequest request;
  request.body = body;
  request.nowMs = nowMs;
  request.headers["elevenlabs-signature"] =
      FakeElevenLabs::signatureHeader(secret, body, signedAtSecs);
  request.headers["content-type"] = "application/json";
  return request;
}

class WebhookTest : public ProviderFixture {
 protected:
  vo::api::WebhookResponse deliver(const std::string& body) {
    return provider().handleWebhook(signedRequest(body, kWebhookSecret, nowMillis() / 1000));
  }
};

TEST_F(WebhookTest, ValidSignatureYieldsTheCompletedEvent) {
  const auto response = deliver(kTranscription);
  EXPECT_EQ(response.httpStatus, 200);
  ASSERT_EQ(response.events.size(), 1u);
  const vo::api::CallEvent& event = response.events.front();
  EXPECT_EQ(event.providerCallId, "conv_1");
  EXPECT_EQ(event.status, CallStatus::kCompleted);
  EXPECT_EQ(event.durationSecs, 22);
  EXPECT_EQ(event.endReason, "Call ended by remote party");
  EXPECT_EQ(event.atMs, 1739537297000);
  EXPECT_NE(event.detailJson.find(R"("call_successful":"success")"), std::string::npos);
}

TEST(WebhookSignatureTest, DigestIsHmacSha256OfTimestampDotBodyWhateverSecretCameBefore) {
  // Known answers (Python's hmac module); the thread's keyed context switches secrets and back.
  const std::string body = "what do ya want for nothing?";
  const std::string jefe = "1cdd0650c8be1cb0974b1788d458b1e781206cfef59b85faafc582d2e182c57e";
  const std::string other = "437c3c42121876f4310e18ccf245132eb3bee5aa73247f8aba02a608a08bc913";
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(signatureDigest("Jefe", 1700000000, body), jefe);
    EXPECT_EQ(signatureDigest("Jefe", 1700000000, body), jefe);
    EXPECT_EQ(signatureDigest("wsec_other", 1700000000, body), other);
  }
  EXPECT_NE(signatureDigest("Jefe", 1700000001, body), jefe);
}

TEST_F(WebhookTest, WrongSecretIsRefused) {
  const auto response =
      provider().handleWebhook(signedRequest(kTranscription, "another", nowMillis() / 1000));
  EXPECT_EQ(response.httpStatus, 401);
  EXPECT_TRUE(response.events.empty());
}

TEST_F(WebhookTest, StaleTimestampIsRefusedButOneWithinTheWindowIsNot) {
  const int64_t now = nowMillis();
  auto stale = signedRequest(kTranscription, kWebhookSecret, now / 1000 - 1801, now);
  EXPECT_EQ(provider().handleWebhook(stale).httpStatus, 401);
  auto recent = signedRequest(kTranscription, kWebhookSecret, now / 1000 - 1700, now);
  EXPECT_EQ(provider().handleWebhook(recent).httpStatus, 200);
  auto future = signedRequest(kTranscription, kWebhookSecret, now / 1000 + 3600, now);
  EXPECT_EQ(provider().handleWebhook(future).httpStatus, 401);
}

TEST_F(WebhookTest, TamperedBodyIsRefused) {
  auto request = signedRequest(kTranscription, kWebhookSecret, nowMillis() / 1000);
  request.body.replace(request.body.find("success"), 7, "failure");
  const auto response = provider().handleWebhook(request);
  EXPECT_EQ(response.httpStatus, 401);
  EXPECT_TRUE(response.events.empty());
}

TEST_F(WebhookTest, MissingHeaderIsRefused) {
  auto request = signedRequest(kTranscription, kWebhookSecret, nowMillis() / 1000);
  request.headers.erase("elevenlabs-signature");
  const auto response = provider().handleWebhook(request);
  EXPECT_EQ(response.httpStatus, 401);
  EXPECT_NE(response.body.find("missing"), std::string::npos);
}

TEST_F(WebhookTest, MalformedHeadersAreRefused) {
  const std::string digest = FakeElevenLabs::signatureHeader(kWebhookSecret, kTranscription, 1);
  for (const std::string& header :
       {std::string("garbage"), std::string("t=abc,v0=00"), std::string("t=1700000000"),
        std::string("v0=abcdef"), std::string("t=,v0="), digest + "x"}) {
    auto request = signedRequest(kTranscription, kWebhookSecret, nowMillis() / 1000);
    request.headers["elevenlabs-signature"] = header;
    const auto response = provider().handleWebhook(request);
    EXPECT_EQ(response.httpStatus, 401) << header;
    EXPECT_TRUE(response.events.empty());
  }
}

TEST_F(WebhookTest, WithoutAConfiguredSecretEveryWebhookIsRefused) {
  settings.webhookSecret = "";
  auto request = signedRequest(kTranscription, "", nowMillis() / 1000);
  EXPECT_EQ(provider().handleWebhook(request).httpStatus, 401);
}

TEST_F(WebhookTest, FailedConversationMapsToFailed) {
  std::string body = kTranscription;
  body.replace(body.find(R"("status":"done")"), 15, R"("status":"failed")");
  const auto response = deliver(body);
  ASSERT_EQ(response.events.size(), 1u);
  EXPECT_EQ(response.events.front().status, CallStatus::kFailed);
}

TEST_F(WebhookTest, InitiationFailuresMapToBusyNoAnswerAndFailed) {
  const std::pair<const char*, CallStatus> cases[] = {{"busy", CallStatus::kBusy},
                                                      {"no-answer", CallStatus::kNoAnswer},
                                                      {"unknown", CallStatus::kFailed}};
  for (const auto& [reason, status] : cases) {
    const std::string body =
        std::string(R"({"type":"call_initiation_failure","event_timestamp":1739537297,)") +
        R"("data":{"agent_id":"agent_abc","conversation_id":"conv_2","failure_reason":")" + reason +
        R"(","metadata":{"type":"twilio","body":{"CallStatus":"x"}}}})";
    const auto response = deliver(body);
    ASSERT_EQ(response.events.size(), 1u) << reason;
    EXPECT_EQ(response.events.front().status, status) << reason;
    EXPECT_EQ(response.events.front().endReason, reason);
    EXPECT_EQ(response.events.front().providerCallId, "conv_2");
  }
}

TEST_F(WebhookTest, OtherEventTypesAreAcknowledgedWithoutEvents) {
  const auto response = deliver(R"({"type":"post_call_audio","data":{"conversation_id":"c"}})");
  EXPECT_EQ(response.httpStatus, 200);
  EXPECT_TRUE(response.events.empty());
}

TEST_F(WebhookTest, SignedButUnusableBodiesGet400NamingTheField) {
  const auto notJson = deliver("not json");
  EXPECT_EQ(notJson.httpStatus, 400);
  EXPECT_NE(notJson.body.find("body"), std::string::npos);
  const auto noId = deliver(R"({"type":"post_call_transcription","data":{"status":"done"}})");
  EXPECT_EQ(noId.httpStatus, 400);
  EXPECT_NE(noId.body.find("data.conversation_id"), std::string::npos) << noId.body;
  EXPECT_TRUE(noId.events.empty());
}

// Found by fuzz_webhook on RapidJSON 1.1: a string cut inside a UTF-8 sequence at the very end
// of the body, and a number below a double's range written with hundreds of zeros, were read
// out of bounds; nesting is refused beyond 128 levels, before it can exhaust the stack.
TEST_F(WebhookTest, BodiesThatCouldBreakTheParserGet400) {
  const std::string transcription = R"({"type":"post_call_transcription","data":)";
  for (const std::string& body :
       {transcription + R"({"conversation_id":"c)" + "\xee",
        transcription + R"({"conversation_id":"c","status":"done","x":0.)" + std::string(330, '0') +
            "4674}}",
        transcription + std::string(200, '[') + std::string(200, ']') + "}",
        transcription + R"({"conversation_id":"c","status":"done"}})" + std::string(1, '\0') +
            "x"}) {
    const auto response = deliver(body);
    EXPECT_EQ(response.httpStatus, 400) << body.size();
    EXPECT_NE(response.body.find("body: not a JSON object"), std::string::npos) << response.body;
    EXPECT_TRUE(response.events.empty());
  }
}

// Found by fuzz_webhook: a timestamp whose milliseconds overflow 64 bits was undefined behaviour.
TEST_F(WebhookTest, AnEventTimestampOutOfRangeIsRefusedNamingIt) {
  for (const char* timestamp : {"1764878268006547200", "-5", "9223372036854775807", "\"soon\""}) {
    const auto response =
        deliver(std::string(R"({"type":"post_call_transcription","event_timestamp":)") + timestamp +
                R"(,"data":{"conversation_id":"c","status":"done"}})");
    EXPECT_EQ(response.httpStatus, 400) << timestamp;
    EXPECT_NE(response.body.find("event_timestamp"), std::string::npos) << response.body;
    EXPECT_TRUE(response.events.empty());
  }
}

TEST_F(WebhookTest, RepeatedWebhookGivesTheSameEvent) {
  const auto first = deliver(kTranscription);
  const auto second = deliver(kTranscription);
  ASSERT_EQ(first.events.size(), 1u);
  ASSERT_EQ(second.events.size(), 1u);
  EXPECT_EQ(first.events.front().providerCallId, second.events.front().providerCallId);
  EXPECT_EQ(first.events.front().status, second.events.front().status);
  EXPECT_EQ(first.events.front().atMs, second.events.front().atMs);
}

TEST_F(WebhookTest, WebhooksTheFakeSendsMapToTheDialedCalls) {
  fakeOptions.callDurationMs = 20;
  auto* bridge = new WebhookBridge(provider());
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  Poco::Net::HTTPServer server(bridge, socket, new Poco::Net::HTTPServerParams);
  server.start();
  fake().setWebhookUrl("http://127.0.0.1:" + std::to_string(socket.address().port()) +
                       "/webhooks/elevenlabs");
  const std::pair<const char*, CallOutcome> plan[] = {
      {"+34600000001", CallOutcome::kCompleted},
      {"+34600000002", CallOutcome::kBusy},
      {"+34600000003", CallOutcome::kNoAnswer},
      {"+34600000004", CallOutcome::kConversationFailed}};
  std::map<std::string, std::string> numberOf;  // conversation id -> number
  for (const auto& [number, outcome] : plan) {
    fake().setOutcomeFor(number, outcome);
    const auto result = dial(request(number));
    ASSERT_EQ(result.outcome, vo::api::DialOutcome::kAccepted);
    numberOf[result.providerCallId] = number;
  }
  ASSERT_TRUE(vo::testing::waitUntil([&] { return bridge->responses().size() == 4; }));
  std::map<std::string, CallStatus> statusOf;
  for (const auto& response : bridge->responses()) {
    EXPECT_EQ(response.httpStatus, 200);
    ASSERT_EQ(response.events.size(), 1u);
    const auto& event = response.events.front();
    const std::string& number = numberOf.at(event.providerCallId);
    statusOf[number] = event.status;
    // post_call_transcription carries the dial's dynamic variables, so our call id comes back;
    // call_initiation_failure does not.
    const bool transcription =
        event.status == CallStatus::kCompleted || event.status == CallStatus::kFailed;
    EXPECT_EQ(event.callId, transcription ? request(number).call.id : "") << number;
  }
  EXPECT_EQ(statusOf["+34600000001"], CallStatus::kCompleted);
  EXPECT_EQ(statusOf["+34600000002"], CallStatus::kBusy);
  EXPECT_EQ(statusOf["+34600000003"], CallStatus::kNoAnswer);
  EXPECT_EQ(statusOf["+34600000004"], CallStatus::kFailed);
  server.stopAll(true);
  bridge->close();  // the fixture's provider outlives no handler
}

}  // namespace
}  // namespace vo::elevenlabs::testing
