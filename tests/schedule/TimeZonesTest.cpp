#include <gtest/gtest.h>

#include "schedule/TimeZones.h"

namespace vo::core::schedule {
namespace {

TEST(TimeZones, KnowsTzdataZonesAndLinksOnly) {
  loadTimeZones();
  for (const char* zone : {"Europe/Madrid", "America/New_York", "America/Los_Angeles", "Asia/Tokyo",
                           "America/Sao_Paulo", "US/Eastern", "UTC"}) {
    EXPECT_TRUE(isKnownTimeZone(zone)) << zone;
  }
  for (const char* zone : {"", "Mars/Olympus_Mons", "europe/madrid", "Europe/Madrid ", "+01:00",
                           "CET/../Europe/Madrid"}) {
    EXPECT_FALSE(isKnownTimeZone(zone)) << zone;
  }
}

TEST(TimeZones, ARegionWithOneZoneGivesIt) {
  EXPECT_EQ(onlyZoneOfRegion("JP"), "Asia/Tokyo");
  EXPECT_EQ(onlyZoneOfRegion("GB"), "Europe/London");
  EXPECT_EQ(onlyZoneOfRegion("FR"), "Europe/Paris");
  // zone1970.tab lists a zone for several regions at once ("CH,DE,LI ... Europe/Zurich").
  EXPECT_EQ(onlyZoneOfRegion("LI"), "Europe/Zurich");
}

TEST(TimeZones, ARegionWithSeveralZonesOrNoneGivesNone) {
  EXPECT_EQ(onlyZoneOfRegion("ES"), "");  // Madrid, Ceuta, the Canaries
  EXPECT_EQ(onlyZoneOfRegion("US"), "");
  EXPECT_EQ(onlyZoneOfRegion("BR"), "");
  EXPECT_EQ(onlyZoneOfRegion("001"), "");  // non-geographic numbers
  EXPECT_EQ(onlyZoneOfRegion(""), "");
}

TEST(TimeZones, TheRequestedZoneComesFirst) {
  EXPECT_EQ(recipientZone("America/Sao_Paulo", "BR"), "America/Sao_Paulo");
  EXPECT_EQ(recipientZone("Europe/Madrid", "JP"), "Europe/Madrid");
  EXPECT_EQ(recipientZone("", "JP"), "Asia/Tokyo");
  EXPECT_EQ(recipientZone("", "US"), "");
}

}  // namespace
}  // namespace vo::core::schedule
