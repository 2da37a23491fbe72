#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// UTC days as the store names them ("YYYY-MM-DD" of createdAt) and as plain day numbers (days
// since 1970-01-01), so the schedule can do arithmetic on days without time zones.
namespace vo::retention {

inline constexpr int64_t kMsPerDay = 86'400'000;

// The UTC day number of an instant; instants before 1970 round down.
int64_t dayNumberOf(int64_t epochMs);
// The instant a day starts (00:00:00.000 UTC).
int64_t dayStartMs(int64_t dayNumber);
// "YYYY-MM-DD".
std::string dayName(int64_t dayNumber);
// The day number of "YYYY-MM-DD"; nullopt when the text is not a real date.
std::optional<int64_t> parseDayName(std::string_view text);
// Milliseconds after midnight of "HH:MM" (00:00 to 23:59); nullopt when malformed.
std::optional<int64_t> parseTimeOfDay(std::string_view text);
// "2026-11-23T00:05:00Z", for logs and health details.
std::string isoInstant(int64_t epochMs);

}  // namespace vo::retention
