#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "vo/api/Call.h"

namespace vo::api {

// What a provider learned about a placed call: its final status (or progress).
struct CallEvent {
  std::string providerCallId;  // how the core finds the call
  std::string callId;          // set when the provider knows our id (faster, optional)
  CallStatus status = CallStatus::kCompleted;
  std::optional<int64_t> durationSecs;
  std::string endReason;
  std::string detailJson;  // provider extras kept on the call (e.g. analysis.call_successful)
  int64_t atMs = 0;
};

}  // namespace vo::api
