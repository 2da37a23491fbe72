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
#include <functional>
#include <future>
#include <mutex>
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
    handler.countAnswer = [this](int status) { lastCounted_ = status; };
    // GET /later is answered by the test, from its own thread, through the Responder kept here.
    handler.answersLater = [](const ApiRequest& request) { return request.path == "/later"; };
    handler.handleLater = [this](ApiRequest, const Responder& responder) {
      std::lock_guard lock(laterMutex_);
      later_.push_back(responder);
    };
    handler.checkHeaders = [](const ApiRequest& request) -> std::optional<ApiResponse> {
      if (request.header("authorization") == "Bearer good") return std::nullopt;
      return ApiResponse{401, "{}"};
    };
    front_ = std::make_unique<HttpFront>(limits, 2, std::move(handler), *logger_);
    front_->start(listener_.impl()->sockfd());
  }
  void TearDown() override {
    {
      std::lock_guard lock(laterMutex_);
      later_.clear();  // answers 500 what a test left unanswered: stop() waits for it
    }
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
  // Reads one answer (headers and a body of known length) off a kept-alive connection.
  static std::string readAnswer(Poco::Net::StreamSocket& socket) {
    std::string all;
    char buffer[4096];
    while (all.find("\r\n\r\n") == std::string::npos ||
           all.size() < all.find("\r\n\r\n") + 4 + bodyLength(all)) {
      const int got = socket.receiveBytes(buffer, sizeof buffer);
      if (got <= 0) break;
      all.append(buffer, static_cast<std::size_t>(got));
    }
    return all;
  }
  static std::size_t bodyLength(const std::string& head) {
    const auto at = head.find("Content-Length: ");
    return at == std::string::npos ? 0 : std::stoul(head.substr(at + 16));
  }
  std::size_t laterWaiting() {
    std::lock_guard lock(laterMutex_);
    return later_.size();
  }

  std::atomic<int> handled_{0};
  std::atomic<int> lastCounted_{0};
  std::mutex laterMutex_;
  std::vector<Responder> later_;
};

bool waitFor(const std::function<bool()>& condition) {
  for (int i = 0; i < 500; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

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

TEST_F(HttpFrontTest, ARequestAnsweredLaterHoldsNoWorkerAndIsAnsweredFromAnotherThread) {
  FrontLimits limits = smallLimits();
  limits.maxConnections = 16;
  start(limits);  // two workers
  std::vector<Poco::Net::StreamSocket> waiting;
  for (int i = 0; i < 4; ++i) {
    waiting.push_back(connect());
    send(waiting.back(), "GET /later HTTP/1.1\r\n\r\n");
  }
  ASSERT_TRUE(waitFor([&] { return laterWaiting() == 4; }));
  // Four requests wait for their answers, and with two workers another client is served at once.
  EXPECT_NE(postAtOnce(10).find("{\"bytes\":10}"), std::string::npos);

  std::thread([responder = later_[2]] {
    responder.answer(ApiResponse{202, "{\"late\":2}"});
  }).join();
  const std::string answer = readAnswer(waiting[2]);
  EXPECT_EQ(answer.rfind("HTTP/1.1 202", 0), 0u) << answer;
  EXPECT_NE(answer.find("{\"late\":2}"), std::string::npos);
  EXPECT_EQ(lastCounted_, 202);
  // The connection is the loop's again: kept alive, it serves the next request.
  send(waiting[2], "GET /x HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_NE(readUntilClosed(waiting[2]).find("{\"bytes\":0}"), std::string::npos);

  later_[0].answer(ApiResponse{200, "{}"});
  later_[0].answer(ApiResponse{500, "{\"second\":true}"});  // the first answer wins
  EXPECT_EQ(readAnswer(waiting[0]).rfind("HTTP/1.1 200", 0), 0u);
  {
    std::lock_guard lock(laterMutex_);
    later_.erase(later_.begin() + 1);  // dropped unanswered: answered 500, not left hanging
  }
  EXPECT_EQ(readAnswer(waiting[1]).rfind("HTTP/1.1 500", 0), 0u);
}

TEST_F(HttpFrontTest, StopWaitsForARequestAnsweredLaterAndItsBlockingStepRunsOnAWorker) {
  start(smallLimits());
  auto socket = connect();
  send(socket, "GET /later HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(waitFor([&] { return laterWaiting() == 1; }));
  const Responder responder = later_.front();
  later_.clear();
  std::promise<void> stopped;
  std::thread stopper([&] {
    front_->stop();
    stopped.set_value();
  });
  auto done = stopped.get_future();
  EXPECT_EQ(done.wait_for(300ms), std::future_status::timeout);  // the answer is still due
  responder.runBlocking([responder] { responder.answer(ApiResponse{200, "{\"blocked\":1}"}); });
  EXPECT_NE(readAnswer(socket).find("{\"blocked\":1}"), std::string::npos);
  EXPECT_EQ(done.wait_for(5s), std::future_status::ready);
  stopper.join();
}

}  // namespace
}  // namespace vo::core::http::testing
