// bulk and dispatch: many calls through POST /calls/bulk, then how fast they reach the provider.
#include <Poco/Exception.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <vector>

#include "Bodies.h"
#include "FakeProbe.h"
#include "Figures.h"
#include "LoadClient.h"
#include "Modes.h"
#include "vo/testing/Json.h"

namespace vo::bench {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Calls of the campaign that have left queued/dispatching (dialed, whatever the outcome).
long dialedOf(LoadClient& client, const std::string& campaignId) {
  auto answer = client.send("GET", "/campaigns/" + campaignId);
  if (answer.status != 200) return -1;
  const vo::testing::Json campaign = vo::testing::Json::parse(answer.body);
  const vo::testing::Json counts =
      campaign.has("byStatus") ? campaign["byStatus"] : campaign["progress"]["byStatus"];
  long waiting = 0;
  long sum = 0;
  for (const auto& [status, value] : counts.members()) {
    const auto n = static_cast<long>(value.int64());
    sum += n;
    if (status == "queued" || status == "dispatching") waiting += n;
  }
  return sum - waiting;
}

struct DispatchTimes {
  double t10 = -1;  // seconds from `start` until 10 % of the calls were dialed
  double t90 = -1;
  double all = -1;  // ... until all were
};

// Embedded stack: the campaign's progress, polled every 20 ms.
DispatchTimes timesFromCampaign(const LoadOptions& options, LoadClient& client,
                                const std::string& campaignId, Clock::time_point start) {
  DispatchTimes times;
  for (;;) {
    const long dialed = dialedOf(client, campaignId);
    const double now = secondsSince(start);
    if (dialed >= options.calls / 10 && times.t10 < 0) times.t10 = now;
    if (dialed >= options.calls * 9 / 10 && times.t90 < 0) times.t90 = now;
    if (dialed >= options.calls) {
      times.all = now;
      return times;
    }
    if (now > options.waitSecs) {
      std::fprintf(stderr, "dispatch: gave up after %.0f s with %ld of %ld dialed\n", now, dialed,
                   options.calls);
      return times;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Production stack: the fake's own receive times (same machine clock as `startUs`).
DispatchTimes timesFromFake(const LoadOptions& options, FakeProbe& fake, long baseline,
                            int64_t startUs) {
  DispatchTimes times;
  const auto calls = fake.collectAccepted(baseline, options.calls, options.waitSecs);
  if (static_cast<long>(calls.size()) < options.calls) {
    std::fprintf(stderr, "dispatch: gave up after %.0f s with %zu of %ld at the provider\n",
                 options.waitSecs, calls.size(), options.calls);
    return times;
  }
  std::vector<int64_t> receivedUs;
  for (const auto& [number, at] : calls) receivedUs.push_back(at);
  std::sort(receivedUs.begin(), receivedUs.end());
  receivedUs.resize(static_cast<std::size_t>(options.calls));
  const auto secondsAt = [&](long index) {
    return static_cast<double>(receivedUs[static_cast<std::size_t>(index)] - startUs) / 1e6;
  };
  times.t10 = secondsAt(std::max(0L, options.calls / 10 - 1));
  times.t90 = secondsAt(std::max(0L, options.calls * 9 / 10 - 1));
  times.all = secondsAt(options.calls - 1);
  return times;
}

}  // namespace

int runBulk(const LoadOptions& options) {
  std::vector<std::string> bodies;
  for (long first = 0; first < options.calls; first += options.batch) {
    bodies.push_back(bulkBody(options, options.numberOffset + first,
                              std::min(options.batch, options.calls - first)));
  }
  std::vector<double> requestMs(bodies.size(), 0);
  std::atomic<std::size_t> next{0};
  std::atomic<long> accepted{0};
  std::atomic<bool> failed{false};
  const auto start = Clock::now();
  std::vector<std::thread> senders;
  for (int s = 0; s < options.inFlight; ++s) {
    senders.emplace_back([&] {
      try {
        LoadClient client(options.host, options.port, options.key);
        for (std::size_t i = next++; i < bodies.size() && !failed; i = next++) {
          const auto sent = Clock::now();
          const auto answer = client.send("POST", "/calls/bulk", bodies[i]);
          requestMs[i] = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
          if (answer.status != 202) {
            std::fprintf(stderr, "bulk answered %d: %s\n", answer.status,
                         answer.body.substr(0, 300).c_str());
            failed = true;
            return;
          }
          accepted += static_cast<long>(vo::testing::Json::parse(answer.body)["accepted"].int64());
        }
      } catch (const Poco::Exception& e) {
        std::fprintf(stderr, "bulk: %s\n", e.displayText().c_str());
        failed = true;
      } catch (const std::runtime_error& e) {  // an answer that is not the JSON expected
        std::fprintf(stderr, "bulk: %s\n", e.what());
        failed = true;
      }
    });
  }
  for (auto& sender : senders) sender.join();
  if (failed) return 1;
  const double elapsed = secondsSince(start);
  const Percentiles requests = percentiles(requestMs);
  const double rate = static_cast<double>(accepted) / elapsed;
  std::printf(
      "bulk: %ld calls accepted in %zu requests of %ld: %.3f s (%.0f calls/s); %d in flight, "
      "request p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
      accepted.load(), bodies.size(), options.batch, elapsed, rate, options.inFlight, requests.p50,
      requests.p99, requests.max);
  // Which requests were slow says whether the tail is a cold start or something periodic.
  std::vector<std::size_t> slowest(requestMs.size());
  std::iota(slowest.begin(), slowest.end(), std::size_t{0});
  const std::size_t shown = std::min<std::size_t>(3, slowest.size());
  std::partial_sort(slowest.begin(), slowest.begin() + static_cast<std::ptrdiff_t>(shown),
                    slowest.end(),
                    [&](std::size_t a, std::size_t b) { return requestMs[a] > requestMs[b]; });
  std::printf("bulk: slowest requests:");
  for (std::size_t k = 0; k < shown; ++k) {
    std::printf(" #%zu %.1f ms", slowest[k] + 1, requestMs[slowest[k]]);
  }
  std::printf("\n");
  Figures figures(options.figuresPath);
  figures.add("accept_calls", static_cast<double>(accepted));
  figures.add("accept_s", elapsed);
  figures.add("accept_rate", rate);
  figures.add("accept_request", requests);
  return 0;
}

int runDispatch(const LoadOptions& options) {
  LoadClient client(options.host, options.port, options.key);
  std::unique_ptr<FakeProbe> fake;
  long baseline = 0;
  if (!options.fakeUrl.empty()) {
    fake = std::make_unique<FakeProbe>(options.fakeUrl);
    baseline = fake->acceptedCount();
  }
  const std::string body = bulkBody(options, options.numberOffset, options.calls);
  const int64_t sentUs = unixMicros();
  const auto sent = Clock::now();
  const auto accepted = client.send("POST", "/calls/bulk", body);
  if (accepted.status != 202) {
    std::fprintf(stderr, "bulk answered %d: %s\n", accepted.status,
                 accepted.body.substr(0, 300).c_str());
    return 1;
  }
  const double acceptS = secondsSince(sent);
  const DispatchTimes times =
      fake
          ? timesFromFake(options, *fake, baseline, sentUs)
          : timesFromCampaign(options, client,
                              vo::testing::Json::parse(accepted.body)["campaignId"].string(), sent);
  if (times.all < 0) return 1;
  const double steadyRate = times.t90 > times.t10
                                ? static_cast<double>(options.calls * 9 / 10 - options.calls / 10) /
                                      (times.t90 - times.t10)
                                : 0;
  std::printf(
      "dispatch: %ld calls dialed %.3f s after the bulk request was sent (accepted in %.3f s; "
      "%.0f calls/s overall, %.0f calls/s between 10%% and 90%%)\n",
      options.calls, times.all, acceptS, static_cast<double>(options.calls) / times.all,
      steadyRate);
  Figures figures(options.figuresPath);
  figures.add("dispatch_calls", static_cast<double>(options.calls));
  figures.add("dispatch_all_s", times.all);
  figures.add("dispatch_rate", steadyRate);
  return 0;
}

}  // namespace vo::bench
