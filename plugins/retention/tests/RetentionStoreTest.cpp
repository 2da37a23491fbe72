// The retention plugin on real stores: calls spread over 40 days, runs that fail or are killed
// midway and are run again, two instances at once, and the schedule. Time is injected (nowMs).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <latch>
#include <thread>

#include "RetentionTestSupport.h"
#include "vo/retention/DailyRetention.h"
#include "vo/retention/RetentionSchedule.h"
#include "vo/retention/UtcCalendar.h"

namespace vo::retention::testing {
namespace {

int64_t at(const char* day, const char* timeOfDay) {
  return dayStartMs(parseDayName(day).value()) + parseTimeOfDay(timeOfDay).value();
}

const int64_t kNowMs = at("2026-11-23", "10:00");
constexpr int kSeededDays = 40;
constexpr int64_t kMinuteMs = 60'000;

RetentionSettings testSettings() {
  RetentionSettings settings;
  settings.days = 15;
  settings.purgeBatch = 4;  // several batches per day, so runs stop between batches
  settings.batchPauseMs = 0;
  settings.refreshDays = 3;
  settings.leaseTtlMs = 10 * 60 * kMinuteMs;
  return settings;
}

// The seeded days split at the retention cutoff of nowMs. Older days keep their calls that are
// not final (issue 9: retention used to delete them too).
struct Split {
  std::vector<std::string> keptDays;
  int64_t keptCalls = 0;
  int64_t keptOlderCalls = 0;  // not final, on days before the cutoff
  int64_t purgedCalls = 0;
};

Split splitAtCutoff(const CallsPerDay& perDay, const CallsPerDay& notFinal,
                    const RetentionSettings& settings, int64_t nowMs) {
  const std::string oldestKept = dayName(oldestKeptDay(settings, nowMs));
  Split split;
  for (const auto& [day, count] : perDay) {
    const int64_t live = notFinal.contains(day) ? notFinal.at(day) : 0;
    if (day >= oldestKept) {
      split.keptDays.push_back(day);
      split.keptCalls += count;
    } else {
      if (live > 0) split.keptDays.push_back(day);
      split.keptCalls += live;
      split.keptOlderCalls += live;
      split.purgedCalls += count - live;
    }
  }
  return split;
}

// The "Threads:" line of /proc/self/status.
int threadsInThisProcess() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

int64_t countCalls(vo::api::CallStore& store, const vo::api::CallFilter& filter) {
  int64_t count = 0;
  std::string cursor;
  do {
    auto page = store.listCalls(filter, 1000, cursor);
    if (!page) {
      ADD_FAILURE() << "listCalls: " << page.error().message;
      return -1;
    }
    count += static_cast<int64_t>(page->calls.size());
    cursor = page->nextCursor;
  } while (!cursor.empty());
  return count;
}

class RetentionOnStore : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    if (!GetParam().create) GTEST_SKIP() << GetParam().name << ": PGHOST is not set";
    database_ = GetParam().create();
    store_ = database_->open();
  }

  std::unique_ptr<vo::api::RetentionPolicy> policyOn(vo::api::CallStore& store,
                                                     const RetentionSettings& settings,
                                                     const std::string& holder) {
    return makeDailyRetention(store, *logger_, settings, holder);
  }

  // Seeds 40 days ending today and remembers the whole period's report.
  void seed() {
    perDay_ = seedCalls(*store_, kNowMs, kSeededDays);
    notFinal_ = notFinalPerDay(kNowMs, kSeededDays);
    reportBefore_ = wholeReport();
    ASSERT_EQ(reportBefore_.find("report failed"), std::string::npos) << reportBefore_;
  }

  std::string wholeReport() {
    return reportText(*store_, perDay_.begin()->first, perDay_.rbegin()->first);
  }

  // What must hold after retention finished at nowMs, however it got there.
  void expectRetainedAndReportUnchanged(const RetentionSettings& settings, int64_t nowMs) {
    const Split split = splitAtCutoff(perDay_, notFinal_, settings, nowMs);
    EXPECT_EQ(daysWithAnyCalls(*store_), split.keptDays);
    vo::api::CallFilter older;
    older.createdToMs = dayStartMs(oldestKeptDay(settings, nowMs));
    EXPECT_EQ(countCalls(*store_, older), split.keptOlderCalls);
    EXPECT_EQ(countCalls(*store_, {}), split.keptCalls);
    EXPECT_EQ(wholeReport(), reportBefore_);
  }

