#pragma once

// The CallStore contract: every store plugin must pass this suite.
//
// To run it against a new store, link `vo_store_contract` into the store's test executable and
// instantiate the suite with a factory returning a fresh, migrated, EMPTY store each time:
//
//   INSTANTIATE_TEST_SUITE_P(
//       Sqlite, StoreContract,
//       ::testing::Values(vo::contract::StoreFactory{"sqlite", [] { return makeEmptyStore(); }}),
//       vo::contract::StoreFactoryName());
//
// Every test gets its own store from the factory and may write anything into it. A factory may
// return nullptr only when its server is not configured (e.g. PGHOST unset): the test skips.

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "vo/api/CallStore.h"

namespace vo::contract {

struct StoreFactory {
  std::string name;
  std::function<std::unique_ptr<vo::api::CallStore>()> make;
};

// Names instantiated tests after the factory.
struct StoreFactoryName {
  std::string operator()(const ::testing::TestParamInfo<StoreFactory>& info) const {
    return info.param.name;
  }
};

void PrintTo(const StoreFactory& factory, std::ostream* out);

// Unix milliseconds of 00:00 UTC on 2026-01-01 plus `day` days and `offsetMs`.
int64_t msOfDay(int day, int64_t offsetMs = 0);
// "2026-01-01" plus `day` days.
std::string dayText(int day);

// A queued bulk call of ws1/ag1/ph1 in campaign cmp1, to be changed by the caller.
vo::api::Call makeCall(const std::string& id, int64_t createdAtMs);
// An active campaign of ws1/ag1/ph1, to be changed by the caller.
vo::api::Campaign makeCampaign(const std::string& id, const std::string& name, int64_t totalCalls,
                               int64_t createdAtMs);
// A transition of `callId` from any of `from` to `to` at `atMs`, carrying nothing else.
vo::api::CallTransition transitionOf(const std::string& callId,
                                     std::vector<vo::api::CallStatus> from, vo::api::CallStatus to,
                                     int64_t atMs);

class StoreContract : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override;

  // Workspaces ws1, ws2, each with agents ag1, ag2 and phone number ph1, and campaign cmp1 in
  // ws1 (agent ag1).
  void seedTenants();
  // Inserts the calls, failing the test when the store refuses them.
  void insert(const std::vector<vo::api::Call>& calls);
  // Moves a call to `to` from any state, with an optional duration.
  void finish(const std::string& id, vo::api::CallStatus to,
              std::optional<int64_t> durationSecs = std::nullopt);

  std::unique_ptr<vo::api::CallStore> store_;
};

}  // namespace vo::contract
