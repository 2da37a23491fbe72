#include "vo/contract/StoreContract.h"

#include <chrono>
#include <cstdio>
#include <vector>

namespace vo::contract {

using vo::api::CallStatus;

void PrintTo(const StoreFactory& factory, std::ostream* out) {
  *out << factory.name;
}

int64_t msOfDay(int day, int64_t offsetMs) {
  constexpr int64_t kJanuaryFirst2026 = 1767225600000;
  return kJanuaryFirst2026 + int64_t{day} * 86'400'000 + offsetMs;
}

std::string dayText(int day) {
  using namespace std::chrono;
  const year_month_day date(sys_days(2026y / January / 1) + days(day));
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

void StoreContract::SetUp() {
  store_ = GetParam().make();
  // A factory returns nothing only when its server is not configured here (no PGHOST).
  if (store_ == nullptr) GTEST_SKIP() << GetParam().name << " is not configured here";
}

void StoreContract::seedTenants() {
  // The same provider ids in both workspaces, as an admin may register them on purpose.
  for (const std::string workspace : {"ws1", "ws2"}) {
    ASSERT_TRUE(
        store_->createWorkspace({workspace, "Workspace " + workspace, "", {}, 1, "", ""}).ok());
    for (const std::string agent : {"ag1", "ag2"}) {
      ASSERT_TRUE(store_->createAgent({agent, workspace, "Agent " + agent, {}, 2, true}).ok());
    }
    ASSERT_TRUE(
        store_->createPhoneNumber({"ph1", workspace, "+34601893170", "twilio", {}, 3, true}).ok());
  }
  ASSERT_TRUE(store_->createCampaign(makeCampaign("cmp1", "Spring", 0, 0)).ok());
}

vo::api::Campaign makeCampaign(const std::string& id, const std::string& name, int64_t totalCalls,
                               int64_t createdAtMs) {
  vo::api::Campaign campaign;
  campaign.id = id;
  campaign.workspaceId = "ws1";
  campaign.agentId = "ag1";
  campaign.agentPhoneNumberId = "ph1";
  campaign.name = name;
  campaign.totalCalls = totalCalls;
  campaign.createdAtMs = createdAtMs;
  campaign.updatedAtMs = createdAtMs;
  return campaign;
}

vo::api::Call makeCall(const std::string& id, int64_t createdAtMs) {
  vo::api::Call call;
  call.id = id;
  call.workspaceId = "ws1";
  call.agentId = "ag1";
  call.agentPhoneNumberId = "ph1";
  call.campaignId = "cmp1";
  call.to = "+34631021622";
  call.from = "+34601893170";
  call.variablesJson = R"({"customerName":"Juan"})";
  call.createdAtMs = createdAtMs;
  call.updatedAtMs = createdAtMs;
  call.nextAttemptAtMs = createdAtMs;
  return call;
}

vo::api::CallTransition transitionOf(const std::string& callId, std::vector<CallStatus> from,
                                     CallStatus to, int64_t atMs) {
  vo::api::CallTransition change;
  change.callId = callId;
  change.from = std::move(from);
  change.to = to;
  change.atMs = atMs;
  return change;
}

void StoreContract::insert(const std::vector<vo::api::Call>& calls) {
  const auto inserted = store_->insertCalls(calls, nullptr);
  ASSERT_TRUE(inserted.ok()) << inserted.error().message;
}

void StoreContract::finish(const std::string& id, CallStatus to,
                           std::optional<int64_t> durationSecs) {
  vo::api::CallTransition change =
      transitionOf(id, {std::begin(vo::api::kAllCallStatuses), std::end(vo::api::kAllCallStatuses)},
                   to, msOfDay(0));
  change.durationSecs = durationSecs;
  const auto moved = store_->transition(change);
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  ASSERT_TRUE(moved.value());
}

}  // namespace vo::contract
