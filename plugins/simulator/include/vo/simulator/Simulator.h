#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "vo/api/CallEventSink.h"
#include "vo/api/VoiceProvider.h"

namespace YAML {
class Node;
}

namespace vo::simulator {

// Relative weights of what a dial leads to. Placed calls (completed, noAnswer, busy, failed,
// ambiguous) ring and end; rateLimited and rejected are never placed.
struct OutcomeWeights {
  double completed = 1;
  double noAnswer = 0;
  double busy = 0;
  double failed = 0;
  double rateLimited = 0;  // kNotPlaced, HTTP 429, throttleAccount, retryAfterMs
  double rejected = 0;     // kRejected, HTTP 422
  double ambiguous = 0;    // kAmbiguous, but the call is placed and reaches an outcome
};

struct SimulatorConfig {
  int64_t latencyMs = 50;
  int64_t latencyJitterMs = 0;
  int64_t callDurationMs = 3000;  // from accept to the final event
  OutcomeWeights outcomes;
  uint64_t seed = 1;
  std::string recordFile;  // optional: one line per placed call and per end, appended
  int64_t rateLimitRetryAfterMs = 1000;
};

// Reads `plugins.provider.config`; throws vo::api::ConfigError naming the key.
SimulatorConfig parseSimulatorConfig(const YAML::Node& node, const std::string& path);

// Outcomes of accepted calls go to `events` from one timer thread. Throws vo::api::ConfigError
// when the record file cannot be opened.
std::unique_ptr<api::VoiceProvider> makeSimulator(const SimulatorConfig& config,
                                                  api::CallEventSink& events);

}  // namespace vo::simulator
