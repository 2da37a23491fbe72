#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include "ApiFixture.h"
#include "vo/core/ApiServer.h"
#include "vo/core/SystemTimeSource.h"
#include "vo/testing/HttpClient.h"

namespace vo::core::http::testing {
namespace {

// The real HTTP layer on a loopback port in front of the fixture's services.
class ApiServerOverHttp : public ApiFixture {
 protected:
  void SetUp() override {
    config_.server.port = 0;
    config_.server.threads = 4;
    config_.server.maxBodyBytes = 4096;
    server_ = std::make_unique<ApiServer>(
        ApiServices{config_, *store_, *queue_, *provider_, nullptr, *dispatcher_, metrics_,
                    *logger_, "sqlite", "memory", "simulator", "", core::systemTime()});
    server_->start();
  }
  void TearDown() override { server_->stop(); }

  // Sends raw bytes and returns whatever comes back until the server closes or 5 s pass (or,
  // unless `untilClosed`, until one kept-alive JSON answer is complete).
  std::string raw(const std::string& bytes, bool untilClosed = false) {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", server_->port()));
    socket.setReceiveTimeout(Poco::Timespan(5, 0));
    socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
    std::string answer;
    char buffer[4096];
    try {
      while (true) {
        const int got = socket.receiveBytes(buffer, sizeof buffer);
        if (got <= 0) break;
        answer.append(buffer, got);
        if (!untilClosed && answer.find("\r\n\r\n") != std::string::npos &&
            answer.find("Connection: close") == std::string::npos &&
            answer.find("}") != std::string::npos) {
          break;
        }
      }
    } catch (const Poco::Exception&) {
    }
    return answer;
  }

