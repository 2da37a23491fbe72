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

  // Sends raw bytes and returns whatever comes back until the server closes or 5 s pass.
  std::string raw(const std::string& bytes) {
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
        if (answer.find("\r\n\r\n") != std::string::npos &&
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

}  // namespace
}  // namespace vo::core::http::testing
