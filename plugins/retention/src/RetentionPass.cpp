#include "RetentionPass.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "vo/retention/DailyRetention.h"
#include "vo/retention/RetentionSchedule.h"
#include "vo/retention/UtcCalendar.h"

namespace vo::retention {
namespace {

using vo::api::Error;
using vo::api::Result;

// The store's error, with what we were doing in front of its message.
Error whileDoing(const std::string& what, const Error& cause) {
  return Error{cause.code, what + ": " + cause.message};
}

}  // namespace

RetentionPass::RetentionPass(vo::api::CallStore& store, spdlog::logger& logger,
                             const RetentionSettings& settings, const std::string& holderId,
                             int64_t nowMs)
    : store_(store),
      logger_(logger),
      settings_(settings),
      holderId_(holderId),
      nowMs_(nowMs),
      startedAt_(std::chrono::steady_clock::now()) {
  run_.startedAtMs = nowMs;
}

int64_t RetentionPass::clockMs() const {
  const auto spent = std::chrono::steady_clock::now() - startedAt_;
  return nowMs_ + std::chrono::duration_cast<std::chrono::milliseconds>(spent).count();
}

Result<bool> RetentionPass::acquireLease() {
  auto acquired =
      store_.acquireLease(kRetentionLeaseName, holderId_, clockMs(), settings_.leaseTtlMs);
  if (!acquired) return whileDoing("acquiring the retention lease", acquired.error());
  return acquired;
}

Result<void> RetentionPass::renewLease() {
  auto renewed = acquireLease();
  if (!renewed) return renewed.error();
  if (!renewed.value()) {
    return Error{vo::api::ErrorCode::kConflict,
                 "lost the retention lease to another instance (the lease outlived leaseTtlMs)"};
  }
  return {};
}

void RetentionPass::releaseLease() {
  auto released = store_.releaseLease(kRetentionLeaseName, holderId_);
  if (!released) {
    logger_.warn("releasing the retention lease failed (it expires by itself): {}",
                 released.error().message);
  }
}

Result<std::vector<std::string>> RetentionPass::daysBefore(int64_t dayNumber, const char* purpose) {
  auto days = store_.daysWithCalls(dayName(dayNumber));
  if (!days) return whileDoing(std::string("listing days to ") + purpose, days.error());
  for (const std::string& day : days.value()) {
    if (!parseDayName(day)) {
      return Error{vo::api::ErrorCode::kInternal,
                   "the store listed a day that is not YYYY-MM-DD: \"" + day + "\""};
    }
  }
  return days;
}

Result<void> RetentionPass::rollUpRecentDays() {
  const int64_t newest = newestRollUpDay(settings_, nowMs_);
  const int64_t oldest =
      std::max(oldestRefreshedDay(settings_, nowMs_), oldestKeptDay(settings_, nowMs_));
  if (oldest > newest) return {};
  auto days = daysBefore(newest + 1, "roll up");
  if (!days) return days.error();
  for (const std::string& day : days.value()) {
    if (*parseDayName(day) < oldest) continue;  // older days are frozen by the purge
    if (auto renewed = renewLease(); !renewed) return renewed;
    auto counted = store_.rollUpDay(day, clockMs());
    if (!counted) return whileDoing("rolling up " + day, counted.error());
    logger_.debug("rolled up {}: {} calls", day, counted.value());
    if (counted.value() > 0) ++run_.daysRolledUp;
    run_.callsRolledUp += counted.value();
  }
  return {};
}

Result<void> RetentionPass::purgeOldDays() {
  auto days = daysBefore(oldestKeptDay(settings_, nowMs_), "purge");
  if (!days) return days.error();
  for (const std::string& day : days.value()) {
    if (auto purged = freezeAndPurge(day); !purged) return purged;
  }
  return {};
}

Result<void> RetentionPass::freezeAndPurge(const std::string& day) {
  const auto dayStarted = std::chrono::steady_clock::now();
  if (auto renewed = renewLease(); !renewed) return renewed;
  // Counts what the final roll-up covers; 0 when an earlier, interrupted run froze the day.
  auto counted = store_.rollUpDay(day, clockMs());
  if (!counted) return whileDoing("rolling up " + day + " before freezing it", counted.error());
  if (counted.value() > 0) ++run_.daysRolledUp;
  run_.callsRolledUp += counted.value();
  if (auto frozen = store_.freezeDay(day, clockMs()); !frozen) {
    return whileDoing("freezing " + day, frozen.error());
  }
  int64_t purgedFromDay = 0;
  int64_t batches = 0;
  while (true) {
    if (auto renewed = renewLease(); !renewed) return renewed;
    auto purged = store_.purgeDay(day, static_cast<int>(settings_.purgeBatch));
    if (!purged) return whileDoing("purging " + day, purged.error());
    if (purged.value() == 0) break;
    ++batches;
    purgedFromDay += purged.value();
    run_.callsPurged += purged.value();
    if (settings_.batchPauseMs > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(settings_.batchPauseMs));
    }
  }
  const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - dayStarted);
  logger_.info("purged {}: {} calls in {} batches ({} ms), its roll-up frozen", day, purgedFromDay,
               batches, spent.count());
  return reportKept(day);
}

Result<void> RetentionPass::reportKept(const std::string& day) {
  // What the purge left: calls not final. They stay, reported live, until a later run.
  auto report = store_.report({"", "", day, day});
  if (!report) return whileDoing("reading what " + day + " still holds", report.error());
  int64_t kept = 0;
  std::string byStatus;
  for (const auto& [status, count] : report->byStatus) {
    if (vo::api::isFinal(status) || count == 0) continue;
    kept += count;
    byStatus += (byStatus.empty() ? "" : ", ") + std::to_string(count) + " " +
                std::string(vo::api::toString(status));
  }
  if (kept == 0) return {};
  run_.callsKeptNotFinal += kept;
  logger_.warn("{} is past retention but keeps {} calls not final ({}): purged once they end", day,
               kept, byStatus);
  return {};
}

}  // namespace vo::retention
