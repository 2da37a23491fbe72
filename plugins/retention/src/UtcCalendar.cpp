#include "vo/retention/UtcCalendar.h"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace vo::retention {
namespace {

std::optional<int> parseDigits(std::string_view text) {
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

int64_t floorDiv(int64_t numerator, int64_t denominator) {
  int64_t quotient = numerator / denominator;
  if ((numerator % denominator != 0) && ((numerator < 0) != (denominator < 0))) --quotient;
  return quotient;
}

}  // namespace

int64_t dayNumberOf(int64_t epochMs) {
  return floorDiv(epochMs, kMsPerDay);
}

int64_t dayStartMs(int64_t dayNumber) {
  return dayNumber * kMsPerDay;
}

std::string dayName(int64_t dayNumber) {
  const std::chrono::year_month_day date{
      std::chrono::sys_days{std::chrono::days{static_cast<int>(dayNumber)}}};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

std::optional<int64_t> parseDayName(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto year = parseDigits(text.substr(0, 4));
  const auto month = parseDigits(text.substr(5, 2));
  const auto day = parseDigits(text.substr(8, 2));
  if (!year || !month || !day) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year{*year},
                                         std::chrono::month{static_cast<unsigned>(*month)},
                                         std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days{date}.time_since_epoch().count();
}

std::optional<int64_t> parseTimeOfDay(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  const auto hours = parseDigits(text.substr(0, 2));
  const auto minutes = parseDigits(text.substr(3, 2));
  if (!hours || !minutes || *hours > 23 || *minutes > 59) return std::nullopt;
  return (int64_t{*hours} * 60 + *minutes) * 60'000;
}

std::string isoInstant(int64_t epochMs) {
  const int64_t msOfDay = epochMs - dayStartMs(dayNumberOf(epochMs));
  const int64_t seconds = msOfDay / 1000;
  char time[16];
  std::snprintf(time, sizeof time, "T%02d:%02d:%02dZ", static_cast<int>(seconds / 3600),
                static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60));
  return dayName(dayNumberOf(epochMs)) + time;
}

}  // namespace vo::retention
