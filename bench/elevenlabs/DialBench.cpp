// elevenlabs-bench [--seconds 10] [--concurrency 100] [--latency-ms 50] [--rate 200]
// 1. Dispatch rate: `concurrency` threads dial through one provider (pool of `concurrency`
//    connections) against the fake answering after `latency-ms`; the ceiling is
//    concurrency / latency.
// 2. Reach time: `rate` dials per second, open loop; for each, the time from dial() being
//    called to the fake receiving the request (p50, p99, max).
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "vo/elevenlabs/ElevenLabsProvider.h"
#include "vo/fake_elevenlabs/FakeElevenLabs.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int seconds = 10;
  int concurrency = 100;
  int latencyMs = 50;
  int rate = 200;
};

int64_t unixMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

vo::api::DialRequest callTo(const std::string& number) {
  vo::api::DialRequest request;
  request.call.id = "bench_" + number;
  request.call.agentId = "agent_bench";
  request.call.agentPhoneNumberId = "phnum_bench";
  request.call.to = number;
  request.call.variablesJson = R"({"customer_name":"Ana","order":"A-1"})";
  request.phoneNumberProvider = "twilio";
  return request;
}

std::unique_ptr<vo::api::VoiceProvider> providerFor(const vo::fake_elevenlabs::FakeElevenLabs& fake,
                                                    int connections, spdlog::logger& logger) {
  vo::elevenlabs::ElevenLabsSettings settings;
  settings.apiKey = "xi-test-key";
  settings.baseUrl = fake.baseUrl();
  settings.maxConnections = connections;
  return vo::elevenlabs::makeElevenLabsProvider(settings, logger);
}

void dispatchRate(const Options& options, spdlog::logger& logger) {
  vo::fake_elevenlabs::FakeOptions fakeOptions;
  fakeOptions.latencyMs = options.latencyMs;
  fakeOptions.callDurationMs = 10;
  vo::fake_elevenlabs::FakeElevenLabs fake(fakeOptions);
  auto provider = providerFor(fake, options.concurrency, logger);

  std::atomic<bool> measuring{false};
  std::atomic<bool> stop{false};
  std::atomic<int64_t> accepted{0};
  std::atomic<int64_t> other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < options.concurrency; ++t) {
    threads.emplace_back([&, t] {
      for (int64_t i = 0; !stop.load(); ++i) {
        const auto result =
            provider->dial(callTo("+1" + std::to_string(t) + "0" + std::to_string(i)));
        if (!measuring.load()) continue;
        (result.outcome == vo::api::DialOutcome::kAccepted ? accepted : other).fetch_add(1);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));  // warm-up: connections opened
  measuring.store(true);
  const auto start = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(options.seconds));
  measuring.store(false);
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  stop.store(true);
  for (auto& thread : threads) thread.join();
  const double ceiling = options.concurrency * 1000.0 / options.latencyMs;
  const double rate = static_cast<double>(accepted.load()) / elapsed;
  std::printf(
      "dispatch: concurrency %d, latency %d ms: %.0f calls/s accepted (%lld other) = "
      "%.1f%% of the %.0f calls/s ceiling\n",
      options.concurrency, options.latencyMs, rate, static_cast<long long>(other.load()),
      100.0 * rate / ceiling, ceiling);
}

void reachTime(const Options& options, spdlog::logger& logger) {
  vo::fake_elevenlabs::FakeOptions fakeOptions;
  fakeOptions.latencyMs = options.latencyMs;
  fakeOptions.callDurationMs = 10;
  vo::fake_elevenlabs::FakeElevenLabs fake(fakeOptions);
  auto provider = providerFor(fake, 64, logger);

  // Open loop: `workers` threads, each starting a dial every workers/rate seconds, staggered.
  const int workers = std::max(1, options.rate * (options.latencyMs + 50) / 1000);
  const auto interval = std::chrono::microseconds(1000000LL * workers / options.rate);
  const int perWorker = options.rate * options.seconds / workers;
  std::mutex mutex;
  std::map<std::string, int64_t> startedAt;
  std::vector<std::thread> threads;
  const auto begin = Clock::now() + std::chrono::milliseconds(200);
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      auto next = begin + interval * w / workers;
      for (int i = 0; i < perWorker; ++i, next += interval) {
        std::this_thread::sleep_until(next);
        const std::string number = "+2" + std::to_string(w) + "0" + std::to_string(i);
        const int64_t at = unixMicros();
        {
          std::lock_guard lock(mutex);
          startedAt[number] = at;
        }
        (void)provider->dial(callTo(number));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<int64_t> reach;
  for (const auto& call : fake.acceptedCalls()) {
    reach.push_back(call.receivedAtUs - startedAt.at(call.toNumber));
  }
  std::sort(reach.begin(), reach.end());
  if (reach.empty()) return;
  auto percentile = [&](double p) {
    return reach[std::min(reach.size() - 1, static_cast<size_t>(p * reach.size()))] / 1000.0;
  };
  std::printf(
      "reach: %d dials/s for %d s (%zu calls): dial() to the fake receiving it "
      "p50 %.3f ms, p99 %.3f ms, max %.3f ms (the fake's %d ms latency comes after)\n",
      options.rate, options.seconds, reach.size(), percentile(0.50), percentile(0.99),
      reach.back() / 1000.0, options.latencyMs);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const int value = std::stoi(argv[i + 1]);
    if (name == "--seconds") options.seconds = value;
    if (name == "--concurrency") options.concurrency = value;
    if (name == "--latency-ms") options.latencyMs = value;
    if (name == "--rate") options.rate = value;
  }
  auto logger =
      std::make_shared<spdlog::logger>("bench", std::make_shared<spdlog::sinks::null_sink_mt>());
  dispatchRate(options, *logger);
  reachTime(options, *logger);
  return 0;
}
