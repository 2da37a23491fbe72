// vo-connections: what hundreds of open keep-alive connections cost a new client. Opens --idle
// connections (each used once, then left open), --busy connections sending requests back to
// back, then measures --samples new clients (a fresh connection each): GET /health and
// POST /calls/priority. No assertions: it prints figures (goal: p99 <= 50 ms).
//   vo-connections --port 3000 --idle 500 --busy 100 --samples 200
// Also: --host 127.0.0.1 --key dev-admin-key --workspace demo --agent agent_demo
//       --phone phnum_demo --number-offset 0
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "LoadClient.h"

namespace {

using Clock = std::chrono::steady_clock;
using vo::bench::LoadClient;

struct Options {
  std::string host = "127.0.0.1";
  int port = 3000;
  std::string key = "dev-admin-key";
  std::string workspace = "demo";
  std::string agent = "agent_demo";
  std::string phone = "phnum_demo";
  int idle = 500;
  int busy = 100;
  int samples = 200;
  long numberOffset = 0;
};

Options parse(int argc, char** argv) {
  Options o;
  using Setter = std::function<void(const std::string&)>;
  const std::map<std::string, Setter> setters{
      {"--host", [&](const std::string& v) { o.host = v; }},
      {"--port", [&](const std::string& v) { o.port = std::stoi(v); }},
      {"--key", [&](const std::string& v) { o.key = v; }},
      {"--workspace", [&](const std::string& v) { o.workspace = v; }},
      {"--agent", [&](const std::string& v) { o.agent = v; }},
      {"--phone", [&](const std::string& v) { o.phone = v; }},
      {"--idle", [&](const std::string& v) { o.idle = std::stoi(v); }},
      {"--busy", [&](const std::string& v) { o.busy = std::stoi(v); }},
      {"--samples", [&](const std::string& v) { o.samples = std::stoi(v); }},
      {"--number-offset", [&](const std::string& v) { o.numberOffset = std::stol(v); }},
  };
  for (int i = 1; i < argc; i += 2) {
    const auto setter = setters.find(argv[i]);
    if (setter == setters.end() || i + 1 >= argc) {
      std::fprintf(stderr, "unknown option or missing value: %s\n", argv[i]);
      std::exit(2);
    }
    setter->second(argv[i + 1]);
  }
  return o;
}

void raiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) std::perror("setrlimit");
}

std::string priorityBody(const Options& options, long index) {
  char number[32];
  std::snprintf(number, sizeof number, "+3461%07ld", index % 10000000);
  return "{\"workspaceId\":\"" + options.workspace + "\",\"agentId\":\"" + options.agent +
         "\",\"agentPhoneNumberId\":\"" + options.phone + "\",\"to\":\"" + number +
         "\",\"from\":\"+34601893170\",\"variables\":{\"businessName\":\"Restaurante Andres\"}}";
}

// Connections sending requests back to back until destroyed.
class BusyConnections {
 public:
  explicit BusyConnections(const Options& options) {
    for (int i = 0; i < options.busy; ++i) {
      threads_.emplace_back([this, &options, i] {
        try {
          LoadClient client(options.host, options.port, options.key);
          while (!stop_) {
            const auto answer = client.send("GET", i % 2 == 0 ? "/health" : "/calls?limit=1");
            if (answer.status != 200) ++failures_;
            ++requests_;
          }
        } catch (const std::exception& error) {  // the connection broke: it stops being busy
          std::fprintf(stderr, "busy connection %d: %s\n", i, error.what());
          ++failures_;
        }
      });
    }
  }
  ~BusyConnections() {
    stop_ = true;
    for (auto& thread : threads_) thread.join();
  }
  long requests() const { return requests_; }
  long failures() const { return failures_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<long> requests_{0};
  std::atomic<long> failures_{0};
  std::vector<std::thread> threads_;
};

struct Samples {
  std::vector<double> milliseconds;
  std::map<int, long> statuses;

  void print(const char* what) {
    std::sort(milliseconds.begin(), milliseconds.end());
    auto at = [&](double p) {
      return milliseconds[std::min(milliseconds.size() - 1,
                                   static_cast<std::size_t>(p * milliseconds.size()))];
    };
    std::printf("  %-30s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  statuses:", what, at(0.50),
                at(0.99), milliseconds.back());
    for (const auto& [status, n] : statuses) std::printf(" %d×%ld", status, n);
    std::printf("\n");
  }
};

// One new client (a new connection) sending one request; the time includes the connect.
void sample(const Options& options, Samples& samples, const std::string& method,
            const std::string& path, const std::string& body) {
  const auto start = Clock::now();
  int status = 0;  // 0: no answer (the connection failed)
  try {
    LoadClient client(options.host, options.port, options.key);
    status = client.send(method, path, body).status;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s %s: %s\n", method.c_str(), path.c_str(), error.what());
  }
  samples.milliseconds.push_back(
      std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  samples.statuses[status]++;
}

int run(const Options& options) {
  raiseOpenFileLimit();
  std::vector<std::unique_ptr<LoadClient>> idle;
  for (int i = 0; i < options.idle; ++i) {
    idle.push_back(std::make_unique<LoadClient>(options.host, options.port, options.key));
    const auto answer = idle.back()->send("GET", "/health");
    if (answer.status != 200) {
      std::fprintf(stderr, "idle connection %d: /health answered %d\n", i, answer.status);
      return 1;
    }
  }
  BusyConnections busy(options);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let the busy ones get going
  const long busyBefore = busy.requests();
  const auto start = Clock::now();
  Samples health;
  Samples priority;
  for (int i = 0; i < options.samples; ++i) {
    sample(options, health, "GET", "/health", "");
    sample(options, priority, "POST", "/calls/priority",
           priorityBody(options, options.numberOffset + i));
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double busyRate = static_cast<double>(busy.requests() - busyBefore) / seconds;
  std::printf(
      "connections: %d idle + %d busy kept-alive (busy: %.0f requests/s, %ld failed); "
      "%d new clients each:\n",
      options.idle, options.busy, busyRate, busy.failures(), options.samples);
  health.print("GET /health");
  priority.print("POST /calls/priority");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse(argc, argv));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vo-connections: %s\n", e.what());
    return 1;
  }
}