  std::unique_ptr<ApiServer> server_;
};

TEST_F(ApiServerOverHttp, AnswersOverRealHttpWithKeepAlive) {
  vo::testing::HttpClient client(server_->port());
  EXPECT_EQ(client.get("/health").status, 200);
  EXPECT_EQ(client.get("/calls").status, 401);
  vo::testing::HttpResponse ok = client.get("/calls", {{"Authorization", "Bearer admin-secret"}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.header("content-type"), "application/json");
  vo::testing::HttpResponse queried =
      client.get("/calls?limit=2&status=queued", {{"Authorization", "Bearer admin-secret"}});
  EXPECT_EQ(queried.status, 200) << queried.body;
  EXPECT_EQ(client.get("/calls?limit=%zz", {{"Authorization", "Bearer admin-secret"}}).status, 400);
}

TEST_F(ApiServerOverHttp, OversizedBodyIs413WithoutReadingIt) {
  const std::string answer =
      raw("POST /calls/bulk HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer admin-secret\r\n"
          "Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{");
  EXPECT_NE(answer.find("HTTP/1.1 413"), std::string::npos) << answer;
  EXPECT_NE(answer.find("payload_too_large"), std::string::npos);

  std::string chunked =
      "POST /calls/bulk HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer admin-secret\r\n"
      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) chunked += "800\r\n" + std::string(2048, ' ') + "\r\n";
  chunked += "0\r\n\r\n";
  EXPECT_NE(raw(chunked).find("HTTP/1.1 413"), std::string::npos);
  EXPECT_EQ(storedCalls(), 0);
}

TEST_F(ApiServerOverHttp, SurvivesGarbageAndHalfRequests) {
  raw(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
  raw("GET / HTTP/1.1\r\n" + std::string(20000, 'A') + "\r\n\r\n");
  raw("GARBAGE\r\n\r\n");
  raw("GET /health HTTP/9.9\r\nHost: x\r\n\r\n");
  // A client that sends half a request and stalls holds one connection, not the server.
  Poco::Net::StreamSocket stalled(Poco::Net::SocketAddress("127.0.0.1", server_->port()));
  stalled.sendBytes("GET /health HTTP/1.1\r\nHo", 24);
  vo::testing::HttpClient client(server_->port());
  EXPECT_EQ(client.get("/health").status, 200);
  const std::string nul = raw(std::string("GET /calls/\0x HTTP/1.1\r\nHost: x\r\n\r\n", 34));
  vo::testing::HttpClient after(server_->port());
  EXPECT_EQ(after.get("/health").status, 200);
}

TEST_F(ApiServerOverHttp, PostWithoutContentLengthHasAnEmptyBodyAndIsAnsweredAtOnce) {
  // curl -X POST without data sends neither Content-Length nor Transfer-Encoding.
  const std::string answer =
      raw("POST /campaigns/cmp_nobody/pause HTTP/1.1\r\nHost: x\r\n"
          "Authorization: Bearer admin-secret\r\n\r\n");
  EXPECT_NE(answer.find("HTTP/1.1 404"), std::string::npos) << answer;
  EXPECT_NE(answer.find("not_found"), std::string::npos) << answer;
}

TEST_F(ApiServerOverHttp, PipelinedRequestsAreAnsweredInOrder) {
  const std::string answer =
      raw("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
          "GET /calls HTTP/1.1\r\nHost: x\r\n\r\n"
          "GET /no/such/path HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer admin-secret\r\n"
          "Connection: close\r\n\r\n",
          /*untilClosed=*/true);
  const auto ok = answer.find("HTTP/1.1 200");
  const auto unauthorized = answer.find("HTTP/1.1 401");
  const auto missing = answer.find("HTTP/1.1 404");
  ASSERT_NE(ok, std::string::npos) << answer;
  ASSERT_NE(unauthorized, std::string::npos) << answer;
  ASSERT_NE(missing, std::string::npos) << answer;
  EXPECT_LT(ok, unauthorized);
  EXPECT_LT(unauthorized, missing);
}

TEST_F(ApiServerOverHttp, ChunkedBodyIsReadWhole) {
  // "[" and "]" in two chunks: the route sees "[]", a JSON array where an object belongs.
  const std::string answer =
      raw("POST /calls/priority HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer admin-secret\r\n"
          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
          "Connection: close\r\n\r\n1\r\n[\r\n1\r\n]\r\n0\r\n\r\n");
  EXPECT_NE(answer.find("HTTP/1.1 400"), std::string::npos) << answer;
  EXPECT_NE(answer.find("invalid_field"), std::string::npos) << answer;
}

TEST_F(ApiServerOverHttp, ExpectContinueGetsAnInterimAnswerBeforeTheBody) {
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", server_->port()));
  socket.setReceiveTimeout(Poco::Timespan(5, 0));
  const std::string head =
      "POST /calls/priority HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer admin-secret\r\n"
      "Content-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n";
  socket.sendBytes(head.data(), static_cast<int>(head.size()));
  char buffer[4096];
  const int got = socket.receiveBytes(buffer, sizeof buffer);
  ASSERT_GT(got, 0);
  EXPECT_EQ(std::string(buffer, got), "HTTP/1.1 100 Continue\r\n\r\n");
  socket.sendBytes("[]", 2);
  std::string answer;
  while (answer.find("}") == std::string::npos) {
    const int more = socket.receiveBytes(buffer, sizeof buffer);
    if (more <= 0) break;
    answer.append(buffer, more);
  }
  EXPECT_NE(answer.find("HTTP/1.1 400"), std::string::npos) << answer;
  EXPECT_NE(answer.find("invalid_field"), std::string::npos) << answer;
}

TEST_F(ApiServerOverHttp, OversizedHeadersAndUnknownVersionsAreRefused) {
  const std::string huge =
      raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100 * 1024, 'a') + "\r\n\r\n");
  EXPECT_NE(huge.find("HTTP/1.1 431"), std::string::npos) << huge.substr(0, 200);
  const std::string future = raw("GET /health HTTP/2.0\r\nHost: x\r\n\r\n");
  EXPECT_NE(future.find("HTTP/1.1 505"), std::string::npos) << future;
  const std::string garbage = raw("GARBAGE\r\n\r\n");
  EXPECT_NE(garbage.find("HTTP/1.1 400"), std::string::npos) << garbage;
}

TEST_F(ApiServerOverHttp, HttpOneZeroClosesUnlessAskedToKeepAlive) {
  const std::string closed = raw("GET /health HTTP/1.0\r\n\r\n");
  EXPECT_NE(closed.find("HTTP/1.1 200"), std::string::npos) << closed;
  EXPECT_NE(closed.find("Connection: close"), std::string::npos) << closed;
  const std::string kept = raw("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_NE(kept.find("Connection: keep-alive"), std::string::npos) << kept;
}

}  // namespace
}  // namespace vo::core::http::testing
