#include "RetentionTestSupport.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <cstdio>
#include <vector>

#include "vo/retention/UtcCalendar.h"

namespace vo::retention::testing {

WatchedRetentionStore::~WatchedRetentionStore() = default;

namespace {

// Every write goes through here: the hook may answer in the store's place.
template <typename Write>
auto watched(WatchedRetentionStore& store, std::string_view method, Write write)
    -> decltype(write()) {
  if (store.beforeWrite) {
    if (auto failure = store.beforeWrite(method)) return *failure;
  }
  auto result = write();
  if (store.afterWrite) store.afterWrite(method);
  return result;
}

constexpr vo::api::CallStatus kSeededStatuses[] = {
    vo::api::CallStatus::kCompleted, vo::api::CallStatus::kNoAnswer,
    vo::api::CallStatus::kBusy,      vo::api::CallStatus::kFailed,
    vo::api::CallStatus::kCanceled,  vo::api::CallStatus::kSuppressed,
    vo::api::CallStatus::kUnknown,   vo::api::CallStatus::kInitiated,
    vo::api::CallStatus::kQueued,    vo::api::CallStatus::kCompleted,
    vo::api::CallStatus::kCompleted};

const char* const kWorkspaces[] = {"ws-a", "ws-b"};

void seedTenants(vo::api::CallStore& store, int64_t nowMs) {
  for (int w = 0; w < 2; ++w) {
    const std::string workspace = kWorkspaces[w];
    ASSERT_TRUE(
        store.createWorkspace({workspace, "Workspace " + workspace, "", {}, nowMs, "", ""}).ok());
    ASSERT_TRUE(store
                    .createPhoneNumber({"phnum-" + workspace,
                                        workspace,
                                        "+3460000000" + std::to_string(w),
                                        "twilio",
                                        {},
                                        nowMs})
                    .ok());
    for (int a = 1; a <= 2; ++a) {
      const std::string agent = "agent-" + workspace + "-" + std::to_string(a);
      ASSERT_TRUE(store.createAgent({agent, workspace, "Agent " + agent, {}, nowMs}).ok());
    }
  }
}

vo::api::Call seededCall(int64_t dayNumber, int index, SeededStatuses statuses) {
  vo::api::Call call;
  const std::string workspace = kWorkspaces[index % 2];
  call.createdAtMs = dayStartMs(dayNumber) + 1'000 + int64_t{index} * 97'000;
  call.updatedAtMs = call.createdAtMs;
  char id[64];
  std::snprintf(id, sizeof id, "call-%013lld-%04d", static_cast<long long>(call.createdAtMs),
                index);
  call.id = id;
  call.workspaceId = workspace;
  call.agentId = "agent-" + workspace + "-" + std::to_string(1 + index / 2 % 2);
  call.agentPhoneNumberId = "phnum-" + workspace;
  call.to = "+3461" + std::to_string(1'000'000 + index);
  call.status = kSeededStatuses[(dayNumber + index) % std::size(kSeededStatuses)];
  // `unknown` too: a live server's reconciler may still move it.
  if (statuses == SeededStatuses::kFinalOnly &&
      (!vo::api::isFinal(call.status) || call.status == vo::api::CallStatus::kUnknown)) {
    call.status = vo::api::CallStatus::kFailed;
  }
  call.lane = index % 5 == 0 ? vo::api::Lane::kPriority : vo::api::Lane::kBulk;
  call.attempts = vo::api::isFinal(call.status) ? 1 : 0;
  if (call.status == vo::api::CallStatus::kCompleted) call.durationSecs = 30 + index;
  return call;
}

}  // namespace

vo::api::Result<int64_t> WatchedRetentionStore::rollUpDay(std::string_view day, int64_t nowMs) {
  return watched(*this, "rollUpDay", [&] { return ForwardingCallStore::rollUpDay(day, nowMs); });
}

vo::api::Result<void> WatchedRetentionStore::freezeDay(std::string_view day, int64_t nowMs) {
  return watched(*this, "freezeDay", [&] { return ForwardingCallStore::freezeDay(day, nowMs); });
}

vo::api::Result<int64_t> WatchedRetentionStore::purgeDay(std::string_view day, int limit) {
  return watched(*this, "purgeDay", [&] { return ForwardingCallStore::purgeDay(day, limit); });
}

namespace {

// Every seeded call of the `dayCount` days ending with the day of nowMs, with its day's name.
template <typename Visit>
void forEachSeededCall(int64_t nowMs, int dayCount, SeededStatuses statuses, Visit&& visit) {
  const int64_t firstDay = dayNumberOf(nowMs) - dayCount + 1;
  for (int64_t day = firstDay; day < firstDay + dayCount; ++day) {
    // 11 to 17: every seeded status on every day, and purge batches that end mid-day.
    const int count = 11 + static_cast<int>(day % 7);
    for (int index = 0; index < count; ++index)
      visit(dayName(day), seededCall(day, index, statuses));
  }
}

}  // namespace

CallsPerDay seedCalls(vo::api::CallStore& store, int64_t nowMs, int dayCount,
                      SeededStatuses statuses) {
  seedTenants(store, nowMs);
  CallsPerDay perDay;
  std::vector<vo::api::Call> calls;
  forEachSeededCall(nowMs, dayCount, statuses, [&](const std::string& day, vo::api::Call call) {
    ++perDay[day];
    calls.push_back(std::move(call));
  });
  auto inserted = store.insertCalls(calls, nullptr);
  EXPECT_TRUE(inserted.ok()) << (inserted.ok() ? "" : inserted.error().message);
  return perDay;
}

CallsPerDay notFinalPerDay(int64_t nowMs, int dayCount, SeededStatuses statuses) {
  CallsPerDay perDay;
  forEachSeededCall(nowMs, dayCount, statuses,
                    [&](const std::string& day, const vo::api::Call& call) {
                      perDay[day] += vo::api::isFinal(call.status) ? 0 : 1;
                    });
  return perDay;
}

std::string reportText(vo::api::CallStore& store, const std::string& fromDay,
                       const std::string& toDay) {
  auto report = store.report({"", "", fromDay, toDay});
  if (!report) return "report failed: " + report.error().message;
  auto countsText = [](const vo::api::StatusCounts& counts) {
    std::string text;
    for (const auto& [status, count] : counts) {
      if (count != 0)
        text += " " + std::string(vo::api::toString(status)) + "=" + std::to_string(count);
    }
    return text;
  };
  std::string text;
  for (const vo::api::ReportRow& row : report->rows) {
    text += row.day + " " + row.workspaceId + " " + row.agentId +
            " total=" + std::to_string(row.total) + countsText(row.byStatus) +
            " durationSecs=" + std::to_string(row.durationSecs) + "\n";
  }
  text += "totals total=" + std::to_string(report->total) + countsText(report->byStatus) +
          " durationSecs=" + std::to_string(report->durationSecs) + "\n";
  return text;
}

std::vector<std::string> daysWithAnyCalls(vo::api::CallStore& store) {
  auto days = store.daysWithCalls("9999-12-31");
  EXPECT_TRUE(days.ok()) << (days.ok() ? "" : days.error().message);
  return days.ok() ? days.value() : std::vector<std::string>{};
}

std::shared_ptr<spdlog::logger> testLogger(const std::string& name) {
  auto logger =
      std::make_shared<spdlog::logger>(name, std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_level(spdlog::level::warn);
  return logger;
}

}  // namespace vo::retention::testing
