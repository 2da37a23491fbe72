#include "schedule/CallingWindows.h"

#include <date/tz.h>

#include <algorithm>
#include <chrono>

#include "schedule/TimeZones.h"

namespace vo::core::schedule {

namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;

// A window opens on some day of any week: a week and a day of look-ahead find the next one.
constexpr int kDaysAhead = 8;

const date::time_zone& zoneOrUtc(std::string_view zone) {
  if (const date::time_zone* found = findTimeZone(zone)) return *found;
  return *findTimeZone("UTC");
}

int64_t toUnixMs(const date::time_zone& zone, date::local_time<minutes> local) {
  // earliest: a repeated hour's first occurrence; a skipped hour maps to the gap's end.
  const auto instant = zone.to_sys(local, date::choose::earliest);
  return std::chrono::duration_cast<milliseconds>(instant.time_since_epoch()).count();
}

// The first instant at or after `fromMs` inside a window, or nullopt when none opens within
// kDaysAhead days of it.
std::optional<int64_t> firstOpenInstant(const std::vector<DailyWindow>& windows,
                                        const date::time_zone& zone, int64_t fromMs) {
  const date::sys_time<milliseconds> from{milliseconds(fromMs)};
  const auto localDay = date::floor<date::days>(zone.to_local(from));
  std::optional<int64_t> best;
  for (int ahead = 0; ahead < kDaysAhead; ++ahead) {
    const date::local_days day = localDay + date::days(ahead);
    const unsigned weekday = date::weekday(day).c_encoding();
    for (const DailyWindow& window : windows) {
      if ((window.days & (1u << weekday)) == 0) continue;
      const int64_t opens = toUnixMs(zone, day + minutes(window.fromMinute));
      const int64_t closes = toUnixMs(zone, day + minutes(window.toMinute));
      if (closes <= fromMs || opens >= closes) continue;  // over, or wholly in a skipped hour
      const int64_t candidate = std::max(opens, fromMs);
      if (!best || candidate < *best) best = candidate;
    }
    if (best) return best;  // later days open later still
  }
  return best;
}

}  // namespace

DialTime nextDialTime(const CallingSchedule& schedule, std::string_view zone, int64_t nowMs) {
  if (schedule.expireAtMs && nowMs >= *schedule.expireAtMs) {
    return {DialTime::Kind::kExpired, nowMs};
  }
  const int64_t from = std::max(nowMs, schedule.startAtMs.value_or(nowMs));
  std::optional<int64_t> opens = from;
  if (!schedule.windows.empty()) opens = firstOpenInstant(schedule.windows, zoneOrUtc(zone), from);
  const int64_t expiry = schedule.expireAtMs.value_or(INT64_MAX);
  if (!opens || *opens >= expiry) {
    // Nothing opens before the expiry: wait for it, and end then.
    if (!schedule.expireAtMs) return {DialTime::Kind::kLater, from + 7 * 86'400'000LL};
    return {DialTime::Kind::kLater, expiry};
  }
  if (*opens <= nowMs) return {DialTime::Kind::kNow, nowMs};
  return {DialTime::Kind::kLater, *opens};
}

}  // namespace vo::core::schedule
