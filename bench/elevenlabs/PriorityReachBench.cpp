// elevenlabs-priority-bench [--rate 200] [--seconds 20] [--latency-ms 50] [--call-duration-ms 500]
// The real voice-orchestrator (SQLite store, memory queue, elevenlabs provider) against the
// fake ElevenLabs in this process: POST /calls/priority at a steady rate (open loop), and for
// each call the time from sending the request to the fake receiving the outbound call, plus the
// response time. Signed webhooks go back to the server, so calls end as they would in life.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "vo/fake_elevenlabs/FakeElevenLabs.h"
#include "vo/testing/HttpClient.h"
#include "vo/testing/Ports.h"
#include "vo/testing/ServerProcess.h"

namespace {

using Clock = std::chrono::steady_clock;

int64_t unixMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string serverConfig(const std::string& fakeUrl) {
  return R"(log: {level: warn}
server:
  host: 127.0.0.1
  port: ${SERVICE_PORT}
  threads: 64
auth: {adminKey: bench-admin-key-0123456789abcdef0123}
dispatcher: {concurrency: 64}
plugins:
  store: {name: sqlite, config: {path: ./bench.db}}
  queue: {name: memory, config: {}}
  provider:
    name: elevenlabs
    config: {apiKey: xi-test-key, baseUrl: )" +
         fakeUrl + R"(, webhookSecret: wsec_bench, maxConnections: 128}
tenants:
  workspaces:
    - id: demo
      name: Demo
      agents: [{id: agent_demo, name: Demo agent}]
      phoneNumbers: [{id: phnum_demo, number: "+34601893170", provider: twilio}]
)";
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * values.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  int rate = 200;
  int seconds = 20;
  int latencyMs = 50;
  int callDurationMs = 500;  // then the webhook comes back
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    if (name == "--rate") rate = std::stoi(argv[i + 1]);
    if (name == "--seconds") seconds = std::stoi(argv[i + 1]);
    if (name == "--latency-ms") latencyMs = std::stoi(argv[i + 1]);
    if (name == "--call-duration-ms") callDurationMs = std::stoi(argv[i + 1]);
  }
  vo::fake_elevenlabs::FakeOptions fakeOptions;
  fakeOptions.latencyMs = latencyMs;
  fakeOptions.callDurationMs = callDurationMs;
  fakeOptions.webhookSecret = "wsec_bench";
  vo::fake_elevenlabs::FakeElevenLabs fake(fakeOptions);
  vo::testing::ServerOptions options;
  options.port = vo::testing::freePort();
  options.configYaml = serverConfig(fake.baseUrl());
  fake.setWebhookUrl("http://127.0.0.1:" + std::to_string(options.port) + "/webhooks/elevenlabs");
  vo::testing::ServerProcess server(std::move(options));
  server.start();

  const int workers = std::max(1, rate * (latencyMs + 100) / 1000);
  const auto interval = std::chrono::microseconds(1000000LL * workers / rate);
  const int perWorker = rate * seconds / workers;
  std::mutex mutex;
  std::map<std::string, int64_t> sentAt;
  std::vector<double> responseMs;
  std::map<int, int> statuses;
  std::vector<std::thread> threads;
  const auto begin = Clock::now() + std::chrono::milliseconds(500);
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      vo::testing::HttpClient client(server.port());
      client.setDefaultHeader("Authorization", "Bearer bench-admin-key-0123456789abcdef0123");
      auto next = begin + interval * w / workers;
      for (int i = 0; i < perWorker; ++i, next += interval) {
        std::this_thread::sleep_until(next);
        char to[32];
        std::snprintf(to, sizeof to, "+346%03d%05d", w, i);
        const std::string body = std::string(R"({"workspaceId":"demo","agentId":"agent_demo",)") +
                                 R"("agentPhoneNumberId":"phnum_demo","to":")" + to + R"("})";
        const int64_t at = unixMicros();
        const auto response = client.post("/calls/priority", body);
        const double took = (unixMicros() - at) / 1000.0;
        std::lock_guard lock(mutex);
        sentAt[to] = at;
        responseMs.push_back(took);
        statuses[response.status]++;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<double> reachMs;
  for (const auto& call : fake.acceptedCalls()) {
    const auto found = sentAt.find(call.toNumber);
    if (found != sentAt.end()) reachMs.push_back((call.receivedAtUs - found->second) / 1000.0);
  }
  std::printf("priority: %d requests/s for %d s, fake latency %d ms; answers:", rate, seconds,
              latencyMs);
  for (const auto& [status, count] : statuses) std::printf(" %d x%d", status, count);
  std::printf(
      "\n  request -> fake receives the call (%zu calls): p50 %.2f ms, p99 %.2f ms, "
      "max %.2f ms\n",
      reachMs.size(), percentile(reachMs, 0.5), percentile(reachMs, 0.99),
      percentile(reachMs, 1.0));
  std::printf("  response time: p50 %.2f ms, p99 %.2f ms (includes the %d ms latency)\n",
              percentile(responseMs, 0.5), percentile(responseMs, 0.99), latencyMs);
  return 0;
}
