// Two real voice-orchestrator processes share one SQLite database holding 40 days of calls.
// Each runs retention as it starts: only the last RETENTION_DAYS days stay, the report over the
// 40 days is unchanged, nothing is purged twice, and /health and /metrics show the last run.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <sstream>

#include "RetentionTestSupport.h"
#include "vo/retention/RetentionSchedule.h"
#include "vo/retention/UtcCalendar.h"
#include "vo/store_sqlite/SqliteStoreFactory.h"
#include "vo/testing/HttpClient.h"
#include "vo/testing/Json.h"
#include "vo/testing/ServerProcess.h"
#include "vo/testing/TempDir.h"
#include "vo/testing/Wait.h"

namespace vo::retention::testing {
namespace {

constexpr const char* kAdminKey = "retention-e2e-admin-key-0123456789abcdef";

std::string configFor(const std::string& databasePath) {
  return std::string(R"(log:
  level: info
server:
  host: 127.0.0.1
  port: ${SERVICE_PORT}
auth:
  adminKey: )") +
         kAdminKey + R"(
plugins:
  store:
    name: sqlite
    config:
      path: )" +
         databasePath + R"(
  queue:
    name: memory
    config: {}
  provider:
    name: simulator
    config:
      latencyMs: 0
      callDurationMs: 50
      outcomes:
        completed: 1
  retention:
    name: retention
    config:
      days: 30
      purgeBatch: 7
      batchPauseMs: 0
tenants:
  workspaces:
    - id: demo
      name: Demo
      agents:
        - id: agent_demo
          name: Demo agent
      phoneNumbers:
        - id: phnum_demo
          number: "+34601893170"
          provider: twilio
)";
}

// "2026-11-23T10:00:00.000Z" as epoch ms.
int64_t parseIsoMs(const std::string& text) {
  const auto day = parseDayName(text.substr(0, 10));
  if (!day || text.size() < 19) return -1;
  const int64_t timeMs = parseTimeOfDay(text.substr(11, 5)).value_or(0) +
                         std::stoll(text.substr(17, 2)) * 1000 +
                         (text.size() >= 23 ? std::stoll(text.substr(20, 3)) : 0);
  return dayStartMs(*day) + timeMs;
}

std::string isoOfDayStart(int64_t dayNumber) {
  return dayName(dayNumber) + "T00:00:00.000Z";
}

// /health's retention component ({name, up, detail, lastRun}: the admin's view) once its last
// run finished; nullopt before.
std::optional<vo::testing::Json> retentionHealthOf(vo::testing::HttpClient& client) {
  const vo::testing::HttpResponse health = client.get("/health");
  if (health.status != 200 && health.status != 503) return std::nullopt;
  const vo::testing::Json retention = health.json()["components"]["retention"];
  if (retention["lastRun"]["finishedAt"].isNull()) return std::nullopt;
  return retention;
}

// The value of one sample line of the Prometheus text, -1 when absent.
int64_t metricValue(const std::string& metrics, const std::string& sample) {
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(sample + " ", 0) == 0) return std::stoll(line.substr(sample.size() + 1));
  }
  return -1;
}

// The report's totals as text: "total=N durationSecs=N busy=N completed=N ..." (by name).
std::string totalsText(int64_t total, int64_t durationSecs,
                       const std::map<std::string, int64_t>& byStatus) {
  std::string text =
      "total=" + std::to_string(total) + " durationSecs=" + std::to_string(durationSecs);
  for (const auto& [name, count] : byStatus) {
    if (count != 0) text += " " + name + "=" + std::to_string(count);
  }
  return text;
}

std::string totalsText(const vo::testing::Json& totals) {
  std::map<std::string, int64_t> byStatus;
  for (const auto& [name, value] : totals["byStatus"].members()) byStatus[name] = value.int64();
  return totalsText(totals["total"].int64(), totals["durationSecs"].int64(), byStatus);
}

std::string totalsText(const vo::api::Report& report) {
  std::map<std::string, int64_t> byStatus;
  for (const auto& [status, count] : report.byStatus) {
    byStatus[std::string(vo::api::toString(status))] = count;
  }
  return totalsText(report.total, report.durationSecs, byStatus);
}

int64_t systemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The SQLite database at `path`, migrated and seeded with 40 days of final calls ending the day
// of nowMs; `perDay` gets the seeded counts.
std::unique_ptr<vo::api::CallStore> seededStore(const std::string& path, int64_t nowMs,
                                                CallsPerDay& perDay) {
  YAML::Node storeConfig;
  storeConfig["path"] = path;
  auto store = vo::store_sqlite::createSqliteStore(storeConfig, "plugins.store.config");
  EXPECT_TRUE(store->migrate().ok());
  perDay = seedCalls(*store, nowMs, 40, SeededStatuses::kFinalOnly);
  return store;
}

