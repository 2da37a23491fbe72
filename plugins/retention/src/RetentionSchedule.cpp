#include "vo/retention/RetentionSchedule.h"

#include <algorithm>

#include "vo/retention/UtcCalendar.h"

namespace vo::retention {
namespace {

// Today when `timeOfDayMs` has passed today at nowMs, else yesterday.
int64_t lastDayWhoseTimeCame(int64_t nowMs, int64_t timeOfDayMs) {
  const int64_t today = dayNumberOf(nowMs);
  return nowMs - dayStartMs(today) >= timeOfDayMs ? today : today - 1;
}

int64_t nextOccurrenceAfter(int64_t afterMs, int64_t timeOfDayMs) {
  const int64_t today = dayNumberOf(afterMs);
  const int64_t todays = dayStartMs(today) + timeOfDayMs;
  return todays > afterMs ? todays : dayStartMs(today + 1) + timeOfDayMs;
}

}  // namespace

int64_t newestRollUpDay(const RetentionSettings& settings, int64_t nowMs) {
  return lastDayWhoseTimeCame(nowMs, settings.rollupAtMs) - 1;
}

int64_t oldestRefreshedDay(const RetentionSettings& settings, int64_t nowMs) {
  return newestRollUpDay(settings, nowMs) - settings.refreshDays + 1;
}

int64_t oldestKeptDay(const RetentionSettings& settings, int64_t nowMs) {
  return lastDayWhoseTimeCame(nowMs, settings.purgeAtMs) - settings.days;
}

int64_t nextSlotAfter(const RetentionSettings& settings, int64_t afterMs) {
  return std::min(nextOccurrenceAfter(afterMs, settings.rollupAtMs),
                  nextOccurrenceAfter(afterMs, settings.purgeAtMs));
}

}  // namespace vo::retention
