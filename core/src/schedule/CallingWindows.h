#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vo::core::schedule {

// Wall-clock hours of one or more weekdays in the recipient's zone: [from, to).
struct DailyWindow {
  unsigned days = 0;  // bit d set: weekday d, 0 = Sunday ... 6 = Saturday
  int fromMinute = 0;
  int toMinute = 0;  // after fromMinute; 1440 is midnight at the day's end
};

// When a call may be dialed. Empty windows: at any hour.
struct CallingSchedule {
  std::vector<DailyWindow> windows;
  std::optional<int64_t> startAtMs;   // not before (Unix ms); a row's notBefore narrows it
  std::optional<int64_t> expireAtMs;  // past it the call ends `expired`; a row's notAfter too
};

// The decision for one call at one instant.
struct DialTime {
  enum class Kind { kNow, kLater, kExpired };
  Kind kind = Kind::kNow;
  int64_t atMs = 0;  // kLater: the next opening (or the expiry, when nothing opens before it)
};

// When a call of `schedule` whose recipient is in `zone` (an IANA name; "" or unknown: UTC)
// may be dialed, seen at `nowMs`. Windows are wall-clock times of the zone, so they follow its
// DST changes: a boundary that falls in a skipped hour is the end of the gap, one in a repeated
// hour its first occurrence.
DialTime nextDialTime(const CallingSchedule& schedule, std::string_view zone, int64_t nowMs);

}  // namespace vo::core::schedule
