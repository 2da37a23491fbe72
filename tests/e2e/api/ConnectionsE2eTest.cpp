// Open connections cost the server no thread: hundreds of kept-alive clients, idle or busy,
// never delay a new one, and a POST without a body is answered at once.
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <filesystem>
#include <iterator>
#include <thread>
#include <vector>

#include "ApiE2e.h"
#include "vo/testing/Wait.h"

namespace vo::e2e {
namespace {

using Clock = std::chrono::steady_clock;
using ManyConnections = ApiE2e;

constexpr int kIdleConnections = 500;
constexpr int kBusyConnections = 100;
// The bound, generous for a loaded CI machine; the benchmark records the real figures.
constexpr auto kAnswerBound = std::chrono::seconds(2);

long openDescriptors(int pid) {
  const std::filesystem::directory_iterator descriptors("/proc/" + std::to_string(pid) + "/fd");
  return std::distance(begin(descriptors), end(descriptors));
}

// `curl -X POST URL`: neither Content-Length nor Transfer-Encoding. Returns the status line.
std::string postWithoutBody(int port, const std::string& path) {
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
  socket.setReceiveTimeout(Poco::Timespan(60, 0));
  const std::string request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                              "Authorization: Bearer " + kAdminKey + "\r\nAccept: */*\r\n\r\n";
  socket.sendBytes(request.data(), static_cast<int>(request.size()));
  std::string answer;
  char buffer[4096];
  while (answer.find("\r\n") == std::string::npos) {
    const int got = socket.receiveBytes(buffer, sizeof buffer);
    if (got <= 0) break;
    answer.append(buffer, static_cast<std::size_t>(got));
  }
  return answer.substr(0, answer.find("\r\n"));
}

template <typename Request>
std::chrono::milliseconds timed(Request&& request) {
  const auto start = Clock::now();
  request();
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// Clients that send requests back to back, each on its own kept-alive connection.
class BusyClients {
 public:
  BusyClients(int port, int count) {
    for (int i = 0; i < count; ++i) {
      threads_.emplace_back([this, port, i] {
        vo::testing::HttpClient client(port);
        client.setDefaultHeader("Authorization", std::string("Bearer ") + kAdminKey);
        bool counted = false;
        while (!stop_) {
          const auto response = client.get(i % 2 == 0 ? "/health" : "/calls?limit=1");
          if (response.status != 200) {
            ++failures_;
            return;
          }
          if (!counted) ++started_;
          counted = true;
        }
      });
    }
  }
  ~BusyClients() {
    stop_ = true;
    for (auto& thread : threads_) thread.join();
  }
  int started() const { return started_; }
  int failures() const { return failures_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> started_{0};
  std::atomic<int> failures_{0};
  std::vector<std::thread> threads_;
};

TEST_F(ManyConnections, FiveHundredIdleAndAHundredBusyNeverDelayANewClient) {
  raiseOwnOpenFileLimit();
  auto bulk = admin().post("/calls/bulk", seedBulkBody());
  ASSERT_LT(bulk.status, 300) << bulk.body;
  const std::string campaignId = bulk.json()["campaignId"].string();

  // Each idle connection has been used once and is kept alive (the server's threads are 8).
  std::vector<std::unique_ptr<vo::testing::HttpClient>> idle;
  for (int i = 0; i < kIdleConnections; ++i) {
    idle.push_back(std::make_unique<vo::testing::HttpClient>(server_->port()));
    ASSERT_EQ(idle.back()->get("/health").status, 200) << "idle connection " << i;
  }
  BusyClients busy(server_->port(), kBusyConnections);
  ASSERT_TRUE(vo::testing::waitUntil(
      [&] { return busy.started() == kBusyConnections || busy.failures() > 0; }));
  ASSERT_EQ(busy.failures(), 0);
  EXPECT_GE(openDescriptors(server_->pid()), kIdleConnections + kBusyConnections)
      << "the server holds every connection open";

  vo::testing::HttpClient fresh(server_->port());
  vo::testing::HttpResponse health;
  const auto healthTime = timed([&] { health = fresh.get("/health"); });
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_LT(healthTime, kAnswerBound) << "GET /health from a new client";

  auto placer = clientWithKey(kAdminKey);
  vo::testing::HttpResponse placed;
  const auto priorityTime =
      timed([&] { placed = placer->post("/calls/priority", seedPriorityBody()); });
  EXPECT_LT(placed.status, 300) << placed.body;
  EXPECT_LT(priorityTime, kAnswerBound) << "POST /calls/priority from a new client";

  std::string statusLine;
  const auto pauseTime = timed([&] {
    statusLine = postWithoutBody(server_->port(), "/campaigns/" + campaignId + "/pause");
  });
  // 409 when the simulator has completed the campaign's call already: answered either way.
  EXPECT_TRUE(statusLine == "HTTP/1.1 200 OK" || statusLine == "HTTP/1.1 409 Conflict")
      << statusLine;
  EXPECT_LT(pauseTime, kAnswerBound) << "POST .../pause without a body";

  EXPECT_EQ(busy.failures(), 0);
  for (std::size_t i = 0; i < idle.size(); i += 50) {
    EXPECT_EQ(idle[i]->get("/health").status, 200) << "idle connection " << i << " still served";
  }
}

TEST_F(ManyConnections, PostWithoutBodyIsAnsweredAtOnceOnAnIdleServer) {
  auto bulk = admin().post("/calls/bulk", seedBulkBody());
  ASSERT_LT(bulk.status, 300) << bulk.body;
  const std::string campaignId = bulk.json()["campaignId"].string();
  std::string statusLine;
  const auto pauseTime = timed([&] {
    statusLine = postWithoutBody(server_->port(), "/campaigns/" + campaignId + "/pause");
  });
  EXPECT_TRUE(statusLine == "HTTP/1.1 200 OK" || statusLine == "HTTP/1.1 409 Conflict")
      << statusLine;
  EXPECT_LT(pauseTime, kAnswerBound);
  EXPECT_EQ(postWithoutBody(server_->port(), "/campaigns/cmp_nobody/resume"),
            "HTTP/1.1 404 Not Found");
}

}  // namespace
}  // namespace vo::e2e
