// Issue 10, attack 1, against the real process: slow clients hold no thread and cannot starve
// the others, and a large body is refused on its headers before the client has sent it.
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

#include "ApiE2e.h"

namespace vo::e2e {
namespace {

using Clock = std::chrono::steady_clock;

// The default server, with the production body limit (32 MB) and bulk size (100,000 calls).
class HostileClients : public ApiE2e {
 protected:
  std::string configYaml() const override {
    std::string yaml = ApiE2e::configYaml();
    for (const auto& [from, to] :
         {std::pair<std::string, std::string>{"maxBodyBytes: 262144", "maxBodyBytes: 33554432"},
          {"maxBulkCalls: 1000", "maxBulkCalls: 100000"}}) {
      const auto at = yaml.find(from);
      if (at != std::string::npos) yaml.replace(at, from.size(), to);
    }
    return yaml;
  }
};

constexpr int kSlowClients = 500;
// The issue's bound for a new client while 500 slow ones trickle.
constexpr auto kAnswerBound = std::chrono::seconds(1);

// The status line of the answer to `head` followed by `bodyPart`, sent on a fresh connection;
// "" when none came within `wait`. The rest of the announced body is never sent.
std::string statusAfterPartialBody(int port, const std::string& head, std::size_t bodyPart,
                                   std::chrono::seconds wait) {
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
  socket.setReceiveTimeout(Poco::Timespan(static_cast<long>(wait.count()), 0));
  socket.sendBytes(head.data(), static_cast<int>(head.size()));
  const std::string part(bodyPart, '[');
  socket.sendBytes(part.data(), static_cast<int>(part.size()));
  std::string answer;
  char buffer[4096];
  try {
    while (answer.find("\r\n") == std::string::npos) {
      const int got = socket.receiveBytes(buffer, sizeof buffer);
      if (got <= 0) break;
      answer.append(buffer, static_cast<std::size_t>(got));
    }
  } catch (const Poco::TimeoutException&) {
    return "";
  }
  return answer.substr(0, answer.find("\r\n"));
}

std::string bulkHead(const std::string& key, std::size_t contentLength) {
  return "POST /calls/bulk HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(contentLength) +
         "\r\n\r\n";
}

TEST_F(HostileClients, AThirtyTwoMegabyteBodyWithAnUnknownKeyIsRefusedBeforeItIsSent) {
  constexpr std::size_t kAnnounced = 32 * 1024 * 1024;
  // 64 kB of the 32 MB go out; the server must answer on the headers alone.
  EXPECT_EQ(statusAfterPartialBody(server_->port(), bulkHead("not-a-key", kAnnounced), 64 * 1024,
                                   std::chrono::seconds(10)),
            "HTTP/1.1 401 Unauthorized");
  // A media type the route does not take, and an unknown route, likewise.
  EXPECT_EQ(statusAfterPartialBody(
                server_->port(),
                "POST /calls/bulk HTTP/1.1\r\nAuthorization: Bearer " + std::string(kAdminKey) +
                    "\r\nContent-Type: text/csv\r\nContent-Length: " + std::to_string(kAnnounced) +
                    "\r\n\r\n",
                1024, std::chrono::seconds(10)),
            "HTTP/1.1 415 Unsupported Media Type");
  EXPECT_EQ(statusAfterPartialBody(server_->port(),
                                   "POST /nowhere HTTP/1.1\r\nContent-Length: " +
                                       std::to_string(kAnnounced) + "\r\n\r\n",
                                   1024, std::chrono::seconds(10)),
            "HTTP/1.1 404 Not Found");
  // With the admin key the body is awaited, and a whole large bulk is still served.
  std::string rows;
  for (int i = 0; i < 4000; ++i) {  // ~100 kB: above the header-check bound
    rows += std::string(i ? "," : "") + R"({"to":"+3463)" + std::to_string(1000000 + i) + R"("})";
  }
  auto accepted = admin().post("/calls/bulk", R"({"workspaceId":"workspace_id","agentId":)"
                                              R"("agent_id","agentPhoneNumberId":"phnum_xxx",)"
                                              R"("calls":[)" +
                                                  rows + "]}");
  EXPECT_EQ(accepted.status, 202) << accepted.body.substr(0, 300);
}

// Peak resident memory of a process so far, in bytes (VmHWM).
int64_t peakRssBytes(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  }
  return -1;
}

// Issue 10, attacks 2 and 3: bodies shaped to cost quadratic time or a tree 44 times their size.
TEST_F(HostileClients, AMillionKeysOrSixteenMillionElementsAreRefusedWithoutTheirMemoryBlowUp) {
  std::string keys = R"({"workspaceId":"workspace_id","agentId":"agent_id",)"
                     R"("agentPhoneNumberId":"phnum_xxx","to":"+34631021622","variables":{)";
  for (int i = 0; i < 1000000; ++i) keys += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
  keys += "}}";
  std::string zeros = R"({"x":[0)";
  zeros.reserve(32 * 1024 * 1024);
  for (int i = 1; i < 16000000; ++i) zeros += ",0";
  zeros += "]}";
  for (const auto& [what, body] :
       {std::pair<std::string, const std::string*>{"keys", &keys}, {"zeros", &zeros}}) {
    [[maybe_unused]] const int64_t before = peakRssBytes(server_->pid());
    const auto start = Clock::now();
    const auto answer = admin().post("/calls/priority", *body);
    const auto took = Clock::now() - start;
    EXPECT_GE(answer.status, 400) << what << ": " << answer.body.substr(0, 300);
    EXPECT_LT(answer.status, 500) << what << ": " << answer.body.substr(0, 300);
    EXPECT_LT(took, std::chrono::seconds(2)) << what;
#if !defined(__SANITIZE_ADDRESS__)  // ASan's shadow and quarantine are not the server's own
    const int64_t rise = peakRssBytes(server_->pid()) - before;
    EXPECT_LT(rise, 4 * static_cast<int64_t>(body->size()))
        << what << ": peak RSS rose " << rise << " bytes for a " << body->size() << "-byte body";
#endif
  }
  EXPECT_EQ(countCalls(), 0);
}

TEST_F(HostileClients, FiveHundredSlowlorisConnectionsLeaveHealthAndCallsAnsweredWithinASecond) {
  raiseOwnOpenFileLimit();
  std::vector<std::unique_ptr<Poco::Net::StreamSocket>> slow;
  for (int i = 0; i < kSlowClients; ++i) {
    slow.push_back(std::make_unique<Poco::Net::StreamSocket>(
        Poco::Net::SocketAddress("127.0.0.1", server_->port())));
  }
  // Each sends its request one byte at a time, a byte a second: the headers never end.
  const std::string trickle =
      "GET /calls HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(64, 'z');
  std::atomic<bool> done{false};
  std::atomic<int> rounds{0};
  std::thread trickler([&] {
    for (std::size_t at = 0; at < trickle.size() && !done; ++at) {
      for (auto& socket : slow) {
        try {
          socket->sendBytes(&trickle[at], 1);
        } catch (const Poco::Exception&) {
          // Closed by the server's header deadline: the point of the exercise.
        }
      }
      ++rounds;
      for (int tick = 0; tick < 10 && !done; ++tick) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  });
  while (rounds < 3) std::this_thread::sleep_for(std::chrono::milliseconds(50));

  auto workspace = clientWithKey(kAdminKey);
  for (int probe = 0; probe < 5; ++probe) {
    vo::testing::HttpClient fresh(server_->port());
    auto start = Clock::now();
    const auto health = fresh.get("/health");
    const auto healthTime = Clock::now() - start;
    EXPECT_EQ(health.status, 200) << health.body;
    EXPECT_LT(healthTime, kAnswerBound) << "GET /health, probe " << probe;
    start = Clock::now();
    const auto calls = workspace->get("/calls?limit=5");
    const auto callsTime = Clock::now() - start;
    EXPECT_EQ(calls.status, 200) << calls.body;
    EXPECT_LT(callsTime, kAnswerBound) << "GET /calls, probe " << probe;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  done = true;
  trickler.join();
}

}  // namespace
}  // namespace vo::e2e
