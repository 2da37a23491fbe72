// drain: waits until every stored call is final (and, on the production stack, every webhook
// was answered); fake-stats: how the server answered the fake's webhooks.
#include <chrono>
#include <cstdio>
#include <memory>
#include <sstream>
#include <thread>

#include "FakeProbe.h"
#include "Figures.h"
#include "LoadClient.h"
#include "Modes.h"
#include "vo/testing/Json.h"

namespace vo::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct CallCounts {
  long total = -1;  // -1: /metrics did not answer
  long notFinal = 0;
};

// From the vo_calls{status="..."} gauges of /metrics.
CallCounts callCounts(LoadClient& client) {
  CallCounts counts;
  const auto answer = client.send("GET", "/metrics");
  if (answer.status != 200) return counts;
  counts.total = 0;
  std::istringstream lines(answer.body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("vo_calls{status=\"", 0) != 0) continue;
    const std::size_t space = line.rfind(' ');
    const long n = std::stol(line.substr(space + 1));
    counts.total += n;
    if (line.find("\"queued\"") != std::string::npos ||
        line.find("\"dispatching\"") != std::string::npos ||
        line.find("\"initiated\"") != std::string::npos) {
      counts.notFinal += n;
    }
  }
  return counts;
}

void reportWebhooks(FakeProbe& fake, Figures& figures) {
  const vo::testing::Json hooks = fake.stats()["webhooks"];
  const auto count = [&](const char* name) { return static_cast<long>(hooks[name].int64()); };
  const vo::testing::Json answer = hooks["answer"];
  const vo::testing::Json lag = hooks["lag"];
  std::printf(
      "webhooks: %ld delivered in %ld attempts: %ld answered 2xx, %ld other status, %ld no answer "
      "within 10 s, %ld connection failures, %ld pending; answer p50 %.2f ms, p99 %.2f ms, max "
      "%.2f ms; sent after the "
      "call ended: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
      count("deliveries"), count("attempts"), count("answered2xx"), count("answeredOther"),
      count("noAnswer"), count("connectionFailures"), count("pending"), answer["p50Ms"].number(),
      answer["p99Ms"].number(), answer["maxMs"].number(), lag["p50Ms"].number(),
      lag["p99Ms"].number(), lag["maxMs"].number());
  figures.add("webhook_deliveries", hooks["deliveries"].number());
  figures.add("webhook_attempts", hooks["attempts"].number());
  figures.add("webhook_2xx", hooks["answered2xx"].number());
  figures.add("webhook_other", hooks["answeredOther"].number());
  figures.add("webhook_no_answer", hooks["noAnswer"].number());
  figures.add("webhook_conn_failures", hooks["connectionFailures"].number());
  figures.add("webhook_pending", hooks["pending"].number());
  figures.add("webhook_answer", Percentiles{0, answer["p50Ms"].number(), answer["p99Ms"].number(),
                                            answer["maxMs"].number()});
  figures.add("webhook_lag",
              Percentiles{0, lag["p50Ms"].number(), lag["p99Ms"].number(), lag["maxMs"].number()});
}

// True once the fake sent every webhook it owes (and at least `calls` of them).
bool webhooksDone(FakeProbe& fake, long calls) {
  const vo::testing::Json hooks = fake.stats()["webhooks"];
  return hooks["pending"].int64() == 0 && hooks["deliveries"].int64() >= calls;
}

}  // namespace

int runDrain(const LoadOptions& options) {
  LoadClient client(options.host, options.port, options.key);
  std::unique_ptr<FakeProbe> fake;
  if (!options.fakeUrl.empty()) fake = std::make_unique<FakeProbe>(options.fakeUrl);
  const auto start = Clock::now();
  const auto giveUpAt = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(options.waitSecs));
  // The webhooks first, then the server's count of unfinished calls; each asked twice a second
  // at most (the fake sorts its samples for every /fake/stats, /metrics may count by a query).
  bool hooksDone = !fake;
  CallCounts counts;
  while (Clock::now() < giveUpAt) {
    if (!hooksDone) {
      hooksDone = webhooksDone(*fake, options.calls);
      if (!hooksDone) {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        continue;
      }
    }
    counts = callCounts(client);
    if (counts.total >= options.calls && counts.notFinal == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  const double waited = std::chrono::duration<double>(Clock::now() - start).count();
  const bool done = hooksDone && counts.total >= options.calls && counts.notFinal == 0;
  if (!done) counts = callCounts(client);  // what was left when the wait ran out
  std::printf("drain: %s after %.2f s; %ld calls stored, %ld not final\n",
              done ? "done" : "GAVE UP", waited, counts.total, counts.notFinal);
  Figures figures(options.figuresPath);
  figures.add("drain_wait_s", waited);
  figures.add("drain_not_final", static_cast<double>(counts.notFinal));
  if (fake) reportWebhooks(*fake, figures);
  return done ? 0 : 1;
}

int runFakeStats(const LoadOptions& options) {
  if (options.fakeUrl.empty()) {
    std::fprintf(stderr, "fake-stats needs --fake-url\n");
    return 2;
  }
  FakeProbe fake(options.fakeUrl);
  Figures figures(options.figuresPath);
  reportWebhooks(fake, figures);
  return 0;
}

}  // namespace vo::bench
