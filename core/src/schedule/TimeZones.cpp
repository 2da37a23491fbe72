#include "schedule/TimeZones.h"

#include <date/tz.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace vo::core::schedule {

namespace {

constexpr const char* kZone1970Tab = "/usr/share/zoneinfo/zone1970.tab";

// Region -> its zone, when zone1970.tab gives it exactly one ("" when several).
using RegionZones = std::map<std::string, std::string, std::less<>>;

void addZone(RegionZones& zones, const std::string& region, const std::string& zone) {
  const auto [it, inserted] = zones.emplace(region, zone);
  if (!inserted && it->second != zone) it->second.clear();
}

// Lines are "CODES<TAB>coordinates<TAB>zone[<TAB>comment]", CODES comma-separated; '#' comments.
RegionZones readZone1970Tab() {
  std::ifstream file(kZone1970Tab);
  if (!file) throw std::runtime_error(std::string("cannot read ") + kZone1970Tab + " (tzdata)");
  RegionZones zones;
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string codes, coordinates, zone;
    if (!std::getline(fields, codes, '\t') || !std::getline(fields, coordinates, '\t') ||
        !std::getline(fields, zone, '\t')) {
      continue;
    }
    std::istringstream regions(codes);
    for (std::string region; std::getline(regions, region, ',');) addZone(zones, region, zone);
  }
  return zones;
}

const RegionZones& regionZones() {
  static const RegionZones zones = readZone1970Tab();
  return zones;
}

}  // namespace

void loadTimeZones() {
  (void)date::get_tzdb();  // the reference is not needed: loading (or throwing) is the point
  (void)regionZones();     // same
}

bool isKnownTimeZone(std::string_view name) {
  return findTimeZone(name) != nullptr;
}

const date::time_zone* findTimeZone(std::string_view name) {
  if (name.empty() || name.size() > 64) return nullptr;
  // Read from the system's zoneinfo (USE_OS_TZDB), a link ("US/Eastern") is a zone of its own.
  const std::vector<date::time_zone>& zones = date::get_tzdb().zones;
  const auto it = std::lower_bound(
      zones.begin(), zones.end(), name,
      [](const date::time_zone& zone, std::string_view wanted) { return zone.name() < wanted; });
  return it != zones.end() && it->name() == name ? &*it : nullptr;
}

std::string_view onlyZoneOfRegion(std::string_view region) {
  const RegionZones& zones = regionZones();
  const auto it = zones.find(region);
  return it == zones.end() ? std::string_view() : std::string_view(it->second);
}

std::string recipientZone(std::string_view requested, std::string_view region) {
  if (!requested.empty()) return std::string(requested);
  return std::string(onlyZoneOfRegion(region));
}

}  // namespace vo::core::schedule