TEST(RetentionE2e, TwoServersOnOneDatabaseKeepTheRetainedDaysAndTheReport) {
  vo::testing::TempDir folder("vo-retention-e2e");
  const std::string databasePath = folder.file("calls.db");
  CallsPerDay perDay;
  vo::api::Report before;
  {
    auto store = seededStore(databasePath, systemNowMs(), perDay);
    auto report = store->report({"", "", perDay.begin()->first, perDay.rbegin()->first});
    ASSERT_TRUE(report.ok()) << report.error().message;
    before = report.value();
  }

  std::vector<std::unique_ptr<vo::testing::ServerProcess>> servers;
  std::vector<vo::testing::Json> runs;
  for (int instance = 0; instance < 2; ++instance) {
    vo::testing::ServerOptions options;
    options.configYaml = configFor(databasePath);
    options.env["RETENTION_DAYS"] = "15";  // overrides the file's 30
    servers.push_back(std::make_unique<vo::testing::ServerProcess>(options));
  }
  for (auto& server : servers) server->start();
  for (auto& server : servers) {
    vo::testing::HttpClient client(server->port());
    client.setDefaultHeader("Authorization", std::string("Bearer ") + kAdminKey);  // lastRun
    std::optional<vo::testing::Json> retention;
    ASSERT_TRUE(vo::testing::waitUntil([&] {
      retention = retentionHealthOf(client);
      return retention.has_value();
    })) << server->logText();
    const vo::testing::Json& component = *retention;
    EXPECT_TRUE(component["up"].boolean()) << component["detail"].string();
    runs.push_back(component["lastRun"]);
    EXPECT_TRUE(runs.back()["error"].isNull()) << server->logText();
  }

  // Each instance ran once at start; together they purged every old call exactly once.
  RetentionSettings settings;
  settings.days = 15;
  const int64_t startedAtMs = parseIsoMs(runs[0]["startedAt"].string());
  const int64_t oldestKept = oldestKeptDay(settings, startedAtMs);
  int64_t expectedPurged = 0;
  for (const auto& [day, count] : perDay) {
    if (*parseDayName(day) < oldestKept) expectedPurged += count;
  }
  ASSERT_GT(expectedPurged, 0);
  EXPECT_EQ(runs[0]["callsPurged"].int64() + runs[1]["callsPurged"].int64(), expectedPurged);

  vo::testing::HttpClient admin(servers[0]->port());
  admin.setDefaultHeader("Authorization", std::string("Bearer ") + kAdminKey);
  const vo::testing::HttpResponse report =
      admin.get("/calls/report?from=" + perDay.begin()->first + "&to=" + perDay.rbegin()->first);
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_EQ(totalsText(report.json()["totals"]), totalsText(before));
  EXPECT_EQ(report.json()["rows"].size(), before.rows.size());

  const vo::testing::HttpResponse older =
      admin.get("/calls?limit=1000&createdTo=" + isoOfDayStart(oldestKept));
  ASSERT_EQ(older.status, 200) << older.body;
  EXPECT_EQ(older.json()["data"].size(), 0u);

  vo::testing::HttpClient scraper(servers[0]->port());
  const std::string metrics = scraper.get("/metrics").body;
  EXPECT_EQ(metricValue(metrics, "vo_retention_last_run_calls{action=\"purged\"}"),
            runs[0]["callsPurged"].int64())
      << metrics;
  EXPECT_EQ(metricValue(metrics, "vo_retention_last_run_failed"), 0) << metrics;
  EXPECT_GT(metricValue(metrics, "vo_retention_last_run_finished_seconds"), 0) << metrics;

  for (auto& server : servers) EXPECT_EQ(server->terminate(), 0) << server->logText();
}

