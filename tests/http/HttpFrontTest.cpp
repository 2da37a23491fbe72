// The HTTP front's slowloris bounds with small limits, over real sockets on 127.0.0.1: slow
// headers and trickled bodies are closed, connections beyond the bound are refused, and a large
// body's headers are checked before the body is read.
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "http/front/HttpFront.h"

namespace vo::core::http::testing {
namespace {

using namespace std::chrono_literals;

class HttpFrontTest : public ::testing::Test {
 protected:
  void start(FrontLimits limits) {
    listener_.bind(Poco::Net::SocketAddress("127.0.0.1", 0), true, false);
    listener_.listen(64);
    FrontHandler handler;
    handler.handle = [this](ApiRequest request) {
      ++handled_;
      return ApiResponse{200, "{\"bytes\":" + std::to_string(request.body.size()) + "}"};
    };
    handler.countAnswer = [](int) {};
    handler.checkHeaders = [](const ApiRequest& request) -> std::optional<ApiResponse> {
      if (request.header("authorization") == "Bearer good") return std::nullopt;
      return ApiResponse{401, "{}"};
    };
    front_ = std::make_unique<HttpFront>(limits, 2, std::move(handler), *logger_);
    front_->start(listener_.impl()->sockfd());
  }
  void TearDown() override {
    if (front_) front_->stop();
  }

  Poco::Net::StreamSocket connect() {
    Poco::Net::StreamSocket socket(
        Poco::Net::SocketAddress("127.0.0.1", listener_.address().port()));
    socket.setReceiveTimeout(Poco::Timespan(10, 0));
    return socket;
  }
  static void send(Poco::Net::StreamSocket& socket, const std::string& bytes) {
    socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
  }
  // What the server sends until it closes (or 10 s pass): "" when it closed without a word.
  static std::string readUntilClosed(Poco::Net::StreamSocket& socket) {
    std::string all;
    char buffer[4096];
    try {
      for (;;) {
        const int got = socket.receiveBytes(buffer, sizeof buffer);
        if (got <= 0) return all;
        all.append(buffer, static_cast<std::size_t>(got));
      }
    } catch (const Poco::TimeoutException&) {
      return all + "<still open>";
    } catch (const Poco::Net::NetException&) {
      return all;  // reset
    }
  }
  // A whole accepted POST of `bodyBytes` bytes sent at once; what came back until the close.
  std::string postAtOnce(std::size_t bodyBytes) {
    auto socket = connect();
    send(socket, "POST /x HTTP/1.1\r\nAuthorization: Bearer good\r\nContent-Length: " +
                     std::to_string(bodyBytes) + "\r\nConnection: close\r\n\r\n" +
                     std::string(bodyBytes, 'a'));
    return readUntilClosed(socket);
  }
  // Sends `bytes` one at a time, `gap` apart, until the server closes or all are sent.
  static void trickle(Poco::Net::StreamSocket& socket, const std::string& bytes,
                      std::chrono::milliseconds gap) {
    try {
      for (char byte : bytes) {
        socket.sendBytes(&byte, 1);
        std::this_thread::sleep_for(gap);
      }
    } catch (const Poco::Exception&) {
      // closed by the server
    }
  }

  std::shared_ptr<spdlog::logger> logger_ = std::make_shared<spdlog::logger>(
      "front-test", std::make_shared<spdlog::sinks::null_sink_mt>());
  Poco::Net::ServerSocket listener_;
  std::unique_ptr<HttpFront> front_;
  std::atomic<int> handled_{0};
};

FrontLimits smallLimits() {
  FrontLimits limits;
  limits.headerDeadline = 300ms;
  limits.stallTimeout = 5000ms;
  limits.minBodyBytesPerSecond = 1000;
  limits.bodyGrace = 300ms;
  limits.checkHeadersAboveBytes = 100;
  limits.maxConnections = 3;
  return limits;
}

TEST_F(HttpFrontTest, HeadersTrickledPastTheDeadlineAreClosedUnanswered) {
  start(smallLimits());
  auto socket = connect();
  // 40 bytes at 50 ms: 2 s of headers against a 300 ms deadline.
  trickle(socket, "GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: b\r\n\r\n", 50ms);
  EXPECT_EQ(readUntilClosed(socket), "");
  EXPECT_EQ(handled_, 0);
}

TEST_F(HttpFrontTest, ABodyBelowTheMinimumRateIsClosedAndOneAboveItIsServed) {
  start(smallLimits());
  auto slow = connect();
  send(slow, "POST /x HTTP/1.1\r\nAuthorization: Bearer good\r\nContent-Length: 50\r\n\r\n");
  trickle(slow, std::string(50, 'a'), 100ms);  // 10 bytes/s against 1,000
  EXPECT_EQ(readUntilClosed(slow), "");

  EXPECT_NE(postAtOnce(50).find("{\"bytes\":50}"), std::string::npos);
  EXPECT_EQ(handled_, 1);
}

TEST_F(HttpFrontTest, ALargeBodyWithRefusedHeadersIsAnsweredBeforeItIsSent) {
  start(smallLimits());
  auto socket = connect();
  send(socket, "POST /x HTTP/1.1\r\nAuthorization: Bearer bad\r\nContent-Length: 100000\r\n\r\n");
  const std::string answer = readUntilClosed(socket);
  EXPECT_EQ(answer.rfind("HTTP/1.1 401", 0), 0u) << answer;
  EXPECT_EQ(handled_, 0);

  EXPECT_NE(postAtOnce(1000).find("{\"bytes\":1000}"), std::string::npos);
}

TEST_F(HttpFrontTest, ConnectionsBeyondTheBoundAreClosedAndTheOthersStillServed) {
  FrontLimits limits = smallLimits();
  limits.headerDeadline = 10000ms;  // the three stay open while the fourth is tried
  start(limits);
  std::vector<Poco::Net::StreamSocket> open;
  for (int i = 0; i < 3; ++i) open.push_back(connect());
  std::this_thread::sleep_for(200ms);  // let the loop accept them
  auto extra = connect();
  EXPECT_EQ(readUntilClosed(extra), "");
  send(open[0], "GET /x HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_NE(readUntilClosed(open[0]).find("{\"bytes\":0}"), std::string::npos);
}

}  // namespace
}  // namespace vo::core::http::testing
