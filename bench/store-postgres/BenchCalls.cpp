#include "BenchCalls.h"

#include <cstdio>
#include <iostream>

#include "vo/sql/CallColumns.h"

namespace vo::bench {

namespace {

// 2026-01-01 in days since 1970-01-01: the bench's day 0.
constexpr int64_t kFirstDay = 20454;

std::string workspaceOf(int index) {
  return "ws" + std::to_string(index % kWorkspaces);
}

}  // namespace

std::string dayText(int day) {
  return vo::sql::dayText(kFirstDay + day);
}

int64_t dayStartMs(int day) {
  return 1767225600000 + int64_t{day} * kDayMs;
}

bool seedTenants(vo::api::CallStore& store) {
  for (int w = 0; w < kWorkspaces; ++w) {
    const std::string workspace = workspaceOf(w);
    auto result = store.createWorkspace({workspace, "Workspace " + workspace, "", {}, 1, "", ""});
    for (int a = 0; result.ok() && a < kAgentsPerWorkspace; ++a) {
      result = store.createAgent({"ag" + std::to_string(a), workspace, "Agent", {}, 1, true});
    }
    if (result.ok())
      result = store.createPhoneNumber({"ph0", workspace, "+34601893170", "twilio", {}, 1, true});
    vo::api::Campaign campaign;
    campaign.id = "cmp-" + workspace;
    campaign.workspaceId = workspace;
    campaign.agentId = "ag0";
    campaign.agentPhoneNumberId = "ph0";
    campaign.name = "Bench";
    if (result.ok()) result = store.createCampaign(campaign);
    if (!result.ok()) {
      std::cerr << "seeding tenants failed: " << result.error().message << "\n";
      return false;
    }
  }
  return true;
}

std::vector<vo::api::Call> makeDayCalls(const std::string& prefix, int day, int count,
                                        bool queued) {
  static constexpr vo::api::CallStatus kFinal[] = {
      vo::api::CallStatus::kCompleted, vo::api::CallStatus::kCompleted,
      vo::api::CallStatus::kNoAnswer,  vo::api::CallStatus::kBusy,
      vo::api::CallStatus::kFailed,    vo::api::CallStatus::kCompleted};
  std::vector<vo::api::Call> calls;
  calls.reserve(count);
  const int64_t start = dayStartMs(day);
  for (int i = 0; i < count; ++i) {
    vo::api::Call call;
    char id[64];
    std::snprintf(id, sizeof id, "%s%03d%07d", prefix.c_str(), day, i);
    call.id = id;
    call.workspaceId = workspaceOf(i);
    call.agentId = "ag" + std::to_string((i / kWorkspaces) % kAgentsPerWorkspace);
    call.agentPhoneNumberId = "ph0";
    call.campaignId = "cmp-" + call.workspaceId;
    call.to = "+3463" + std::to_string(1000000 + (i * 7919) % 9000000);
    call.from = "+34601893170";
    call.variablesJson = R"({"businessName":"Restaurante Andres","customerName":"Juan Perez"})";
    call.status = queued ? vo::api::CallStatus::kQueued : kFinal[i % 6];
    if (call.status == vo::api::CallStatus::kCompleted) call.durationSecs = 30 + i % 200;
    call.createdAtMs = start + static_cast<int64_t>(i) * (kDayMs / count);
    call.updatedAtMs = call.createdAtMs;
    call.nextAttemptAtMs = call.createdAtMs;
    calls.push_back(std::move(call));
  }
  return calls;
}

}  // namespace vo::bench
