// The fake itself: it must refuse what the real API refuses, in the real shapes, because the
// plugin's tests trust it to.
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vo/fake_elevenlabs/FakeElevenLabs.h"
#include "vo/testing/HttpClient.h"
#include "vo/testing/Json.h"
#include "vo/testing/Ports.h"
#include "vo/testing/Wait.h"

namespace vo::fake_elevenlabs {
namespace {

constexpr const char* kPath = "/v1/convai/twilio/outbound-call";
const vo::testing::HttpHeaders kKey = {{"xi-api-key", "xi-test-key"}};

class FakeTest : public ::testing::Test {
 protected:
  FakeElevenLabs fake;
  vo::testing::HttpClient client{fake.port()};
};

TEST_F(FakeTest, MissingFieldsGet422InThePydanticShape) {
  const auto response = client.post(kPath, R"({"agent_id":"a"})", kKey);
  ASSERT_EQ(response.status, 422);
  const vo::testing::Json detail = response.json()["detail"];
  ASSERT_EQ(detail.size(), 2u);
  const vo::testing::Json first = detail.at(0);
  EXPECT_EQ(first["type"].string(), "missing");
  EXPECT_EQ(first["msg"].string(), "Field required");
  EXPECT_EQ(first["loc"].at(0).string(), "body");
  EXPECT_EQ(first["loc"].at(1).string(), "agent_phone_number_id");
  EXPECT_TRUE(fake.acceptedCalls().empty());
}

TEST_F(FakeTest, WrongTypesAndBadJsonGet422) {
  EXPECT_EQ(
      client.post(kPath, R"({"agent_id":1,"agent_phone_number_id":"p","to_number":"t"})", kKey)
          .status,
      422);
  EXPECT_EQ(client.post(kPath, "{not json", kKey).status, 422);
  const std::string nested =
      R"({"agent_id":"a","agent_phone_number_id":"p","to_number":"t",)"
      R"("conversation_initiation_client_data":{"dynamic_variables":{"x":[1]}}})";
  EXPECT_EQ(client.post(kPath, nested, kKey).status, 422);
  EXPECT_TRUE(fake.acceptedCalls().empty());
}

TEST_F(FakeTest, MissingOrWrongKeyGets401) {
  const std::string body = R"({"agent_id":"a","agent_phone_number_id":"p","to_number":"t"})";
  const auto missing = client.post(kPath, body);
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.json()["detail"]["status"].string(), "needs_authorization");
  const auto wrong = client.post(kPath, body, {{"xi-api-key", "nope"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.json()["detail"]["status"].string(), "invalid_api_key");
}

TEST_F(FakeTest, AcceptedCallAnswersLikeTheRealApiAndCanBeLookedUp) {
  const auto response =
      client.post(kPath, R"({"agent_id":"a","agent_phone_number_id":"p","to_number":"+1"})", kKey);
  ASSERT_EQ(response.status, 200);
  const auto answer = response.json();
  EXPECT_TRUE(answer["success"].boolean());
  const std::string id = answer["conversation_id"].string();
  EXPECT_EQ(answer["callSid"].string().rfind("CA", 0), 0u);
  const auto conversation = client.get("/v1/convai/conversations/" + id, kKey);
  ASSERT_EQ(conversation.status, 200);
  EXPECT_EQ(conversation.json()["conversation_id"].string(), id);
  EXPECT_EQ(client.get("/v1/convai/conversations/conv_none", kKey).status, 404);
}

TEST_F(FakeTest, StatsRoutesTellAcceptedCallsWithTheirReceiveTimesAndAreNotRecorded) {
  const std::string body = R"({"agent_id":"a","agent_phone_number_id":"p","to_number":"+15)";
  ASSERT_EQ(client.post(kPath, body + "550001\"}", kKey).status, 200);
  ASSERT_EQ(client.post(kPath, body + "550002\"}", kKey).status, 200);
  const auto accepted = fake.acceptedCalls();
  ASSERT_EQ(accepted.size(), 2u);

  const auto stats = client.get("/fake/stats");
  ASSERT_EQ(stats.status, 200);
  EXPECT_EQ(stats.json()["acceptedCalls"].int64(), 2);
  const auto all = client.get("/fake/accepted");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(all.body, "+15550001 " + std::to_string(accepted[0].receivedAtUs) + "\n+15550002 " +
                          std::to_string(accepted[1].receivedAtUs) + "\n");
  EXPECT_EQ(client.get("/fake/accepted?from=1").body,
            "+15550002 " + std::to_string(accepted[1].receivedAtUs) + "\n");
  EXPECT_EQ(client.get("/fake/accepted?from=2").body, "");
  EXPECT_EQ(fake.requests().size(), 2u);
}

// The fake posts its webhooks to itself, where no route takes them: 404, refused, not retried.
TEST(FakeWebhookStatsTest, CountsRefusedWebhooksAndTheirAnswerTimes) {
  FakeOptions options;
  options.callDurationMs = 0;
  options.webhookSenders = 3;
  FakeElevenLabs fake(options);
  fake.setWebhookUrl(fake.baseUrl() + "/no-webhooks-here");
  vo::testing::HttpClient client(fake.port());
  for (int i = 0; i < 5; ++i) {
    const std::string body =
        R"({"agent_id":"a","agent_phone_number_id":"p","to_number":"+1555000)" + std::to_string(i) +
        R"("})";
    ASSERT_EQ(client.post(kPath, body, kKey).status, 200);
  }
  ASSERT_TRUE(vo::testing::waitUntil([&] { return fake.webhookStats().deliveries == 5; }));
  const WebhookStats stats = fake.webhookStats();
  EXPECT_EQ(stats.attempts, 5);
  EXPECT_EQ(stats.answeredOther, 5);
  EXPECT_EQ(stats.answered2xx, 0);
  EXPECT_EQ(stats.noAnswer, 0);
  EXPECT_EQ(stats.connectionFailures, 0);
  EXPECT_EQ(stats.pending, 0);
  EXPECT_EQ(stats.answer.count, 5);
  EXPECT_GE(stats.answer.maxMs, stats.answer.p50Ms);
  EXPECT_EQ(stats.lag.count, 5);
  const auto json = client.get("/fake/stats").json()["webhooks"];
  EXPECT_EQ(json["answeredOther"].int64(), 5);
  EXPECT_EQ(json["answer"]["count"].int64(), 5);
}

