#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vo::core::http {

// "2026-01-31T09:05:00.123Z"
std::string formatIsoMs(int64_t epochMs);
// "2026-01-31"
std::string formatDay(int64_t epochMs);
// A real calendar day "YYYY-MM-DD" -> epoch ms at 00:00 UTC.
std::optional<int64_t> parseDay(std::string_view text);
// "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS[.fff]" followed by "Z" or "+HH:MM"/"-HH:MM".
std::optional<int64_t> parseIsoTimestamp(std::string_view text);

}  // namespace vo::core::http
