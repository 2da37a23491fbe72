#pragma once

#include <string>
#include <string_view>

namespace date {
class time_zone;
}  // namespace date

namespace vo::core::schedule {

// Time zones come from the system's tzdata through Howard Hinnant's date library (libdate-tz,
// reading /usr/share/zoneinfo), the project's one calendar library.

// Loads tzdata and zone1970.tab; throws std::runtime_error when tzdata is missing. Called at
// start-up so requests never load (or fail to load) it.
void loadTimeZones();

// Whether tzdata knows `name` as a zone or a link ("Europe/Madrid", "US/Eastern", "UTC").
bool isKnownTimeZone(std::string_view name);
// The zone of that name, or nullptr (date::locate_zone, without its exception).
const date::time_zone* findTimeZone(std::string_view name);

// The only zone tzdata's zone1970.tab lists for `region` (ISO 3166-1 alpha-2, "JP" ->
// "Asia/Tokyo"), or "" when it lists several ("ES", "US") or none ("001").
std::string_view onlyZoneOfRegion(std::string_view region);

// The zone a call's recipient is in: the one the request names, else the only zone of the
// number's region, else "" (a region with several zones: the workspace's default applies).
std::string recipientZone(std::string_view requested, std::string_view region);

}  // namespace vo::core::schedule