  std::shared_ptr<spdlog::logger> logger_ = testLogger("retention-test");
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<vo::api::CallStore> store_;
  CallsPerDay perDay_;
  CallsPerDay notFinal_;
  std::string reportBefore_;
};

TEST_P(RetentionOnStore, FortyDaysKeepOnlyTheRetainedDaysAndTheSameReport) {
  seed();
  const RetentionSettings settings = testSettings();
  const Split split = splitAtCutoff(perDay_, notFinal_, settings, kNowMs);
  const std::string oldestKept = dayName(oldestKeptDay(settings, kNowMs));
  // The last 15 days and today, and older days for their calls not final.
  ASSERT_EQ(std::count_if(split.keptDays.begin(), split.keptDays.end(),
                          [&](const std::string& day) { return day >= oldestKept; }),
            16);
  ASSERT_GT(split.keptOlderCalls, 0);
  auto policy = policyOn(*store_, settings, "only");

  auto run = policy->runDue(kNowMs);
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_FALSE(run->skipped);
  EXPECT_EQ(run->callsPurged, split.purgedCalls);
  EXPECT_GE(run->daysRolledUp, kSeededDays - 16);
  EXPECT_EQ(run->startedAtMs, kNowMs);
  EXPECT_GE(run->finishedAtMs, kNowMs);
  expectRetainedAndReportUnchanged(settings, kNowMs);
  EXPECT_EQ(policy->lastRun().callsPurged, split.purgedCalls);
  EXPECT_TRUE(policy->health().up) << policy->health().detail;

  // Running again changes nothing: the frozen days' roll-ups stay, nothing is purged twice.
  auto again = policy->runDue(kNowMs + kMinuteMs);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->callsPurged, 0);
  expectRetainedAndReportUnchanged(settings, kNowMs);
}

TEST_P(RetentionOnStore, AStoreFailureAtAnyPointThenARerunGiveTheSameTotals) {
  const RetentionSettings settings = testSettings();
  // The n-th retention write fails: a roll-up, the final roll-up, a freeze, a purge batch.
  for (int failingWrite : {1, 3, 4, 5, 6, 7, 20, 60}) {
    SCOPED_TRACE("failing write #" + std::to_string(failingWrite));
    store_.reset();
    database_ = GetParam().create();
    store_ = database_->open();
    seed();
    WatchedRetentionStore flaky(*store_);
    int writes = 0;
    bool failing = true;
    flaky.beforeWrite = [&](std::string_view) -> std::optional<vo::api::Error> {
      if (failing && ++writes == failingWrite) {
        return vo::api::Error{vo::api::ErrorCode::kUnavailable, "injected: connection lost"};
      }
      return std::nullopt;
    };
    auto policy = policyOn(flaky, settings, "flaky");

    auto failed = policy->runDue(kNowMs);
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().code, vo::api::ErrorCode::kUnavailable);
    EXPECT_NE(failed.error().message.find("injected"), std::string::npos);
    const vo::api::RetentionRun stopped = policy->lastRun();
    EXPECT_NE(stopped.error.find("injected"), std::string::npos);
    EXPECT_FALSE(policy->health().up);
    EXPECT_EQ(policy->nextRunAtMs(kNowMs), stopped.finishedAtMs + settings.retryAfterMs);
    EXPECT_EQ(wholeReport(), reportBefore_) << "mid-way, after the failure";

    failing = false;
    const int64_t retryAtMs = kNowMs + 2 * kMinuteMs;
    auto rerun = policy->runDue(retryAtMs);
    ASSERT_TRUE(rerun.ok()) << rerun.error().message;
    EXPECT_TRUE(policy->health().up) << policy->health().detail;
    EXPECT_EQ(stopped.callsPurged + rerun->callsPurged,
              splitAtCutoff(perDay_, notFinal_, settings, retryAtMs).purgedCalls);
    expectRetainedAndReportUnchanged(settings, retryAtMs);
  }
}

