#include "http/ScheduleRequest.h"

#include <array>

#include "http/IsoTime.h"
#include "http/Validation.h"

namespace vo::core::http {

namespace {

constexpr std::size_t kMaxWindows = 32;
// date::weekday's c_encoding order, the bits of DailyWindow::days.
constexpr std::array<std::string_view, 7> kDayNames = {"sun", "mon", "tue", "wed",
                                                       "thu", "fri", "sat"};

// "HH:MM" from 00:00 to 24:00, as minutes of the day.
std::optional<int> minuteOfDay(const std::string& text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (std::size_t i : {0u, 1u, 3u, 4u}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0)) return std::nullopt;
  return hours * 60 + minutes;
}

std::optional<ApiError> parseDays(const JsonValue* days, const std::string& field, unsigned& out) {
  if (days == nullptr) return invalidField(field, "is required");
  if (days->type != JsonValue::Type::kArray || days->items.empty()) {
    return invalidField(field, "must be a non-empty array of \"mon\" ... \"sun\"");
  }
  out = 0;
  for (std::size_t i = 0; i < days->items.size(); ++i) {
    const JsonValue& day = days->items[i];
    const std::string item = field + "[" + std::to_string(i) + "]";
    unsigned bit = 0;
    for (std::size_t d = 0; d < kDayNames.size(); ++d) {
      if (day.isString() && day.text == kDayNames[d]) bit = 1u << d;
    }
    if (bit == 0) return invalidField(item, "must be one of \"mon\" ... \"sun\"");
    if ((out & bit) != 0) return invalidField(item, "is listed twice");
    out |= bit;
  }
  return std::nullopt;
}

std::optional<ApiError> parseWindow(const JsonValue& value, const std::string& field,
                                    schedule::DailyWindow& out) {
  if (auto error = requireObject(value, field)) return error;
  ObjectFields fields(value, field + ".");
  if (auto error = fields.onlyKnown({"days", "from", "to"})) return error;
  if (auto error = parseDays(value.find("days"), field + ".days", out.days)) return error;
  for (const auto& [name, minute] : {std::pair{"from", &out.fromMinute}, {"to", &out.toMinute}}) {
    std::string text;
    if (auto error = fields.requiredName(name, text)) return error;
    const auto parsed = minuteOfDay(text);
    if (!parsed)
      return invalidField(field + "." + name, "must be a time \"HH:MM\", 00:00 to 24:00");
    *minute = *parsed;
  }
  if (out.toMinute <= out.fromMinute) return invalidField(field + ".to", "must be after from");
  return std::nullopt;
}

std::optional<ApiError> parseWindows(const JsonValue* windows, const std::string& field,
                                     std::vector<schedule::DailyWindow>& out) {
  if (windows == nullptr || windows->type == JsonValue::Type::kNull) return std::nullopt;
  if (windows->type != JsonValue::Type::kArray || windows->items.empty() ||
      windows->items.size() > kMaxWindows) {
    return invalidField(field, "must be an array of 1 to 32 windows");
  }
  for (std::size_t i = 0; i < windows->items.size(); ++i) {
    schedule::DailyWindow window;
    const std::string item = field + "[" + std::to_string(i) + "]";
    if (auto error = parseWindow(windows->items[i], item, window)) return error;
    out.push_back(window);
  }
  return std::nullopt;
}

std::optional<ApiError> parseInstant(const ObjectFields& fields, std::string_view name,
                                     std::optional<int64_t>& out) {
  std::string text;
  if (auto error = fields.optionalName(name, text)) return error;
  if (text.empty()) return std::nullopt;
  out = parseIsoTimestamp(text);
  if (!out) return invalidField(fields.fieldName(name), "must be an ISO 8601 time");
  return std::nullopt;
}

}  // namespace

std::optional<ApiError> parseSchedule(const JsonValue& value, const std::string& field,
                                      schedule::CallingSchedule& out, std::string& timezone) {
  if (auto error = requireObject(value, field)) return error;
  ObjectFields fields(value, field + ".");
  if (auto error = fields.onlyKnown({"timezone", "windows", "startAt", "expireAt"})) return error;
  if (auto error = fields.optionalTimeZone("timezone", timezone)) return error;
  if (auto error = parseWindows(value.find("windows"), fields.fieldName("windows"), out.windows)) {
    return error;
  }
  if (auto error = parseInstant(fields, "startAt", out.startAtMs)) return error;
  if (auto error = parseInstant(fields, "expireAt", out.expireAtMs)) return error;
  if (out.startAtMs && out.expireAtMs && *out.expireAtMs <= *out.startAtMs) {
    return invalidField(fields.fieldName("expireAt"), "must be after startAt");
  }
  return std::nullopt;
}

}  // namespace vo::core::http