// Issue 9, hole 3: retention used to delete every call of an old day, so a paused campaign of
// 20 days ago lost its queued calls. Now they stay (and are counted as kept), the report is
// unchanged, and the campaign, resumed, dials them.
TEST(RetentionE2e, APausedCampaignOfTwentyDaysAgoKeepsItsQueuedCallsAndDialsThemOnResume) {
  vo::testing::TempDir folder("vo-retention-e2e");
  const std::string databasePath = folder.file("calls.db");
  const int64_t nowMs = systemNowMs();
  constexpr int kQueued = 30;
  const int64_t oldDay = dayNumberOf(nowMs) - 20;
  CallsPerDay perDay;
  vo::api::Report before;
  {
    auto store = seededStore(databasePath, nowMs, perDay);
    vo::api::Campaign campaign;
    campaign.id = "cmp-old";
    campaign.workspaceId = "ws-a";
    campaign.agentId = "agent-ws-a-1";
    campaign.agentPhoneNumberId = "phnum-ws-a";
    campaign.name = "Paused twenty days ago";
    campaign.totalCalls = kQueued;
    campaign.createdAtMs = dayStartMs(oldDay) + 3'600'000;
    campaign.updatedAtMs = campaign.createdAtMs;
    std::vector<vo::api::Call> calls;
    for (int i = 0; i < kQueued; ++i) {
      vo::api::Call call;
      call.id = "old-queued-" + std::to_string(100 + i);
      call.workspaceId = campaign.workspaceId;
      call.agentId = campaign.agentId;
      call.agentPhoneNumberId = campaign.agentPhoneNumberId;
      call.campaignId = campaign.id;
      call.to = "+34612000" + std::to_string(100 + i);
      call.from = "+34600000000";
      call.createdAtMs = campaign.createdAtMs + i;
      call.updatedAtMs = call.createdAtMs;
      calls.push_back(call);
    }
    ASSERT_TRUE(store->createCampaignWithCalls(campaign, calls, nullptr).ok());
    ASSERT_TRUE(
        store->setCampaignStatus("cmp-old", vo::api::CampaignStatus::kPaused, campaign.createdAtMs)
            .ok());
    auto report = store->report({"", "", perDay.begin()->first, perDay.rbegin()->first});
    ASSERT_TRUE(report.ok()) << report.error().message;
    before = report.value();
    ASSERT_EQ(before.byStatus[vo::api::CallStatus::kQueued], kQueued);
  }

  vo::testing::ServerOptions options;
  options.configYaml = configFor(databasePath);
  options.env["RETENTION_DAYS"] = "15";
  vo::testing::ServerProcess server(options);
  server.start();
  vo::testing::HttpClient admin(server.port());
  admin.setDefaultHeader("Authorization", std::string("Bearer ") + kAdminKey);
  std::optional<vo::testing::Json> retention;
  ASSERT_TRUE(vo::testing::waitUntil([&] {
    retention = retentionHealthOf(admin);
    return retention.has_value();
  })) << server.logText();
  const vo::testing::Json run = (*retention)["lastRun"];
  EXPECT_TRUE(run["error"].isNull()) << server.logText();
  EXPECT_GT(run["callsPurged"].int64(), 0);
  EXPECT_EQ(run["callsKeptNotFinal"].int64(), kQueued);
  EXPECT_NE(server.logText().find("keeps 30 calls not final (30 queued)"), std::string::npos)
      << server.logText();

  const auto queued = admin.get("/calls?limit=1000&campaignId=cmp-old&status=queued");
  ASSERT_EQ(queued.status, 200) << queued.body;
  EXPECT_EQ(queued.json()["data"].size(), static_cast<std::size_t>(kQueued));
  const std::string range = "from=" + perDay.begin()->first + "&to=" + perDay.rbegin()->first;
  const auto kept = admin.get("/calls/report?" + range);
  ASSERT_EQ(kept.status, 200) << kept.body;
  EXPECT_EQ(totalsText(kept.json()["totals"]), totalsText(before));

  // Resumed, the kept calls are dialed and end; the old day reports them as they ended.
  ASSERT_EQ(admin.post("/campaigns/cmp-old/resume", "").status, 200);
  ASSERT_TRUE(vo::testing::waitUntil([&] {
    return admin.get("/campaigns/cmp-old").json()["finished"].int64() == kQueued;
  })) << server.logText();
  const auto ended = admin.get("/calls/report?from=" + dayName(oldDay) + "&to=" + dayName(oldDay));
  ASSERT_EQ(ended.status, 200) << ended.body;
  const vo::testing::Json byStatus = ended.json()["totals"]["byStatus"];
  EXPECT_FALSE(byStatus.has("queued") && byStatus["queued"].int64() > 0) << ended.body;
  EXPECT_EQ(ended.json()["totals"]["total"].int64(), perDay.at(dayName(oldDay)) + kQueued);
  EXPECT_EQ(server.terminate(), 0) << server.logText();
}

}  // namespace
}  // namespace vo::retention::testing
