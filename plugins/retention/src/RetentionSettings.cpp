#include "vo/retention/RetentionSettings.h"

#include "vo/api/ConfigReader.h"
#include "vo/retention/UtcCalendar.h"

namespace vo::retention {
namespace {

int64_t readTimeOfDay(vo::api::ConfigReader& config, const std::string& key,
                      const std::string& fallback) {
  const std::string text = config.getString(key, fallback);
  const auto ms = parseTimeOfDay(text);
  if (!ms)
    config.fail(key, "expected a UTC time of day HH:MM (00:00 to 23:59), got \"" + text + "\"");
  return *ms;
}

}  // namespace

RetentionSettings readRetentionSettings(vo::api::ConfigReader& config) {
  constexpr int64_t kDayMs = 86'400'000;
  RetentionSettings settings;
  settings.days = config.getInt("days", settings.days, 1, 36'500);
  settings.rollupAtMs = readTimeOfDay(config, "rollupAtUtc", "00:05");
  settings.purgeAtMs = readTimeOfDay(config, "purgeAtUtc", "00:15");
  settings.purgeBatch = config.getInt("purgeBatch", settings.purgeBatch, 1, 1'000'000);
  settings.batchPauseMs = config.getInt("batchPauseMs", settings.batchPauseMs, 0, 60'000);
  settings.leaseTtlMs = config.getInt("leaseTtlMs", settings.leaseTtlMs, 1'000, kDayMs);
  settings.refreshDays = config.getInt("refreshDays", settings.refreshDays, 0, 366);
  settings.retryAfterMs = config.getInt("retryAfterMs", settings.retryAfterMs, 1'000, kDayMs);
  config.rejectUnknownKeys();
  return settings;
}

}  // namespace vo::retention
