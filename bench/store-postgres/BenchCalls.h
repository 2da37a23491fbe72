#pragma once

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "vo/api/CallStore.h"

namespace vo::bench {

inline constexpr int kWorkspaces = 4;
inline constexpr int kAgentsPerWorkspace = 5;
inline constexpr int64_t kDayMs = 86'400'000;

// Workspaces ws0..ws3 with agents ag0..ag4 and phone number ph0 each, and one campaign per
// workspace (cmp-ws0 ...). Returns false (after printing why) when the store refused.
bool seedTenants(vo::api::CallStore& store);

// `count` calls created on day `day` (days since 2026-01-01), spread over workspaces and agents,
// with ids "<prefix><day><serial>" sorting by creation. Final statuses unless `queued`.
std::vector<vo::api::Call> makeDayCalls(const std::string& prefix, int day, int count, bool queued);

// The result's value; prints what failed and exits when the store refused.
template <typename T>
T orExit(vo::api::Result<T> result, const char* what) {
  if (!result.ok()) {
    std::cerr << what << " failed: " << result.error().message << "\n";
    std::exit(1);
  }
  return std::move(result).value();
}

// "2026-01-01" plus `day` days.
std::string dayText(int day);
int64_t dayStartMs(int day);

}  // namespace vo::bench
