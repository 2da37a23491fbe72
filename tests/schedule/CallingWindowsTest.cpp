#include <date/tz.h>
#include <gtest/gtest.h>

#include <chrono>

#include "schedule/CallingWindows.h"

namespace vo::core::schedule {
namespace {

using std::chrono::milliseconds;

constexpr unsigned kMondayToFriday = 0b0111110;

int64_t utcMs(int year, unsigned month, unsigned day, int hour, int minute = 0) {
  const date::sys_days days{date::year(year) / date::month(month) / date::day(day)};
  return std::chrono::duration_cast<milliseconds>(
             (days + std::chrono::hours(hour) + std::chrono::minutes(minute)).time_since_epoch())
      .count();
}

struct LocalTime {
  unsigned weekday = 0;
  int minuteOfDay = 0;
};

LocalTime localTime(std::string_view zone, int64_t unixMs) {
  const auto local =
      date::locate_zone(zone)->to_local(date::sys_time<milliseconds>(milliseconds(unixMs)));
  const auto day = date::floor<date::days>(local);
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(local - day).count();
  return {date::weekday(day).c_encoding(), static_cast<int>(minutes)};
}

bool inWindow(LocalTime local) {
  return (kMondayToFriday & (1u << local.weekday)) != 0 && local.minuteOfDay >= 9 * 60 &&
         local.minuteOfDay < 20 * 60;
}

const CallingSchedule kOfficeHours{{DailyWindow{kMondayToFriday, 9 * 60, 20 * 60}}, {}, {}};

// Every 7 minutes across March 2026 (Madrid and New York change to summer time; São Paulo has
// no DST any more, Tokyo never had) and the European change back in October.
TEST(CallingWindows, EveryDialFallsInsideTheRecipientsWindowAcrossDstChanges) {
  for (const char* zone : {"Europe/Madrid", "America/New_York", "America/Los_Angeles", "Asia/Tokyo",
                           "America/Sao_Paulo"}) {
    for (const auto& [first, last] : {std::pair{utcMs(2026, 3, 1, 0), utcMs(2026, 4, 2, 0)},
                                      std::pair{utcMs(2026, 10, 20, 0), utcMs(2026, 11, 5, 0)}}) {
      for (int64_t now = first; now < last; now += 7 * 60'000) {
        const DialTime decision = nextDialTime(kOfficeHours, zone, now);
        const LocalTime local = localTime(zone, now);
        if (inWindow(local)) {
          ASSERT_EQ(decision.kind, DialTime::Kind::kNow) << zone << " at " << now;
          continue;
        }
        ASSERT_EQ(decision.kind, DialTime::Kind::kLater) << zone << " at " << now;
        ASSERT_GT(decision.atMs, now);
        const LocalTime opening = localTime(zone, decision.atMs);
        ASSERT_TRUE(inWindow(opening)) << zone << " opens at " << decision.atMs;
        ASSERT_EQ(opening.minuteOfDay, 9 * 60) << zone << " opens at " << decision.atMs;
        // The opening is the next one: a minute before it the window was still closed.
        ASSERT_FALSE(inWindow(localTime(zone, decision.atMs - 60'000)));
        ASSERT_LT(decision.atMs - now, 3 * 86'400'000LL);  // at most a weekend away
      }
    }
  }
}

TEST(CallingWindows, OneInstantIsOpenInOneZoneAndClosedInAnother) {
  const int64_t wednesdayNoonUtc = utcMs(2026, 12, 2, 12);
  EXPECT_EQ(nextDialTime(kOfficeHours, "Europe/Madrid", wednesdayNoonUtc).kind,
            DialTime::Kind::kNow);  // 13:00
  // 21:00 in Tokyo: Thursday 09:00 Tokyo is 00:00 UTC.
  const DialTime tokyo = nextDialTime(kOfficeHours, "Asia/Tokyo", wednesdayNoonUtc);
  EXPECT_EQ(tokyo.kind, DialTime::Kind::kLater);
  EXPECT_EQ(tokyo.atMs, utcMs(2026, 12, 3, 0));
  // 04:00 in Los Angeles: 09:00 PST is 17:00 UTC the same day.
  const DialTime losAngeles = nextDialTime(kOfficeHours, "America/Los_Angeles", wednesdayNoonUtc);
  EXPECT_EQ(losAngeles.kind, DialTime::Kind::kLater);
  EXPECT_EQ(losAngeles.atMs, utcMs(2026, 12, 2, 17));
}

TEST(CallingWindows, AFridayEveningWaitsForMonday) {
  // Friday 2026-12-04 21:00 in Madrid (20:00 UTC): Monday 09:00 CET is 08:00 UTC.
  const DialTime decision = nextDialTime(kOfficeHours, "Europe/Madrid", utcMs(2026, 12, 4, 20));
  EXPECT_EQ(decision.kind, DialTime::Kind::kLater);
  EXPECT_EQ(decision.atMs, utcMs(2026, 12, 7, 8));
}

TEST(CallingWindows, StartAndExpiryBoundTheWindows) {
  CallingSchedule schedule = kOfficeHours;
  schedule.startAtMs = utcMs(2026, 12, 3, 10);   // Thursday 11:00 in Madrid
  schedule.expireAtMs = utcMs(2026, 12, 4, 19);  // Friday 20:00 in Madrid
  const int64_t wednesdayNoonUtc = utcMs(2026, 12, 2, 12);
  const DialTime beforeStart = nextDialTime(schedule, "Europe/Madrid", wednesdayNoonUtc);
  EXPECT_EQ(beforeStart.kind, DialTime::Kind::kLater);
  EXPECT_EQ(beforeStart.atMs, *schedule.startAtMs);
  EXPECT_EQ(nextDialTime(schedule, "Europe/Madrid", utcMs(2026, 12, 4, 18, 59)).kind,
            DialTime::Kind::kNow);
  EXPECT_EQ(nextDialTime(schedule, "Europe/Madrid", utcMs(2026, 12, 4, 19)).kind,
            DialTime::Kind::kExpired);
  // Tokyo's next opening (Saturday is closed; Monday) comes after the expiry: wait for it.
  const DialTime tokyo = nextDialTime(schedule, "Asia/Tokyo", utcMs(2026, 12, 4, 12));
  EXPECT_EQ(tokyo.kind, DialTime::Kind::kLater);
  EXPECT_EQ(tokyo.atMs, *schedule.expireAtMs);
}

TEST(CallingWindows, ABoundaryInASkippedHourIsTheGapsEnd) {
  // 2026-03-29 in Madrid: 02:00 CET jumps to 03:00 CEST (01:00 UTC). A Sunday window from
  // 02:30 opens at 03:00 CEST.
  const CallingSchedule night{{DailyWindow{0b0000001, 2 * 60 + 30, 4 * 60}}, {}, {}};
  const DialTime decision = nextDialTime(night, "Europe/Madrid", utcMs(2026, 3, 28, 23));
  EXPECT_EQ(decision.kind, DialTime::Kind::kLater);
  EXPECT_EQ(decision.atMs, utcMs(2026, 3, 29, 1));
}

TEST(CallingWindows, NoWindowsMeansAnyHourAndAnUnknownZoneIsUtc) {
  const CallingSchedule always{};
  EXPECT_EQ(nextDialTime(always, "Asia/Tokyo", utcMs(2026, 12, 5, 3)).kind, DialTime::Kind::kNow);
  const DialTime utc = nextDialTime(kOfficeHours, "", utcMs(2026, 12, 2, 8));
  EXPECT_EQ(utc.kind, DialTime::Kind::kLater);
  EXPECT_EQ(utc.atMs, utcMs(2026, 12, 2, 9));
}

}  // namespace
}  // namespace vo::core::schedule