TEST(FakeWebhookStatsTest, CountsEveryAttemptThatGotNoAnswer) {
  FakeOptions options;
  options.callDurationMs = 0;
  options.webhookUrl = "http://127.0.0.1:" + std::to_string(vo::testing::freePort()) + "/hooks";
  FakeElevenLabs fake(options);
  vo::testing::HttpClient client(fake.port());
  ASSERT_EQ(
      client.post(kPath, R"({"agent_id":"a","agent_phone_number_id":"p","to_number":"+1"})", kKey)
          .status,
      200);
  ASSERT_TRUE(vo::testing::waitUntil([&] { return fake.webhookStats().deliveries == 1; }));
  const WebhookStats stats = fake.webhookStats();
  EXPECT_EQ(stats.attempts, 5);            // retried, as the real sender does
  EXPECT_EQ(stats.connectionFailures, 5);  // refused: nothing listens there
  EXPECT_EQ(stats.noAnswer, 0);
  EXPECT_EQ(stats.answer.count, 0);
  ASSERT_EQ(fake.webhookDeliveries().size(), 1u);
  EXPECT_EQ(fake.webhookDeliveries()[0].httpStatus, 0);
}

// Reads from the socket until `count` answers with their bodies have arrived; their status lines.
std::vector<std::string> readAnswers(Poco::Net::StreamSocket& socket, std::size_t count) {
  std::string received;
  std::vector<std::string> statusLines;
  char buffer[4096];
  while (statusLines.size() < count) {
    const int got = socket.receiveBytes(buffer, sizeof buffer);
    if (got <= 0) break;
    received.append(buffer, static_cast<std::size_t>(got));
    for (;;) {
      const auto headersEnd = received.find("\r\n\r\n");
      if (headersEnd == std::string::npos) break;
      const auto lengthAt = received.find("Content-Length: ");
      const std::size_t length = std::stoul(received.substr(lengthAt + 16));
      if (received.size() < headersEnd + 4 + length) break;
      statusLines.push_back(received.substr(0, received.find("\r\n")));
      received.erase(0, headersEnd + 4 + length);
    }
  }
  return statusLines;
}

TEST(FakeServerTest, PipelinedRequestsSplitAcrossWritesAreAnsweredInOrder) {
  FakeOptions options;
  options.latencyMs = 20;  // the first answer waits on a timer while the second request arrives
  FakeElevenLabs fake(options);
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", fake.port()));
  socket.setReceiveTimeout(Poco::Timespan(10, 0));
  const std::string requests =
      "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /v1/convai/twilio/outbound-call HTTP/1.1\r\nHost: x\r\nxi-api-key: nope\r\n"
      "Content-Length: 2\r\n\r\n{}";
  for (std::size_t at = 0; at < requests.size(); at += 7) {
    const std::string piece = requests.substr(at, 7);
    socket.sendBytes(piece.data(), static_cast<int>(piece.size()));
  }
  const auto answers = readAnswers(socket, 2);
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0], "HTTP/1.1 404 Not Found");
  EXPECT_EQ(answers[1], "HTTP/1.1 401 Unauthorized");
  EXPECT_EQ(fake.requests().size(), 2u);
}

TEST(FakeServerTest, ManyConnectionsWaitingOnTheLatencyAreAllAnswered) {
  FakeOptions options;
  options.latencyMs = 50;
  FakeElevenLabs fake(options);
  std::vector<Poco::Net::StreamSocket> sockets;
  const std::string request = "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n";
  for (int i = 0; i < 300; ++i) {
    sockets.emplace_back(Poco::Net::SocketAddress("127.0.0.1", fake.port()));
    sockets.back().setReceiveTimeout(Poco::Timespan(10, 0));
    sockets.back().sendBytes(request.data(), static_cast<int>(request.size()));
  }
  for (auto& socket : sockets) {
    const auto answers = readAnswers(socket, 1);
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0], "HTTP/1.1 404 Not Found");
  }
}

TEST(FakeSignatureTest, SignatureIsHmacSha256OfTimestampDotBody) {
  // Computed independently: printf '1.body' | openssl dgst -sha256 -hmac key
  EXPECT_EQ(FakeElevenLabs::signatureHeader("key", "body", 1),
            "t=1,v0=91b5374b153842ad05b2c4eab9349b8321b14703165bd3fb8b034dfb8be98ae5");
}

}  // namespace
}  // namespace vo::fake_elevenlabs