TEST_P(RetentionOnStore, AProcessKilledMidPurgeIsFinishedByTheNextRunAfterItsLease) {
  seed();
  const RetentionSettings settings = testSettings();
  constexpr int kPurgeBatchesBeforeKill = 5;

  // Only the forking thread lives on in the child: any lock another thread held at the fork
  // (SQLite's WAL checkpointer, for one) would stay held there forever and hang the child. So
  // the store's threads stop first, and the child starts from a process with one thread.
  store_.reset();
  ASSERT_EQ(threadsInThisProcess(), 1);
  const pid_t child = fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    // Another instance with its own connection, killed right after a purge batch committed.
    auto store = database_->open();
    WatchedRetentionStore doomed(*store);
    int purges = 0;
    doomed.afterWrite = [&](std::string_view method) {
      if (method == "purgeDay" && ++purges == kPurgeBatchesBeforeKill) raise(SIGKILL);
    };
    auto policy = makeDailyRetention(doomed, *logger_, settings, "doomed");
    (void)policy->runDue(kNowMs);
    _exit(3);  // never reached when the kill happened
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child status " << status;
  store_ = database_->open();

  const std::vector<std::string> left = daysWithAnyCalls(*store_);
  ASSERT_FALSE(left.empty());
  vo::api::CallFilter older;
  older.createdToMs = dayStartMs(oldestKeptDay(settings, kNowMs));
  EXPECT_GT(countCalls(*store_, older),
            splitAtCutoff(perDay_, notFinal_, settings, kNowMs).keptOlderCalls)
      << "the purge was cut short: final calls of older days are left";
  EXPECT_EQ(wholeReport(), reportBefore_) << "after the kill";

  auto policy = policyOn(*store_, settings, "restarted");
  // The dead instance's lease still stands until its ttl runs out...
  auto blocked = policy->runDue(kNowMs + kMinuteMs);
  ASSERT_TRUE(blocked.ok()) << blocked.error().message;
  EXPECT_TRUE(blocked->skipped);
  EXPECT_EQ(daysWithAnyCalls(*store_), left);
  // ...then the next run takes it over and finishes the job.
  const int64_t laterMs = kNowMs + settings.leaseTtlMs + kMinuteMs;
  auto finished = policy->runDue(laterMs);
  ASSERT_TRUE(finished.ok()) << finished.error().message;
  EXPECT_FALSE(finished->skipped);
  EXPECT_GT(finished->callsPurged, 0);
  expectRetainedAndReportUnchanged(settings, laterMs);
}

TEST_P(RetentionOnStore, TwoInstancesAtOnceWorkOneAtATimeAndCountNothingTwice) {
  seed();
  RetentionSettings settings = testSettings();
  settings.batchPauseMs = 1;  // longer runs, so the two overlap
  std::atomic<int> inFlight{0};
  std::atomic<int> mostInFlight{0};
  std::vector<std::unique_ptr<vo::api::CallStore>> stores;
  std::vector<std::unique_ptr<WatchedRetentionStore>> watched;
  std::vector<std::unique_ptr<vo::api::RetentionPolicy>> policies;
  for (int instance = 0; instance < 2; ++instance) {
    stores.push_back(database_->open());
    watched.push_back(std::make_unique<WatchedRetentionStore>(*stores.back()));
    watched.back()->beforeWrite = [&](std::string_view) -> std::optional<vo::api::Error> {
      const int now = ++inFlight;
      int seen = mostInFlight.load();
      while (now > seen && !mostInFlight.compare_exchange_weak(seen, now)) {
      }
      return std::nullopt;
    };
    watched.back()->afterWrite = [&](std::string_view) { --inFlight; };
    policies.push_back(policyOn(*watched.back(), settings, "instance-" + std::to_string(instance)));
  }

  // Two rounds: today's purge, then tomorrow's, which purges one more day.
  int64_t purgedSoFar = 0;
  for (int64_t nowMs : {kNowMs, kNowMs + kMsPerDay}) {
    std::vector<vo::api::Result<vo::api::RetentionRun>> runs(2, vo::api::Error{});
    std::latch start(2);
    std::vector<std::thread> threads;
    for (int instance = 0; instance < 2; ++instance) {
      threads.emplace_back([&, instance] {
        start.arrive_and_wait();
        runs[instance] = policies[instance]->runDue(nowMs);
      });
    }
    for (std::thread& thread : threads) thread.join();
    int64_t purged = 0;
    for (auto& run : runs) {
      ASSERT_TRUE(run.ok()) << run.error().message;
      purged += run->callsPurged;
    }
    EXPECT_EQ(mostInFlight.load(), 1) << "both instances wrote at the same time";
    EXPECT_EQ(purgedSoFar + purged, splitAtCutoff(perDay_, notFinal_, settings, nowMs).purgedCalls);
    purgedSoFar += purged;
    expectRetainedAndReportUnchanged(settings, nowMs);
  }
}

