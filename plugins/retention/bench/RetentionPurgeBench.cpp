// How fast retention purges, and what a small API write costs meanwhile. Not a test: it prints
// figures. Usage:
//   retention_purge_bench_<store> [oldDays=4] [callsPerDay=100000] [batchPauseMs=20]
//   [purgeBatch=5000]
// against the store this executable was built for (SQLite temp file, or PostgreSQL from PG*).
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "../tests/RetentionTestSupport.h"
#include "vo/retention/DailyRetention.h"
#include "vo/retention/RetentionSchedule.h"
#include "vo/retention/UtcCalendar.h"

namespace {

using vo::retention::dayStartMs;
using Clock = std::chrono::steady_clock;

constexpr int64_t kInsertChunk = 50'000;

bool check(const vo::api::Result<void>& result, const char* what) {
  if (!result) std::fprintf(stderr, "%s: %s\n", what, result.error().message.c_str());
  return result.ok();
}

vo::api::Call benchCall(const std::string& id, int64_t createdAtMs) {
  vo::api::Call call;
  call.id = id;
  call.workspaceId = "bench";
  call.agentId = "agent-bench";
  call.agentPhoneNumberId = "phnum-bench";
  call.to = "+34611000000";
  call.status = vo::api::CallStatus::kCompleted;
  call.attempts = 1;
  call.durationSecs = 60;
  call.createdAtMs = call.updatedAtMs = createdAtMs;
  return call;
}

bool seed(vo::api::CallStore& store, int64_t firstDay, int days, int64_t callsPerDay) {
  if (!check(store.createWorkspace({"bench", "Bench", "", {}, 0, "", ""}), "workspace") ||
      !check(store.createAgent({"agent-bench", "bench", "Agent", {}, 0}), "agent") ||
      !check(store.createPhoneNumber({"phnum-bench", "bench", "+34600000000", "twilio", {}, 0}),
             "phone number")) {
    return false;
  }
  std::vector<vo::api::Call> chunk;
  for (int64_t day = firstDay; day < firstDay + days; ++day) {
    for (int64_t index = 0; index < callsPerDay; ++index) {
      char id[48];
      std::snprintf(id, sizeof id, "bench-%06lld-%08lld", static_cast<long long>(day),
                    static_cast<long long>(index));
      chunk.push_back(benchCall(id, dayStartMs(day) + index * 86'000'000 / callsPerDay));
      if (static_cast<int64_t>(chunk.size()) == kInsertChunk) {
        if (!check(store.insertCalls(chunk, nullptr), "insertCalls")) return false;
        chunk.clear();
      }
    }
  }
  return chunk.empty() || check(store.insertCalls(chunk, nullptr), "insertCalls");
}

// Latencies of one API-like write: a new call inserted, then moved to dispatching.
struct WriteProbe {
  std::vector<double> millis;
  void once(vo::api::CallStore& store, int64_t nowMs, int sequence) {
    const auto started = Clock::now();
    const std::string id = "probe-" + std::to_string(sequence);
    vo::api::Call call = benchCall(id, nowMs);
    call.status = vo::api::CallStatus::kQueued;
    (void)store.insertCalls(std::span<const vo::api::Call>(&call, 1), nullptr);
    vo::api::CallTransition change;
    change.callId = id;
    change.from = {vo::api::CallStatus::kQueued};
    change.to = vo::api::CallStatus::kDispatching;
    change.atMs = nowMs;
    (void)store.transition(change);
    millis.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
  }
  std::string summary() {
    if (millis.empty()) return "no samples";
    std::sort(millis.begin(), millis.end());
    auto at = [&](double q) { return millis[static_cast<size_t>(q * (millis.size() - 1))]; };
    char text[160];
    std::snprintf(text, sizeof text, "%zu writes, p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                  millis.size(), at(0.5), at(0.99), millis.back());
    return text;
  }
};

}  // namespace

int main(int argc, char** argv) {
  const int oldDays = argc > 1 ? std::stoi(argv[1]) : 4;
  const int64_t callsPerDay = argc > 2 ? std::stoll(argv[2]) : 100'000;
  vo::retention::RetentionSettings settings;
  settings.days = 15;
  settings.batchPauseMs = argc > 3 ? std::stoll(argv[3]) : 20;
  settings.purgeBatch = argc > 4 ? std::stoll(argv[4]) : 5'000;

  const auto backends = vo::retention::testing::compiledBackends();
  if (backends.empty() || !backends.front().create) {
    std::fprintf(stderr, "no store configured (PostgreSQL needs PGHOST)\n");
    return 2;
  }
  auto database = backends.front().create();
  auto store = database->open();
  auto probeStore = database->open();  // the API's own connection, as another thread has
  const int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  const int64_t firstOld = vo::retention::oldestKeptDay(settings, nowMs) - oldDays;
  const auto seedStarted = Clock::now();
  if (!seed(*store, firstOld, oldDays, callsPerDay)) return 1;
  std::printf("store %s: seeded %d days x %lld calls in %.1f s\n", backends.front().name.c_str(),
              oldDays, static_cast<long long>(callsPerDay),
              std::chrono::duration<double>(Clock::now() - seedStarted).count());

  WriteProbe idle;
  for (int i = 0; i < 500; ++i) idle.once(*probeStore, nowMs, i);
  std::printf("API-like write, no purge running: %s\n", idle.summary().c_str());

  auto logger = std::make_shared<spdlog::logger>("retention",
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_level(spdlog::level::warn);
  auto policy = vo::retention::makeDailyRetention(*store, *logger, settings, "bench");
  std::atomic<bool> purging{true};
  WriteProbe busy;
  std::thread api([&] {
    for (int i = 1'000'000; purging.load(); ++i) busy.once(*probeStore, nowMs, i);
  });
  const auto purgeStarted = Clock::now();
  auto run = policy->runDue(nowMs);
  const double seconds = std::chrono::duration<double>(Clock::now() - purgeStarted).count();
  purging = false;
  api.join();
  if (!run) {
    std::fprintf(stderr, "run failed: %s\n", run.error().message.c_str());
    return 1;
  }
  std::printf(
      "retention run (purgeBatch %lld, batchPauseMs %lld): %lld calls purged, %lld days "
      "rolled up in %.2f s = %.0f calls/s\n",
      static_cast<long long>(settings.purgeBatch), static_cast<long long>(settings.batchPauseMs),
      static_cast<long long>(run->callsPurged), static_cast<long long>(run->daysRolledUp), seconds,
      run->callsPurged / seconds);
  std::printf("API-like write while purging: %s\n", busy.summary().c_str());
  return 0;
}
