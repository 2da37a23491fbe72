#include <gtest/gtest.h>

#include "http/JsonReader.h"
#include "http/ScheduleRequest.h"

namespace vo::core::http {
namespace {

// The schedule in `text`, read as a request body's member would be.
std::optional<ApiError> parse(const std::string& text, schedule::CallingSchedule& out,
                              std::string& zone) {
  std::string jsonError;
  const std::optional<JsonValue> value = parseJson(text, jsonError);
  if (!value) return ApiError(0, "test", "not JSON: " + jsonError);
  return parseSchedule(*value, "schedule", out, zone);
}

TEST(ScheduleRequest, TheIssuesExampleIsRead) {
  schedule::CallingSchedule out;
  std::string zone;
  const auto error = parse(R"({"timezone": "Europe/Madrid",
    "windows": [{"days": ["mon","tue","wed","thu","fri"], "from": "09:00", "to": "20:00"},
                {"days": ["sat"], "from": "10:00", "to": "14:00"}],
    "startAt": "2026-12-02T08:00:00Z", "expireAt": "2026-12-09T20:00:00Z"})",
                           out, zone);
  ASSERT_FALSE(error) << error->message;
  EXPECT_EQ(zone, "Europe/Madrid");
  ASSERT_EQ(out.windows.size(), 2u);
  EXPECT_EQ(out.windows[0].days, 0b0111110u);
  EXPECT_EQ(out.windows[0].fromMinute, 9 * 60);
  EXPECT_EQ(out.windows[0].toMinute, 20 * 60);
  EXPECT_EQ(out.windows[1].days, 0b1000000u);
  EXPECT_EQ(out.startAtMs, 1796198400000);
  EXPECT_EQ(out.expireAtMs, 1796846400000);
}

TEST(ScheduleRequest, EveryMemberIsOptionalAndMidnightEndsADay) {
  schedule::CallingSchedule out;
  std::string zone;
  EXPECT_FALSE(parse("{}", out, zone));
  EXPECT_TRUE(out.windows.empty());
  EXPECT_FALSE(parse(R"({"windows":[{"days":["sun"],"from":"00:00","to":"24:00"}]})", out, zone));
  EXPECT_EQ(out.windows[0].toMinute, 1440);
}

TEST(ScheduleRequest, MalformedSchedulesNameTheField) {
  struct Case {
    std::string body;
    std::string field;
    std::string reason;
  };
  for (const Case& c : {
           Case{"[]", "schedule", ""},
           Case{R"({"zone":"UTC"})", "schedule.zone", ""},
           Case{R"({"timezone":"Europe/Atlantis"})", "schedule.timezone",
                "not a time zone tzdata knows (an IANA name like \"Europe/Madrid\")"},
           Case{R"({"windows":[]})", "schedule.windows", "must be an array of 1 to 32 windows"},
           Case{R"({"windows":[{"from":"09:00","to":"20:00"}]})", "schedule.windows[0].days",
                "is required"},
           Case{R"({"windows":[{"days":[],"from":"09:00","to":"20:00"}]})",
                "schedule.windows[0].days", "must be a non-empty array of \"mon\" ... \"sun\""},
           Case{R"({"windows":[{"days":["mon","funday"],"from":"09:00","to":"20:00"}]})",
                "schedule.windows[0].days[1]", "must be one of \"mon\" ... \"sun\""},
           Case{R"({"windows":[{"days":["mon","mon"],"from":"09:00","to":"20:00"}]})",
                "schedule.windows[0].days[1]", "is listed twice"},
           Case{R"({"windows":[{"days":["mon"],"from":"9:00","to":"20:00"}]})",
                "schedule.windows[0].from", "must be a time \"HH:MM\", 00:00 to 24:00"},
           Case{R"({"windows":[{"days":["mon"],"from":"09:00","to":"24:30"}]})",
                "schedule.windows[0].to", "must be a time \"HH:MM\", 00:00 to 24:00"},
           Case{R"({"windows":[{"days":["mon"],"from":"20:00","to":"09:00"}]})",
                "schedule.windows[0].to", "must be after from"},
           Case{R"({"windows":[{"days":["mon"],"from":"09:00"}]})", "schedule.windows[0].to",
                "is required"},
           Case{R"({"startAt":"tomorrow"})", "schedule.startAt", "must be an ISO 8601 time"},
           Case{R"({"startAt":"2026-12-09T00:00:00Z","expireAt":"2026-12-02T00:00:00Z"})",
                "schedule.expireAt", "must be after startAt"},
       }) {
    schedule::CallingSchedule out;
    std::string zone;
    const auto error = parse(c.body, out, zone);
    ASSERT_TRUE(error) << c.body;
    EXPECT_EQ(error->status, 400) << c.body;
    EXPECT_EQ(error->field, c.field) << c.body;
    if (!c.reason.empty()) {
      EXPECT_EQ(error->message, c.field + ": " + c.reason) << c.body;
    }
  }
}

}  // namespace
}  // namespace vo::core::http
