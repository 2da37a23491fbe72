#include <limits>

#include "vo/api/ConfigReader.h"
#include "vo/simulator/Simulator.h"

namespace vo::simulator {

namespace {

constexpr int64_t kMaxMs = 24LL * 3600 * 1000;

OutcomeWeights parseWeights(api::ConfigReader outcomes) {
  OutcomeWeights weights;
  if (outcomes.has("completed") || outcomes.has("noAnswer") || outcomes.has("busy") ||
      outcomes.has("failed") || outcomes.has("rateLimited") || outcomes.has("rejected") ||
      outcomes.has("ambiguous")) {
    weights.completed = 0;  // a mix given: what it leaves out does not happen
  }
  const double max = 1e9;
  weights.completed = outcomes.getDouble("completed", weights.completed, 0, max);
  weights.noAnswer = outcomes.getDouble("noAnswer", 0, 0, max);
  weights.busy = outcomes.getDouble("busy", 0, 0, max);
  weights.failed = outcomes.getDouble("failed", 0, 0, max);
  weights.rateLimited = outcomes.getDouble("rateLimited", 0, 0, max);
  weights.rejected = outcomes.getDouble("rejected", 0, 0, max);
  weights.ambiguous = outcomes.getDouble("ambiguous", 0, 0, max);
  outcomes.rejectUnknownKeys();
  const double total = weights.completed + weights.noAnswer + weights.busy + weights.failed +
                       weights.rateLimited + weights.rejected + weights.ambiguous;
  if (total <= 0) outcomes.fail("completed", "the outcome weights must not all be 0");
  return weights;
}

}  // namespace

SimulatorConfig parseSimulatorConfig(const YAML::Node& node, const std::string& path) {
  api::ConfigReader reader(node, path);
  SimulatorConfig config;
  config.latencyMs = reader.getInt("latencyMs", config.latencyMs, 0, kMaxMs);
  config.latencyJitterMs = reader.getInt("latencyJitterMs", config.latencyJitterMs, 0, kMaxMs);
  config.callDurationMs = reader.getInt("callDurationMs", config.callDurationMs, 0, kMaxMs);
  config.outcomes = parseWeights(reader.child("outcomes"));
  config.seed =
      static_cast<uint64_t>(reader.getInt("seed", 1, 0, std::numeric_limits<int64_t>::max()));
  config.recordFile = reader.getString("recordFile", "");
  config.rateLimitRetryAfterMs =
      reader.getInt("rateLimitRetryAfterMs", config.rateLimitRetryAfterMs, 0, kMaxMs);
  reader.rejectUnknownKeys();
  return config;
}

}  // namespace vo::simulator
