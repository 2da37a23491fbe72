#pragma once

#include <cstdint>

#include "vo/retention/RetentionSettings.h"

// What is due when, as pure functions of the settings and an instant, so the schedule is tested
// without a store or a clock. Days are UTC day numbers (see UtcCalendar.h).
namespace vo::retention {

// The newest day whose roll-up is due at nowMs: yesterday once today's rollupAtUtc has passed,
// else the day before yesterday (a day is rolled up only after it ended, plus a margin).
int64_t newestRollUpDay(const RetentionSettings& settings, int64_t nowMs);
// The oldest day re-rolled each run: `refreshDays` days ending at newestRollUpDay. Greater than
// newestRollUpDay when refreshDays is 0 (nothing re-rolled).
int64_t oldestRefreshedDay(const RetentionSettings& settings, int64_t nowMs);
// The oldest day kept at nowMs: days before it are frozen and purged. Counted from today once
// today's purgeAtUtc has passed, else from yesterday; `days` days back.
int64_t oldestKeptDay(const RetentionSettings& settings, int64_t nowMs);
// The first scheduled instant (rollupAtUtc or purgeAtUtc of some day) strictly after afterMs.
int64_t nextSlotAfter(const RetentionSettings& settings, int64_t afterMs);

}  // namespace vo::retention
