// The calendar, the settings and the schedule: pure functions of an instant, no store, no clock.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "vo/api/ConfigReader.h"
#include "vo/retention/RetentionSchedule.h"
#include "vo/retention/RetentionSettings.h"
#include "vo/retention/UtcCalendar.h"

namespace vo::retention {
namespace {

int64_t day(const char* name) {
  return parseDayName(name).value();
}

int64_t at(const char* dayText, const char* timeOfDay) {
  return dayStartMs(day(dayText)) + parseTimeOfDay(timeOfDay).value();
}

RetentionSettings settingsFrom(const std::string& yaml) {
  vo::api::ConfigReader reader(YAML::Load(yaml), "plugins.retention.config");
  return readRetentionSettings(reader);
}

std::string configErrorOf(const std::string& yaml) {
  try {
    settingsFrom(yaml);
  } catch (const vo::api::ConfigError& error) {
    return error.what();
  }
  return "no error";
}

TEST(UtcCalendar, NamesDaysAndParsesThemBack) {
  EXPECT_EQ(day("1970-01-01"), 0);
  EXPECT_EQ(dayName(0), "1970-01-01");
  EXPECT_EQ(dayName(day("2024-02-29")), "2024-02-29");
  EXPECT_EQ(day("2026-11-23") - day("2026-10-14"), 40);
  EXPECT_EQ(dayNumberOf(at("2026-11-23", "23:59") + 59'999), day("2026-11-23"));
  EXPECT_EQ(dayNumberOf(-1), -1);
  EXPECT_EQ(isoInstant(at("2026-11-23", "00:05") + 7'000), "2026-11-23T00:05:07Z");
}

TEST(UtcCalendar, RefusesTextThatIsNotADate) {
  for (const char* text : {"2026-02-30", "2026-13-01", "2026-1-01", "2026/01/01", "", "abcd-ef-gh",
                           "2026-01-01x", "+026-01-01"}) {
    EXPECT_FALSE(parseDayName(text).has_value()) << text;
  }
}

TEST(UtcCalendar, ParsesTimesOfDay) {
  EXPECT_EQ(parseTimeOfDay("00:05"), 5 * 60'000);
  EXPECT_EQ(parseTimeOfDay("23:59"), (23 * 60 + 59) * 60'000);
  for (const char* text : {"24:00", "00:60", "0:05", "00-05", "005", "aa:bb", ""}) {
    EXPECT_FALSE(parseTimeOfDay(text).has_value()) << text;
  }
}

TEST(RetentionSettings, DefaultsMatchTheDocumentedSchedule) {
  const RetentionSettings settings = settingsFrom("{}");
  EXPECT_EQ(settings.days, 15);
  EXPECT_EQ(settings.rollupAtMs, 5 * 60'000);
  EXPECT_EQ(settings.purgeAtMs, 15 * 60'000);
  EXPECT_EQ(settings.purgeBatch, 5'000);
  EXPECT_GT(settings.leaseTtlMs, 0);
}

TEST(RetentionSettings, ReadsEveryKeyIncludingNumbersGivenAsText) {
  const RetentionSettings settings = settingsFrom(
      "{days: '30', rollupAtUtc: '01:30', purgeAtUtc: '02:00', purgeBatch: 100, "
      "batchPauseMs: 0, leaseTtlMs: 9000, refreshDays: 5, retryAfterMs: 2000}");
  EXPECT_EQ(settings.days, 30);
  EXPECT_EQ(settings.rollupAtMs, 90 * 60'000);
  EXPECT_EQ(settings.purgeAtMs, 120 * 60'000);
  EXPECT_EQ(settings.purgeBatch, 100);
  EXPECT_EQ(settings.batchPauseMs, 0);
  EXPECT_EQ(settings.leaseTtlMs, 9000);
  EXPECT_EQ(settings.refreshDays, 5);
  EXPECT_EQ(settings.retryAfterMs, 2000);
}

TEST(RetentionSettings, BadValuesNameTheKey) {
  EXPECT_NE(configErrorOf("{days: 0}").find("plugins.retention.config.days"), std::string::npos);
  EXPECT_NE(configErrorOf("{days: many}").find("plugins.retention.config.days"), std::string::npos);
  EXPECT_NE(configErrorOf("{rollupAtUtc: '25:00'}").find("plugins.retention.config.rollupAtUtc"),
            std::string::npos);
  EXPECT_NE(configErrorOf("{purgeAtUtc: noon}").find("plugins.retention.config.purgeAtUtc"),
            std::string::npos);
  EXPECT_NE(configErrorOf("{purgeBatch: 0}").find("plugins.retention.config.purgeBatch"),
            std::string::npos);
  EXPECT_NE(configErrorOf("{dayz: 3}").find("plugins.retention.config.dayz"), std::string::npos);
}

TEST(RetentionSchedule, RollsUpYesterdayOnlyOnceRollupTimeHasCome) {
  const RetentionSettings settings = settingsFrom("{rollupAtUtc: '00:05', refreshDays: 3}");
  EXPECT_EQ(newestRollUpDay(settings, at("2026-11-23", "00:04")), day("2026-11-21"));
  EXPECT_EQ(newestRollUpDay(settings, at("2026-11-23", "00:05")), day("2026-11-22"));
  EXPECT_EQ(newestRollUpDay(settings, at("2026-11-23", "23:59")), day("2026-11-22"));
  EXPECT_EQ(oldestRefreshedDay(settings, at("2026-11-23", "00:05")), day("2026-11-20"));
  const RetentionSettings noRefresh = settingsFrom("{refreshDays: 0}");
  EXPECT_GT(oldestRefreshedDay(noRefresh, at("2026-11-23", "12:00")),
            newestRollUpDay(noRefresh, at("2026-11-23", "12:00")));
}

TEST(RetentionSchedule, KeepsTheLastDaysCountedFromThePurgeTime) {
  const RetentionSettings settings = settingsFrom("{days: 15, purgeAtUtc: '00:15'}");
  EXPECT_EQ(oldestKeptDay(settings, at("2026-11-23", "00:15")), day("2026-11-08"));
  EXPECT_EQ(oldestKeptDay(settings, at("2026-11-23", "00:14")), day("2026-11-07"));
  const RetentionSettings oneDay = settingsFrom("{days: 1}");
  EXPECT_EQ(oldestKeptDay(oneDay, at("2026-11-23", "12:00")), day("2026-11-22"));
}

TEST(RetentionSchedule, NextSlotIsTheNextRollupOrPurgeTime) {
  const RetentionSettings settings = settingsFrom("{rollupAtUtc: '00:05', purgeAtUtc: '00:15'}");
  EXPECT_EQ(nextSlotAfter(settings, at("2026-11-23", "00:00")), at("2026-11-23", "00:05"));
  EXPECT_EQ(nextSlotAfter(settings, at("2026-11-23", "00:05")), at("2026-11-23", "00:15"));
  EXPECT_EQ(nextSlotAfter(settings, at("2026-11-23", "00:15")), at("2026-11-24", "00:05"));
  EXPECT_EQ(nextSlotAfter(settings, at("2026-11-23", "13:00")), at("2026-11-24", "00:05"));
  const RetentionSettings late = settingsFrom("{rollupAtUtc: '23:30', purgeAtUtc: '01:00'}");
  EXPECT_EQ(nextSlotAfter(late, at("2026-11-23", "00:30")), at("2026-11-23", "01:00"));
  EXPECT_EQ(nextSlotAfter(late, at("2026-11-23", "02:00")), at("2026-11-23", "23:30"));
}

}  // namespace
}  // namespace vo::retention
