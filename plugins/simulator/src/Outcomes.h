#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vo/api/Call.h"
#include "vo/simulator/Simulator.h"

namespace vo::simulator {

enum class SimOutcome {
  kCompleted,
  kNoAnswer,
  kBusy,
  kFailed,
  kRateLimited,
  kRejected,
  kAmbiguous
};

// Everything about one dial that follows from (seed, callId, attempt): the same inputs give the
// same answer in every process, so tests and lookups after a restart agree with the dial.
struct DialPlan {
  SimOutcome outcome = SimOutcome::kCompleted;
  api::CallStatus finalStatus = api::CallStatus::kCompleted;  // for placed calls
  int64_t latencyMs = 0;
};

DialPlan planDial(const SimulatorConfig& config, std::string_view callId, int attempt);

bool isPlaced(SimOutcome outcome);

// "sim_<attempt>_<placedAtMs>_<callId>": a lookup recovers the plan and the end time from it.
std::string makeProviderCallId(std::string_view callId, int attempt, int64_t placedAtMs);

struct ParsedProviderCallId {
  std::string callId;
  int attempt = 0;
  int64_t placedAtMs = 0;
};
std::optional<ParsedProviderCallId> parseProviderCallId(std::string_view providerCallId);

}  // namespace vo::simulator
