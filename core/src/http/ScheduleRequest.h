#pragma once

#include <optional>
#include <string>

#include "http/ApiMessage.h"
#include "http/JsonValue.h"
#include "schedule/CallingWindows.h"

namespace vo::core::http {

// A `schedule` object as docs/scheduling.md describes it:
//   {"timezone": "Europe/Madrid",
//    "windows": [{"days": ["mon", ...], "from": "09:00", "to": "20:00"}, ...],
//    "startAt": "2026-12-02T08:00:00Z", "expireAt": "2026-12-09T20:00:00Z"}
// every member optional. `field` names it in errors ("schedule"); the zone (a recipient's,
// when its own number gives none) goes to `timezone`.
std::optional<ApiError> parseSchedule(const JsonValue& value, const std::string& field,
                                      schedule::CallingSchedule& out, std::string& timezone);

}  // namespace vo::core::http
