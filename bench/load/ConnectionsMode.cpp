// connections: how long a new client waits for /health, /calls/priority and a POST without a
// body while `--idle` kept-alive connections sit open and `--busy` ones each send a /health
// every 100 ms (busy, not a CPU flood that would measure the cores instead of the server).
#include <Poco/Exception.h>
#include <Poco/Net/StreamSocket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "Bodies.h"
#include "Figures.h"
#include "LoadClient.h"
#include "Modes.h"
#include "vo/testing/Json.h"

namespace vo::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kSamples = 3;
constexpr long kNumberBase = 9000000;  // numbers no other phase uses
constexpr auto kBusyInterval = std::chrono::milliseconds(100);

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// A kept-alive connection that sent one /health and never reads the answer nor sends again.
std::unique_ptr<Poco::Net::StreamSocket> idleConnection(const LoadOptions& options) {
  auto socket = std::make_unique<Poco::Net::StreamSocket>();
  socket->connect(Poco::Net::SocketAddress(options.host, static_cast<Poco::UInt16>(options.port)),
                  Poco::Timespan(5, 0));
  const std::string request = "GET /health HTTP/1.1\r\nHost: " + options.host + "\r\n\r\n";
  socket->sendBytes(request.data(), static_cast<int>(request.size()));
  return socket;
}

// POST <path> with neither Content-Length nor Transfer-Encoding, on a new connection: the
// milliseconds until the status line came back, -1 when it did not within --timeout.
double postWithoutBody(const LoadOptions& options, const std::string& path) {
  const auto start = Clock::now();
  try {
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress(options.host, static_cast<Poco::UInt16>(options.port)),
                   Poco::Timespan(static_cast<long>(options.timeoutSecs), 0));
    socket.setReceiveTimeout(Poco::Timespan(static_cast<long>(options.timeoutSecs), 0));
    const std::string request = "POST " + path + " HTTP/1.1\r\nHost: " + options.host +
                                "\r\nAuthorization: Bearer " + options.key + "\r\n\r\n";
    socket.sendBytes(request.data(), static_cast<int>(request.size()));
    char buffer[64];
    if (socket.receiveBytes(buffer, sizeof buffer) <= 0) return -1;
    return msSince(start);
  } catch (const Poco::Exception&) {
    return -1;
  }
}

// One request on a new connection: milliseconds to its answer, -1 for none or a non-2xx one.
double timedRequest(const LoadOptions& options, const std::string& method, const std::string& path,
                    const std::string& body) {
  const auto start = Clock::now();
  try {
    LoadClient client(options.host, options.port, options.key,
                      static_cast<int>(options.timeoutSecs));
    const auto answer = client.send(method, path, body);
    return answer.status >= 200 && answer.status < 300 ? msSince(start) : -1;
  } catch (const Poco::Exception&) {
    return -1;
  }
}

// The worst of the samples, -1 when any failed.
double worst(const std::vector<double>& samples) {
  if (std::any_of(samples.begin(), samples.end(), [](double ms) { return ms < 0; })) return -1;
  return *std::max_element(samples.begin(), samples.end());
}

}  // namespace

int runConnections(const LoadOptions& options) {
  LoadClient setup(options.host, options.port, options.key);
  const auto bulk = setup.send("POST", "/calls/bulk", bulkBody(options, kNumberBase, 1));
  if (bulk.status != 202) {
    std::fprintf(stderr, "connections: bulk answered %d\n", bulk.status);
    return 1;
  }
  const std::string campaign = vo::testing::Json::parse(bulk.body)["campaignId"].string();

  std::vector<std::unique_ptr<Poco::Net::StreamSocket>> idle;
  try {
    for (long i = 0; i < options.idle; ++i) idle.push_back(idleConnection(options));
  } catch (const Poco::Exception& e) {
    std::fprintf(stderr, "connections: opened %zu idle connections, then %s\n", idle.size(),
                 e.displayText().c_str());
  }
  std::atomic<bool> stop{false};
  std::atomic<long> busyAnswers{0};
  std::vector<std::thread> busy;
  for (long i = 0; i < options.busy; ++i) {
    busy.emplace_back([&] {
      try {
        LoadClient client(options.host, options.port, options.key,
                          static_cast<int>(options.timeoutSecs));
        for (auto next = Clock::now(); !stop; next += kBusyInterval) {
          client.send("GET", "/health");
          ++busyAnswers;
          std::this_thread::sleep_until(next + kBusyInterval);
        }
      } catch (const Poco::Exception&) {
        // A busy connection that failed stops being busy; the figures below still stand.
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));  // let every connection reach the server

  std::vector<double> health, priority, pause;
  for (int i = 0; i < kSamples; ++i) {
    health.push_back(timedRequest(options, "GET", "/health", ""));
    priority.push_back(timedRequest(options, "POST", "/calls/priority",
                                    priorityBody(options, kNumberBase + 1 + i)));
    pause.push_back(
        postWithoutBody(options, "/campaigns/" + campaign + (i % 2 ? "/resume" : "/pause")));
  }
  stop = true;
  for (auto& thread : busy) thread.join();
  idle.clear();
  std::printf(
      "connections: %zu idle and %ld busy (%ld answers meanwhile); a new client's worst of %d "
      "(-1: no 2xx answer within %.0f s): /health %.1f ms, /calls/priority %.1f ms, POST "
      "without a body %.1f ms\n",
      static_cast<std::size_t>(options.idle), options.busy, busyAnswers.load(), kSamples,
      options.timeoutSecs, worst(health), worst(priority), worst(pause));
  Figures figures(options.figuresPath);
  figures.add("conn_health_ms", worst(health));
  figures.add("conn_priority_ms", worst(priority));
  figures.add("conn_nobody_ms", worst(pause));
  return 0;
}

}  // namespace vo::bench
