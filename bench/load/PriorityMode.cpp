// priority: POST /calls/priority at a steady rate (open loop), each request's answer, and with
// --fake-url the time from sending it to the provider receiving the dial.
#include <Poco/Exception.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <thread>
#include <unordered_map>
#include <vector>

#include "Bodies.h"
#include "FakeProbe.h"
#include "Figures.h"
#include "LoadClient.h"
#include "Modes.h"

namespace vo::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr double kLateSendMs = 5;  // a send this late means too few threads for the rate

struct Request {
  int64_t sentUs = 0;      // CLOCK_REALTIME, as the fake records its receive times
  double sendDelayMs = 0;  // behind its due time (open loop)
  double responseMs = -1;  // -1: no answer
  int status = 0;          // 0: no answer
  bool timedOut = false;
  bool notSent = false;  // due more than --timeout ago when a thread was free: never sent
};

bool accepted(const Request& request) {
  return request.status >= 200 && request.status < 300;
}

void sendAll(const LoadOptions& options, std::vector<Request>& requests) {
  const auto interval = std::chrono::duration<double>(1.0 / options.rate);
  const auto start = Clock::now() + std::chrono::milliseconds(200);
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < options.threads; ++t) {
    threads.emplace_back([&] {
      LoadClient client(options.host, options.port, options.key,
                        static_cast<int>(options.timeoutSecs + 0.999));
      for (std::size_t i = next++; i < requests.size(); i = next++) {
        // Open loop: request i is due at start + i * interval whatever happened before.
        const auto due =
            start + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(i));
        std::this_thread::sleep_until(due);
        Request& request = requests[i];
        // When the server stalls, every thread waits up to --timeout for its answer; requests
        // that fell that far behind are counted, not sent, so the run stays bounded.
        if (Clock::now() - due > std::chrono::duration<double>(options.timeoutSecs)) {
          request.notSent = true;
          continue;
        }
        const auto sent = Clock::now();
        request.sentUs = unixMicros();
        request.sendDelayMs = std::chrono::duration<double, std::milli>(sent - due).count();
        try {
          const auto answer =
              client.send("POST", "/calls/priority",
                          priorityBody(options, options.numberOffset + static_cast<long>(i)));
          request.status = answer.status;
          request.responseMs =
              std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
        } catch (const Poco::TimeoutException&) {
          request.timedOut = true;
        } catch (const Poco::Exception& e) {
          std::fprintf(stderr, "priority: request %zu: %s\n", i, e.displayText().c_str());
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
}

// Request -> the fake receives its dial, for every accepted request the fake saw within
// --timeout after the last request; `notReached` counts the others.
std::vector<double> reachTimes(const LoadOptions& options, FakeProbe& fake, long baseline,
                               const std::vector<Request>& requests, long* notReached) {
  std::unordered_map<std::string, std::size_t> indexOf;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (accepted(requests[i])) indexOf[numberFor(options.numberOffset + static_cast<long>(i))] = i;
  }
  std::vector<double> reachMs;
  long cursor = baseline;
  const auto giveUpAt = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(options.timeoutSecs));
  while (!indexOf.empty()) {
    const auto calls = fake.acceptedFrom(cursor);  // in the fake's order; bulk calls too
    cursor += static_cast<long>(calls.size());
    for (const auto& [number, receivedUs] : calls) {
      const auto found = indexOf.find(number);
      if (found == indexOf.end()) continue;
      reachMs.push_back(static_cast<double>(receivedUs - requests[found->second].sentUs) / 1000.0);
      indexOf.erase(found);
    }
    if (indexOf.empty() || Clock::now() > giveUpAt) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  *notReached = static_cast<long>(indexOf.size());
  return reachMs;
}

}  // namespace

int runPriority(const LoadOptions& options) {
  const auto total = static_cast<std::size_t>(options.rate * options.seconds);
  std::unique_ptr<FakeProbe> fake;
  long baseline = 0;
  if (!options.fakeUrl.empty()) {
    fake = std::make_unique<FakeProbe>(options.fakeUrl);
    baseline = fake->acceptedCount();
  }
  std::vector<Request> requests(total);
  sendAll(options, requests);

  std::vector<double> responseMs;
  std::map<int, long> statuses;
  long ok = 0, timeouts = 0, late = 0, notSent = 0;
  double maxSendDelayMs = 0;
  for (const Request& request : requests) {
    if (request.responseMs >= 0) responseMs.push_back(request.responseMs);
    if (!request.notSent) statuses[request.status]++;
    ok += accepted(request) ? 1 : 0;
    timeouts += request.timedOut ? 1 : 0;
    notSent += request.notSent ? 1 : 0;
    late += request.sendDelayMs > kLateSendMs ? 1 : 0;
    maxSendDelayMs = std::max(maxSendDelayMs, request.sendDelayMs);
  }
  const long errors = static_cast<long>(total) - ok - timeouts - notSent;
  const Percentiles response = percentiles(responseMs);
  std::printf("priority: %zu requests at %.0f/s: p50 %.2f ms, p99 %.2f ms, max %.2f ms; statuses:",
              total, options.rate, response.p50, response.p99, response.max);
  for (const auto& [status, n] : statuses) std::printf(" %d×%ld", status, n);
  std::printf(
      "\n  %ld timeouts (no answer within %.0f s), %ld other errors; %ld sent more than "
      "%.0f ms late (max %.1f ms: too few --threads for the rate), %ld not sent (over %.0f s "
      "late)\n",
      timeouts, options.timeoutSecs, errors, late, kLateSendMs, maxSendDelayMs, notSent,
      options.timeoutSecs);
  Figures figures(options.figuresPath);
  figures.add("prio_requests", static_cast<double>(total));
  figures.add("prio_response", response);
  figures.add("prio_errors", static_cast<double>(errors));
  figures.add("prio_timeouts", static_cast<double>(timeouts));
  figures.add("prio_late_sends", static_cast<double>(late));
  figures.add("prio_not_sent", static_cast<double>(notSent));
  for (const auto& [status, n] : statuses) {
    if (status != 0) figures.add("prio_status_" + std::to_string(status), static_cast<double>(n));
  }
  if (fake) {
    long notReached = 0;
    const Percentiles reach =
        percentiles(reachTimes(options, *fake, baseline, requests, &notReached));
    std::printf(
        "  request sent -> provider received the dial (%zu calls): p50 %.2f ms, p99 %.2f "
        "ms, max %.2f ms; %ld accepted but not received within %.0f s\n",
        reach.count, reach.p50, reach.p99, reach.max, notReached, options.timeoutSecs);
    figures.add("prio_reach", reach);
    figures.add("prio_not_reached", static_cast<double>(notReached));
  }
  return 0;
}

}  // namespace vo::bench
