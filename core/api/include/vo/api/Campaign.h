#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "vo/api/Call.h"

namespace vo::api {

enum class CampaignStatus { kActive, kPaused, kCanceled, kCompleted };

constexpr std::string_view toString(CampaignStatus status) {
  switch (status) {
    case CampaignStatus::kActive:
      return "active";
    case CampaignStatus::kPaused:
      return "paused";
    case CampaignStatus::kCanceled:
      return "canceled";
    case CampaignStatus::kCompleted:
      return "completed";
  }
  return "active";
}

struct Campaign {
  std::string id;
  std::string workspaceId;
  std::string agentId;
  std::string agentPhoneNumberId;
  std::string name;
  CampaignStatus status = CampaignStatus::kActive;
  int64_t totalCalls = 0;
  int64_t createdAtMs = 0;
  int64_t updatedAtMs = 0;
};

// Calls counted by status; statuses with no calls may be absent.
using StatusCounts = std::map<CallStatus, int64_t>;

}  // namespace vo::api