TEST_P(RetentionOnStore, RollsUpADayOnlyOnceRollupTimeHasComeAndSchedulesTheNextSlot) {
  perDay_ = seedCalls(*store_, at("2026-11-23", "10:00"), 5);
  RetentionSettings settings = testSettings();
  settings.days = 100;  // nothing to purge here
  settings.refreshDays = 1;
  settings.rollupAtMs = parseTimeOfDay("00:05").value();
  settings.purgeAtMs = parseTimeOfDay("00:15").value();
  auto policy = policyOn(*store_, settings, "scheduled");
  EXPECT_TRUE(policy->health().up);
  // Before any run, one is due at once: it catches up on what fell due while nobody ran.
  EXPECT_EQ(policy->nextRunAtMs(at("2026-11-23", "00:01")), at("2026-11-23", "00:01"));

  auto early = policy->runDue(at("2026-11-23", "00:04"));
  ASSERT_TRUE(early.ok()) << early.error().message;
  EXPECT_EQ(early->callsRolledUp, perDay_.at("2026-11-21")) << "yesterday is not due before 00:05";
  EXPECT_EQ(policy->nextRunAtMs(at("2026-11-23", "00:04")), at("2026-11-23", "00:05"));

  auto onTime = policy->runDue(at("2026-11-23", "00:05"));
  ASSERT_TRUE(onTime.ok()) << onTime.error().message;
  EXPECT_EQ(onTime->callsRolledUp, perDay_.at("2026-11-22"));
  EXPECT_EQ(onTime->daysRolledUp, 1);
  EXPECT_EQ(onTime->callsPurged, 0);
  EXPECT_EQ(policy->nextRunAtMs(at("2026-11-23", "00:05")), at("2026-11-23", "00:15"));

  ASSERT_TRUE(policy->runDue(at("2026-11-23", "00:15")).ok());
  EXPECT_EQ(policy->nextRunAtMs(at("2026-11-23", "00:15")), at("2026-11-24", "00:05"));
  // A late core still gets a run at once for the slot it slept through.
  EXPECT_EQ(policy->nextRunAtMs(at("2026-11-25", "09:00")), at("2026-11-24", "00:05"));
  EXPECT_EQ(daysWithAnyCalls(*store_).size(), 5u);
}

TEST_P(RetentionOnStore, ALateOutcomeOfARolledUpDayIsCountedByTheNextRun) {
  perDay_ = seedCalls(*store_, kNowMs, 3);
  auto policy = policyOn(*store_, testSettings(), "refresh");
  ASSERT_TRUE(policy->runDue(kNowMs).ok());
  const std::string yesterday = dayName(dayNumberOf(kNowMs) - 1);
  auto before = store_->report({"", "", yesterday, yesterday});
  ASSERT_TRUE(before.ok()) << before.error().message;

  vo::api::CallFilter inFlight;
  inFlight.status = vo::api::CallStatus::kInitiated;
  inFlight.createdFromMs = dayStartMs(dayNumberOf(kNowMs) - 1);
  inFlight.createdToMs = dayStartMs(dayNumberOf(kNowMs));
  auto page = store_->listCalls(inFlight, 1, "");
  ASSERT_TRUE(page.ok() && !page->calls.empty()) << "the seed has a call still in flight";
  vo::api::CallTransition outcome;
  outcome.callId = page->calls.front().id;
  outcome.from = {vo::api::CallStatus::kInitiated};
  outcome.to = vo::api::CallStatus::kCompleted;
  outcome.atMs = kNowMs + kMinuteMs;
  outcome.durationSecs = 42;
  auto moved = store_->transition(outcome);
  ASSERT_TRUE(moved.ok() && moved.value());

  ASSERT_TRUE(policy->runDue(kNowMs + 2 * kMinuteMs).ok());
  auto after = store_->report({"", "", yesterday, yesterday});
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_EQ(after->total, before->total);
  EXPECT_EQ(after->byStatus[vo::api::CallStatus::kCompleted],
            before->byStatus[vo::api::CallStatus::kCompleted] + 1);
  EXPECT_EQ(after->byStatus[vo::api::CallStatus::kInitiated],
            before->byStatus[vo::api::CallStatus::kInitiated] - 1);
  EXPECT_EQ(after->durationSecs, before->durationSecs + 42);
}

INSTANTIATE_TEST_SUITE_P(Stores, RetentionOnStore, ::testing::ValuesIn(compiledBackends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace vo::retention::testing
