#include "Outcomes.h"

#include <charconv>

namespace vo::simulator {

namespace {

// splitmix64's finalizer: a well-mixed 64-bit value from a 64-bit input.
uint64_t mix(uint64_t value) {
  value += 0x9e3779b97f4a7c15ULL;
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

// A number in [0, 1) that depends only on its inputs (FNV-1a over the call id, then mixed).
double unitHash(uint64_t seed, std::string_view callId, int attempt, uint64_t salt) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char byte : callId) {
    hash ^= byte;
    hash *= 0x100000001b3ULL;
  }
  hash = mix(hash ^ mix(seed) ^ mix(static_cast<uint64_t>(attempt) + (salt << 32)));
  return static_cast<double>(hash >> 11) / static_cast<double>(1ULL << 53);
}

api::CallStatus statusOf(SimOutcome outcome) {
  switch (outcome) {
    case SimOutcome::kNoAnswer:
      return api::CallStatus::kNoAnswer;
    case SimOutcome::kBusy:
      return api::CallStatus::kBusy;
    case SimOutcome::kFailed:
      return api::CallStatus::kFailed;
    default:
      return api::CallStatus::kCompleted;
  }
}

}  // namespace

bool isPlaced(SimOutcome outcome) {
  return outcome != SimOutcome::kRateLimited && outcome != SimOutcome::kRejected;
}

DialPlan planDial(const SimulatorConfig& config, std::string_view callId, int attempt) {
  const OutcomeWeights& w = config.outcomes;
  const std::pair<SimOutcome, double> all[] = {{SimOutcome::kCompleted, w.completed},
                                               {SimOutcome::kNoAnswer, w.noAnswer},
                                               {SimOutcome::kBusy, w.busy},
                                               {SimOutcome::kFailed, w.failed},
                                               {SimOutcome::kRateLimited, w.rateLimited},
                                               {SimOutcome::kRejected, w.rejected},
                                               {SimOutcome::kAmbiguous, w.ambiguous}};
  DialPlan plan;
  double total = 0;
  for (const auto& [outcome, weight] : all) total += weight;
  double point = unitHash(config.seed, callId, attempt, 1) * total;
  for (const auto& [outcome, weight] : all) {
    if (weight > 0) plan.outcome = outcome;  // rounding at the top end lands on the last one
  }
  for (const auto& [outcome, weight] : all) {
    if (weight > 0 && point < weight) {
      plan.outcome = outcome;
      break;
    }
    point -= weight;
  }
  if (plan.outcome == SimOutcome::kAmbiguous) {
    // The call rang anyway: how it ended follows the mix of the outcomes of placed calls.
    const double ringing = w.completed + w.noAnswer + w.busy + w.failed;
    double end = unitHash(config.seed, callId, attempt, 2) * ringing;
    plan.finalStatus = api::CallStatus::kCompleted;
    for (int i = 0; i < 4 && ringing > 0; ++i) {
      if (all[i].second > 0 && end < all[i].second) {
        plan.finalStatus = statusOf(all[i].first);
        break;
      }
      end -= all[i].second;
    }
  } else {
    plan.finalStatus = statusOf(plan.outcome);
  }
  plan.latencyMs = config.latencyMs;
  if (config.latencyJitterMs > 0) {
    plan.latencyMs += static_cast<int64_t>(unitHash(config.seed, callId, attempt, 3) *
                                           static_cast<double>(config.latencyJitterMs + 1));
  }
  return plan;
}

std::string makeProviderCallId(std::string_view callId, int attempt, int64_t placedAtMs) {
  return "sim_" + std::to_string(attempt) + "_" + std::to_string(placedAtMs) + "_" +
         std::string(callId);
}

std::optional<ParsedProviderCallId> parseProviderCallId(std::string_view id) {
  if (!id.starts_with("sim_")) return std::nullopt;
  id.remove_prefix(4);
  ParsedProviderCallId parsed;
  const auto readNumber = [&id](auto& out) {
    const auto end = id.find('_');
    if (end == std::string_view::npos) return false;
    auto [ptr, ec] = std::from_chars(id.data(), id.data() + end, out);
    if (ec != std::errc() || ptr != id.data() + end) return false;
    id.remove_prefix(end + 1);
    return true;
  };
  if (!readNumber(parsed.attempt) || !readNumber(parsed.placedAtMs) || id.empty()) {
    return std::nullopt;
  }
  parsed.callId = std::string(id);
  return parsed;
}

}  // namespace vo::simulator
